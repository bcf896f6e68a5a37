#include "render/patches.hpp"

#include <fmt/format.h>

namespace aiplat::render {
namespace {

std::string str(const catalog::Json& object, const char* pointer) {
  catalog::Json::json_pointer p(pointer);
  return object.contains(p) && object.at(p).is_string() ? object.at(p).get<std::string>() : std::string();
}

std::string describe_target(const catalog::PatchTarget& t) {
  std::string out;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", key, value);
  };
  add("apiVersion", t.api_version);
  add("kind", t.kind);
  add("name", t.name);
  add("namespace", t.namespace_);
  return "{" + out + "}";
}

}  // namespace

bool patch_matches(const catalog::PatchTarget& target, const catalog::Json& object) {
  if (!target.api_version.empty() && target.api_version != str(object, "/apiVersion")) return false;
  if (!target.kind.empty() && target.kind != str(object, "/kind")) return false;
  if (!target.name.empty() && target.name != str(object, "/metadata/name")) return false;
  if (!target.namespace_.empty() && target.namespace_ != str(object, "/metadata/namespace")) return false;
  return true;
}

Result<void> apply_patches(const std::vector<catalog::Patch>& patches, std::vector<catalog::Json>& objects) {
  std::vector<std::string> problems;
  for (const catalog::Patch& patch : patches) {
    int matched = 0;
    for (catalog::Json& object : objects) {
      if (!patch_matches(patch.target, object)) continue;
      object.merge_patch(patch.patch);
      ++matched;
    }
    if (matched == 0) {
      problems.push_back(fmt::format("{}: patch target {} matches no rendered object", patch.at.where(),
                                     describe_target(patch.target)));
    }
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
    return input_error(message);
  }
  return {};
}

}  // namespace aiplat::render

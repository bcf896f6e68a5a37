#include "render/manifests.hpp"

#include <fmt/format.h>

#include "util/yaml.hpp"

namespace aiplat::render {
namespace {

std::string string_at(const Json& object, const Json::json_pointer& ptr) {
  if (!object.contains(ptr)) return {};
  const Json& v = object.at(ptr);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// Checks one object, appending a problem for each missing identity field.
void check_object(const Json& object, const YamlDocument& doc, const std::string& pointer,
                  std::vector<std::string>& problems) {
  if (!object.is_object()) {
    problems.push_back(fmt::format("{}: a manifest document must be a mapping (a Kubernetes object)", doc.where(pointer)));
    return;
  }
  for (const char* field : {"/apiVersion", "/kind", "/metadata/name"}) {
    if (string_at(object, Json::json_pointer(field)).empty()) {
      problems.push_back(fmt::format("{}: object has no {}", doc.where(pointer), std::string(field).substr(1)));
    }
  }
}

}  // namespace

Result<std::vector<Json>> parse_manifests(std::string_view text, const std::string& file) {
  Result<std::vector<YamlDocument>> docs = parse_yaml_documents(text, file);
  if (!docs) return tl::unexpected(docs.error());
  std::vector<Json> out;
  std::vector<std::string> problems;
  for (const YamlDocument& doc : *docs) {
    if (doc.value.is_null()) continue;
    std::string kind = doc.value.is_object() ? string_at(doc.value, Json::json_pointer("/kind")) : "";
    // kubectl accepts v1 List (and FooList) documents; their items are the objects.
    if (kind.size() >= 4 && kind.ends_with("List") && doc.value.contains("items")) {
      const Json& items = doc.value["items"];
      if (!items.is_array()) {
        problems.push_back(fmt::format("{}: items of a {} must be a list", doc.where("/items"), kind));
        continue;
      }
      for (std::size_t i = 0; i < items.size(); ++i) {
        check_object(items[i], doc, fmt::format("/items/{}", i), problems);
        out.push_back(items[i]);
      }
      continue;
    }
    check_object(doc.value, doc, "", problems);
    out.push_back(doc.value);
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
    return input_error(message);
  }
  return out;
}

std::string describe_object(const Json& object) {
  std::string kind = string_at(object, Json::json_pointer("/kind"));
  std::string ns = string_at(object, Json::json_pointer("/metadata/namespace"));
  std::string name = string_at(object, Json::json_pointer("/metadata/name"));
  return ns.empty() ? fmt::format("{} {}", kind, name) : fmt::format("{} {}/{}", kind, ns, name);
}

}  // namespace aiplat::render

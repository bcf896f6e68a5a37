#include "util/image_ref.hpp"

#include <regex>

namespace aiplat {
namespace {

// Path components and tags as the OCI distribution spec defines them.
const std::regex k_component(R"([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)");
const std::regex k_tag(R"([A-Za-z0-9_][A-Za-z0-9._-]{0,127})");

bool looks_like_registry(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost";
}

}  // namespace

std::string ImageReference::str() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

bool is_valid_digest(std::string_view digest) {
  if (digest.size() != 71 || !digest.starts_with("sha256:")) return false;
  for (char c : digest.substr(7)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string digest_hex(std::string_view digest) {
  std::size_t colon = digest.find(':');
  return std::string(colon == std::string_view::npos ? digest : digest.substr(colon + 1));
}

Result<ImageReference> parse_image_reference(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return input_error("image reference \"" + std::string(text) + "\" " + why);
  };
  if (text.empty()) return bad("is empty");
  ImageReference ref;
  std::string rest(text);
  if (std::size_t at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
    if (!is_valid_digest(ref.digest)) return bad("has a digest that is not sha256: and 64 lower-case hex digits");
  }
  std::size_t slash = rest.find('/');
  if (slash != std::string::npos && looks_like_registry(std::string_view(rest).substr(0, slash))) {
    ref.registry = rest.substr(0, slash);
    rest = rest.substr(slash + 1);
  } else {
    ref.registry = "docker.io";
  }
  if (std::size_t colon = rest.rfind(':'); colon != std::string::npos) {
    ref.tag = rest.substr(colon + 1);
    rest.resize(colon);
    if (!std::regex_match(ref.tag, k_tag)) return bad("has an invalid tag \"" + ref.tag + "\"");
  }
  if (ref.registry == "index.docker.io") ref.registry = "docker.io";
  if (ref.registry == "docker.io" && rest.find('/') == std::string::npos) rest = "library/" + rest;
  if (rest.empty()) return bad("has no repository");
  std::size_t start = 0;
  while (true) {
    std::size_t end = rest.find('/', start);
    std::string part = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!std::regex_match(part, k_component)) {
      return bad("has a repository component \"" + part + "\" that is not lower-case letters, digits and separators");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  ref.repository = rest;
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

ImageReference rewrite_image_registry(const ImageReference& ref, std::string_view registry) {
  ImageReference out = ref;
  std::string target(registry);
  while (!target.empty() && target.back() == '/') target.pop_back();
  // A registry given with a path ("reg:5000/mirror") keeps the path in front of the repository.
  std::size_t slash = target.find('/');
  if (slash == std::string::npos) {
    out.registry = target;
  } else {
    out.registry = target.substr(0, slash);
    out.repository = target.substr(slash + 1) + "/" + ref.repository;
  }
  return out;
}

}  // namespace aiplat

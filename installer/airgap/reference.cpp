#include "airgap/reference.hpp"

#include <regex>

namespace aiplat::airgap {
namespace {

// Repository path components per the distribution spec.
const std::regex k_component(R"([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)");
const std::regex k_tag(R"([A-Za-z0-9_][A-Za-z0-9._-]{0,127})");

bool looks_like_registry(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost";
}

}  // namespace

std::string ImageRef::str() const {
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

std::string digest_hex(std::string_view digest) { return std::string(digest.substr(digest.find(':') + 1)); }

std::string registry_api_host(std::string_view registry) {
  if (registry == "docker.io" || registry == "index.docker.io") return "registry-1.docker.io";
  return std::string(registry);
}

Result<ImageRef> parse_image_ref(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return input_error("image reference \"" + std::string(text) + "\": " + why);
  };
  if (text.empty()) return bad("is empty");
  ImageRef ref;
  std::string rest(text);
  if (std::size_t at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest.resize(at);
    if (!is_valid_digest(ref.digest)) return bad("digest must be sha256: followed by 64 lower-case hex digits");
  }
  std::size_t slash = rest.find('/');
  if (slash != std::string::npos && looks_like_registry(std::string_view(rest).substr(0, slash))) {
    ref.registry = rest.substr(0, slash);
    rest = rest.substr(slash + 1);
  } else {
    ref.registry = "docker.io";
  }
  if (std::size_t colon = rest.rfind(':'); colon != std::string::npos && rest.find('/', colon) == std::string::npos) {
    ref.tag = rest.substr(colon + 1);
    rest.resize(colon);
    if (!std::regex_match(ref.tag, k_tag)) return bad("tag \"" + ref.tag + "\" is not valid");
  }
  if (ref.registry == "index.docker.io") ref.registry = "docker.io";
  if (ref.registry == "docker.io" && rest.find('/') == std::string::npos) rest = "library/" + rest;
  ref.repository = rest;
  if (rest.empty()) return bad("has no repository");
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('/', start);
    std::string part = rest.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!std::regex_match(part, k_component)) {
      return bad("repository component \"" + part + "\" must be lower-case letters, digits and separators");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

}  // namespace aiplat::airgap

#pragma once
// Image references ("registry/repo:tag@sha256:...") and digests, normalised the way
// container runtimes do (docker.io/library for bare names).
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace aiplat::airgap {

/// One parsed image reference. `tag` and `digest` may both be set.
struct ImageRef {
  std::string registry;    ///< "docker.io", "127.0.0.1:5000"
  std::string repository;  ///< "library/nginx"
  std::string tag;         ///< empty when only a digest is given
  std::string digest;      ///< "sha256:<64 hex>" or empty

  /// registry/repository[:tag][@digest]
  [[nodiscard]] std::string str() const;
  /// registry/repository
  [[nodiscard]] std::string name() const { return registry + "/" + repository; }
  /// The digest when pinned, else the tag ("latest" when neither was given).
  [[nodiscard]] std::string reference() const { return !digest.empty() ? digest : (tag.empty() ? "latest" : tag); }
};

/// Parses an image reference; a name without a registry means docker.io.
Result<ImageRef> parse_image_ref(std::string_view text);

/// True for "sha256:" followed by 64 lower-case hex digits (the only algorithm aiplat accepts).
bool is_valid_digest(std::string_view digest);

/// The hex part of a valid digest.
std::string digest_hex(std::string_view digest);

/// The host an API request goes to ("docker.io" -> "registry-1.docker.io").
std::string registry_api_host(std::string_view registry);

}  // namespace aiplat::airgap

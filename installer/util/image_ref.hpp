#pragma once
// Container image references and the one rule for moving them to another registry.
// Render rewrites references with it and the air-gap loader pushes images to the
// names it gives, so a rendered object always names an image the site registry has.
// The one parser of references in aiplat (render, air gap, conformance).
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace aiplat {

/// registry/repository[:tag][@digest], normalised the way container runtimes do.
struct ImageReference {
  std::string registry;    ///< "docker.io", "registry.k8s.io", "127.0.0.1:5000"
  std::string repository;  ///< "library/nginx", "kueue/kueue"
  std::string tag;         ///< "latest" when neither tag nor digest was given; empty with a bare digest
  std::string digest;      ///< "sha256:<64 hex>" or empty

  /// registry/repository[:tag][@digest]
  [[nodiscard]] std::string str() const;
  /// registry/repository
  [[nodiscard]] std::string name() const { return registry + "/" + repository; }
  /// What a registry is asked for: the digest when pinned, else the tag.
  [[nodiscard]] std::string reference() const { return !digest.empty() ? digest : (tag.empty() ? "latest" : tag); }
};

/// True for "sha256:" followed by 64 lower-case hex digits (the only algorithm aiplat accepts).
bool is_valid_digest(std::string_view digest);

/// The hex part of a digest ("sha256:ab.." -> "ab..").
std::string digest_hex(std::string_view digest);

/// Parses a reference; a first component without '.', ':' or "localhost" is a docker.io repository
/// ("nginx" -> docker.io/library/nginx:latest).
Result<ImageReference> parse_image_reference(std::string_view text);

/// The mirror rule: the source registry host is replaced by `registry` (which may carry a path,
/// "reg.local:5000/mirror"); repository, tag and digest are kept.
/// registry.k8s.io/kueue/kueue:v0.19.2 -> REG/kueue/kueue:v0.19.2.
ImageReference rewrite_image_registry(const ImageReference& ref, std::string_view registry);

}  // namespace aiplat

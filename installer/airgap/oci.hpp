#pragma once
// OCI and Docker schema 2 media types, descriptors, platforms, and walking a
// manifest to its children (an index to its manifests, an image to config and layers).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace aiplat::airgap {

inline constexpr std::string_view k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view k_oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view k_docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view k_docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";
/// The Accept header for manifest requests: every kind aiplat understands.
inline constexpr std::string_view k_manifest_accept =
    "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
/// Manifests larger than this are refused (the distribution spec suggests 4 MiB).
inline constexpr std::uint64_t k_max_manifest_size = 4 * 1024 * 1024;

/// os/architecture[/variant]
struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;

  [[nodiscard]] std::string str() const;
  /// True when `other` (from a descriptor) is this platform; an empty variant here matches any.
  [[nodiscard]] bool matches(const Platform& other) const;
};

/// Parses "linux/amd64" or "linux/arm64/v8".
Result<Platform> parse_platform(std::string_view text);

struct Descriptor {
  std::string media_type;
  std::string digest;
  std::uint64_t size = 0;
  std::optional<Platform> platform;
  nlohmann::json raw;  ///< the descriptor as it appeared, so rewriting an index keeps unknown fields
};

enum class ManifestKind { image, index, unknown };

/// Which kind a media type names.
ManifestKind manifest_kind(std::string_view media_type);

/// A manifest body with what it is.
struct Manifest {
  std::string media_type;
  std::string digest;  ///< sha256 of `body`
  std::string body;
};

/// Reads the descriptor fields of one JSON object; `where` names it in errors.
Result<Descriptor> parse_descriptor(const nlohmann::json& object, const std::string& where);

/// The children of a manifest: for an index its manifests, for an image its config then layers.
/// The media type comes from the body's mediaType when present, else from `media_type`.
Result<std::vector<Descriptor>> manifest_children(const Manifest& manifest);

/// The media type a manifest body declares, or `fallback` when it declares none.
std::string declared_media_type(std::string_view body, std::string_view fallback);

}  // namespace aiplat::airgap

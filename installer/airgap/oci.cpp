#include "airgap/oci.hpp"

#include "util/image_ref.hpp"

namespace aiplat::airgap {

std::string Platform::str() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

bool Platform::matches(const Platform& other) const {
  return os == other.os && architecture == other.architecture && (variant.empty() || variant == other.variant);
}

Result<Platform> parse_platform(std::string_view text) {
  Platform p;
  std::string s(text);
  std::size_t a = s.find('/');
  if (a == std::string::npos || a == 0) {
    return input_error("platform \"" + s + "\" must be os/architecture[/variant], e.g. linux/amd64");
  }
  p.os = s.substr(0, a);
  std::size_t b = s.find('/', a + 1);
  p.architecture = s.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) p.variant = s.substr(b + 1);
  if (p.architecture.empty() || p.variant.find('/') != std::string::npos) {
    return input_error("platform \"" + s + "\" must be os/architecture[/variant], e.g. linux/amd64");
  }
  return p;
}

ManifestKind manifest_kind(std::string_view media_type) {
  if (media_type == k_oci_index || media_type == k_docker_list) return ManifestKind::index;
  if (media_type == k_oci_manifest || media_type == k_docker_manifest) return ManifestKind::image;
  return ManifestKind::unknown;
}

Result<Descriptor> parse_descriptor(const nlohmann::json& object, const std::string& where) {
  if (!object.is_object()) return input_error(where + ": descriptor is not an object");
  Descriptor d;
  d.raw = object;
  if (object.contains("mediaType") && object["mediaType"].is_string()) d.media_type = object["mediaType"];
  if (!object.contains("digest") || !object["digest"].is_string() || !is_valid_digest(object["digest"].get<std::string>())) {
    return input_error(where + ": descriptor has no valid sha256 digest");
  }
  d.digest = object["digest"];
  // YAML-converted documents carry sizes as signed integers; accept any integer >= 0.
  if (!object.contains("size") || !object["size"].is_number_integer() || object["size"].get<std::int64_t>() < 0) {
    return input_error(where + ": descriptor " + d.digest + " has no size");
  }
  d.size = object["size"].get<std::uint64_t>();
  if (object.contains("platform") && object["platform"].is_object()) {
    const nlohmann::json& p = object["platform"];
    Platform platform;
    platform.os = p.value("os", "");
    platform.architecture = p.value("architecture", "");
    platform.variant = p.value("variant", "");
    d.platform = platform;
  }
  return d;
}

std::string declared_media_type(std::string_view body, std::string_view fallback) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string()) return doc["mediaType"];
  return std::string(fallback);
}

Result<std::vector<Descriptor>> manifest_children(const Manifest& manifest) {
  nlohmann::json doc = nlohmann::json::parse(manifest.body, nullptr, false);
  std::string where = "manifest " + manifest.digest;
  if (!doc.is_object()) return input_error(where + " is not a JSON object");
  std::string type = declared_media_type(manifest.body, manifest.media_type);
  std::vector<Descriptor> out;
  ManifestKind kind = manifest_kind(type);
  if (kind == ManifestKind::unknown) {
    // OCI allows an index or image without mediaType; tell them apart by shape.
    kind = doc.contains("manifests") ? ManifestKind::index : doc.contains("layers") ? ManifestKind::image : kind;
  }
  if (kind == ManifestKind::index) {
    if (!doc.contains("manifests") || !doc["manifests"].is_array()) return input_error(where + ": index has no manifests");
    for (std::size_t i = 0; i < doc["manifests"].size(); ++i) {
      auto d = parse_descriptor(doc["manifests"][i], where + " manifests[" + std::to_string(i) + "]");
      if (!d) return tl::unexpected(d.error());
      out.push_back(std::move(*d));
    }
    return out;
  }
  if (kind == ManifestKind::image) {
    if (!doc.contains("config")) return input_error(where + ": image manifest has no config");
    auto config = parse_descriptor(doc["config"], where + " config");
    if (!config) return tl::unexpected(config.error());
    out.push_back(std::move(*config));
    if (!doc.contains("layers") || !doc["layers"].is_array()) return input_error(where + ": image manifest has no layers");
    for (std::size_t i = 0; i < doc["layers"].size(); ++i) {
      auto d = parse_descriptor(doc["layers"][i], where + " layers[" + std::to_string(i) + "]");
      if (!d) return tl::unexpected(d.error());
      out.push_back(std::move(*d));
    }
    return out;
  }
  return input_error(where + ": unsupported media type \"" + type + "\" (schema 1 manifests are not supported)");
}

}  // namespace aiplat::airgap

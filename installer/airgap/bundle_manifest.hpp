#pragma once
// bundle.yaml, the root of trust of a bundle, and checksums.txt, which it pins.
// The format is described in docs/airgap.md and docs/adr/0001-bundle-format.md.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "airgap/oci.hpp"
#include "util/error.hpp"

namespace aiplat::airgap {

inline constexpr int k_bundle_format_version = 1;
inline constexpr std::string_view k_bundle_manifest = "bundle.yaml";
inline constexpr std::string_view k_bundle_checksums = "checksums.txt";
inline constexpr std::string_view k_bundle_signature = "signature";

struct BundleAddonEntry {
  std::string name;
  std::string version;
  std::string path;  ///< manifests/<NN>-<name>/objects.yaml
  std::size_t objects = 0;
};

struct BundleImage {
  std::string source;  ///< normalised reference; also the layout's ref.name
  std::string digest;  ///< of the root manifest in the layout
  std::string media_type;
  std::uint64_t size = 0;
  std::vector<std::string> platforms;
  bool filtered = false;  ///< platforms were left out, so the index digest differs from the source's
};

/// What a delta bundle (pack --since) leaves out.
struct BundleDelta {
  std::string base;  ///< "sha256:..." of the base bundle's bundle.yaml
  std::vector<std::string> base_repositories;
  std::vector<Descriptor> omitted;  ///< blobs the images need but the base carries
};

struct BundleManifest {
  int format_version = k_bundle_format_version;
  std::string profile;
  std::string kubernetes;
  nlohmann::json plan = nlohmann::json::object();
  std::vector<BundleAddonEntry> addons;
  std::vector<BundleImage> images;
  std::optional<BundleDelta> delta;
  std::string checksums;  ///< "sha256:..." of checksums.txt
  std::string created_by;

  [[nodiscard]] nlohmann::json to_json() const;
  [[nodiscard]] std::string to_yaml() const;
  /// Parses bundle.yaml; every problem is reported at once.
  static Result<BundleManifest> parse(std::string_view text);
};

/// sha256sum format ("<hex>  <path>\n"), sorted by path.
std::string format_checksums(const std::map<std::string, std::string>& hex_by_path);
/// Parses checksums.txt; rejects unsafe paths, duplicates and malformed lines.
Result<std::map<std::string, std::string>> parse_checksums(std::string_view text);

}  // namespace aiplat::airgap

#pragma once
// Packs a bundle: pulls the image closure into a staging OCI layout, writes the
// rendered objects per add-on, then streams everything into a zstd tar under a
// temporary name and renames it into place.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "airgap/bundle_manifest.hpp"
#include "airgap/image_pull.hpp"
#include "airgap/progress.hpp"
#include "airgap/registry_pool.hpp"

namespace aiplat::airgap {

/// One add-on's rendered objects, in apply order.
struct BundleAddon {
  std::string name;
  std::string version;
  std::vector<nlohmann::json> objects;
};

/// What goes into a bundle; the install pipeline fills it from the plan and render output.
struct BundleContents {
  std::string profile;
  std::string kubernetes_minor;
  nlohmann::json plan_summary = nlohmann::json::object();
  std::vector<BundleAddon> addons;
  std::vector<std::string> images;
};

struct PackOptions {
  std::filesystem::path output;     ///< *.aiplat.tar.zst
  std::string sign_key_pem;         ///< when set, the bundle is signed
  PullOptions pull;
  std::filesystem::path since;      ///< base bundle for a delta, or empty
  std::filesystem::path work_dir;   ///< staging area (manifests, spooled blobs); default: beside the output
  /// For the data that compresses at all (layers are compressed already and get stored).
  int zstd_level = 1;
  int zstd_threads = 0;             ///< zstd worker threads; 0: one per hardware thread
  /// Blobs pulled while another streams into the archive wait on disk, up to this many bytes;
  /// beyond it pulls wait for the archive. 0 streams strictly one blob at a time.
  std::uint64_t spool_limit = 0;
  std::string created_by;
};

struct PackResult {
  BundleManifest manifest;
  std::uint64_t archive_bytes = 0;
  std::uint64_t bytes_pulled = 0;
  std::size_t blobs = 0;
  std::size_t stored_frames = 0;  ///< zstd frames stored raw (they did not compress)
};

Result<PackResult> pack_bundle(const BundleContents& contents, RegistryPool& pool, const PackOptions& options,
                               Progress& progress);

}  // namespace aiplat::airgap

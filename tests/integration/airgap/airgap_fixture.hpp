#pragma once
// Shared pieces of the airgap integration tests: temp dirs, synthetic images,
// registry clients, raw archive editing for tampering cases, and running the binary.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "airgap/image_push.hpp"
#include "airgap/oci_layout.hpp"
#include "airgap/registry_pool.hpp"
#include "registry_process.hpp"
#include "support/temp_dir.hpp"
#include "util/process.hpp"

namespace aiplat::testing {

struct LayerSpec {
  std::uint64_t seed = 0;
  std::uint64_t size = 0;  ///< bytes of random file content inside the layer tar
};

struct ImageSpec {
  std::string repository;              ///< e.g. "app/one"
  std::string tag;
  std::vector<std::string> platforms;  ///< empty: one image manifest; else an index over these
  std::vector<LayerSpec> layers;       ///< layer 0 is shared by all platforms, the rest differ per platform
};

/// Builds an image (tar layers of random data, config, manifest[, index]) into `layout`,
/// names it "<registry>/<repository>:<tag>" in index.json, and returns its root descriptor.
airgap::Descriptor build_image(airgap::OciLayout& layout, const ImageSpec& spec, const std::string& registry);

/// Pushes every entry of `layout` named "<registry>/..." to that registry (plain HTTP).
void seed_registry(const airgap::OciLayout& layout, const std::string& registry);

/// Access settings for loopback registries spoken to over plain HTTP.
airgap::RegistryAccess plain_access(const std::vector<std::string>& insecure, int max_attempts = 3);

/// Repositories a registry lists.
std::vector<std::string> catalog_of(const std::string& registry, const airgap::RegistryAccess& access);

/// One entry of a raw tar, for building malicious archives.
struct RawEntry {
  std::string path;
  std::string data;
  std::string symlink;   ///< set: a symbolic link to this target
  std::string hardlink;  ///< set: a hard link to this path
};
std::vector<RawEntry> read_raw_archive(const std::string& path);
void write_raw_archive(const std::string& path, const std::vector<RawEntry>& entries);

/// Runs the built aiplat binary; DOCKER_CONFIG points at an empty dir unless `env` says otherwise.
ProcessResult run_aiplat(const std::vector<std::string>& args, const std::string& stdin_data = {},
                         std::map<std::string, std::string> env = {});

/// "reg/repo:tag@sha256:..." -> "reg/repo@sha256:..." (skopeo refuses tag and digest together).
std::string by_digest(const std::string& ref);

/// Runs a tool (skopeo, umoci, openssl) with a timeout.
ProcessResult run_tool(const std::vector<std::string>& argv, const std::string& cwd = {});

}  // namespace aiplat::testing

namespace aiplat::testing {

/// A source registry holding three synthetic images (two multi-arch sharing a base layer,
/// one single-arch) and an empty target registry, both in-memory on loopback.
class AirgapEnv {
 public:
  AirgapEnv();
  TempDir dir{"aiplat-airgap"};
  std::unique_ptr<RegistryProcess> source;
  std::unique_ptr<RegistryProcess> target;
  std::vector<std::string> images;  ///< references in the source registry

  [[nodiscard]] airgap::RegistryAccess access(int max_attempts = 3) const;
  /// Packs `images` (all by default) into dir/NAME with the library; returns the path.
  std::string pack(const std::string& name, std::vector<std::string> refs = {}, const std::string& since = {});
  [[nodiscard]] std::vector<std::string> target_catalog() const;
};

}  // namespace aiplat::testing

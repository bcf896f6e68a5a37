#pragma once
// An OCI image layout on disk: `oci-layout`, `index.json` whose entries carry
// org.opencontainers.image.ref.name, and `blobs/sha256/<hex>`, each blob stored once.
// Every write goes to a temporary name and is renamed into place.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "airgap/image_store.hpp"
#include "airgap/oci.hpp"
#include "util/error.hpp"

namespace aiplat::airgap {

inline constexpr std::string_view k_ref_name_annotation = "org.opencontainers.image.ref.name";

class OciLayout final : public ImageStore {
 public:
  /// Opens `dir` as a layout, creating `oci-layout` and `blobs/sha256` when missing.
  static Result<OciLayout> create(const std::filesystem::path& dir);
  /// Opens an existing layout; fails unless `oci-layout` says imageLayoutVersion 1.0.0.
  static Result<OciLayout> open(const std::filesystem::path& dir);

  [[nodiscard]] const std::filesystem::path& dir() const { return m_dir; }
  [[nodiscard]] std::filesystem::path blob_path(const std::string& digest) const;
  [[nodiscard]] bool has_blob(const std::string& digest) const override;
  /// Stores a small blob (a manifest or config) from memory; returns its digest.
  Result<std::string> put_blob(std::string_view content);
  /// Reads a blob of at most `max_size` bytes and checks its digest.
  Result<std::string> read_blob(const std::string& digest, std::uint64_t max_size = k_max_manifest_size) const;
  /// Streams a blob from disk and checks its size and digest.
  Result<void> verify_blob(const Descriptor& blob) const;

  /// The entries of index.json.
  [[nodiscard]] const std::vector<Descriptor>& manifests() const { return m_manifests; }
  /// The entry whose ref.name annotation is `ref_name`.
  [[nodiscard]] std::optional<Descriptor> find(const std::string& ref_name) const;
  /// Adds an index.json entry named `ref_name`, replacing one of the same name.
  void add_manifest(Descriptor manifest, const std::string& ref_name);
  /// Writes index.json atomically.
  Result<void> save_index() const;
  /// A manifest of the layout with its media type.
  Result<Manifest> read_manifest(const Descriptor& descriptor) const override;
  [[nodiscard]] BlobOpener blob_opener(const Descriptor& blob) const override;

 private:
  explicit OciLayout(std::filesystem::path dir) : m_dir(std::move(dir)) {}
  Result<void> load_index();
  std::filesystem::path m_dir;
  std::vector<Descriptor> m_manifests;
};

/// The ref.name annotation of an index.json entry, or empty.
std::string ref_name_of(const Descriptor& descriptor);

}  // namespace aiplat::airgap

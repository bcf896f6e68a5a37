#pragma once
// The images of a verified bundle, read in place for pushing: manifests from what
// verification kept in memory, each blob decoded from its own zstd frame, any number
// at once (one reader each). Nothing is unpacked to disk. Should the file have changed
// since it was verified, a blob is refused before its last byte leaves: its file's
// identity no longer matches, or (when verification could not vouch for the identity)
// it no longer hashes to its digest.
#include <filesystem>

#include "airgap/bundle_verify.hpp"
#include "airgap/image_store.hpp"

namespace aiplat::airgap {

class BundleImageStore final : public ImageStore {
 public:
  /// `bundle` must outlive the store.
  BundleImageStore(std::filesystem::path file, const VerifiedBundle& bundle)
      : m_file(std::move(file)), m_bundle(bundle) {}
  [[nodiscard]] bool has_blob(const std::string& digest) const override;
  Result<Manifest> read_manifest(const Descriptor& descriptor) const override;
  [[nodiscard]] BlobOpener blob_opener(const Descriptor& blob) const override;

 private:
  std::filesystem::path m_file;
  const VerifiedBundle& m_bundle;
};

}  // namespace aiplat::airgap

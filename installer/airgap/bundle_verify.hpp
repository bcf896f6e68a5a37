#pragma once
// Reads a bundle once, front to back: bundle.yaml, the signature and checksums.txt
// first, then every other entry hashed while it streams, nothing written anywhere.
// Nothing is trusted until the whole archive has been checked. The result says where
// each blob's data lies in the file, so load can push it straight from the bundle.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "airgap/bundle_manifest.hpp"
#include "airgap/zstd_frames.hpp"
#include "airgap/progress.hpp"
#include "util/file_identity.hpp"

namespace aiplat::airgap {

struct VerifyOptions {
  std::string public_key_pem;         ///< when set, a valid signature is required
  bool keep_manifests = false;        ///< keep the manifests/ entries in memory (install from a bundle)
};

enum class SignatureState { absent, unchecked, valid };

/// Where a blob's data lies in the bundle file: decode from `frame`, skip `skip` bytes.
/// aiplat starts a frame at every entry's data, so `skip` is 0 for the bundles it packs.
struct BlobLocation {
  FrameStart frame;
  std::uint64_t skip = 0;
};

struct VerifiedBundle {
  BundleManifest manifest;
  std::string manifest_digest;  ///< "sha256:..." of bundle.yaml
  SignatureState signature = SignatureState::absent;
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  std::map<std::string, std::uint64_t> blobs;  ///< images/blobs/sha256/* by digest, with sizes
  std::map<std::string, std::string> manifests;  ///< manifests/* path -> text, with keep_manifests
  std::map<std::string, BlobLocation> locations;  ///< of every blob, by digest
  std::map<std::string, std::string> json_blobs;  ///< image manifests and configs, by digest
  std::map<std::string, Descriptor> roots;        ///< images/index.json entry of each image, by source
  /// The file's identity while it was verified, when it had settled before (see
  /// util/file_identity.hpp). Load then trusts a blob whose file still has this identity
  /// instead of hashing it again; without it, every blob read whole is hashed again.
  std::optional<FileIdentity> settled_identity;
};

/// Verifies `file`.
Result<VerifiedBundle> verify_bundle(const std::filesystem::path& file, const VerifyOptions& options,
                                     Progress& progress);

}  // namespace aiplat::airgap

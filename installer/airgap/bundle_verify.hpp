#pragma once
// Reads a bundle once, front to back: bundle.yaml, the signature and checksums.txt
// first, then every other entry hashed while it streams (and, for load, written
// under a directory). Nothing is trusted until the whole archive has been checked.
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "airgap/bundle_manifest.hpp"
#include "airgap/progress.hpp"

namespace aiplat::airgap {

struct VerifyOptions {
  std::string public_key_pem;         ///< when set, a valid signature is required
  std::filesystem::path extract_to;   ///< when set, files are written under it (must be empty)
  bool keep_manifests = false;        ///< keep the manifests/ entries in memory (install from a bundle)
};

enum class SignatureState { absent, unchecked, valid };

struct VerifiedBundle {
  BundleManifest manifest;
  std::string manifest_digest;  ///< "sha256:..." of bundle.yaml
  SignatureState signature = SignatureState::absent;
  std::size_t files = 0;
  std::uint64_t bytes = 0;
  std::map<std::string, std::uint64_t> blobs;  ///< images/blobs/sha256/* by digest, with sizes
  std::map<std::string, std::string> manifests;  ///< manifests/* path -> text, with keep_manifests
};

/// Verifies `file`; on success with extract_to set, that directory holds the checked content.
Result<VerifiedBundle> verify_bundle(const std::filesystem::path& file, const VerifyOptions& options,
                                     Progress& progress);

}  // namespace aiplat::airgap

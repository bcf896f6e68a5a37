#pragma once
// Loads a bundle into a site registry: verify every byte first (hashing only, nothing
// unpacked), check the registry and its credentials, then push straight from the
// bundle file, skipping what the registry already has, and return the image map.
#include <filesystem>
#include <string>
#include <vector>

#include "airgap/bundle_verify.hpp"
#include "airgap/image_push.hpp"
#include "airgap/registry_pool.hpp"

namespace aiplat::airgap {

struct LoadOptions {
  std::string registry;             ///< "host[:port]" of the site registry
  std::string public_key_pem;       ///< when set, the signature must be valid
  int parallel = 8;
};

struct LoadResult {
  VerifiedBundle bundle;
  PushSummary push;
};

Result<LoadResult> load_bundle(const std::filesystem::path& file, RegistryPool& pool, const LoadOptions& options,
                               Progress& progress);

/// Where `source` goes in `registry`: same repository path and tag, digest kept.
ImageReference target_for(const ImageReference& source, const std::string& registry);

}  // namespace aiplat::airgap

#pragma once
// Pushes images from an OCI layout or a verified bundle into one registry: every distinct blob once
// (HEAD to skip what is there), the same blob in further repositories by
// cross-repository mount, then manifests children-first, in parallel.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "airgap/oci_layout.hpp"
#include "airgap/progress.hpp"
#include "airgap/registry_client.hpp"
#include "util/image_ref.hpp"

namespace aiplat::airgap {

struct PushItem {
  std::string source;  ///< the reference the image had where it came from
  Descriptor root;     ///< its entry in the layout's index.json
  ImageReference target;     ///< where it goes (registry, repository, tag)
};

struct PushOptions {
  int parallel = 8;
  /// Blobs the layout lacks on purpose (delta bundles): digest -> repository of the
  /// target registry that holds it (mounted from there), or empty when already in place.
  std::map<std::string, std::string> absent;
};

struct PushedImage {
  std::string source;
  std::string target;  ///< REG/repo:tag@sha256:...
  std::string digest;
};

struct PushSummary {
  std::vector<PushedImage> images;
  std::size_t blobs_pushed = 0;
  std::size_t blobs_present = 0;
  std::size_t blobs_mounted = 0;
  std::uint64_t bytes_pushed = 0;
};

/// Pushes `items` from `layout` (a layout or a bundle) through `target`.
Result<PushSummary> push_images(const ImageStore& layout, const std::vector<PushItem>& items, RegistryClient& target,
                                const PushOptions& options, Progress& progress);

/// For a delta bundle, before anything is pushed: finds each absent blob in the target registry,
/// in the repository that needs it or in one of `candidates` (then it will be mounted). Lists every
/// blob that is nowhere, at once.
Result<std::map<std::string, std::string>> locate_absent_blobs(
    const ImageStore& layout, const std::vector<PushItem>& items, const std::set<std::string>& absent,
    const std::vector<std::string>& candidates, RegistryClient& target, int parallel);

}  // namespace aiplat::airgap

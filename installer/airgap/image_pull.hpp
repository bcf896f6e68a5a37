#pragma once
// Copies images from registries into an OCI layout: manifests resolved first, then
// every distinct blob streamed once, in parallel, digest-verified on the way in.
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "airgap/oci.hpp"
#include "airgap/oci_layout.hpp"
#include "airgap/progress.hpp"
#include "airgap/registry_pool.hpp"
#include "util/image_ref.hpp"

namespace aiplat::airgap {

struct PullResult;

struct PullOptions {
  std::vector<Platform> platforms;  ///< keep only these from image indexes; empty keeps all
  std::string pull_mirror;          ///< pull every image from this registry (same repository path)
  int parallel = 8;
  std::set<std::string> skip_blobs;  ///< blobs a base bundle already holds (pack --since)
  /// Called once manifests are resolved and index.json written, before blobs move: the
  /// inventory and the blobs about to be fetched. An error stops the pull.
  std::function<Result<void>(const PullResult& planned, const std::vector<Descriptor>& fetching)> before_fetch;
  /// Moves one blob, on a worker thread; when unset, the blob is fetched into the layout.
  std::function<Result<void>(RegistryClient& client, const std::string& repo, const Descriptor& blob)> transfer;
};

struct PulledImage {
  std::string source;  ///< the normalised reference, also the layout's ref.name
  Descriptor root;     ///< what index.json names; a rewritten index when platforms were filtered
  std::vector<std::string> platforms;
  bool filtered = false;
  std::uint64_t size = 0;  ///< bytes of all manifests and blobs of the image
};

struct PullResult {
  std::vector<PulledImage> images;
  std::vector<Descriptor> omitted;  ///< blobs left out because the base holds them
  std::uint64_t bytes_pulled = 0;
};

/// Pulls `refs` into `layout` and records them in its index.json (saved).
Result<PullResult> pull_images(const std::vector<ImageReference>& refs, OciLayout& layout, RegistryPool& pool,
                               const PullOptions& options, Progress& progress);

/// Every manifest and blob reachable from `root` in a layout, manifests last-first
/// (children before the index that names them), blobs in order of first use.
struct ImageGraph {
  std::vector<Manifest> manifests;  ///< children first, root last
  std::vector<Descriptor> blobs;    ///< configs and layers, each once
};

/// Walks an image in a layout or bundle; a blob may be missing (delta bundles).
Result<ImageGraph> walk_image(const ImageStore& layout, const Descriptor& root);

}  // namespace aiplat::airgap

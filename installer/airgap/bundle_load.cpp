#include "airgap/bundle_load.hpp"

#include <map>
#include <set>

#include "airgap/bundle_images.hpp"

namespace aiplat::airgap {
namespace fs = std::filesystem;

ImageReference target_for(const ImageReference& source, const std::string& registry) {
  // The mirror rule install rewrites with; pushed by tag, the digest comes from the content.
  ImageReference t = rewrite_image_registry(source, registry);
  t.digest.clear();
  return t;
}

Result<LoadResult> load_bundle(const fs::path& file, RegistryPool& pool, const LoadOptions& options,
                               Progress& progress) {
  if (options.registry.empty()) return input_error("--registry is required");
  if (options.registry.find('/') != std::string::npos) {
    return input_error("--registry takes host[:port] (\"" + options.registry + "\" has a path)");
  }
  // 1. Every byte checked before anything leaves this machine. Nothing is unpacked: the
  // push reads each blob from its place in the bundle (and hashes it again on the way).
  VerifyOptions verify;
  verify.public_key_pem = options.public_key_pem;
  auto verified = verify_bundle(file, verify, progress);
  if (!verified) return tl::unexpected(verified.error());
  BundleImageStore store(file, *verified);
  if (!verified->settled_identity) {
    progress.note(file.string() + " changed moments before it was verified, so each blob is hashed again as it is pushed");
  }

  std::vector<PushItem> items;
  std::map<std::string, std::string> targets;  // repo:tag -> source
  std::string problems;
  for (const BundleImage& img : verified->manifest.images) {
    auto source = parse_image_reference(img.source);
    if (!source) return tl::unexpected(source.error());
    auto entry = verified->roots.find(img.source);
    if (entry == verified->roots.end()) return failure("images/index.json has no entry for " + img.source);
    ImageReference target = target_for(*source, options.registry);
    std::string key = target.repository + ":" + target.tag;
    if (!target.tag.empty()) {
      auto [it, inserted] = targets.emplace(key, img.source);
      if (!inserted) problems += "\n  " + img.source + " and " + it->second + " both map to " + target.str();
    }
    items.push_back({img.source, entry->second, target});
  }
  if (!problems.empty()) return input_error("images collide in the target registry:" + problems);

  // 2. The registry answers and takes our credentials.
  RegistryClient& target = pool.get(options.registry);
  auto ping = target.ping();
  if (!ping) return tl::unexpected(ping.error());

  // 3. A delta bundle needs its base's blobs in the registry already.
  PushOptions push;
  push.parallel = options.parallel;
  if (verified->manifest.delta) {
    std::set<std::string> absent;
    for (const auto& d : verified->manifest.delta->omitted) absent.insert(d.digest);
    std::vector<std::string> candidates = verified->manifest.delta->base_repositories;
    for (const auto& item : items) candidates.push_back(item.target.repository);
    auto homes = locate_absent_blobs(store, items, absent, candidates, target, options.parallel);
    if (!homes) return tl::unexpected(homes.error());
    push.absent = std::move(*homes);
  }

  // 4. Push.
  auto pushed = push_images(store, items, target, push, progress);
  if (!pushed) return tl::unexpected(pushed.error().with_context("loading into " + options.registry));
  return LoadResult{std::move(*verified), std::move(*pushed)};
}

}  // namespace aiplat::airgap

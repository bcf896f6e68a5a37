#include "airgap/bundle_load.hpp"

#include <unistd.h>

#include <map>
#include <set>

#include <fmt/format.h>

namespace aiplat::airgap {
namespace {

namespace fs = std::filesystem;

struct Workspace {
  fs::path dir;
  ~Workspace() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

}  // namespace

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
  Workspace work;
  std::error_code ec;
  fs::path base = options.work_dir.empty() ? fs::temp_directory_path(ec) : options.work_dir;
  work.dir = base / fmt::format("aiplat-load-{}-{}", ::getpid(), std::hash<std::string>{}(file.string()) % 100000);
  fs::remove_all(work.dir, ec);

  // 1. Every byte checked before anything leaves this machine.
  VerifyOptions verify{options.public_key_pem, work.dir};
  auto verified = verify_bundle(file, verify, progress);
  if (!verified) return tl::unexpected(verified.error());
  auto layout = OciLayout::open(work.dir / "images");
  if (!layout) return tl::unexpected(layout.error());

  std::vector<PushItem> items;
  std::map<std::string, std::string> targets;  // repo:tag -> source
  std::string problems;
  for (const BundleImage& img : verified->manifest.images) {
    auto source = parse_image_reference(img.source);
    if (!source) return tl::unexpected(source.error());
    auto entry = layout->find(img.source);
    if (!entry) return failure("images/index.json has no entry for " + img.source);
    ImageReference target = target_for(*source, options.registry);
    std::string key = target.repository + ":" + target.tag;
    if (!target.tag.empty()) {
      auto [it, inserted] = targets.emplace(key, img.source);
      if (!inserted) problems += "\n  " + img.source + " and " + it->second + " both map to " + target.str();
    }
    items.push_back({img.source, *entry, target});
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
    auto homes = locate_absent_blobs(*layout, items, absent, candidates, target, options.parallel);
    if (!homes) return tl::unexpected(homes.error());
    push.absent = std::move(*homes);
  }

  // 4. Push.
  auto pushed = push_images(*layout, items, target, push, progress);
  if (!pushed) return tl::unexpected(pushed.error().with_context("loading into " + options.registry));
  return LoadResult{std::move(*verified), std::move(*pushed)};
}

}  // namespace aiplat::airgap

#include "airgap/image_pull.hpp"

#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "airgap/parallel.hpp"
#include "util/sha256.hpp"

namespace aiplat::airgap {
namespace {

struct Resolved {
  PulledImage image;
  std::vector<Manifest> manifests;
  std::vector<Descriptor> blobs;
  std::string registry;
  std::string repo;
};

std::string platforms_text(const std::vector<Platform>& ps) {
  std::string out;
  for (const auto& p : ps) out += (out.empty() ? "" : ", ") + p.str();
  return out;
}

Result<void> add_image_blobs(const Manifest& m, Resolved& r) {
  auto children = manifest_children(m);
  if (!children) return tl::unexpected(children.error());
  for (auto& c : *children) r.blobs.push_back(std::move(c));
  return {};
}

Result<Resolved> resolve(const ImageReference& ref, RegistryPool& pool, const PullOptions& options) {
  Resolved r;
  r.registry = options.pull_mirror.empty() ? ref.registry : options.pull_mirror;
  r.repo = ref.repository;
  r.image.source = ref.str();
  RegistryClient& client = pool.get(r.registry);
  auto top = client.get_manifest(r.repo, ref.reference());
  if (!top) return tl::unexpected(top.error().with_context("pulling " + ref.str()));
  if (!ref.digest.empty() && top->digest != ref.digest) {
    return failure("pulling " + ref.str() + ": registry returned manifest " + top->digest);
  }
  ManifestKind kind = manifest_kind(top->media_type);
  if (kind == ManifestKind::image) {
    auto ok = add_image_blobs(*top, r);
    if (!ok) return tl::unexpected(ok.error().with_context("pulling " + ref.str()));
    r.image.root = Descriptor{top->media_type, top->digest, top->body.size(), std::nullopt, {}};
    r.manifests.push_back(std::move(*top));
    return r;
  }
  auto children = manifest_children(*top);
  if (!children) return tl::unexpected(children.error().with_context("pulling " + ref.str()));
  nlohmann::json index = nlohmann::json::parse(top->body);
  nlohmann::json kept = nlohmann::json::array();
  std::vector<Platform> available;
  for (const Descriptor& child : *children) {
    if (child.platform) available.push_back(*child.platform);
    bool wanted = options.platforms.empty();
    for (const auto& p : options.platforms) wanted = wanted || (child.platform && p.matches(*child.platform));
    if (!wanted) continue;
    auto m = client.get_manifest(r.repo, child.digest);
    if (!m) return tl::unexpected(m.error().with_context("pulling " + ref.str()));
    if (m->body.size() != child.size) {
      return failure("pulling " + ref.str() + ": manifest " + child.digest + " has a different size than the index says");
    }
    if (manifest_kind(m->media_type) == ManifestKind::image) {
      auto ok = add_image_blobs(*m, r);
      if (!ok) return tl::unexpected(ok.error().with_context("pulling " + ref.str()));
    }
    if (child.platform) r.image.platforms.push_back(child.platform->str());
    kept.push_back(child.raw);
    r.manifests.push_back(std::move(*m));
  }
  if (kept.empty()) {
    return input_error("pulling " + ref.str() + ": no manifest for platform " + platforms_text(options.platforms) +
                       " (the image has: " + platforms_text(available) + ")");
  }
  if (kept.size() != children->size()) {
    // Leaving platforms out changes the index, so it gets a new digest; children keep theirs.
    index["manifests"] = kept;
    Manifest filtered;
    filtered.media_type = top->media_type;
    filtered.body = index.dump();
    filtered.digest = "sha256:" + sha256_hex(filtered.body);
    r.image.filtered = true;
    *top = std::move(filtered);
  }
  r.image.root = Descriptor{top->media_type, top->digest, top->body.size(), std::nullopt, {}};
  r.manifests.push_back(std::move(*top));
  return r;
}

}  // namespace

Result<PullResult> pull_images(const std::vector<ImageReference>& refs, OciLayout& layout, RegistryPool& pool,
                               const PullOptions& options, Progress& progress) {
  std::vector<Resolved> resolved(refs.size());
  progress.phase("resolve", refs.size(), 0);
  auto ok = run_parallel(refs.size(), options.parallel, [&](std::size_t i) -> Result<void> {
    auto r = resolve(refs[i], pool, options);
    if (!r) return tl::unexpected(r.error());
    resolved[i] = std::move(*r);
    progress.item(refs[i].str(), 0, "resolved");
    return {};
  }, OnFailure::keep_going);
  progress.phase_done();
  if (!ok) return tl::unexpected(ok.error());

  // Each distinct blob once, from the first image that uses it.
  struct Job {
    Descriptor blob;
    std::string registry;
    std::string repo;
  };
  std::vector<Job> jobs;
  std::set<std::string> seen;
  PullResult result;
  std::uint64_t total = 0;
  for (Resolved& r : resolved) {
    for (const Manifest& m : r.manifests) {
      auto put = layout.put_blob(m.body);
      if (!put) return tl::unexpected(put.error());
      r.image.size += m.body.size();
    }
    for (const Descriptor& b : r.blobs) {
      r.image.size += b.size;
      if (!seen.insert(b.digest).second) continue;
      if (options.skip_blobs.count(b.digest)) {
        result.omitted.push_back(b);
        continue;
      }
      if (layout.has_blob(b.digest)) continue;
      jobs.push_back({b, r.registry, r.repo});
      total += b.size;
    }
  }
  // index.json and the inventory are known before any blob moves, so a caller can start
  // writing (bundle.yaml first) while the blobs are still arriving.
  result.bytes_pulled = total;
  for (Resolved& r : resolved) {
    layout.add_manifest(r.image.root, r.image.source);
    result.images.push_back(r.image);
  }
  auto saved = layout.save_index();
  if (!saved) return tl::unexpected(saved.error());
  if (options.before_fetch) {
    std::vector<Descriptor> fetching;
    for (const Job& j : jobs) fetching.push_back(j.blob);
    auto ready = options.before_fetch(result, fetching);
    if (!ready) return tl::unexpected(ready.error());
  }
  progress.phase("pull", jobs.size(), total);
  ok = run_parallel(jobs.size(), options.parallel, [&](std::size_t i) -> Result<void> {
    const Job& job = jobs[i];
    RegistryClient& client = pool.get(job.registry);
    auto fetched = options.transfer ? options.transfer(client, job.repo, job.blob)
                                    : client.fetch_blob(job.repo, job.blob, layout.blob_path(job.blob.digest));
    if (!fetched) return tl::unexpected(fetched.error());
    progress.item(job.blob.digest, job.blob.size, "pulled");
    return {};
  });
  progress.phase_done();
  if (!ok) return tl::unexpected(ok.error());
  return result;
}

Result<ImageGraph> walk_image(const ImageStore& layout, const Descriptor& root) {
  ImageGraph graph;
  std::set<std::string> seen;
  // Depth-first, children pushed before their parent so a registry never sees a dangling reference.
  std::function<Result<void>(const Descriptor&, int)> visit = [&](const Descriptor& d, int depth) -> Result<void> {
    if (depth > 4) return failure("image " + root.digest + " nests indexes too deeply");
    auto m = layout.read_manifest(d);
    if (!m) return tl::unexpected(m.error());
    auto children = manifest_children(*m);
    if (!children) return tl::unexpected(children.error());
    bool index = manifest_kind(m->media_type) == ManifestKind::index ||
                 (manifest_kind(m->media_type) == ManifestKind::unknown && m->body.find("\"manifests\"") != std::string::npos);
    for (const Descriptor& c : *children) {
      if (index) {
        if (seen.insert(c.digest).second) {
          auto r = visit(c, depth + 1);
          if (!r) return r;
        }
      } else if (seen.insert(c.digest).second) {
        graph.blobs.push_back(c);
      }
    }
    graph.manifests.push_back(std::move(*m));
    return {};
  };
  auto r = visit(root, 0);
  if (!r) return tl::unexpected(r.error());
  return graph;
}

}  // namespace aiplat::airgap

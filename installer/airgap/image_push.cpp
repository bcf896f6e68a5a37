#include "airgap/image_push.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

#include "airgap/image_pull.hpp"
#include "airgap/parallel.hpp"

namespace aiplat::airgap {
namespace {

struct Walked {
  const PushItem* item;
  ImageGraph graph;
};

Result<std::vector<Walked>> walk_all(const ImageStore& layout, const std::vector<PushItem>& items) {
  std::vector<Walked> out;
  for (const PushItem& item : items) {
    auto g = walk_image(layout, item.root);
    if (!g) return tl::unexpected(g.error().with_context("reading " + item.source + " from the layout"));
    out.push_back({&item, std::move(*g)});
  }
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> locate_absent_blobs(
    const ImageStore& layout, const std::vector<PushItem>& items, const std::set<std::string>& absent,
    const std::vector<std::string>& candidates, RegistryClient& target, int parallel) {
  auto walked = walk_all(layout, items);
  if (!walked) return tl::unexpected(walked.error());
  struct Need {
    std::string digest;
    std::string repo;
    std::string source;
  };
  std::vector<Need> needs;
  for (const Walked& w : *walked) {
    for (const Descriptor& b : w.graph.blobs) {
      if (absent.count(b.digest)) needs.push_back({b.digest, w.item->target.repository, w.item->source});
    }
  }
  std::mutex mutex;
  std::map<std::string, std::string> homes;
  std::vector<std::string> missing(needs.size());
  auto ok = run_parallel(needs.size(), parallel, [&](std::size_t i) -> Result<void> {
    const Need& n = needs[i];
    auto here = target.blob_exists(n.repo, n.digest);
    if (!here) return tl::unexpected(here.error());
    std::string home;
    if (!*here) {
      for (const std::string& c : candidates) {
        if (c == n.repo) continue;
        auto there = target.blob_exists(c, n.digest);
        if (!there) return tl::unexpected(there.error());
        if (*there) {
          home = c;
          break;
        }
      }
      if (home.empty()) {
        missing[i] = n.digest + " (layer of " + n.source + ")";
        return {};
      }
    }
    std::lock_guard lock(mutex);
    auto [it, inserted] = homes.emplace(n.digest, home);
    if (!inserted && !home.empty() && it->second.empty()) it->second = home;
    return {};
  }, OnFailure::stop);
  if (!ok) return tl::unexpected(ok.error());
  std::string list;
  std::size_t count = 0;
  for (const auto& m : missing) {
    if (m.empty()) continue;
    ++count;
    list += "\n  " + m;
  }
  if (count > 0) {
    return input_error("this is a delta bundle and " + std::to_string(count) + " blob(s) it leaves out are not in " +
                       target.registry() + "; load the base bundle first:" + list);
  }
  return homes;
}

Result<PushSummary> push_images(const ImageStore& layout, const std::vector<PushItem>& items, RegistryClient& target,
                                const PushOptions& options, Progress& progress) {
  auto walked = walk_all(layout, items);
  if (!walked) return tl::unexpected(walked.error());

  // Wave 1: each distinct blob into the first repository that needs it. Wave 2: mounts elsewhere.
  struct Job {
    Descriptor blob;
    std::string repo;
    std::string mount_from;
  };
  std::vector<Job> first, mounts;
  std::map<std::string, std::string> home;  // digest -> first repository
  std::set<std::pair<std::string, std::string>> seen;
  std::uint64_t total = 0;
  for (const Walked& w : *walked) {
    const std::string& repo = w.item->target.repository;
    for (const Descriptor& b : w.graph.blobs) {
      if (!seen.insert({b.digest, repo}).second) continue;
      if (auto a = options.absent.find(b.digest); a != options.absent.end()) {
        // Held by the target already (delta bundle): mount it from where it was found, if elsewhere.
        if (!a->second.empty() && a->second != repo) mounts.push_back({b, repo, a->second});
        continue;
      }
      if (!layout.has_blob(b.digest)) {
        return failure("the layout lacks blob " + b.digest + " of " + w.item->source);
      }
      auto [it, inserted] = home.emplace(b.digest, repo);
      if (inserted) {
        first.push_back({b, repo, ""});
        total += b.size;
      } else {
        mounts.push_back({b, repo, it->second});
      }
    }
  }
  PushSummary summary;
  std::mutex mutex;
  auto count = [&](BlobPush what, const Job& job) {
    std::lock_guard lock(mutex);
    const char* status = "pushed";
    if (what == BlobPush::pushed) {
      ++summary.blobs_pushed;
      summary.bytes_pushed += job.blob.size;
    } else if (what == BlobPush::mounted) {
      ++summary.blobs_mounted;
      status = "mounted";
    } else {
      ++summary.blobs_present;
      status = "present";
    }
    progress.item(job.repo + "@" + job.blob.digest, job.blob.size, status);
  };
  auto run_wave = [&](const std::vector<Job>& jobs) {
    return run_parallel(jobs.size(), options.parallel, [&](std::size_t i) -> Result<void> {
      const Job& job = jobs[i];
      auto r = target.push_blob(job.repo, job.blob, layout.blob_opener(job.blob), job.mount_from);
      if (!r) return tl::unexpected(r.error());
      count(*r, job);
      return {};
    });
  };
  // Largest first, so the last transfers in flight are short ones and the pool ends together.
  std::stable_sort(first.begin(), first.end(), [](const Job& a, const Job& b) { return a.blob.size > b.blob.size; });
  progress.phase("push", first.size() + mounts.size(), total);
  auto ok = run_wave(first);
  if (ok) ok = run_wave(mounts);
  progress.phase_done();
  if (!ok) return tl::unexpected(ok.error());

  progress.phase("manifests", walked->size(), 0);
  std::vector<PushedImage> pushed(walked->size());
  ok = run_parallel(walked->size(), options.parallel, [&](std::size_t i) -> Result<void> {
    const Walked& w = (*walked)[i];
    const std::string& repo = w.item->target.repository;
    for (std::size_t m = 0; m < w.graph.manifests.size(); ++m) {
      const Manifest& manifest = w.graph.manifests[m];
      bool root = m + 1 == w.graph.manifests.size();
      std::string reference = root && !w.item->target.tag.empty() ? w.item->target.tag : manifest.digest;
      auto put = target.put_manifest(repo, reference, manifest);
      if (!put) return tl::unexpected(put.error());
    }
    ImageReference done = w.item->target;
    done.digest = w.item->root.digest;
    pushed[i] = PushedImage{w.item->source, done.str(), w.item->root.digest};
    progress.item(done.str(), 0, "pushed");
    return {};
  });
  progress.phase_done();
  if (!ok) return tl::unexpected(ok.error());
  summary.images = std::move(pushed);
  return summary;
}

}  // namespace aiplat::airgap

#include "render/helm_pull.hpp"

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include <fmt/format.h>

#include "render/source_cache.hpp"
#include "util/sha256.hpp"

namespace aiplat::render {
namespace {

namespace fsys = std::filesystem;
constexpr auto k_pull_timeout = std::chrono::minutes(5);

std::string expected_hex(const catalog::Source& source) {
  if (source.digest.starts_with("sha256:")) return source.digest.substr(7);
  return {};
}

// A fresh folder name, unique across threads and processes sharing the cache.
std::string unique_name() {
  static std::atomic<int> counter{0};
  return fmt::format("pull-{}-{}", ::getpid(), counter++);
}

}  // namespace

std::string helm_binary(const RenderOptions& options) { return options.helm.empty() ? "helm" : options.helm; }

std::map<std::string, std::string> helm_env(const RenderOptions& options) {
  const SourceCache cache(options.cache_dir);
  return {{"HELM_CACHE_HOME", cache.helm_home() + "/cache"}};
}

std::string chart_reference(const catalog::Source& source, const std::string& mirror) {
  std::string repo = mirrored_url(source.repo, mirror);
  while (!repo.empty() && repo.back() == '/') repo.pop_back();
  if (repo.starts_with("oci://")) return repo + "/" + source.chart;
  return repo + " " + source.chart;
}

Result<PulledChart> pull_chart(const catalog::Source& source, const RenderOptions& options) {
  const SourceCache cache(options.cache_dir);
  // The cache key is the upstream coordinates, not the mirror: a mirror serves the same archive.
  const std::string key = sha256_hex(source.repo + "\n" + source.chart + "\n" + source.version);
  const std::string archive = cache.charts_dir() + "/" + key + ".tgz";
  const std::string recorded = archive + ".sha256";  // what the archive hashed to when it was pulled
  const std::string want = expected_hex(source);
  const std::string what = fmt::format("chart {} {} from {}", source.chart, source.version, source.repo);

  if (std::optional<std::string> bytes = read_cached_file(archive)) {
    std::string hex = sha256_hex(*bytes);
    std::optional<std::string> seen = read_cached_file(recorded);
    bool intact = want.empty() ? (seen && *seen == hex) : hex == want;
    if (intact) return PulledChart{archive, hex};
    std::error_code ec;
    fsys::remove(archive, ec);  // corrupt or stale: pull again
  }

  std::error_code ec;
  const std::string work = cache.charts_dir() + "/" + unique_name();
  fsys::create_directories(work, ec);
  if (ec) return failure(fmt::format("cannot create {}: {}", work, ec.message()));
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code e;
      fsys::remove_all(dir, e);
    }
  } cleanup{work};

  ProcessSpec spec;
  spec.argv = {helm_binary(options), "pull"};
  std::string repo = mirrored_url(source.repo, options.source_mirror);
  while (!repo.empty() && repo.back() == '/') repo.pop_back();
  if (repo.starts_with("oci://")) {
    spec.argv.push_back(repo + "/" + source.chart);
    // An oci:// reference has no scheme of its own for plain HTTP; an http:// mirror says it.
    if (options.source_mirror.starts_with("http://")) spec.argv.push_back("--plain-http");
  } else {
    spec.argv.insert(spec.argv.end(), {source.chart, "--repo", repo});
  }
  spec.argv.insert(spec.argv.end(), {"--version", source.version, "--destination", work});
  spec.env = helm_env(options);
  spec.timeout = k_pull_timeout;
  std::shared_ptr<ProcessRunner> runner = options.runner ? options.runner : make_posix_runner();
  Result<ProcessResult> ran = runner->run(spec);
  if (!ran) {
    return failure(fmt::format("cannot run {} to pull the {}: {}; pass --helm PATH or put helm in PATH",
                               spec.argv[0], what, ran.error().message));
  }
  std::string via = options.source_mirror.empty() ? "" : " (via the mirror as " + chart_reference(source, options.source_mirror) + ")";
  if (ran->exit_code != 0) {
    std::string err = ran->timed_out ? "timed out" : ran->err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return failure(fmt::format("{}: cannot pull {}{}: helm: {}; {}", source.at.where(), what, via, err,
                               unreachable_advice(fmt::format("place the archive at {}{}", archive,
                                                              want.empty() ? " with its sha256 in " + recorded : ""))));
  }
  std::string pulled;
  for (const fsys::directory_entry& e : fsys::directory_iterator(work, ec)) {
    if (e.path().extension() == ".tgz") pulled = e.path().string();
  }
  if (pulled.empty()) return failure(fmt::format("helm pull of {} wrote no .tgz into {}", what, work));
  std::optional<std::string> bytes = read_cached_file(pulled);
  if (!bytes) return failure(fmt::format("cannot read {}", pulled));
  std::string hex = sha256_hex(*bytes);
  if (!want.empty() && hex != want) {
    return input_error(fmt::format("{}: digest mismatch for {}{}: expected sha256:{}, got sha256:{}",
                                   source.at.where(), what, via, want, hex));
  }
  if (want.empty() && options.log != nullptr) {
    options.log->warn(fmt::format("{}: {} is not pinned (digest: unknown); it had sha256:{} - pin it in the catalog",
                                  source.at.where(), what, hex));
  }
  if (Result<void> r = write_file_atomic(recorded, hex); !r) return tl::unexpected(r.error());
  fsys::rename(pulled, archive, ec);
  if (ec) return failure(fmt::format("cannot move {} to {}: {}", pulled, archive, ec.message()));
  return PulledChart{archive, hex};
}

}  // namespace aiplat::render

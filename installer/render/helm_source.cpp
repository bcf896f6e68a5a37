#include "render/helm_source.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include <fmt/format.h>

#include "render/helm_pull.hpp"
#include "render/parsed_cache.hpp"
#include "render/values.hpp"
#include "util/yaml.hpp"

namespace aiplat::render {
namespace {

constexpr auto k_template_timeout = std::chrono::minutes(3);

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

// `helm template` of the pulled chart, parsed.
Result<std::vector<Json>> template_chart(const catalog::Source& source, const PulledChart& chart, const Json& values,
                                         const std::string& release, const std::string& ns,
                                         const std::string& kube_version, const std::string& what,
                                         const RenderOptions& options) {
  // helm reads values from a file; a unique name keeps parallel renders apart.
  static std::atomic<int> counter{0};
  std::error_code ec;
  const std::string tmp_dir = options.cache_dir + "/tmp";
  std::filesystem::create_directories(tmp_dir, ec);
  if (ec) return failure(fmt::format("cannot create {}: {}", tmp_dir, ec.message()));
  const std::string values_file = fmt::format("{}/values-{}-{}.yaml", tmp_dir, ::getpid(), counter++);
  if (Result<void> w = write_file_atomic(values_file, to_yaml(values)); !w) return tl::unexpected(w.error());
  struct Cleanup {
    std::string file;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove(file, e);
    }
  } cleanup{values_file};

  ProcessSpec spec;
  spec.argv = {helm_binary(options), "template", release, chart.path, "--values", values_file,
               "--kube-version", kube_version, "--skip-tests"};
  if (!ns.empty()) spec.argv.insert(spec.argv.end(), {"--namespace", ns});
  if (source.include_crds) spec.argv.push_back("--include-crds");
  spec.env = helm_env(options);
  spec.timeout = k_template_timeout;
  std::shared_ptr<ProcessRunner> runner = options.runner ? options.runner : make_posix_runner();
  Result<ProcessResult> ran = runner->run(spec);
  if (!ran) {
    return failure(fmt::format("cannot run {} to render {}: {}; pass --helm PATH or put helm in PATH", spec.argv[0],
                               what, ran.error().message));
  }
  if (ran->exit_code != 0) {
    return input_error(fmt::format("{}: helm template of {} failed: {}", source.at.where(), what,
                                   ran->timed_out ? std::string("timed out") : trimmed(ran->err)));
  }
  auto objects = parse_manifests(ran->out, "helm template " + what);
  if (!objects) return tl::unexpected(objects.error().with_context(source.at.where()));
  return objects;
}

// Which helm renders: its resolved path, size and modification time, so a new helm renders afresh.
std::string helm_identity(const std::string& binary) {
  std::string path = binary.find('/') == std::string::npos ? find_in_path(binary) : binary;
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return "helm " + binary + " (not found)";
  return fmt::format("helm {} {} {}.{}", path, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

}  // namespace

Result<SourceOutput> render_helm_source(const catalog::Source& source, const catalog::PlanStep& step,
                                        const RenderOptions& options) {
  if (options.catalog_fs == nullptr) return failure("render: no catalog file system given");
  Result<catalog::Json> values = helm_values(source, step, options.profiles, *options.catalog_fs, options.catalog_root);
  if (!values) return tl::unexpected(values.error());
  Result<PulledChart> chart = pull_chart(source, options);
  if (!chart) return tl::unexpected(chart.error());

  const std::string release = source.release_name.empty() ? step.name : source.release_name;
  const std::string ns = step.addon ? step.addon->namespace_ : std::string();
  const std::string kube_version = options.minor.to_string() + ".0";
  const std::string what = fmt::format("chart {} {}", source.chart, source.version);
  std::vector<std::string> key{"helm",  chart->sha256, values->dump(), release, ns, kube_version,
                               source.include_crds ? "crds" : "", helm_identity(helm_binary(options))};
  auto objects = parse_cached(options.cache_dir, key, [&]() -> Result<std::vector<Json>> {
    return template_chart(source, *chart, *values, release, ns, kube_version, what, options);
  });
  if (!objects) return tl::unexpected(objects.error());
  return SourceOutput{fmt::format("helm:{}/{}@{}", source.repo, source.chart, source.version), chart->sha256,
                      std::move(*objects)};
}

}  // namespace aiplat::render

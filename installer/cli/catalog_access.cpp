#include "cli/catalog_access.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "catalog/layering.hpp"
#include "catalog/solver.hpp"
#include "util/fs.hpp"

namespace aiplat {

catalog::LoadReport load_cli_catalog_report(const CliContext& ctx) {
  if (!ctx.global.catalog_dir.empty()) {
    RealFs fs;
    return catalog::load_catalog(fs, ctx.global.catalog_dir);
  }
  std::unique_ptr<MemoryFs> fs = catalog::embedded_catalog_fs();
  return catalog::load_catalog(*fs, "");
}

Result<catalog::Catalog> load_cli_catalog(const CliContext& ctx) {
  catalog::LoadReport report = load_cli_catalog_report(ctx);
  if (!report.ok()) {
    std::string which = ctx.global.catalog_dir.empty() ? "the built-in catalog" : "catalog " + ctx.global.catalog_dir;
    return input_error(fmt::format("{} has {} problem{}:\n{}\n(`aiplat catalog lint` lists them again after a fix)",
                                   which, report.problems.size(), report.problems.size() == 1 ? "" : "s",
                                   report.message()));
  }
  return std::move(report.catalog);
}

Result<catalog::Plan> plan_from_flags(const CliContext&, const catalog::Catalog& cat,
                                      const std::vector<std::string>& profiles, const std::string& kubernetes) {
  RealFs fs;
  Result<catalog::Profile> profile = catalog::layer_profiles(cat, profiles, fs);
  if (!profile) return tl::unexpected(profile.error());
  catalog::SolveOptions options;
  if (!kubernetes.empty()) {
    Result<catalog::KubeMinor> minor = catalog::parse_kube_minor(kubernetes);
    if (!minor) return tl::unexpected(minor.error().with_context("--kubernetes"));
    options.minor = *minor;
  }
  return catalog::solve(cat, *profile, options);
}

Result<std::string> output_format(const CliContext& ctx, const std::string& command,
                                  const std::vector<std::string>& allowed, const std::string& fallback) {
  const std::string& o = ctx.global.output;
  if (o.empty()) return fallback;
  if (std::find(allowed.begin(), allowed.end(), o) != allowed.end()) return o;
  std::string all;
  for (const std::string& a : allowed) all += (all.empty() ? "" : ", ") + a;
  return input_error(fmt::format("{}: -o {} is not supported (use one of: {})", command, o, all));
}

CatalogFiles::CatalogFiles(const CliContext& ctx) : m_root(ctx.global.catalog_dir) {
  if (m_root.empty()) m_embedded = catalog::embedded_catalog_fs();
}

}  // namespace aiplat

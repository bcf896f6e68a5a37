// `aiplat diff --profile P`: kubectl diff semantics (exit 0 no changes, 1 changes, >1 error).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "actions/diff.hpp"
#include "catalog/layering.hpp"
#include "cli/catalog_access.hpp"
#include "cli/context.hpp"

namespace aiplat {
namespace {

struct DiffFlags {
  std::vector<std::string> profiles;
  std::string source_mirror;
  std::string helm;
  bool force_conflicts = false;
};

Result<int> diff(CliContext& ctx, const DiffFlags& flags) {
  Result<catalog::Catalog> cat = load_cli_catalog(ctx);
  if (!cat) return tl::unexpected(cat.error());
  RealFs disk;
  Result<catalog::Profile> profile = catalog::layer_profiles(*cat, flags.profiles, disk);
  if (!profile) return tl::unexpected(profile.error());
  actions::InstallOptions options;
  CatalogFiles catalog_files(ctx);
  options.catalog_fs = catalog_files.fs();
  options.catalog_root = catalog_files.root();
  options.catalog = &*cat;
  options.profile = std::move(*profile);
  options.adopt.kubeconfig = ctx.global.kubeconfig;
  options.adopt.context = ctx.global.context;
  options.adopt.certificate_authority = ctx.global.certificate_authority;
  options.adopt.insecure_skip_tls_verify = ctx.global.insecure_skip_tls_verify;
  options.adopt.env = ctx.env;
  options.adopt.log = ctx.log.get();
  options.source_mirror = flags.source_mirror;
  options.helm = flags.helm;
  options.force = flags.force_conflicts ? kube::Force::yes : kube::Force::no;
  options.tooling = std::string("aiplat/") + AIPLAT_VERSION;
  auto result = actions::run_diff(options, *ctx.log);
  // kubectl diff: any error exits above 1, so scripts can tell it from "changes".
  if (!result) {
    ctx.log->error(result.error().message);
    return result.error().kind == ErrorKind::cancelled ? 130 : 2;
  }
  ctx.streams.out << result->text;
  if (result->hooks_run + result->hooks_set_aside > 0 && !ctx.global.quiet) {
    // Hooks are re-created by each install (before-hook-creation), so a diff of them says nothing.
    ctx.streams.err << fmt::format("note: {} Helm hook(s) not compared (install runs them around their add-ons); "
                                   "{} delete, rollback or test hook(s) set aside, never applied\n",
                                   result->hooks_run, result->hooks_set_aside);
  }
  return result->changed ? 1 : 0;
}

}  // namespace

void add_diff_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<DiffFlags>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "Show what install would change on the cluster (exit 0 none, 1 changes, >1 error), like kubectl diff");
  cmd->add_option("--profile", flags->profiles, "Profile name or file; repeat to layer")->required()->expected(1)->take_all();
  cmd->add_option("--source-mirror", flags->source_mirror, "Fetch upstream URLs and charts through this mirror prefix");
  cmd->add_option("--helm", flags->helm, "The helm binary to render charts with");
  cmd->add_flag("--force-conflicts", flags->force_conflicts, "Diff as if install took over conflicting fields");
  cmd->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return diff(ctx, *flags); }; });
}

}  // namespace aiplat

// `aiplat render --profile P [--profile P2] [--kubernetes 1.3x] --out DIR [--git] [--source-mirror URL]
//  [--helm PATH] [--image-registry REG]`: the platform as files for GitOps, no cluster needed.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "actions/render.hpp"
#include "catalog/loader.hpp"
#include "cli/catalog_access.hpp"
#include "cli/context.hpp"
#include "util/table.hpp"

namespace aiplat {
namespace {

struct RenderFlags {
  std::vector<std::string> profiles;
  std::string kubernetes;
  std::string out;
  bool git = false;
  std::string source_mirror;
  std::string helm;
  std::string image_registry;
};

Result<int> render_command(CliContext& ctx, const RenderFlags& flags) {
  Result<std::string> format = output_format(ctx, "render", {"table"}, "table");
  if (!format) return tl::unexpected(format.error());
  Result<catalog::Catalog> cat = load_cli_catalog(ctx);
  if (!cat) return tl::unexpected(cat.error());
  Result<catalog::Plan> plan = plan_from_flags(ctx, *cat, flags.profiles, flags.kubernetes);
  if (!plan) return tl::unexpected(plan.error());

  actions::RenderPlatformOptions options;
  options.out_dir = flags.out;
  options.git = flags.git ? actions::GitCommit::yes : actions::GitCommit::no;
  render::RenderOptions& ro = options.render;
  CatalogFiles catalog_files(ctx);
  ro.catalog_fs = catalog_files.fs();
  ro.catalog_root = catalog_files.root();
  ro.profiles = plan->profiles;
  ro.minor = plan->minor;
  ro.source_mirror = flags.source_mirror.empty() ? plan->source_mirror : flags.source_mirror;
  ro.cache_dir = render::default_cache_dir(ctx.env);
  ro.helm = flags.helm;
  // The profile's registry applies when it asks for render-time rewriting; the flag always wins.
  if (!flags.image_registry.empty()) ro.image_registry = flags.image_registry;
  else if (plan->image_redirection == "rewrite") ro.image_registry = plan->registry.mirror;
  ro.log = ctx.log.get();

  Result<actions::RenderPlatformResult> result = actions::render_platform(*plan, options);
  if (!result) return tl::unexpected(result.error());
  Table t({"FOLDER", "ADD-ON", "VERSION", "MODE", "OBJECTS", "HOOKS", "IMAGES"});
  std::size_t objects = 0;
  std::size_t hooks = 0;
  for (const actions::RenderedFolder& f : result->folders) {
    t.add_row({f.folder, f.name, f.version, f.mode.empty() ? "-" : f.mode, std::to_string(f.objects),
               std::to_string(f.hooks), std::to_string(f.images)});
    objects += f.objects;
    hooks += f.hooks;
  }
  if (!ctx.global.quiet) ctx.streams.out << t.render();
  ctx.streams.out << fmt::format("Rendered {} add-on{} ({} objects) for {} on Kubernetes {} into {}\n",
                                 result->folders.size(), result->folders.size() == 1 ? "" : "s", objects,
                                 plan->profile, plan->minor.to_string(), flags.out);
  if (hooks > 0) {
    ctx.streams.out << fmt::format("{} Helm hook{} written apart in <folder>/hooks/ (not in the kustomizations; "
                                   "`aiplat install` runs them as Helm does)\n",
                                   hooks, hooks == 1 ? "" : "s");
  }
  if (flags.git) {
    if (result->changed) ctx.streams.out << "Committed " << result->commit.substr(0, 12) << "\n";
    else ctx.streams.out << "Nothing changed since the last commit; no commit made\n";
  }
  return 0;
}

}  // namespace

void add_render_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<RenderFlags>();
  CLI::App* cmd = app.add_subcommand(
      "render", "Write the platform as files, one folder per add-on with a kustomization.yaml (GitOps; no cluster needed)");
  cmd->add_option("--profile", flags->profiles,
                  "Profile name from the catalog, or a path to a profile file; repeat to layer (later wins)")
      ->required()
      ->expected(1)
      ->take_all();
  cmd->add_option("--kubernetes", flags->kubernetes, "Kubernetes minor to render for, e.g. 1.35 (default: the profile's)");
  cmd->add_option("--out", flags->out, "Output folder; folders of an earlier render are replaced")->required();
  cmd->add_flag("--git", flags->git, "Make the output folder a git repository and commit each render that changes it");
  cmd->add_option("--source-mirror", flags->source_mirror,
                  "Fetch upstream URLs and charts through this mirror prefix (default: the profile's)");
  cmd->add_option("--helm", flags->helm, "The helm binary to render charts with (default: helm from PATH)");
  cmd->add_option("--image-registry", flags->image_registry,
                  "Rewrite image references to this registry (default: the profile's mirror when it asks for rewrite)");
  cmd->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return render_command(ctx, *flags); }; });
}

}  // namespace aiplat

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "actions/airgap_pack.hpp"
#include "airgap/bundle_inputs.hpp"
#include "airgap/bundle_pack.hpp"
#include "catalog/loader.hpp"
#include "cli/airgap_common.hpp"
#include "cli/catalog_access.hpp"

namespace aiplat {
namespace {

struct PackFlags {
  std::vector<std::string> profiles;
  std::string kubernetes;
  std::string source_mirror;
  std::string helm;
  std::string images_file;
  std::vector<std::string> images;
  std::string manifests_dir;
  std::string output;
  std::string sign_key;
  std::vector<std::string> platforms;
  std::string pull_mirror;
  std::string since;
  std::string work_dir;
  int zstd_level = 1;
  int zstd_threads = 0;
  RegistryFlags reg;
};

/// Explicit credentials must name one registry: the mirror, or the only source registry.
Result<std::string> credentials_target(const PackFlags& f, const std::vector<std::string>& images) {
  if (f.reg.username.empty()) return std::string();
  if (!f.pull_mirror.empty()) return f.pull_mirror;
  std::set<std::string> registries;
  for (const auto& i : images) {
    if (auto r = parse_image_reference(i)) registries.insert(r->registry);
  }
  if (registries.size() != 1) {
    return input_error("--username: the images come from several registries; put their credentials in "
                       "docker's config.json instead");
  }
  return *registries.begin();
}

/// The plan of --profile rendered as `aiplat render` does, with its whole image closure.
Result<airgap::BundleContents> contents_from_profile(CliContext& ctx, const PackFlags& f) {
  Result<catalog::Catalog> cat = load_cli_catalog(ctx);
  if (!cat) return tl::unexpected(cat.error());
  Result<catalog::Plan> plan = plan_from_flags(ctx, *cat, f.profiles, f.kubernetes);
  if (!plan) return tl::unexpected(plan.error());
  render::RenderOptions ro;
  CatalogFiles catalog_files(ctx);
  ro.catalog_fs = catalog_files.fs();
  ro.catalog_root = catalog_files.root();
  ro.profiles = plan->profiles;
  ro.minor = plan->minor;
  ro.source_mirror = f.source_mirror.empty() ? plan->source_mirror : f.source_mirror;
  ro.cache_dir = render::default_cache_dir(ctx.env);
  ro.helm = f.helm;
  ro.log = ctx.log.get();
  return actions::bundle_contents_for_plan(*plan, ro);
}

Result<int> run_pack(CliContext& ctx, const PackFlags& f) {
  if (!ctx.global.output.empty() && ctx.global.output != "json") {
    return input_error("airgap pack: the global -o must be json (NDJSON events) or omitted; name the bundle with "
                       "pack's own -o FILE");
  }
  if (!f.profiles.empty() && !f.manifests_dir.empty()) {
    return input_error("airgap pack: --profile renders the manifests itself; --manifests cannot be added to it");
  }
  if (f.profiles.empty() && (!f.kubernetes.empty() || !f.source_mirror.empty() || !f.helm.empty())) {
    return input_error("airgap pack: --kubernetes, --source-mirror and --helm only apply with --profile");
  }
  airgap::BundleContents contents;
  if (!f.profiles.empty()) {
    Result<airgap::BundleContents> from_profile = contents_from_profile(ctx, f);
    if (!from_profile) return tl::unexpected(from_profile.error());
    contents = std::move(*from_profile);
  }
  contents.images.insert(contents.images.end(), f.images.begin(), f.images.end());
  if (!f.images_file.empty()) {
    auto text = read_text_file(f.images_file, "--images");
    if (!text) return tl::unexpected(text.error());
    auto list = airgap::parse_image_list(*text, f.images_file);
    if (!list) return tl::unexpected(list.error());
    contents.images.insert(contents.images.end(), list->begin(), list->end());
  }
  if (!f.manifests_dir.empty()) {
    auto addons = airgap::read_manifest_dir(f.manifests_dir);
    if (!addons) return tl::unexpected(addons.error());
    contents.addons = std::move(*addons);
  }
  airgap::PackOptions options;
  options.output = f.output;
  options.since = f.since;
  options.work_dir = f.work_dir;
  options.zstd_level = f.zstd_level;
  options.zstd_threads = f.zstd_threads;
  options.created_by = std::string("aiplat ") + AIPLAT_VERSION;
  options.pull.pull_mirror = f.pull_mirror;
  options.pull.parallel = f.reg.parallel;
  for (const auto& p : f.platforms) {
    auto platform = airgap::parse_platform(p);
    if (!platform) return tl::unexpected(platform.error());
    options.pull.platforms.push_back(*platform);
  }
  if (!f.sign_key.empty()) {
    auto key = read_text_file(f.sign_key, "--sign-key");
    if (!key) return tl::unexpected(key.error());
    options.sign_key_pem = *key;
  }
  auto target = credentials_target(f, contents.images);
  if (!target) return tl::unexpected(target.error());
  auto access = f.reg.access(ctx, *target);
  if (!access) return tl::unexpected(access.error());
  CliProgress progress(progress_style(ctx), ctx.terminal, ctx.streams.err, ctx.streams.out);
  airgap::RegistryPool pool(std::move(*access), &progress);
  auto packed = airgap::pack_bundle(contents, pool, options, progress);
  if (!packed) return tl::unexpected(packed.error());
  const airgap::BundleManifest& m = packed->manifest;
  if (ctx.global.output == "json") {
    ctx.streams.out << nlohmann::json{{"event", "result"}, {"file", f.output}, {"bytes", packed->archive_bytes},
                                      {"images", m.images.size()}, {"blobs", packed->blobs},
                                      {"signed", !options.sign_key_pem.empty()},
                                      {"omittedBlobs", m.delta ? m.delta->omitted.size() : 0}}
                           .dump()
                    << "\n";
  } else {
    ctx.streams.out << fmt::format("{}: {} images, {} blobs, {}{}{}\n", f.output, m.images.size(), packed->blobs,
                                   human_bytes(static_cast<double>(packed->archive_bytes)),
                                   options.sign_key_pem.empty() ? "" : ", signed",
                                   m.delta ? fmt::format(", delta ({} blobs left to the base)", m.delta->omitted.size())
                                           : "");
  }
  return 0;
}

}  // namespace

void add_airgap_pack_command(CLI::App& airgap, CliContext& ctx) {
  auto f = std::make_shared<PackFlags>();
  CLI::App* cmd = airgap.add_subcommand("pack", "Pull images and write a signed offline bundle");
  cmd->add_option("--profile", f->profiles,
                  "Pack this profile's platform: rendered add-ons and their whole image closure; repeat to layer")
      ->expected(1)
      ->take_all();
  cmd->add_option("--kubernetes", f->kubernetes, "With --profile: the Kubernetes minor to pack for (default: the profile's)");
  cmd->add_option("--source-mirror", f->source_mirror,
                  "With --profile: fetch upstream URLs and charts through this mirror prefix (default: the profile's)");
  cmd->add_option("--helm", f->helm, "With --profile: the helm binary to render charts with (default: helm from PATH)");
  cmd->add_option("--images", f->images_file, "File with one image reference per line")->check(CLI::ExistingFile);
  cmd->add_option("--image", f->images, "An image reference; repeatable");
  cmd->add_option("--manifests", f->manifests_dir, "Directory of rendered objects, one sub-directory per add-on");
  cmd->add_option("-o,--out", f->output, "The bundle to write, *.aiplat.tar.zst")->required();
  cmd->add_option("--sign-key", f->sign_key, "PEM private key from 'aiplat airgap keygen'")->check(CLI::ExistingFile);
  cmd->add_option("--platform", f->platforms, "Keep only this platform of multi-arch images (os/arch[/variant]); repeatable");
  cmd->add_option("--pull-mirror", f->pull_mirror, "Pull every image from this registry (same repository paths)");
  cmd->add_option("--since", f->since, "Base bundle: write a delta without the blobs it already has")
      ->check(CLI::ExistingFile);
  cmd->add_option("--work-dir", f->work_dir, "Staging directory (default: beside the output)");
  cmd->add_option("--zstd-level", f->zstd_level,
                  "zstd compression level; negative levels are zstd's fast modes (default 1: layers are compressed already)")
      ->check(CLI::Range(-7, 19));
  cmd->add_option("--zstd-threads", f->zstd_threads, "zstd worker threads (default: one per hardware thread)")
      ->check(CLI::Range(0, 64));
  f->reg.add_to(*cmd);
  cmd->callback([&ctx, f] {
    ctx.action = [&ctx, f]() -> Result<int> { return run_pack(ctx, *f); };
  });
}

}  // namespace aiplat

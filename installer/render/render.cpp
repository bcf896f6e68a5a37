#include "render/render.hpp"

#include <fmt/format.h>

#include "render/files_source.hpp"
#include "render/helm_source.hpp"
#include "render/hooks.hpp"
#include "render/images.hpp"
#include "render/patches.hpp"
#include "render/scope.hpp"
#include "render/url_source.hpp"
#include "util/sha256.hpp"

namespace aiplat::render {
namespace {

Result<SourceOutput> render_source(const catalog::Source& source, const catalog::PlanStep& step,
                                   const RenderOptions& options) {
  switch (source.type) {
    case catalog::SourceType::files:
      return render_files_source(source, step.addon->dir, *options.catalog_fs, options.catalog_root);
    case catalog::SourceType::url:
      return render_url_source(source, options);
    case catalog::SourceType::helm:
      return render_helm_source(source, step, options);
  }
  return failure("unknown source type");
}

}  // namespace

std::string objects_digest(const std::vector<Json>& objects, const std::vector<Json>& hooks) {
  Sha256 digest;
  for (const Json& o : objects) {
    digest.update(o.dump());
    digest.update("\n");
  }
  if (!hooks.empty()) digest.update("--- hooks\n");
  for (const Json& o : hooks) {
    digest.update(o.dump());
    digest.update("\n");
  }
  return digest.hex();
}

bool for_profiles(const std::vector<std::string>& filter, const std::vector<std::string>& profiles) {
  if (filter.empty()) return true;
  for (const std::string& f : filter) {
    if (std::find(profiles.begin(), profiles.end(), f) != profiles.end()) return true;
  }
  return false;
}

std::string default_cache_dir(const std::map<std::string, std::string>& env) {
  auto get = [&](const char* name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  if (std::string xdg = get("XDG_CACHE_HOME"); !xdg.empty()) return xdg + "/aiplat";
  if (std::string home = get("HOME"); !home.empty()) return home + "/.cache/aiplat";
  return ".aiplat-cache";
}

Result<RenderedAddon> render_step(const catalog::PlanStep& step, const RenderOptions& options) {
  const std::string context = fmt::format("rendering {} {}", step.name, step.version.to_string());
  if (!step.addon) return failure(context + ": the plan step carries no add-on");
  if (options.catalog_fs == nullptr) return failure(context + ": no catalog file system given");
  if (options.cache_dir.empty()) return failure(context + ": no cache directory given");

  RenderedAddon out;
  out.name = step.name;
  out.version = step.version.to_string();
  out.mode = step.mode;
  for (const catalog::Source& source : step.sources) {
    // The plan filters sources already; this keeps render_step correct for hand-made steps.
    if (!for_profiles(source.profiles, options.profiles)) continue;
    Result<SourceOutput> rendered = render_source(source, step, options);
    if (!rendered) return tl::unexpected(rendered.error().with_context(context));
    out.source_digests[rendered->id] = rendered->sha256;
    for (Json& o : rendered->objects) out.objects.push_back(std::move(o));
  }
  // Namespaces first, so patch targets can name the namespace an object ends up in.
  if (Result<void> r = default_namespaces(out.objects, step.addon->namespace_, options.namespaced_kinds); !r) {
    return tl::unexpected(r.error().with_context(context));
  }
  std::vector<catalog::Patch> patches;
  for (const catalog::Patch& p : step.patches) {
    if (for_profiles(p.profiles, options.profiles)) patches.push_back(p);
  }
  if (Result<void> r = apply_patches(patches, out.objects); !r) return tl::unexpected(r.error().with_context(context));
  catalog::PlanStep filtered = step;
  std::erase_if(filtered.images, [&](const catalog::Image& i) { return !for_profiles(i.profiles, options.profiles); });
  Result<std::vector<std::string>> images = process_images(out.objects, filtered, options.image_registry);
  if (!images) return tl::unexpected(images.error().with_context(context));
  out.images = std::move(*images);

  out.crd_scopes = crd_scopes(out.objects);

  // Hooks are rendered, patched and image-checked like the rest, then set apart.
  out.hooks = set_hooks_apart(out.objects);
  for (const Json& h : out.hooks) {
    if (Result<Hook> parsed = parse_hook(h); !parsed) return tl::unexpected(parsed.error().with_context(context));
  }
  out.digest = objects_digest(out.objects, out.hooks);
  return out;
}

}  // namespace aiplat::render

#include "actions/render.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "actions/git_commit.hpp"
#include "actions/render_layout.hpp"
#include "util/fs.hpp"
#include "util/yaml.hpp"

namespace aiplat::actions {
namespace {

namespace fsys = std::filesystem;

// Removes what an earlier render wrote, leaving .git and the user's own files alone.
Result<void> clear_previous(const std::string& dir) {
  std::error_code ec;
  fsys::create_directories(dir, ec);
  if (ec) return failure(fmt::format("cannot create {}: {}", dir, ec.message()));
  for (const fsys::directory_entry& e : fsys::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if ((e.is_directory() && is_addon_folder_name(name)) || name == "kustomization.yaml") {
      fsys::remove_all(e.path(), ec);
      if (ec) return failure(fmt::format("cannot remove {}: {}", e.path().string(), ec.message()));
    }
  }
  if (ec) return failure(fmt::format("cannot list {}: {}", dir, ec.message()));
  return {};
}

std::string commit_message(const catalog::Plan& plan, const std::vector<RenderedFolder>& folders) {
  std::string out = fmt::format("aiplat render: {} on Kubernetes {}\n\n", plan.profile, plan.minor.to_string());
  for (const RenderedFolder& f : folders) {
    out += fmt::format("{} {}{}\n", f.name, f.version, f.mode.empty() ? "" : " (mode " + f.mode + ")");
  }
  return out;
}

}  // namespace

Result<std::vector<render::RenderedAddon>> render_plan(const catalog::Plan& plan, render::RenderOptions options) {
  std::vector<render::RenderedAddon> rendered;
  for (const catalog::PlanStep& step : plan.steps) {
    Result<render::RenderedAddon> r = render::render_step(step, options);
    if (!r) return tl::unexpected(r.error());
    for (const auto& [kind, namespaced] : r->crd_scopes) options.namespaced_kinds.emplace(kind, namespaced);
    rendered.push_back(std::move(*r));
  }
  return rendered;
}

Result<RenderPlatformResult> render_platform(const catalog::Plan& plan, const RenderPlatformOptions& options) {
  if (options.out_dir.empty()) return input_error("render: no output folder given (--out DIR)");
  // Render everything before touching the folder, so a failed render leaves the last one intact.
  Result<std::vector<render::RenderedAddon>> all = render_plan(plan, options.render);
  if (!all) return tl::unexpected(all.error());
  std::vector<render::RenderedAddon>& rendered = *all;
  if (Result<void> cleared = clear_previous(options.out_dir); !cleared) return tl::unexpected(cleared.error());

  RenderPlatformResult out;
  std::vector<std::string> top;
  for (std::size_t i = 0; i < rendered.size(); ++i) {
    const render::RenderedAddon& addon = rendered[i];
    RenderedFolder folder{addon_folder_name(static_cast<int>(i + 1), rendered.size(), addon.name), addon.name,
                          addon.version, addon.mode, addon.objects.size(), addon.images.size(), addon.hooks.size()};
    const std::string dir = options.out_dir + "/" + folder.folder;
    std::vector<std::string> files = object_file_names(addon.objects);
    for (std::size_t k = 0; k < files.size(); ++k) {
      if (Result<void> w = write_file_atomic(dir + "/" + files[k], to_yaml(addon.objects[k])); !w) {
        return tl::unexpected(w.error());
      }
    }
    // Hooks are not applied with the rest (a GitOps tool would apply delete and test hooks too);
    // they are written apart, for tools that run Helm hooks themselves.
    std::vector<std::string> hook_files = object_file_names(addon.hooks);
    for (std::size_t k = 0; k < hook_files.size(); ++k) {
      if (Result<void> w = write_file_atomic(dir + "/hooks/" + hook_files[k], to_yaml(addon.hooks[k])); !w) {
        return tl::unexpected(w.error());
      }
    }
    if (Result<void> w = write_file_atomic(dir + "/kustomization.yaml", kustomization(files)); !w) {
      return tl::unexpected(w.error());
    }
    top.push_back(folder.folder);
    out.folders.push_back(std::move(folder));
  }
  if (Result<void> w = write_file_atomic(options.out_dir + "/kustomization.yaml", kustomization(top)); !w) {
    return tl::unexpected(w.error());
  }
  if (options.git == GitCommit::yes) {
    Result<GitCommitResult> c = commit_folder(options.out_dir, commit_message(plan, out.folders));
    if (!c) return tl::unexpected(c.error());
    out.changed = c->committed;
    if (c->committed) out.commit = c->id;
  }
  return out;
}

}  // namespace aiplat::actions

#pragma once
// `aiplat render`: the whole plan written as files for GitOps (Argo CD, Flux): one folder
// per add-on in apply order ("01-gateway-api/"), each with its objects as YAML files and a
// kustomization.yaml, plus a top-level kustomization.yaml listing the folders. With git, the
// folder is a repository and each render that changes something becomes one commit.
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "render/render.hpp"

namespace aiplat::actions {

/// Whether the output folder is a git repository that gets a commit per render.
enum class GitCommit { no, yes };

struct RenderPlatformOptions {
  std::string out_dir;
  GitCommit git = GitCommit::no;
  /// Shared by every step; namespaced_kinds grows with the CRDs of earlier steps.
  render::RenderOptions render;
};

/// One add-on folder as written.
struct RenderedFolder {
  std::string folder;  ///< "01-gateway-api"
  std::string name;
  std::string version;
  std::string mode;
  std::size_t objects = 0;
  std::size_t images = 0;
  std::size_t hooks = 0;  ///< written to <folder>/hooks/, outside the kustomization
};

struct RenderPlatformResult {
  std::vector<RenderedFolder> folders;
  std::string commit;     ///< the new commit id (hex); empty without --git or when nothing changed
  bool changed = true;    ///< with git: false when the render equals the last commit
};

/// Renders every step of `plan` in order; the CRD scopes of each step reach the later ones.
Result<std::vector<render::RenderedAddon>> render_plan(const catalog::Plan& plan, render::RenderOptions options);

/// Renders every step of `plan` and writes the folder; old add-on folders are replaced.
Result<RenderPlatformResult> render_platform(const catalog::Plan& plan, const RenderPlatformOptions& options);

}  // namespace aiplat::actions

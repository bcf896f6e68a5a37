#pragma once
// Render: one plan step -> the Kubernetes objects it installs. Sources (our own files,
// pinned upstream URLs, helm charts through the real `helm template`) are rendered in
// order, then patches, namespace defaulting, image rewriting and the image closure check
// (docs/render.md).
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/model.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/http.hpp"
#include "util/log.hpp"
#include "util/process.hpp"

namespace aiplat::render {

using Json = nlohmann::json;

/// Everything render needs besides the step itself. One value is shared by every step of a plan.
struct RenderOptions {
  std::vector<std::string> profiles;  ///< plan.profiles, for `profiles:` filters and valuesByProfile
  catalog::KubeMinor minor;           ///< passed to helm as --kube-version <minor>.0
  Fs* catalog_fs = nullptr;           ///< where addons/<name>/<version>/ files are read
  std::string catalog_root;           ///< root of the catalog in catalog_fs ("" for the embedded one)
  std::string source_mirror;          ///< prefix for upstream URLs and chart repos, or ""
  std::string cache_dir;              ///< "" means default_cache_dir(env)
  std::string helm;                   ///< helm binary; "" means "helm" from PATH
  std::string image_registry;         ///< rewrite image references to this registry ("" = no rewrite)
  /// Extra scope knowledge, e.g. from discovery: "group/Kind" ("/Kind" for core) -> namespaced?
  /// Consulted after the CRDs of the same add-on and before the built-in table.
  std::map<std::string, bool> namespaced_kinds;
  std::shared_ptr<HttpTransport> http;     ///< url sources; null: make_curl_transport()
  std::shared_ptr<ProcessRunner> runner;   ///< helm; null: make_posix_runner()
  Logger* log = nullptr;                   ///< warnings (unpinned sources); may be null
};

/// The objects of one add-on, ready to apply.
struct RenderedAddon {
  std::string name;
  std::string version;
  std::string mode;
  /// Every object to apply, in source order: namespace defaulted, patches applied, images rewritten.
  std::vector<Json> objects;
  /// The chart's Helm hooks (render/hooks.hpp), treated like `objects` but set apart from them:
  /// not ApplySet members, run by install around the add-on (or never, for delete/test hooks).
  std::vector<Json> hooks;
  /// The image closure, as referenced after rewriting, sorted and unique.
  std::vector<std::string> images;
  /// Source id ("files:manifests", "url:https://...", "helm:oci://.../kueue@0.19.2") -> sha256 hex.
  std::map<std::string, std::string> source_digests;
  /// sha256 hex over the rendered objects and hooks: an add-on whose digest is unchanged is skipped.
  std::string digest;
  /// "group/Kind" -> namespaced?, for the CRDs among `objects`. Merge it into the
  /// RenderOptions::namespaced_kinds of later steps, whose objects may be of these kinds
  /// (kueue-queues' ClusterQueue after kueue) when no cluster discovery is at hand.
  std::map<std::string, bool> crd_scopes;
};

/// Whether a source, patch or image with this `profiles:` filter applies to a plan of `profiles`
/// (an empty filter applies everywhere).
bool for_profiles(const std::vector<std::string>& filter, const std::vector<std::string>& profiles);

/// The digest install compares to skip an unchanged add-on: SHA-256 over the objects' JSON, one per
/// line, then the hooks' after a marker line (none without hooks, so hook-less digests are as before).
/// Every producer of rendered objects (render_step, an air-gap bundle) must use this one rule.
std::string objects_digest(const std::vector<Json>& objects, const std::vector<Json>& hooks = {});

/// Renders one plan step. Input errors name the add-on file, source or object at fault.
Result<RenderedAddon> render_step(const catalog::PlanStep& step, const RenderOptions& options);

/// $XDG_CACHE_HOME/aiplat, else $HOME/.cache/aiplat.
std::string default_cache_dir(const std::map<std::string, std::string>& env);

}  // namespace aiplat::render

#include "actions/diff.hpp"

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>

#include "catalog/layering.hpp"
#include "catalog/solver.hpp"
#include "render/hooks.hpp"
#include "kube/apply_tiers.hpp"
#include "phases/apply_addon.hpp"
#include "phases/preflight.hpp"
#include "phases/record.hpp"
#include "render/render.hpp"
#include "util/fs.hpp"
#include "util/process.hpp"

namespace aiplat::actions {
namespace {

std::string file_name(const Json& o) {
  kube::GroupVersionKind gvk = kube::GroupVersionKind::from(o.value("apiVersion", ""), o.value("kind", ""));
  std::string ns = o.value("/metadata/namespace"_json_pointer, std::string());
  std::string name = (gvk.group.empty() ? "" : gvk.group + ".") + gvk.version + "." + gvk.kind + "." +
                     (ns.empty() ? "" : ns + ".") + o.value("/metadata/name"_json_pointer, std::string());
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  return name;
}

}  // namespace

Json strip_server_fields(const Json& object) {
  Json o = object;
  o.erase("status");
  if (o.contains("metadata") && o["metadata"].is_object()) {
    for (const char* f : {"managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink"}) {
      o["metadata"].erase(f);
    }
  }
  return o;
}

Result<DiffResult> run_diff(const InstallOptions& options, Logger& log) {
  RealFs fs;
  auto client = provision::connect(options.adopt, fs);
  if (!client) return tl::unexpected(client.error());
  kube::Client& c = **client;
  auto facts = provision::read_cluster_facts(c);
  if (!facts) return tl::unexpected(facts.error().with_context("reading cluster facts from " + c.config().server));
  std::vector<std::string> warnings;
  auto on_minor = catalog::profile_for_minor(*options.catalog, options.profile, facts->minor);
  if (!on_minor) return tl::unexpected(on_minor.error());
  if (auto ok = check_cluster(*facts, *on_minor, warnings); !ok) return tl::unexpected(ok.error());
  catalog::SolveOptions solve;
  solve.minor = facts->minor;
  solve.served_apis = facts->served_apis;
  auto plan = catalog::solve(*options.catalog, options.profile, solve);
  if (!plan) return tl::unexpected(plan.error().with_context("planning for this cluster"));

  render::RenderOptions ro;
  ro.profiles = plan->profiles;
  ro.minor = plan->minor;
  ro.catalog_fs = options.catalog_fs;
  ro.catalog_root = options.catalog_root;
  ro.source_mirror = options.source_mirror.empty() ? plan->source_mirror : options.source_mirror;
  ro.cache_dir = options.cache_dir.empty() ? render::default_cache_dir(options.adopt.env) : options.cache_dir;
  ro.helm = options.helm;
  if (plan->image_redirection == "rewrite") ro.image_registry = plan->registry.mirror;
  ro.http = options.http;
  ro.runner = options.runner;
  ro.log = &log;

  std::vector<std::pair<std::string, Json>> live_files;    // name -> stripped live object
  std::vector<std::pair<std::string, Json>> merged_files;  // name -> stripped dry-run result
  std::mutex mutex;
  std::vector<std::string> errors;
  std::size_t objects = 0;
  render::HookCounts hooks;
  for (const catalog::PlanStep& step : plan->steps) {
    auto rendered = render::render_step(step, ro);
    if (!rendered) return tl::unexpected(rendered.error().with_context("rendering " + step.name));
    render::HookCounts counts = render::count_hooks(rendered->hooks);
    hooks.install += counts.install;
    hooks.set_aside += counts.set_aside;
    for (const Json& o : rendered->objects) {
      if (o.value("kind", "") != "CustomResourceDefinition") continue;
      ro.namespaced_kinds[o.value("/spec/group"_json_pointer, std::string()) + "/" +
                          o.value("/spec/names/kind"_json_pointer, std::string())] =
          o.value("/spec/scope"_json_pointer, std::string()) == "Namespaced";
    }
    kube::ApplySetParent parent = parent_for(step.name, options.tooling);
    ApplyAddonOptions ao;
    ao.force = options.force;
    if (step.addon) ao.defers_to = step.addon->crds.defers_to;
    auto members = prepare_members(c, *rendered, parent, ao);
    if (!members) return tl::unexpected(members.error());
    objects += members->size();
    kube::run_bounded(members->size(), options.workers, [&](std::size_t i) {
      const Json& m = (*members)[i];
      auto ref = kube::ResourceRef::of(m);
      if (!ref) return;
      auto live = c.get(*ref);
      kube::ApplyOptions apply;
      apply.force = kube::Force::yes;
      apply.dry_run = kube::DryRun::all;
      auto merged = c.apply(m, apply);
      std::lock_guard<std::mutex> lock(mutex);
      if (live) live_files.emplace_back(file_name(m), strip_server_fields(*live));
      else if (!live.error().not_found() && live.error().kind != ErrorKind::input) errors.push_back(live.error().message);
      // A kind or namespace that only this install creates cannot be dry-run: show the object as rendered.
      if (merged) merged_files.emplace_back(file_name(m), strip_server_fields(*merged));
      else if (merged.error().not_found() || merged.error().kind == ErrorKind::input) merged_files.emplace_back(file_name(m), m);
      else errors.push_back(merged.error().message);
    });
    auto live_parent = read_parent(c, step.name);
    if (!live_parent) return tl::unexpected(live_parent.error());
    if (*live_parent) {
      kube::ApplySetParent superset = parent;
      superset.merge_from(**live_parent);
      superset.add_members(*members);
      auto victims = prune_candidates(c, superset, *members);
      if (!victims) return tl::unexpected(victims.error());
      for (const kube::ResourceRef& v : *victims) {
        auto live = c.get(v);
        if (live) live_files.emplace_back(file_name(*live), strip_server_fields(*live));
      }
    }
  }
  if (!errors.empty()) {
    std::string message = "diff: the API server refused:";
    for (const std::string& e : errors) message += "\n  " + e;
    return failure(message);
  }

  std::string tmp_root = options.adopt.env.count("TMPDIR") != 0 ? options.adopt.env.at("TMPDIR") : "/tmp";
  std::string templ = tmp_root + "/aiplat-diff-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return failure("diff: cannot create a temporary directory in " + tmp_root);
  std::string dir = buf.data();
  std::string live_dir = dir + "/LIVE";
  std::string merged_dir = dir + "/MERGED";
  auto cleanup = [&] { fs.remove_all(dir); };
  if (auto r = fs.create_directories(live_dir); !r) return cleanup(), tl::unexpected(r.error());
  if (auto r = fs.create_directories(merged_dir); !r) return cleanup(), tl::unexpected(r.error());
  for (const auto& [name, o] : live_files) {
    if (auto r = fs.write_file(live_dir + "/" + name, to_yaml(o)); !r) return cleanup(), tl::unexpected(r.error());
  }
  for (const auto& [name, o] : merged_files) {
    if (auto r = fs.write_file(merged_dir + "/" + name, to_yaml(o)); !r) return cleanup(), tl::unexpected(r.error());
  }
  std::shared_ptr<ProcessRunner> runner = options.runner ? options.runner : make_posix_runner();
  ProcessSpec spec;
  spec.argv = {"diff", "-u", "-N", live_dir, merged_dir};
  spec.timeout = std::chrono::milliseconds(120000);
  auto r = runner->run(spec);
  cleanup();
  if (!r) return tl::unexpected(r.error().with_context("running diff"));
  if (r->exit_code != 0 && r->exit_code != 1) return failure("diff -u -N failed: " + r->err);
  DiffResult out;
  out.changed = r->exit_code == 1;
  out.text = r->out;
  out.objects = objects;
  out.hooks_run = hooks.install;
  out.hooks_set_aside = hooks.set_aside;
  return out;
}

}  // namespace aiplat::actions

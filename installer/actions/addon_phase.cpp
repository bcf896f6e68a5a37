// One add-on of an install: apply, wait, check, prune, record. The record is written twice:
// "applying" (with the union of the old and new members, so a killed run leaves every object
// it may have created findable for pruning) before the first object, "installed" last.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "actions/install_checks.hpp"
#include "actions/install_steps.hpp"
#include "conformance/runner.hpp"
#include "phases/run_hooks.hpp"
#include "phases/wait_ready.hpp"
#include "render/hooks.hpp"

namespace aiplat::actions {
namespace {

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

class AddonPhase final : public Phase {
 public:
  AddonPhase(InstallRun& run, PreparedAddon& addon, AddonSummary& summary)
      : m_run(run), m_addon(addon), m_summary(summary) {}
  [[nodiscard]] std::string title() const override { return "install " + m_addon.rendered.name; }

  Result<void> run(PhaseContext& ctx) override {
    const std::string& name = m_addon.rendered.name;
    if (m_addon.up_to_date) {
      m_summary.state = "unchanged";
      m_summary.detail = "digest and live inventory match the record";
      // No checks for an unchanged add-on (a no-op re-run writes nothing); show the last ones.
      if (m_addon.record) m_summary.checks = m_addon.record->checks;
      m_summary.checks_from_record = !m_summary.checks.empty();
      emit("apply", "skipped", "unchanged", static_cast<int>(m_addon.members.size()));
      return {};
    }
    auto t0 = std::chrono::steady_clock::now();
    kube::Client& client = *m_run.client;
    const InstallOptions& o = m_run.options;
    kube::DryRun server_dry = ctx.dry_run() == DryRun::server ? kube::DryRun::all : kube::DryRun::none;

    kube::ApplySetParent superset = m_addon.parent;
    if (m_addon.live_parent) superset.merge_from(*m_addon.live_parent);
    superset.add_members(m_addon.members);
    InstallRecord record = base_record();
    record.state = "applying";
    record.started_at = now_rfc3339();
    std::set<InventoryItem> inventory;
    if (m_addon.record) inventory.insert(m_addon.record->inventory.begin(), m_addon.record->inventory.end());
    for (const Json& m : m_addon.members) inventory.insert(inventory_item(m));
    record.inventory.assign(inventory.begin(), inventory.end());
    if (auto w = write(ctx, superset, record, server_dry); !w) return fail("apply", w.error());

    ApplyAddonOptions ao = apply_options();
    // Helm's choice: install hooks until a run of the add-on has finished once, upgrade hooks after.
    const bool upgrade = m_addon.record && ever_installed(*m_addon.record);
    record.installed_at = m_addon.record ? m_addon.record->installed_at : std::string();
    if (auto pre = run_hook_event(ctx, upgrade ? render::HookEvent::pre_upgrade : render::HookEvent::pre_install, ao);
        !pre) {
      return fail("hooks", pre.error());
    }

    emit("apply", "started", fmt::format("{} objects", m_addon.members.size()), static_cast<int>(m_addon.members.size()));
    auto applied = apply_members(client, ctx, m_addon.members, ao, name);
    if (!applied) return fail("apply", applied.error());
    m_summary.applied = *applied;
    emit("apply", "ok", fmt::format("{} objects applied", *applied), static_cast<int>(*applied), since(t0));

    if (ctx.dry_run() == DryRun::none) {
      auto tw = std::chrono::steady_clock::now();
      emit("wait", "started", "waiting for readiness");
      std::vector<catalog::ReadinessRule> rules;
      if (m_addon.step->addon) rules = m_addon.step->addon->readiness;
      readiness_scope(rules, record);
      auto targets = wait_targets(client, m_addon.members, rules);
      if (!targets) return fail("wait", targets.error());
      auto ready = wait_ready(client, *targets, ao.timeout, ctx, name);
      if (!ready) return fail("wait", ready.error());
      std::string waited = fmt::format("{} objects ready", targets->size());
      if (record.rules_not_waited > 0) waited += "; " + record.readiness;
      emit("wait", "ok", waited, static_cast<int>(targets->size()), since(tw));
    }
    if (auto post = run_hook_event(ctx, upgrade ? render::HookEvent::post_upgrade : render::HookEvent::post_install, ao);
        !post) {
      return fail("hooks", post.error());
    }
    if (ctx.dry_run() == DryRun::none) {
      if (auto c = run_add_on_checks(record); !c) return fail("check", c.error());
    }

    std::vector<kube::ResourceRef> kept;
    auto victims = prune_candidates(client, superset, m_addon.members, &kept);
    if (!victims) return fail("prune", victims.error());
    if (!kept.empty()) {
      emit("prune", "ok", fmt::format("{} object(s) kept (helm.sh/resource-policy: keep)", kept.size()),
           static_cast<int>(kept.size()));
    }
    if (!victims->empty()) {
      std::vector<std::string> names;
      for (const kube::ResourceRef& r : *victims) names.push_back(r.to_string());
      Result<bool> ok = o.confirm_prune ? o.confirm_prune(name, names) : Result<bool>(false);
      if (!ok) return fail("prune", ok.error());
      if (!*ok) {
        std::string message = fmt::format("{}: {} object(s) are no longer part of the add-on and would be pruned:", name,
                                          names.size());
        for (const std::string& n : names) message += "\n  " + n;
        message += "\nre-run with --yes to delete them (nothing else was deleted)";
        return fail("prune", Error{ErrorKind::input, message});
      }
      auto pruned = prune(client, ctx, *victims);
      if (!pruned) return fail("prune", pruned.error());
      m_summary.pruned = victims->size();
      emit("prune", "ok", fmt::format("{} objects pruned", victims->size()), static_cast<int>(victims->size()));
    }

    kube::ApplySetParent exact = m_addon.parent;
    exact.add_members(m_addon.members);
    record.state = "installed";
    record.inventory.clear();
    for (const Json& m : m_addon.members) record.inventory.push_back(inventory_item(m));
    std::sort(record.inventory.begin(), record.inventory.end());
    record.finished_at = now_rfc3339();
    if (record.installed_at.empty()) record.installed_at = record.finished_at;
    if (auto w = write(ctx, exact, record, server_dry); !w) return fail("record", w.error());
    m_summary.seconds = since(t0);
    m_summary.state = ctx.dry_run() == DryRun::none ? "installed" : "planned";
    if (m_summary.detail.empty()) m_summary.detail = m_addon.why;
    if (record.rules_not_waited > 0) m_summary.detail += "; " + record.readiness;
    emit("record", "ok", m_summary.state, static_cast<int>(m_addon.members.size()), m_summary.seconds);
    return {};
  }

 private:
  InstallRecord base_record() const {
    InstallRecord r;
    r.name = m_addon.rendered.name;
    r.version = m_addon.rendered.version;
    r.mode = m_addon.rendered.mode;
    r.profile = m_run.plan.profile;
    r.digest = m_addon.rendered.digest;
    r.source_digests = m_addon.rendered.source_digests;
    r.images = m_addon.rendered.images;
    r.tool = m_run.options.tooling;
    return r;
  }

  /// The add-on's hooks for `event` (phases/run_hooks), with their own events.
  Result<void> run_hook_event(PhaseContext& ctx, render::HookEvent event, const ApplyAddonOptions& ao) {
    auto due = render::hooks_for(m_addon.rendered.hooks, event);
    if (!due) return tl::unexpected(due.error());
    if (due->empty()) return {};
    auto t0 = std::chrono::steady_clock::now();
    const std::string phase = render::to_string(event);
    emit(phase, "started", fmt::format("{} hook(s)", due->size()), static_cast<int>(due->size()));
    kube::ApplyOptions apply_options;
    apply_options.force = ao.force;
    apply_options.dry_run = ctx.dry_run() == DryRun::server ? kube::DryRun::all : kube::DryRun::none;
    // Only the namespaces of the hooks that run now: a delete hook's namespace is not created at install.
    std::vector<Json> objects;
    for (const render::Hook& h : *due) objects.push_back(h.object);
    if (auto ns = ensure_namespaces(*m_run.client, ctx, objects, apply_options, m_addon.rendered.name); !ns) {
      return tl::unexpected(ns.error());
    }
    HookRunOptions options;
    options.force = ao.force;
    options.timeout = ao.timeout;
    auto ran = run_hooks(*m_run.client, ctx, *due, event, options, m_addon.rendered.name);
    if (!ran) return tl::unexpected(ran.error());
    emit(phase, "ok", fmt::format("{} hook(s) ran", *ran), static_cast<int>(*ran), since(t0));
    return {};
  }

  /// --wait=workloads leaves the add-on's own rules out; the record says so, never that they passed.
  void readiness_scope(std::vector<catalog::ReadinessRule>& rules, InstallRecord& record) {
    if (m_run.options.wait == WaitFor::workloads && !rules.empty()) {
      record.rules_not_waited = static_cast<int>(rules.size());
      record.readiness = fmt::format("{} add-on readiness rule(s) not waited (--wait=workloads)", rules.size());
      m_summary.readiness = record.readiness;
      rules.clear();
    } else if (!rules.empty()) {
      record.readiness = fmt::format("{} add-on readiness rule(s) met", rules.size());
    }
  }

  ApplyAddonOptions apply_options() const {
    ApplyAddonOptions ao;
    ao.force = m_run.options.force;
    ao.workers = m_run.options.workers;
    const catalog::AddOn* addon = m_addon.step->addon.get();
    ao.timeout = m_run.options.timeout ? *m_run.options.timeout
                 : addon != nullptr     ? std::chrono::duration_cast<std::chrono::milliseconds>(addon->timeout)
                                        : std::chrono::milliseconds(600000);
    if (addon != nullptr) ao.defers_to = addon->crds.defers_to;
    return ao;
  }

  Result<void> write(PhaseContext& ctx, const kube::ApplySetParent& parent, const InstallRecord& record,
                     kube::DryRun dry) {
    return ctx.wet(fmt::format("record {} as {} in ConfigMap {}/{}", record.name, record.state, parent.ns, parent.name),
                   [&]() -> Result<void> {
                     auto w = write_record(*m_run.client, parent, record, dry);
                     // A server dry run of a first install has no aiplat-system namespace to validate against.
                     if (!w && dry == kube::DryRun::all) return {};
                     return w;
                   });
  }

  /// The checks the add-on provides (conformance runner), recorded with the add-on.
  Result<void> run_add_on_checks(InstallRecord& record) {
    if (m_run.options.verify == Verify::no || !m_run.checklist) return {};
    std::vector<std::string> ids = addon_check_ids(*m_addon.step, *m_run.checklist);
    if (ids.empty()) return {};
    auto tc = std::chrono::steady_clock::now();
    emit("check", "started", fmt::format("running {}", fmt::join(ids, ", ")));
    auto results = run_install_checks(m_run, ids, "check", m_addon.rendered.name);
    if (!results) return tl::unexpected(results.error().with_context(m_addon.rendered.name + ": checks"));
    for (const conformance::CheckResult& r : *results) {
      record.checks.push_back(recorded_check(r));
      if (r.outcome == conformance::Outcome::fail && r.level == conformance::Level::must) ++m_summary.checks_failed;
    }
    m_summary.checks = record.checks;
    emit("check", m_summary.checks_failed > 0 ? "failed" : "ok", checks_line(record.checks),
         static_cast<int>(results->size()), since(tc));
    return {};
  }

  void emit(const std::string& phase, const std::string& state, const std::string& detail, int objects = 0,
            double seconds = 0) {
    m_run.observer.event(InstallEvent{phase, m_addon.rendered.name, state, detail, objects, seconds});
  }

  Result<void> fail(const std::string& phase, const Error& e) {
    m_summary.state = e.kind == ErrorKind::cancelled ? "interrupted" : "failed";
    m_summary.detail = e.message.substr(0, e.message.find('\n'));
    emit(phase, "failed", e.message);
    return tl::unexpected(e);
  }

  InstallRun& m_run;
  PreparedAddon& m_addon;
  AddonSummary& m_summary;
};

class SystemNamespacePhase final : public Phase {
 public:
  explicit SystemNamespacePhase(InstallRun& run) : m_run(run) {}
  [[nodiscard]] std::string title() const override { return "namespace aiplat-system"; }
  Result<void> run(PhaseContext& ctx) override {
    Json ns = {{"apiVersion", "v1"},
               {"kind", "Namespace"},
               {"metadata", {{"name", k_system_namespace}, {"labels", {{"app.kubernetes.io/managed-by", "aiplat"}}}}}};
    kube::ApplyOptions options;
    options.dry_run = ctx.dry_run() == DryRun::server ? kube::DryRun::all : kube::DryRun::none;
    return ctx.wet("apply Namespace aiplat-system (install records)", [&]() -> Result<void> {
      auto r = m_run.client->apply(ns, options);
      if (!r) return tl::unexpected(r.error().with_context("creating namespace aiplat-system").to_error());
      return {};
    });
  }

 private:
  InstallRun& m_run;
};

}  // namespace

std::unique_ptr<Phase> make_addon_phase(InstallRun& run, PreparedAddon& addon, AddonSummary& summary) {
  return std::make_unique<AddonPhase>(run, addon, summary);
}

std::unique_ptr<Phase> make_system_namespace_phase(InstallRun& run) {
  return std::make_unique<SystemNamespacePhase>(run);
}

}  // namespace aiplat::actions

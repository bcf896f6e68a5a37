// The read-only first phase of an install: everything that can refuse the run does so here,
// before the first write.
#include <fmt/format.h>

#include "actions/addon_source.hpp"
#include "actions/install_checks.hpp"
#include "actions/install_steps.hpp"
#include "catalog/layering.hpp"
#include "catalog/solver.hpp"
#include "phases/preflight.hpp"

namespace aiplat::actions {
namespace {

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

class ClusterPhase final : public Phase {
 public:
  explicit ClusterPhase(InstallRun& run) : m_run(run) {}
  [[nodiscard]] std::string title() const override { return "preflight"; }

  Result<void> run(PhaseContext& ctx) override {
    const InstallOptions& o = m_run.options;
    auto t0 = std::chrono::steady_clock::now();
    emit("preflight", "", "started", "connecting");
    RealFs fs;
    auto client = provision::connect(o.adopt, fs);
    if (!client) return fail("preflight", client.error());
    m_run.client = std::move(*client);
    m_run.summary.server = m_run.client->config().server;
    auto facts = provision::read_cluster_facts(*m_run.client);
    if (!facts) return fail("preflight", facts.error().with_context("reading cluster facts from " + m_run.summary.server));
    m_run.facts = std::move(*facts);
    m_run.summary.minor = m_run.facts.minor.to_string();
    auto on_minor = catalog::profile_for_minor(*o.catalog, o.profile, m_run.facts.minor);
    if (!on_minor) return fail("preflight", on_minor.error());
    auto cluster_ok = check_cluster(m_run.facts, *on_minor, m_run.summary.warnings);
    for (const std::string& w : m_run.summary.warnings) m_run.log.warn(w);
    if (!cluster_ok) return fail("preflight", cluster_ok.error());
    if (o.addon_source) {
      if (auto accepted = o.addon_source->accept_cluster(m_run.facts.minor); !accepted) {
        return fail("preflight", accepted.error());
      }
    }

    catalog::SolveOptions solve;
    solve.minor = m_run.facts.minor;
    solve.served_apis = m_run.facts.served_apis;
    auto plan = catalog::solve(*o.catalog, o.profile, solve);
    if (!plan) return fail("preflight", plan.error().with_context("planning for this cluster"));
    m_run.plan = std::move(*plan);
    auto foreign = check_foreign(m_run.facts, m_run.plan, o.tooling);
    if (!foreign) return fail("preflight", foreign.error());
    if (o.addon_source) {
      if (auto accepted = o.addon_source->accept(m_run.plan); !accepted) return fail("preflight", accepted.error());
    }
    if (auto c = choose_checklist(); !c) return fail("preflight", c.error());
    emit("preflight", "", "ok",
         fmt::format("Kubernetes {} at {}, {} node{}, {} GPU{}; {} add-on{} planned", m_run.facts.minor.to_string(),
                     m_run.summary.server, m_run.facts.nodes.size(), m_run.facts.nodes.size() == 1 ? "" : "s",
                     m_run.facts.gpus, m_run.facts.gpus == 1 ? "" : "s", m_run.plan.steps.size(),
                     m_run.plan.steps.size() == 1 ? "" : "s"),
         0, since(t0));
    for (const catalog::PlanStep& step : m_run.plan.steps) emit("plan", step.name, "pending", step.version.to_string());

    render::RenderOptions ro = render_options();
    std::vector<std::string> problems;
    m_run.addons.reserve(m_run.plan.steps.size());
    for (const catalog::PlanStep& step : m_run.plan.steps) {
      if (ctx.cancelled()) return cancelled("interrupted while rendering");
      auto t = std::chrono::steady_clock::now();
      emit("render", step.name, "started", "");
      auto rendered = o.addon_source ? o.addon_source->render(step, ro) : render::render_step(step, ro);
      // render_step's errors already start with "rendering <add-on> <version>".
      if (!rendered) return fail("render", rendered.error(), step.name);
      // Later add-ons may create objects of the CRDs this one brings (not served yet).
      for (const Json& o : rendered->objects) {
        if (o.value("kind", "") != "CustomResourceDefinition") continue;
        std::string group = o.value("/spec/group"_json_pointer, std::string());
        std::string kind = o.value("/spec/names/kind"_json_pointer, std::string());
        ro.namespaced_kinds[group + "/" + kind] = o.value("/spec/scope"_json_pointer, std::string()) == "Namespaced";
      }
      PreparedAddon a;
      a.step = &step;
      a.rendered = std::move(*rendered);
      a.parent = parent_for(step.name, o.tooling);
      auto live_parent = read_parent(*m_run.client, step.name);
      if (!live_parent) return fail("render", live_parent.error(), step.name);
      a.live_parent = *live_parent;
      if (a.live_parent) {
        std::string text = a.live_parent->value("/data"_json_pointer, Json::object()).value(k_record_key, "");
        Json j = Json::parse(text, nullptr, false);
        // An unreadable record is treated as no record: the add-on is applied again.
        if (!j.is_discarded()) {
          auto record = record_from_json(j, "ConfigMap " + a.parent.ns + "/" + a.parent.name);
          if (record) a.record = std::move(*record);
        }
      }
      ApplyAddonOptions ao = apply_options(step);
      auto members = prepare_members(*m_run.client, a.rendered, a.parent, ao);
      if (!members) {
        problems.push_back(members.error().message);
        continue;
      }
      a.members = std::move(*members);
      auto fresh = up_to_date(*m_run.client, a.rendered, a.parent, a.record, a.why);
      if (!fresh) return fail("render", fresh.error(), step.name);
      a.up_to_date = *fresh;
      // Rules a --wait=workloads run left out are waited for when this run waits for everything.
      if (a.up_to_date && m_run.options.wait == WaitFor::all && a.record->rules_not_waited > 0) {
        a.up_to_date = false;
        a.why = "its add-on readiness rules were not waited for last time (--wait=workloads)";
      }
      emit("render", step.name, "ok", a.up_to_date ? "unchanged" : a.why, static_cast<int>(a.members.size()), since(t));
      m_run.addons.push_back(std::move(a));
    }
    if (!problems.empty()) {
      std::string message = "refusing to install (nothing was changed):";
      for (const std::string& p : problems) message += "\n" + p;
      return fail("preflight", Error{ErrorKind::input, message});
    }
    return {};
  }

 private:
  /// The checklist the add-ons' checks and the final run use; none with --skip-verify.
  Result<void> choose_checklist() {
    const InstallOptions& o = m_run.options;
    if (o.verify == Verify::no) return {};
    auto checklist = install_checklist(o.checklist, m_run.plan.minor.to_string());
    if (!checklist) {
      if (o.checklist != "auto") return tl::unexpected(checklist.error().with_context("--checklist"));
      m_run.log.warn("no AI conformance checklist for Kubernetes " + m_run.plan.minor.to_string() + "; checks skipped");
      return {};
    }
    m_run.checklist = *checklist;
    m_run.summary.checklist = std::string(checklist->version);
    return {};
  }

  render::RenderOptions render_options() {
    const InstallOptions& o = m_run.options;
    render::RenderOptions ro;
    ro.profiles = m_run.plan.profiles;
    ro.minor = m_run.plan.minor;
    ro.catalog_fs = o.catalog_fs;
    ro.catalog_root = o.catalog_root;
    ro.source_mirror = o.source_mirror.empty() ? m_run.plan.source_mirror : o.source_mirror;
    ro.cache_dir = o.cache_dir.empty() ? render::default_cache_dir(o.adopt.env) : o.cache_dir;
    ro.helm = o.helm;
    if (m_run.plan.image_redirection == "rewrite") ro.image_registry = m_run.plan.registry.mirror;
    auto discovery = m_run.client->discovery();
    if (discovery) {
      for (const kube::ResourceMapping& m : discovery->resources) {
        ro.namespaced_kinds[m.gvk.group + "/" + m.gvk.kind] = m.namespaced();
      }
    }
    ro.http = o.http;
    ro.runner = o.runner;
    ro.log = &m_run.log;
    return ro;
  }

  ApplyAddonOptions apply_options(const catalog::PlanStep& step) {
    ApplyAddonOptions ao;
    ao.force = m_run.options.force;
    ao.workers = m_run.options.workers;
    if (step.addon) {
      ao.timeout = m_run.options.timeout ? *m_run.options.timeout
                                         : std::chrono::duration_cast<std::chrono::milliseconds>(step.addon->timeout);
      ao.defers_to = step.addon->crds.defers_to;
    }
    return ao;
  }

  void emit(const std::string& phase, const std::string& addon, const std::string& state, const std::string& detail,
            int objects = 0, double seconds = 0) {
    m_run.observer.event(InstallEvent{phase, addon, state, detail, objects, seconds});
  }

  Result<void> fail(const std::string& phase, const Error& e, const std::string& addon = "") {
    emit(phase, addon, "failed", e.message);
    return tl::unexpected(e);
  }

  InstallRun& m_run;
};

}  // namespace

std::unique_ptr<Phase> make_cluster_phase(InstallRun& run) { return std::make_unique<ClusterPhase>(run); }

}  // namespace aiplat::actions

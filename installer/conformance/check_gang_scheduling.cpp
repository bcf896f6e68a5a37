// gang_scheduling: Kueue admits a gang whole (all pods bound and running at once) and keeps a
// gang that does not fit entirely out: no pod of it is bound to a node or running, judged by
// the pods' spec.nodeName and phase, never by job.status.active (which counts Pending pods).
#include <fmt/format.h>

#include "conformance/check.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

constexpr int k_pods = 3;

const GroupVersionKind k_job = gvk("batch/v1", "Job");
const GroupVersionKind k_pod = gvk("v1", "Pod");

// The Workload Kueue made for a Job (owner reference), or null.
Json workload_of(CheckContext& ctx, const std::string& api, const std::string& job) {
  KubeResult<kube::ObjectList> wls = ctx.api.list(gvk(api, "Workload"), ctx.ns);
  if (!wls) return nullptr;
  for (const Json& w : wls->items) {
    for (const Json& o : w["metadata"].value("ownerReferences", Json::array())) {
      if (o.value("kind", "") == "Job" && o.value("name", "") == job) return w;
    }
  }
  return nullptr;
}

std::vector<Json> gang_pods(CheckContext& ctx, const std::string& job) {
  KubeResult<kube::ObjectList> pods = ctx.api.list(k_pod, ctx.ns, "aiplat.dev/gang=" + job);
  return pods ? pods->items : std::vector<Json>{};
}

bool bound_or_running(const Json& pod) {
  return !pod.value("spec", Json::object()).value("nodeName", std::string()).empty() ||
         pod.value("status", Json::object()).value("phase", std::string()) == "Running";
}

Result<Json> gang_job(CheckContext& ctx, const std::string& name, const std::string& cpu) {
  Result<std::vector<Json>> docs = load_probe(ctx, "gang-job.yaml",
                                              {{"NAME", name}, {"QUEUE", "aiplat-conf"},
                                               {"PODS", std::to_string(k_pods)}, {"CPU", cpu}});
  if (!docs) return tl::unexpected(docs.error());
  return docs->front();
}

Verdict run(CheckContext& ctx) {
  std::string version = ctx.api.preferred_version("kueue.x-k8s.io");
  if (version.empty()) {
    for (const char* other : {"scheduling.volcano.sh", "scheduling.run.ai"}) {
      if (!ctx.api.preferred_version(other).empty()) {
        // Not N/A: a gang scheduler is there, aiplat just cannot drive it, so the vendor must show it.
        return skip(SkipReason::no_check,
                    std::string("gang scheduler API ") + other + " is served, but aiplat's gang check drives Kueue");
      }
    }
    return fail("no gang scheduler is installed: API group kueue.x-k8s.io is not served");
  }
  std::string api = "kueue.x-k8s.io/" + version;
  KubeResult<kube::ObjectList> deps =
      ctx.api.list(gvk("apps/v1", "Deployment"), "", "", "metadata.name=kueue-controller-manager");
  bool available = false;
  if (deps) {
    for (const Json& d : deps->items) available = available || condition_true(d, "Available");
  }
  if (!available) {
    return skip(SkipReason::controller_absent, "kueue.x-k8s.io is served but no kueue-controller-manager Deployment "
                                               "is Available");
  }
  ctx.found("Kueue " + api + " is served and kueue-controller-manager is Available");

  // Quota 1 CPU: the positive gang needs 3 x 100m, the negative one 3 x 500m.
  Result<std::vector<Json>> queues = load_probe(ctx, "kueue-queues.yaml", {{"KUEUE_API", api}, {"CPU_QUOTA", "1"}});
  if (!queues) return fail(queues.error().message);
  for (const Json& q : *queues) {
    KubeResult<Json> made = ctx.api.create(q);
    if (!made) return fail("creating " + object_name(q) + ": " + summarize(made.error()));
    if (!q["metadata"].contains("namespace")) {
      ctx.delete_at_cleanup(gvk(api, q["kind"].get<std::string>()), q["metadata"]["name"].get<std::string>());
    }
  }

  // Positive gang.
  Result<Json> job = gang_job(ctx, "gang-fits", "100m");
  if (!job) return fail(job.error().message);
  if (KubeResult<Json> made = ctx.api.create(*job); !made) return fail("creating Job gang-fits: " + summarize(made.error()));
  Json wl;
  if (!ctx.wait_for("Kueue to create a Workload for Job gang-fits", std::chrono::seconds(60), [&] {
        wl = workload_of(ctx, api, "gang-fits");
        return !wl.is_null();
      })) {
    return skip(SkipReason::controller_absent,
                "kueue-controller-manager reports Available but created no Workload for a queued Job within 60s; the "
                "controller is not running (on a real cluster, treat this as a Kueue failure)");
  }
  if (!ctx.wait_for("Workload of gang-fits to be admitted", std::chrono::seconds(120), [&] {
        wl = workload_of(ctx, api, "gang-fits");
        return condition_true(wl, "Admitted");
      })) {
    return fail("Kueue created Workload " + object_name(wl) + " but did not admit it within 120s although it fits the "
                "quota: " + summarize(wl));
  }
  ctx.found("Kueue created and admitted the Workload of a 3-pod Job that fits the quota");
  int max_together = 0;
  bool any_bound = false;
  bool complete = ctx.wait_for("Job gang-fits to complete with all pods running together", std::chrono::seconds(300), [&] {
    int together = 0;
    for (const Json& p : gang_pods(ctx, "gang-fits")) {
      bool bound = !p["spec"].value("nodeName", std::string()).empty();
      any_bound = any_bound || bound;
      std::string phase = p.value("status", Json::object()).value("phase", std::string());
      if (bound && (phase == "Running" || phase == "Succeeded")) ++together;
    }
    max_together = std::max(max_together, together);
    KubeResult<Json> j = ctx.api.get(k_job, ctx.ns, "gang-fits");
    return j && condition_true(*j, "Complete") && max_together >= k_pods;
  });
  if (!complete) {
    if (!any_bound) {
      return skip(SkipReason::simulated_cluster, "Kueue admitted the gang but no pod was ever bound to a node within "
                                                 "300s: nothing schedules or runs pods");
    }
    return fail(fmt::format("the admitted gang did not complete with all {} pods running together (at most {} seen "
                            "bound and running at once)", k_pods, max_together));
  }
  ctx.found(fmt::format("all {} pods of the admitted gang were bound and running at once; the Job completed", k_pods));

  // Negative gang: 3 x 500m cannot fit a 1-CPU quota; none of it may start.
  Result<Json> big = gang_job(ctx, "gang-too-big", "500m");
  if (!big) return fail(big.error().message);
  if (KubeResult<Json> made = ctx.api.create(*big); !made) {
    return fail("creating Job gang-too-big: " + summarize(made.error()));
  }
  std::string violation;
  ctx.wait_for(fmt::format("a violation during the {}s negative window", ctx.settings.gang_negative_window.count()),
               ctx.settings.gang_negative_window, [&] {
                 for (const Json& p : gang_pods(ctx, "gang-too-big")) {
                   if (bound_or_running(p)) {
                     violation = fmt::format("pod {} of the gang that exceeds the quota was bound to node \"{}\" "
                                             "with phase {}: the gang was partially admitted",
                                             p["metadata"].value("name", ""), p["spec"].value("nodeName", ""),
                                             p.value("status", Json::object()).value("phase", "?"));
                     return true;
                   }
                 }
                 Json w = workload_of(ctx, api, "gang-too-big");
                 if (condition_true(w, "Admitted")) {
                   violation = "Kueue admitted the Workload of a gang that exceeds the quota";
                   return true;
                 }
                 KubeResult<Json> j = ctx.api.get(k_job, ctx.ns, "gang-too-big");
                 if (j && !(*j)["spec"].value("suspend", true)) {
                   violation = "the Job of a gang that exceeds the quota was unsuspended";
                   return true;
                 }
                 return false;
               });
  if (!violation.empty()) return fail(violation);
  ctx.found(fmt::format("for {}s no pod of a gang exceeding the quota was bound or running, its Workload stayed "
                        "unadmitted and its Job suspended", ctx.settings.gang_negative_window.count()));
  return pass("Kueue runs a fitting gang all at once and admits nothing of a gang that does not fit");
}

}  // namespace

CheckDef gang_scheduling_check() {
  return CheckDef{
      "gang_scheduling",
      "Gang scheduling",
      "TestGangScheduling",
      {Need::controller},
      std::chrono::seconds(600),
      "Kueue admits a 3-pod Job that fits the quota as a whole (all pods bound and Running at once, Job Complete), "
      "and for the negative window admits nothing of a 3-pod Job that exceeds the quota: no pod bound to a node or "
      "Running, Workload not admitted, Job still suspended.",
      run,
  };
}

}  // namespace aiplat::conformance

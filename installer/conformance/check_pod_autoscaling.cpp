// pod_autoscaling: the HPA scales on a custom AI metric. The metric travels workload ->
// Prometheus -> adapter -> custom.metrics.k8s.io (an item is read back for the pods), then an
// HPA on that metric scales the workload 1 -> 2 when the metric is driven up and back to 1
// when it drops. With accelerators the workload's pods each hold one; without, the pipeline
// and scaling are shown on CPU pods and the check skips, since the requirement is about
// accelerator pods.
#include <fmt/format.h>

#include "conformance/accelerators.hpp"
#include "conformance/check.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

const std::string k_metric = "ai_conformance_inference_queue_depth";

std::vector<std::string> stub_pods(CheckContext& ctx) {
  std::vector<std::string> names;
  KubeResult<kube::ObjectList> pods = ctx.api.list(gvk("v1", "Pod"), ctx.ns, "app=inference-stub");
  if (!pods) return names;
  for (const Json& p : pods->items) {
    if (p.value("status", Json::object()).value("phase", "") == "Running") names.push_back(p["metadata"].value("name", ""));
  }
  return names;
}

int ready_replicas(CheckContext& ctx) {
  KubeResult<Json> d = ctx.api.get(gvk("apps/v1", "Deployment"), ctx.ns, "inference-stub");
  return d ? (*d).value("status", Json::object()).value("readyReplicas", 0) : 0;
}

Verdict run(CheckContext& ctx) {
  if (!ctx.api.served("autoscaling", "v2", "horizontalpodautoscalers")) return fail("autoscaling/v2 is not served");
  KubeResult<Json> svc = ctx.api.get(gvk("apiregistration.k8s.io/v1", "APIService"), "", "v1beta1.custom.metrics.k8s.io");
  if (!svc) {
    return fail("no custom metrics API: APIService v1beta1.custom.metrics.k8s.io is not registered, so the HPA cannot "
                "scale on AI/ML metrics");
  }
  if (!condition_true(*svc, "Available")) {
    return skip(SkipReason::controller_absent, "APIService v1beta1.custom.metrics.k8s.io is registered but not "
                                               "Available: its adapter is not running");
  }
  if (KubeResult<std::string> g = ctx.api.raw_get("/apis/custom.metrics.k8s.io/v1beta1"); !g) {
    // A real aggregator marks an APIService unavailable when its backend does not answer; Available
    // with nothing behind it is what a simulated API server shows.
    return skip(SkipReason::controller_absent, "APIService v1beta1.custom.metrics.k8s.io reports Available but GET "
                                               "/apis/custom.metrics.k8s.io/v1beta1 fails (" + summarize(g.error()) +
                                               "): no adapter answers behind it");
  }
  ctx.found("autoscaling/v2 served; custom.metrics.k8s.io/v1beta1 Available and answering");

  Accelerators acc = find_accelerators(ctx);
  Json monitor_labels = Json::object();
  KubeResult<kube::ObjectList> proms = ctx.api.list(gvk("monitoring.coreos.com/v1", "Prometheus"), "");
  if (proms && !proms->items.empty()) {
    monitor_labels = proms->items.front().value("spec", Json::object())
                         .value("serviceMonitorSelector", Json::object()).value("matchLabels", Json::object());
  }
  Result<std::vector<Json>> stub = load_probe(ctx, "metrics-stub.yaml",
                                              {{"NAME", "inference-stub"},
                                               {"MONITOR_LABELS", monitor_labels.empty() ? "{}" : monitor_labels.dump()}});
  if (!stub) return fail(stub.error().message);
  for (Json& o : *stub) {
    if (o.value("kind", "") == "ServiceMonitor" && !ctx.api.served("monitoring.coreos.com", "v1", "servicemonitors")) continue;
    if (o.value("kind", "") == "Deployment" && acc.any()) {
      Json pod = {{"spec", o["spec"]["template"]["spec"]}};
      if (Result<void> r = request_accelerator(ctx, acc, pod); !r) return fail(r.error().message);
      o["spec"]["template"]["spec"] = pod["spec"];
    }
    if (KubeResult<Json> made = ctx.api.create(o); !made) return fail("creating " + object_name(o) + ": " + summarize(made.error()));
  }
  if (!ctx.wait_for("the workload to run", std::chrono::seconds(240), [&] { return !stub_pods(ctx).empty() && ready_replicas(ctx) >= 1; })) {
    return fail("the workload exposing the custom metric did not become ready within 240s");
  }
  std::string items_path = "/apis/custom.metrics.k8s.io/v1beta1/namespaces/" + ctx.ns + "/pods/*/" + k_metric;
  std::size_t items = 0;
  if (!ctx.wait_for("a custom metrics item for the workload's pods", std::chrono::seconds(300), [&] {
        KubeResult<std::string> body = ctx.api.raw_get(items_path);
        if (!body) return false;
        Json list = Json::parse(*body, nullptr, false);
        items = list.is_object() ? list.value("items", Json::array()).size() : 0;
        return items > 0;
      }, std::chrono::seconds(10))) {
    return fail("GET " + items_path + " returned no item within 300s: the metric does not reach the custom metrics API");
  }
  ctx.found(fmt::format("GET {} returned {} item(s)", items_path, items));

  Json hpa = {{"apiVersion", "autoscaling/v2"},
              {"kind", "HorizontalPodAutoscaler"},
              {"metadata", {{"name", "inference-stub"}, {"namespace", ctx.ns}}},
              {"spec",
               {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "inference-stub"}}},
                {"minReplicas", 1},
                {"maxReplicas", 2},
                {"metrics", Json::array({{{"type", "Pods"},
                                          {"pods", {{"metric", {{"name", k_metric}}},
                                                    {"target", {{"type", "AverageValue"}, {"averageValue", "5"}}}}}}})}}}};
  if (KubeResult<Json> made = ctx.api.create(hpa); !made) return fail("creating the HPA: " + summarize(made.error()));
  for (const std::string& p : stub_pods(ctx)) (void)ctx.api.pod_proxy_get(ctx.ns, p, "8080", "/set?value=20");
  if (!ctx.wait_for("the HPA to scale the workload to 2 ready replicas", std::chrono::seconds(600), [&] {
        return ready_replicas(ctx) >= 2;
      }, std::chrono::seconds(10))) {
    KubeResult<Json> h = ctx.api.get(gvk("autoscaling/v2", "HorizontalPodAutoscaler"), ctx.ns, "inference-stub");
    return fail("with the metric at 20 (target 5 per pod) the workload did not reach 2 ready replicas within 600s: " +
                (h ? summarize(*h) : std::string("HPA unreadable")));
  }
  ctx.found("metric driven to 20 (target average 5): the HPA scaled the workload 1 -> 2");
  for (const std::string& p : stub_pods(ctx)) (void)ctx.api.pod_proxy_get(ctx.ns, p, "8080", "/set?value=0");
  if (!ctx.wait_for("the HPA to scale back to 1 replica", std::chrono::seconds(900), [&] {
        KubeResult<Json> d = ctx.api.get(gvk("apps/v1", "Deployment"), ctx.ns, "inference-stub");
        return d && (*d)["spec"].value("replicas", 0) == 1;
      }, std::chrono::seconds(15))) {
    return fail("with the metric at 0 the HPA did not scale the workload back to 1 replica within 900s");
  }
  ctx.found("metric dropped to 0: the HPA scaled the workload back to 1");
  if (!acc.any()) {
    return skip(SkipReason::needs_accelerators,
                "the HPA scaled on a custom metric 1 -> 2 -> 1 with CPU pods; no accelerators to repeat it with "
                "accelerator pods (" + acc.why_none + ")");
  }
  return pass("the HPA scales accelerator pods on a custom AI metric, up and back down");
}

}  // namespace

CheckDef pod_autoscaling_check() {
  return CheckDef{
      "pod_autoscaling",
      "Pod autoscaling on custom metrics",
      "TestPodAutoscaling",
      {Need::controller, Need::accelerators},
      std::chrono::seconds(2400),
      "autoscaling/v2 is served and custom.metrics.k8s.io is Available; a workload's queue gauge reaches the custom "
      "metrics API (an item is read back for its pods); an HPA on that metric scales the workload to 2 when the gauge "
      "is driven to 20 (target 5) and back to 1 when it drops. The workload's pods hold an accelerator each when the "
      "cluster has accelerators; without, the check reports skip.",
      run,
  };
}

}  // namespace aiplat::conformance

// ai_service_metrics: the platform's monitoring system discovers a workload that exposes
// Prometheus metrics (through a ServiceMonitor) and collects them: after exactly 10 requests,
// Prometheus reports the workload's request counter at 10 for this run's label.
#include <fmt/format.h>

#include "conformance/check.hpp"
#include "conformance/probes.hpp"
#include "conformance/prometheus_query.hpp"

namespace aiplat::conformance {
namespace {

constexpr int k_requests = 10;

Verdict run(CheckContext& ctx) {
  if (!ctx.api.served("monitoring.coreos.com", "v1", "servicemonitors")) {
    return fail("no monitoring system that discovers workloads: monitoring.coreos.com/v1 ServiceMonitor is not served");
  }
  KubeResult<kube::ObjectList> proms = ctx.api.list(gvk("monitoring.coreos.com/v1", "Prometheus"), "");
  if (!proms || proms->items.empty()) {
    return fail("ServiceMonitor is served but no Prometheus instance exists to collect from it");
  }
  const Json& prom = proms->items.front();
  PrometheusEndpoint at{prom["metadata"].value("namespace", ""), "prometheus-operated", "9090"};
  Json monitor_labels = prom.value("spec", Json::object())
                            .value("serviceMonitorSelector", Json::object())
                            .value("matchLabels", Json::object());
  // A namespace selector with labels: give our namespace those labels.
  Json ns_labels = prom.value("spec", Json::object())
                       .value("serviceMonitorNamespaceSelector", Json::object())
                       .value("matchLabels", Json::object());
  if (!ns_labels.empty()) {
    (void)ctx.api.merge_patch(gvk("v1", "Namespace"), "", ctx.ns, {{"metadata", {{"labels", ns_labels}}}});
  }
  if (!ctx.wait_for("Prometheus " + object_name(prom) + " to answer queries", std::chrono::seconds(60), [&] {
        return ctx.api.service_proxy_get(at.ns, at.service, at.port, "/api/v1/query?query=up").has_value();
      }, std::chrono::seconds(5))) {
    return skip(SkipReason::controller_absent, "Prometheus " + object_name(prom) + " exists but its server (Service " +
                                                   at.ns + "/prometheus-operated:9090) does not answer");
  }
  ctx.found("Prometheus " + object_name(prom) + " answers queries; ServiceMonitor selector " + monitor_labels.dump());

  Result<std::vector<Json>> stub = load_probe(ctx, "metrics-stub.yaml",
                                              {{"NAME", "inference-stub"},
                                               {"MONITOR_LABELS", monitor_labels.empty() ? "{}" : monitor_labels.dump()}});
  if (!stub) return fail(stub.error().message);
  for (const Json& o : *stub) {
    if (KubeResult<Json> made = ctx.api.create(o); !made) return fail("creating " + object_name(o) + ": " + summarize(made.error()));
  }
  if (!ctx.wait_for("the inference stub to answer through its Service", std::chrono::seconds(240), [&] {
        return ctx.api.service_proxy_get(ctx.ns, "inference-stub", "8080", "/metrics").has_value();
      }, std::chrono::seconds(5))) {
    return fail("the inference stub Service did not answer within 240s although Prometheus runs on this cluster");
  }
  int sent = 0;
  for (int i = 0; i < k_requests; ++i) {
    if (ctx.api.service_proxy_get(ctx.ns, "inference-stub", "8080", "/infer")) ++sent;
  }
  if (sent != k_requests) return fail(fmt::format("only {} of {} requests reached the inference stub", sent, k_requests));
  ctx.found(fmt::format("sent {} requests to the workload", k_requests));

  std::string label = fmt::format("{{conformance_run=\"{}\"}}", ctx.run_id);
  std::optional<double> seen;
  bool collected = ctx.wait_for("Prometheus to report the workload's counter at 10", std::chrono::seconds(300), [&] {
    seen = prometheus_value(ctx, at, "max(ai_conformance_inference_requests_total" + label + ")");
    return seen && *seen >= k_requests;
  }, std::chrono::seconds(10));
  if (!collected) {
    return fail(seen ? fmt::format("Prometheus reports the counter at {} after 300s, expected {}", *seen, k_requests)
                     : "Prometheus never returned the workload's series within 300s: the ServiceMonitor was not "
                       "discovered or the target not scraped");
  }
  for (const char* m : {"ai_conformance_inference_request_duration_seconds_count", "ai_conformance_inference_queue_depth"}) {
    if (!prometheus_value(ctx, at, std::string(m) + label)) return fail(std::string("series ") + m + " was not collected");
  }
  ctx.found("Prometheus collected the request counter (10), the latency histogram and the queue gauge of the run");
  return pass("the monitoring system discovered the workload through a ServiceMonitor and collected its metrics");
}

}  // namespace

CheckDef ai_service_metrics_check() {
  return CheckDef{
      "ai_service_metrics",
      "AI service metrics",
      "TestAIServiceMetrics",
      {Need::controller},
      std::chrono::seconds(600),
      "A workload exposing a request counter, a latency histogram and a queue gauge (Prometheus format) is declared "
      "with a ServiceMonitor matching the Prometheus selector; after exactly 10 requests Prometheus, queried through "
      "the API server's service proxy, reports the counter at 10 for this run's label and has the other series.",
      run,
  };
}

}  // namespace aiplat::conformance

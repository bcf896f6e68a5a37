// ai_inference: the Gateway API is installed and a controller implements it; a Gateway is
// programmed, and real requests through its data plane are split by weight and routed by header.
#include <fmt/format.h>

#include "conformance/check.hpp"
#include "conformance/gateway_support.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

const GroupVersionKind k_gateway = gvk("gateway.networking.k8s.io/v1", "Gateway");
const GroupVersionKind k_route = gvk("gateway.networking.k8s.io/v1", "HTTPRoute");
const GroupVersionKind k_service = gvk("v1", "Service");

// Every parent status of the route has Accepted and ResolvedRefs True.
bool route_ready(const Json& route) {
  const Json& parents = route.value("status", Json::object()).value("parents", Json::array());
  if (parents.empty()) return false;
  for (const Json& p : parents) {
    Json wrapped = {{"status", {{"conditions", p.value("conditions", Json::array())}}}};
    if (!condition_true(wrapped, "Accepted") || !condition_true(wrapped, "ResolvedRefs")) return false;
  }
  return true;
}

// The Service in front of the Gateway's data plane; implementations label it with the gateway name.
Json gateway_service(CheckContext& ctx) {
  for (const char* label : {"gateway.networking.k8s.io/gateway-name", "gateway.envoyproxy.io/owning-gateway-name",
                            "istio.io/gateway-name"}) {
    KubeResult<kube::ObjectList> svcs = ctx.api.list(k_service, "", std::string(label) + "=aiplat-conf");
    if (!svcs) continue;
    for (const Json& s : svcs->items) {
      // Envoy Gateway also labels the owning namespace; prefer a Service that names ours when it says.
      std::string owner_ns = s["metadata"].value("labels", Json::object())
                                 .value("gateway.envoyproxy.io/owning-gateway-namespace", ctx.ns);
      if (owner_ns == ctx.ns) return s;
    }
  }
  return nullptr;
}

std::string backend_of(const std::string& hostname) {
  if (hostname.rfind("app1-", 0) == 0) return "app1";
  if (hostname.rfind("app2-", 0) == 0) return "app2";
  return {};
}

Verdict run(CheckContext& ctx) {
  std::vector<std::string> problems =
      crd_problems(ctx, {"gatewayclasses.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io",
                         "httproutes.gateway.networking.k8s.io", "grpcroutes.gateway.networking.k8s.io",
                         "referencegrants.gateway.networking.k8s.io"});
  if (!problems.empty()) return fail("Gateway API CRDs: " + join_words(problems));
  ctx.found("Gateway API CRDs (GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant) are Established");

  GatewayClassChoice gc = accepted_gateway_class(ctx);
  if (gc.classes_seen == 0) return fail("no GatewayClass exists: no Gateway API implementation is installed");
  if (gc.name.empty()) {
    return skip(SkipReason::controller_absent,
                fmt::format("{} GatewayClass(es) exist but none is Accepted: no Gateway controller is running",
                            gc.classes_seen));
  }

  std::vector<Json> objects;
  for (const char* app : {"app1", "app2"}) {
    Result<std::vector<Json>> b = load_probe(ctx, "gateway-backend.yaml", {{"NAME", app}});
    if (!b) return fail(b.error().message);
    objects.insert(objects.end(), b->begin(), b->end());
  }
  Result<std::vector<Json>> routes = load_probe(ctx, "gateway-routes.yaml", {{"GATEWAY_CLASS", gc.name}});
  if (!routes) return fail(routes.error().message);
  objects.insert(objects.end(), routes->begin(), routes->end());
  for (const Json& o : objects) {
    if (KubeResult<Json> made = ctx.api.create(o); !made) return fail("creating " + object_name(o) + ": " + summarize(made.error()));
  }

  Json gw;
  auto refresh_gateway = [&] {
    KubeResult<Json> g = ctx.api.get(k_gateway, ctx.ns, "aiplat-conf");
    if (g) gw = *g;
  };
  if (!ctx.wait_for("Gateway aiplat-conf to be Accepted", std::chrono::seconds(90), [&] {
        refresh_gateway();
        return condition_true(gw, "Accepted");
      })) {
    return skip(SkipReason::controller_absent, "controller " + gc.controller + " did not accept Gateway aiplat-conf "
                                               "within 90s: it is not running");
  }
  if (!ctx.wait_for("Gateway aiplat-conf to be Programmed", std::chrono::seconds(240), [&] {
        refresh_gateway();
        return condition_true(gw, "Programmed");
      })) {
    return fail("Gateway aiplat-conf was Accepted but not Programmed within 240s: " + summarize(gw));
  }
  ctx.found("Gateway aiplat-conf of class " + gc.name + " is Accepted and Programmed");
  Json route;
  if (!ctx.wait_for("HTTPRoute aiplat-conf to be Accepted with ResolvedRefs", std::chrono::seconds(120), [&] {
        KubeResult<Json> r = ctx.api.get(k_route, ctx.ns, "aiplat-conf");
        if (r) route = *r;
        return route_ready(route);
      })) {
    return fail("HTTPRoute aiplat-conf (header rule and 80/20 weights) was not Accepted with ResolvedRefs in 120s");
  }
  ctx.found("HTTPRoute with a header match and 80/20 weighted backends is Accepted with ResolvedRefs");

  Json svc = gateway_service(ctx);
  if (svc.is_null()) {
    return skip(SkipReason::not_configured,
                "the Gateway is Programmed but no Service labelled with its name fronts the data plane, so traffic "
                "could not be sent through it; split and header routing are unverified");
  }
  std::string svc_ns = svc["metadata"].value("namespace", "");
  std::string svc_name = svc["metadata"].value("name", "");
  ctx.found("data plane Service " + svc_ns + "/" + svc_name);

  // Weighted split, through the API server's service proxy to the gateway Service.
  int app1 = 0;
  int app2 = 0;
  int errors = 0;
  const int total = ctx.settings.split_requests;
  for (int i = 0; i < total; ++i) {
    KubeResult<std::string> body = ctx.api.service_proxy_get(svc_ns, svc_name, "80", "/hostname");
    std::string backend = body ? backend_of(*body) : std::string();
    if (backend == "app1") ++app1;
    else if (backend == "app2") ++app2;
    else ++errors;
  }
  double share = total > 0 ? static_cast<double>(app1) / total : 0;
  ctx.api.note(fmt::format("weighted split: app1={} app2={} errors={} of {}", app1, app2, errors, total));
  if (errors > total / 10) {
    return fail(fmt::format("{} of {} requests through the gateway failed or reached no known backend", errors, total));
  }
  if (share < 0.8 - ctx.settings.split_tolerance || share > 0.8 + ctx.settings.split_tolerance || app2 == 0) {
    return fail(fmt::format("weighted split outside tolerance: app1 got {:.0f}% of {} requests (expected 80% +/- "
                            "{:.0f} points), app2 {}", share * 100, total, ctx.settings.split_tolerance * 100, app2));
  }
  ctx.found(fmt::format("{} requests through the gateway split {}/{} (80/20 configured)", total, app1, app2));

  // Header routing, from inside the cluster (the service proxy cannot carry a client's header).
  std::string url = fmt::format("http://{}.{}.svc:80/hostname", svc_name, svc_ns);
  Result<std::vector<Json>> client = load_probe(ctx, "http-client-probe.yaml",
                                                {{"URL", url}, {"HEADER", "X-Model-Version: v1"}, {"COUNT", "20"}});
  if (!client) return fail(client.error().message);
  ProbeRun run = run_probe(ctx, client->front(), std::chrono::seconds(180));
  if (run.state == ProbeState::no_output) return skip(SkipReason::simulated_cluster, run.message);
  if (run.state != ProbeState::ran) return fail("the header-routing client pod did not run: " + run.message);
  const auto& lines = run.all_reports["client"];
  int matched = 0;
  for (const auto& fields : lines) {
    auto it = fields.find("backend");
    if (it != fields.end() && backend_of(it->second) == "app1") ++matched;
  }
  if (lines.size() < 20 || matched != static_cast<int>(lines.size())) {
    return fail(fmt::format("header routing: {} of {} requests with X-Model-Version: v1 reached app1 (all must)",
                            matched, lines.size()));
  }
  ctx.found("20 of 20 requests with header X-Model-Version: v1 reached app1");
  return pass("Gateway " + gc.name + " splits traffic by weight and routes by header, verified with real requests");
}

}  // namespace

CheckDef ai_inference_check() {
  return CheckDef{
      "ai_inference",
      "Gateway API for inference traffic",
      "TestAIInferenceGateway",
      {Need::controller},
      std::chrono::seconds(900),
      "Gateway API CRDs are Established; a GatewayClass is Accepted by a controller; a Gateway becomes Programmed; an "
      "HTTPRoute with a header rule and 80/20 weights is Accepted with ResolvedRefs; 100 requests through the "
      "gateway's Service (API server service proxy) split within tolerance, and 20 requests with the header, sent "
      "from a pod, all reach the header's backend.",
      run,
  };
}

}  // namespace aiplat::conformance

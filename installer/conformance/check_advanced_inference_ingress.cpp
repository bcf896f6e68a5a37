// advanced_inference_ingress (SHOULD): the Gateway API Inference Extension is installed and a
// Gateway controller accepts an HTTPRoute whose backend is an InferencePool.
#include <fmt/format.h>

#include "conformance/check.hpp"
#include "conformance/gateway_support.hpp"

namespace aiplat::conformance {
namespace {

Verdict run(CheckContext& ctx) {
  std::string group;
  for (const char* g : {"inference.networking.k8s.io", "inference.networking.x-k8s.io"}) {
    if (crd_problems(ctx, {std::string("inferencepools.") + g}).empty()) {
      group = g;
      break;
    }
  }
  if (group.empty()) return fail("the Gateway API Inference Extension is not installed (no InferencePool CRD)");
  std::string version = ctx.api.preferred_version(group);
  ctx.found("InferencePool CRD of " + group + "/" + version + " is Established");
  GatewayClassChoice gc = accepted_gateway_class(ctx);
  if (gc.name.empty()) {
    return skip(SkipReason::controller_absent, "no GatewayClass is Accepted: no Gateway controller to route to an InferencePool");
  }
  Json pool = {{"apiVersion", group + "/" + version},
               {"kind", "InferencePool"},
               {"metadata", {{"name", "aiplat-conf"}, {"namespace", ctx.ns}}},
               {"spec",
                {{"selector", {{"matchLabels", {{"app", "aiplat-conf-model"}}}}},
                 {"targetPorts", Json::array({{{"number", 8000}}})},
                 {"endpointPickerRef", {{"name", "aiplat-conf-epp"}, {"port", {{"number", 9002}}}}}}}};
  if (group == "inference.networking.x-k8s.io") {
    pool["spec"] = {{"selector", {{"app", "aiplat-conf-model"}}},
                    {"targetPortNumber", 8000},
                    {"extensionRef", {{"name", "aiplat-conf-epp"}}}};
  }
  Json gw = {{"apiVersion", "gateway.networking.k8s.io/v1"},
             {"kind", "Gateway"},
             {"metadata", {{"name", "aiplat-conf"}, {"namespace", ctx.ns}}},
             {"spec",
              {{"gatewayClassName", gc.name},
               {"listeners", Json::array({{{"name", "http"}, {"protocol", "HTTP"}, {"port", 80}}})}}}};
  Json route = {{"apiVersion", "gateway.networking.k8s.io/v1"},
                {"kind", "HTTPRoute"},
                {"metadata", {{"name", "aiplat-conf"}, {"namespace", ctx.ns}}},
                {"spec",
                 {{"parentRefs", Json::array({{{"name", "aiplat-conf"}}})},
                  {"rules", Json::array({{{"backendRefs", Json::array({{{"group", group},
                                                                         {"kind", "InferencePool"},
                                                                         {"name", "aiplat-conf"}}})}}})}}}};
  for (const Json& o : {pool, gw, route}) {
    if (KubeResult<Json> made = ctx.api.create(o); !made) return fail("creating " + object_name(o) + ": " + summarize(made.error()));
  }
  Json seen;
  bool accepted = ctx.wait_for("the HTTPRoute to an InferencePool to be Accepted", std::chrono::seconds(180), [&] {
    KubeResult<Json> r = ctx.api.get(gvk("gateway.networking.k8s.io/v1", "HTTPRoute"), ctx.ns, "aiplat-conf");
    if (!r) return false;
    seen = *r;
    for (const Json& p : seen.value("status", Json::object()).value("parents", Json::array())) {
      Json wrapped = {{"status", {{"conditions", p.value("conditions", Json::array())}}}};
      if (condition_true(wrapped, "Accepted")) return true;
    }
    return false;
  });
  if (!accepted) {
    if (seen.value("status", Json::object()).value("parents", Json::array()).empty()) {
      return skip(SkipReason::controller_absent, "controller " + gc.controller + " did not report on the HTTPRoute "
                                                 "within 180s: it is not running");
    }
    return fail("controller " + gc.controller + " did not accept an HTTPRoute whose backend is an InferencePool: " +
                summarize(seen));
  }
  ctx.found("controller " + gc.controller + " accepted an HTTPRoute routing to an InferencePool");
  return pass("an HTTPRoute to an InferencePool is accepted (model-aware routing through the Inference Extension)",
              Completeness::partial);
}

}  // namespace

CheckDef advanced_inference_ingress_check() {
  return CheckDef{
      "advanced_inference_ingress",
      "Gateway API Inference Extension",
      "TestAdvancedInferenceIngress",
      {Need::controller},
      std::chrono::seconds(300),
      "The InferencePool CRD is Established and a Gateway controller accepts an HTTPRoute whose backend is an "
      "InferencePool. Routing decisions on model-server metrics need a model server and are left to the GAIE "
      "conformance suite, so a pass is reported as partial.",
      run,
  };
}

}  // namespace aiplat::conformance

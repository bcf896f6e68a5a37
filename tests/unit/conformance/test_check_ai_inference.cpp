#include <gtest/gtest.h>

#include "fake_cluster.hpp"

namespace aiplat::conformance::testing {
namespace {

std::vector<FakeResource> gateway_resources() {
  std::vector<FakeResource> r = base_resources();
  r.push_back({"gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass", false});
  r.push_back({"gateway.networking.k8s.io", "v1", "gateways", "Gateway", true});
  r.push_back({"gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true});
  return r;
}

struct FakeGateway {
  bool accept_class = true;
  bool program = true;
  int app1_percent = 80;  // share of unheaded requests the data plane sends to app1
  std::string header_backend = "app1";
};

void install_gateway(FakeCluster& fc, const FakeGateway& g) {
  for (const char* n : {"gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants"}) {
    Json c = {{"apiVersion", "apiextensions.k8s.io/v1"}, {"kind", "CustomResourceDefinition"},
              {"metadata", {{"name", std::string(n) + ".gateway.networking.k8s.io"}}}};
    set_condition(c, "Established", "True");
    set_condition(c, "NamesAccepted", "True");
    fc.add(c);
  }
  Json gc = {{"apiVersion", "gateway.networking.k8s.io/v1"}, {"kind", "GatewayClass"}, {"metadata", {{"name", "eg"}}},
             {"spec", {{"controllerName", "gateway.envoyproxy.io/gatewayclass-controller"}}}};
  set_condition(gc, "Accepted", g.accept_class ? "True" : "False");
  fc.add(gc);
  fc.on_create("Gateway", [g](FakeCluster& c, Json& gw) -> std::optional<HttpResponse> {
    set_condition(gw, "Accepted", "True");
    set_condition(gw, "Programmed", g.program ? "True" : "False");
    c.add({{"apiVersion", "v1"}, {"kind", "Service"},
           {"metadata", {{"name", "envoy-gw"}, {"namespace", "envoy-gateway-system"},
                         {"labels", {{"gateway.envoyproxy.io/owning-gateway-name", "aiplat-conf"},
                                     {"gateway.envoyproxy.io/owning-gateway-namespace", gw["metadata"]["namespace"]}}}}},
           {"spec", Json::object()}});
    return std::nullopt;
  });
  fc.on_create("HTTPRoute", [](FakeCluster&, Json& route) -> std::optional<HttpResponse> {
    Json conds = Json::array({{{"type", "Accepted"}, {"status", "True"}}, {{"type", "ResolvedRefs"}, {"status", "True"}}});
    route["status"]["parents"] = Json::array({{{"conditions", conds}}});
    return std::nullopt;
  });
  auto counter = std::make_shared<int>(0);
  fc.on_service_proxy("envoy-gw", [g, counter](const std::string&) {
    int i = (*counter)++ % 100;
    return aiplat::testing::json_response(200, i < g.app1_percent ? "app1-5d8f-abcde" : "app2-77c1-fghij");
  });
  fc.on_create("Pod", [g](FakeCluster& c, Json& pod) -> std::optional<HttpResponse> {
    pod["spec"]["nodeName"] = "node-1";
    pod["status"]["phase"] = "Succeeded";
    std::string log;
    for (int i = 0; i < 20; ++i) log += "AIPLAT-PROBE request=" + std::to_string(i) + " backend=" + g.header_backend + "-x-y\n";
    c.set_log(pod["metadata"]["namespace"], pod["metadata"]["name"], "client", log);
    return std::nullopt;
  });
}

TEST(AiInference, SplitAndHeaderRoutingVerifiedWithRequests) {
  FakeCluster fc(gateway_resources());
  install_gateway(fc, {});
  CheckResult r = run_one_check(fc, "1.35", "ai_inference");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  // 100 requests went through the gateway Service's proxy.
  int proxied = 0;
  for (const std::string& line : fc.requests()) proxied += line.find("/services/envoy-gw:80/proxy/hostname") != std::string::npos;
  EXPECT_EQ(proxied, 100);
}

TEST(AiInference, SplitOutsideToleranceFails) {
  FakeCluster fc(gateway_resources());
  FakeGateway g;
  g.app1_percent = 50;
  install_gateway(fc, g);
  CheckResult r = run_one_check(fc, "1.35", "ai_inference");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("weighted split outside tolerance: app1 got 50%"), std::string::npos) << r.message;
}

TEST(AiInference, AllTrafficToOneBackendFails) {
  FakeCluster fc(gateway_resources());
  FakeGateway g;
  g.app1_percent = 100;  // 100% is outside 80 +/- 15 and app2 never answers
  install_gateway(fc, g);
  CheckResult r = run_one_check(fc, "1.35", "ai_inference");
  EXPECT_EQ(r.outcome, Outcome::fail);
}

TEST(AiInference, HeaderRoutedToTheWrongBackendFails) {
  FakeCluster fc(gateway_resources());
  FakeGateway g;
  g.header_backend = "app2";
  install_gateway(fc, g);
  CheckResult r = run_one_check(fc, "1.35", "ai_inference");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("header routing: 0 of 20"), std::string::npos) << r.message;
}

TEST(AiInference, NotProgrammedFails) {
  FakeCluster fc(gateway_resources());
  FakeGateway g;
  g.program = false;
  install_gateway(fc, g);
  CheckResult r = run_one_check(fc, "1.35", "ai_inference");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("not Programmed"), std::string::npos) << r.message;
}

TEST(AiInference, NoAcceptedClassMeansNoController) {
  FakeCluster fc(gateway_resources());
  FakeGateway g;
  g.accept_class = false;
  install_gateway(fc, g);
  CheckResult r = run_one_check(fc, "1.35", "ai_inference");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::controller_absent);
}

TEST(AiInference, MissingCrdsFail) {
  FakeCluster fc(gateway_resources());
  CheckResult r = run_one_check(fc, "1.35", "ai_inference");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("gatewayclasses.gateway.networking.k8s.io is not installed"), std::string::npos);
}

}  // namespace
}  // namespace aiplat::conformance::testing

namespace aiplat::conformance::testing {
namespace {

std::vector<FakeResource> gaie_resources() {
  std::vector<FakeResource> r = gateway_resources();
  r.push_back({"inference.networking.k8s.io", "v1", "inferencepools", "InferencePool", true});
  return r;
}

void gaie(FakeCluster& fc, bool controller, bool accept) {
  Json c = {{"apiVersion", "apiextensions.k8s.io/v1"}, {"kind", "CustomResourceDefinition"},
            {"metadata", {{"name", "inferencepools.inference.networking.k8s.io"}}}};
  set_condition(c, "Established", "True");
  set_condition(c, "NamesAccepted", "True");
  fc.add(c);
  Json gc = {{"apiVersion", "gateway.networking.k8s.io/v1"}, {"kind", "GatewayClass"}, {"metadata", {{"name", "istio"}}},
             {"spec", {{"controllerName", "istio.io/gateway-controller"}}}};
  set_condition(gc, "Accepted", "True");
  fc.add(gc);
  if (!controller) return;
  fc.on_create("HTTPRoute", [accept](FakeCluster&, Json& route) -> std::optional<HttpResponse> {
    Json conds = Json::array({{{"type", "Accepted"}, {"status", accept ? "True" : "False"}}});
    route["status"]["parents"] = Json::array({{{"conditions", conds}}});
    return std::nullopt;
  });
}

TEST(AdvancedInferenceIngress, RouteToInferencePoolAcceptedIsAPartialPass) {
  FakeCluster fc(gaie_resources());
  gaie(fc, true, true);
  CheckResult r = run_one_check(fc, "1.36", "advanced_inference_ingress");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  EXPECT_EQ(r.completeness, Completeness::partial);
}

TEST(AdvancedInferenceIngress, RejectedRouteFailsSilentControllerSkipsNoCrdFails) {
  FakeCluster rejected(gaie_resources());
  gaie(rejected, true, false);
  EXPECT_EQ(run_one_check(rejected, "1.36", "advanced_inference_ingress").outcome, Outcome::fail);
  FakeCluster silent(gaie_resources());
  gaie(silent, false, false);
  CheckResult s = run_one_check(silent, "1.36", "advanced_inference_ingress");
  EXPECT_EQ(s.reason, SkipReason::controller_absent) << s.message;
  FakeCluster none(gaie_resources());
  EXPECT_EQ(run_one_check(none, "1.36", "advanced_inference_ingress").outcome, Outcome::fail);
}

}  // namespace
}  // namespace aiplat::conformance::testing

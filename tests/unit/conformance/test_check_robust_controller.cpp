#include <gtest/gtest.h>

#include "fake_cluster.hpp"

namespace aiplat::conformance::testing {
namespace {

std::vector<FakeResource> ray_resources() {
  std::vector<FakeResource> r = base_resources();
  r.push_back({"ray.io", "v1", "rayclusters", "RayCluster", true});
  return r;
}

Json crd(const std::string& name) {
  Json c = {{"apiVersion", "apiextensions.k8s.io/v1"}, {"kind", "CustomResourceDefinition"}, {"metadata", {{"name", name}}}};
  set_condition(c, "Established", "True");
  set_condition(c, "NamesAccepted", "True");
  return c;
}

enum class Webhook { none, denies, schema_only, accepts, unreachable };

void install_kuberay(FakeCluster& fc, Webhook webhook, bool reconcile = true) {
  for (const char* n : {"rayclusters.ray.io", "rayjobs.ray.io", "rayservices.ray.io"}) fc.add(crd(n));
  Json dep = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
              {"metadata", {{"name", "kuberay-operator"}, {"namespace", "kuberay-system"},
                            {"labels", {{"app.kubernetes.io/name", "kuberay-operator"}}}}}, {"spec", Json::object()}};
  set_condition(dep, "Available", "True");
  fc.add(dep);
  if (webhook != Webhook::none) {
    fc.add({{"apiVersion", "admissionregistration.k8s.io/v1"}, {"kind", "ValidatingWebhookConfiguration"},
            {"metadata", {{"name", "kuberay-validating"}}},
            {"webhooks", Json::array({{{"name", "vraycluster.kb.io"},
                                       {"clientConfig", {{"caBundle", "LS0tLS1CRUdJTg=="}}},
                                       {"rules", Json::array({{{"apiGroups", {"ray.io"}}, {"resources", {"rayclusters"}}}})}}})}});
  }
  fc.on_create("RayCluster", [webhook, reconcile](FakeCluster& c, Json& rc) -> std::optional<HttpResponse> {
    bool invalid = rc["spec"]["workerGroupSpecs"].size() > 1;
    if (invalid) {
      auto status = [](long code, const std::string& reason, const std::string& msg) {
        return aiplat::testing::json_response(code, Json{{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                                                         {"reason", reason}, {"message", msg}, {"code", code}}.dump());
      };
      switch (webhook) {
        case Webhook::denies:
          return status(403, "Forbidden", "admission webhook \"vraycluster.kb.io\" denied the request: worker group "
                                          "names must be unique");
        case Webhook::schema_only:
          return status(422, "Invalid", "RayCluster.ray.io \"aiplat-conf-invalid\" is invalid: spec.workerGroupSpecs: "
                                        "Invalid value: duplicate entries");
        case Webhook::unreachable:
          return status(500, "InternalError", "Internal error occurred: failed calling webhook \"vraycluster.kb.io\": "
                                              "connection refused");
        default: break;
      }
    }
    if (reconcile && !invalid) {
      std::string ns = rc["metadata"]["namespace"];
      std::string name = rc["metadata"]["name"];
      Json owner = Json::array({{{"kind", "RayCluster"}, {"name", name}}});
      c.add({{"apiVersion", "v1"}, {"kind", "Pod"},
             {"metadata", {{"name", name + "-head"}, {"namespace", ns}, {"ownerReferences", owner}}}, {"spec", Json::object()}});
      c.add({{"apiVersion", "v1"}, {"kind", "Service"},
             {"metadata", {{"name", name + "-head-svc"}, {"namespace", ns}, {"ownerReferences", owner}}}, {"spec", Json::object()}});
    }
    return std::nullopt;
  });
}

TEST(RobustController, WebhookDenialPasses) {
  FakeCluster fc(ray_resources());
  install_kuberay(fc, Webhook::denies);
  CheckResult r = run_one_check(fc, "1.35", "robust_controller");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  EXPECT_EQ(r.completeness, Completeness::full);
}

TEST(RobustController, SchemaErrorMistakenForWebhookDenialFails) {
  FakeCluster fc(ray_resources());
  install_kuberay(fc, Webhook::schema_only);
  CheckResult r = run_one_check(fc, "1.35", "robust_controller");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("schema validation, not by a webhook"), std::string::npos) << r.message;
}

TEST(RobustController, WebhookThatLetsInvalidObjectsInFails) {
  FakeCluster fc(ray_resources());
  install_kuberay(fc, Webhook::accepts);
  CheckResult r = run_one_check(fc, "1.35", "robust_controller");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("let a RayCluster with duplicate worker group names in"), std::string::npos) << r.message;
}

TEST(RobustController, UnreachableWebhookFails) {
  FakeCluster fc(ray_resources());
  install_kuberay(fc, Webhook::unreachable);
  CheckResult r = run_one_check(fc, "1.35", "robust_controller");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("could not be called"), std::string::npos) << r.message;
}

TEST(RobustController, NoWebhookIsAPartialPass) {
  FakeCluster fc(ray_resources());
  install_kuberay(fc, Webhook::none);
  CheckResult r = run_one_check(fc, "1.35", "robust_controller");
  EXPECT_EQ(r.outcome, Outcome::pass);
  EXPECT_EQ(r.completeness, Completeness::partial);
}

TEST(RobustController, NoReconciliationMeansControllerAbsent) {
  FakeCluster fc(ray_resources());
  install_kuberay(fc, Webhook::denies, false);
  CheckResult r = run_one_check(fc, "1.35", "robust_controller");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::controller_absent);
}

TEST(RobustController, NoOperatorFails) {
  FakeCluster fc(ray_resources());
  CheckResult r = run_one_check(fc, "1.35", "robust_controller");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("rayclusters.ray.io is not installed"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace aiplat::conformance::testing

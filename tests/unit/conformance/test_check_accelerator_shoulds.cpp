// pod_autoscaling, driver_runtime_management, gpu_sharing and advanced_inference_ingress.
#include <gtest/gtest.h>

#include "conformance/webhook_denial.hpp"
#include "fake_cluster.hpp"

namespace aiplat::conformance::testing {
namespace {

// Kubelet for probes: bound to the requested node (or gpu-1), Succeeded, a scripted log line.
void kubelet(FakeCluster& fc, std::function<std::string(const Json& pod)> line) {
  fc.on_create("Pod", [line](FakeCluster& c, Json& pod) -> std::optional<HttpResponse> {
    pod["spec"]["nodeName"] = pod["spec"].value("nodeName", std::string("gpu-1"));
    pod["status"]["phase"] = "Succeeded";
    c.set_log(pod["metadata"]["namespace"], pod["metadata"]["name"], "probe", "AIPLAT-PROBE " + line(pod) + "\n");
    return std::nullopt;
  });
}

TEST(DriverRuntimeManagement, InjectedDriverMatchesTheAdvertisedOne) {
  for (const std::string reported : {"580.82.07", "570.10.01", "none"}) {
    FakeCluster fc;
    add_gpu_node(fc, "gpu-1", 1);
    Json node = fc.find("Node", "", "gpu-1");
    node["metadata"]["labels"]["nvidia.com/cuda.driver-version.full"] = "580.82.07";
    fc.put(node);
    kubelet(fc, [reported](const Json&) { return "container=probe devices=1 uuids=GPU-a driver=" + reported; });
    CheckResult r = run_one_check(fc, "1.35", "driver_runtime_management");
    EXPECT_EQ(r.outcome, reported == "580.82.07" ? Outcome::pass : Outcome::fail) << reported << ": " << r.message;
  }
}

TEST(DriverRuntimeManagement, NoAdvertisedVersionFails) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  CheckResult r = run_one_check(fc, "1.35", "driver_runtime_management");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("advertises no driver version"), std::string::npos);
}

TEST(GpuSharing, TimeSlicedPodsShareOneDevice) {
  for (bool same : {true, false}) {
    FakeCluster fc;
    add_gpu_node(fc, "gpu-1", 4);
    Json node = fc.find("Node", "", "gpu-1");
    node["metadata"]["labels"]["nvidia.com/gpu.replicas"] = "4";
    node["metadata"]["labels"]["nvidia.com/gpu.count"] = "1";
    fc.put(node);
    kubelet(fc, [same](const Json& pod) {
      std::string uuid = same || pod["metadata"]["name"] == "share-a" ? "GPU-a" : "GPU-b";
      return "container=probe devices=1 uuids=" + uuid;
    });
    CheckResult r = run_one_check(fc, "1.35", "gpu_sharing");
    EXPECT_EQ(r.outcome, same ? Outcome::pass : Outcome::fail) << r.message;
  }
}

TEST(GpuSharing, MigResourcesPassAndNothingSharedFails) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  Json node = fc.find("Node", "", "gpu-1");
  node["status"]["allocatable"]["nvidia.com/mig-1g.10gb"] = "7";
  fc.put(node);
  EXPECT_EQ(run_one_check(fc, "1.35", "gpu_sharing").outcome, Outcome::pass);
  FakeCluster plain;
  add_gpu_node(plain, "gpu-1", 1);
  EXPECT_EQ(run_one_check(plain, "1.35", "gpu_sharing").outcome, Outcome::fail);
}

std::vector<FakeResource> metrics_resources() {
  std::vector<FakeResource> r = base_resources();
  r.push_back({"monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", true});
  r.push_back({"monitoring.coreos.com", "v1", "prometheuses", "Prometheus", true});
  return r;
}

// An HPA controller and a custom metrics adapter: the Deployment's replicas follow the gauge.
void autoscaling(FakeCluster& fc, bool scales, bool items = true) {
  Json svc = {{"apiVersion", "apiregistration.k8s.io/v1"}, {"kind", "APIService"},
              {"metadata", {{"name", "v1beta1.custom.metrics.k8s.io"}}}};
  set_condition(svc, "Available", "True");
  fc.add(svc);
  auto gauge = std::make_shared<double>(0);
  fc.on_raw("/apis/custom.metrics.k8s.io/v1beta1", [](const std::string&) {
    return aiplat::testing::json_response(200, R"({"kind":"APIResourceList","resources":[]})");
  });
  fc.on_create("Deployment", [](FakeCluster& c, Json& d) -> std::optional<HttpResponse> {
    d["status"]["readyReplicas"] = 1;
    d["spec"]["replicas"] = 1;
    c.add({{"apiVersion", "v1"}, {"kind", "Pod"},
           {"metadata", {{"name", "inference-stub-1"}, {"namespace", d["metadata"]["namespace"]}, {"labels", {{"app", "inference-stub"}}}}},
           {"spec", {{"nodeName", "node-1"}}}, {"status", {{"phase", "Running"}}}});
    return std::nullopt;
  });
  fc.on_pod_proxy("inference-stub-1", [gauge](const std::string& path) {
    *gauge = std::stod(path.substr(path.find('=') + 1));
    return aiplat::testing::json_response(200, "ok");
  });
  fc.on_read("Deployment", [gauge, scales](FakeCluster& c) {
    for (Json d : c.all("Deployment")) {
      int want = scales && *gauge > 5 ? 2 : 1;
      d["spec"]["replicas"] = want;
      d["status"]["readyReplicas"] = want;
      c.put(d);
    }
  });
  fc.on_create("Namespace", [items](FakeCluster& c, Json& ns) -> std::optional<HttpResponse> {
    std::string name = ns["metadata"]["name"];
    c.on_raw("/apis/custom.metrics.k8s.io/v1beta1/namespaces/" + name + "/pods/*/ai_conformance_inference_queue_depth",
             [items](const std::string&) {
               return aiplat::testing::json_response(200, items ? R"({"items":[{"value":"0"}]})" : R"({"items":[]})");
             });
    return std::nullopt;
  });
}

TEST(PodAutoscaling, ScalesUpAndDownOnTheCustomMetric) {
  FakeCluster fc(metrics_resources());
  add_gpu_node(fc, "gpu-1", 1);
  autoscaling(fc, true);
  CheckResult r = run_one_check(fc, "1.35", "pod_autoscaling");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  // The workload's pods each hold an accelerator.
  bool holds = false;
  for (const std::string& line : r.transcript) holds = holds || line.find("CREATE Deployment") != std::string::npos;
  EXPECT_TRUE(holds);
}

TEST(PodAutoscaling, NoScaleUpFailsAndCpuOnlySkips) {
  FakeCluster fc(metrics_resources());
  add_gpu_node(fc, "gpu-1", 1);
  autoscaling(fc, false);
  CheckResult r = run_one_check(fc, "1.35", "pod_autoscaling");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("did not reach 2 ready replicas"), std::string::npos) << r.message;
  FakeCluster cpu(metrics_resources());
  autoscaling(cpu, true);
  CheckResult c = run_one_check(cpu, "1.35", "pod_autoscaling");
  EXPECT_EQ(c.outcome, Outcome::skip);
  EXPECT_EQ(c.reason, SkipReason::needs_accelerators);
  EXPECT_EQ(c.findings.size(), 4u);
}

TEST(PodAutoscaling, MetricMissingFromTheApiFails) {
  FakeCluster fc(metrics_resources());
  autoscaling(fc, true, false);
  CheckResult r = run_one_check(fc, "1.35", "pod_autoscaling");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("returned no item"), std::string::npos) << r.message;
  FakeCluster none;
  EXPECT_EQ(run_one_check(none, "1.35", "pod_autoscaling").outcome, Outcome::fail);
}

TEST(WebhookDenial, Classification) {
  auto err = [](long status, const std::string& reason, const std::string& msg) {
    kube::KubeError e;
    e.status = status;
    e.reason = reason;
    e.message = msg;
    return KubeResult<Json>(tl::unexpected(e));
  };
  std::vector<std::string> ours = {"validator.trainer.kubeflow.org"};
  EXPECT_EQ(classify_denial(err(403, "Forbidden", "admission webhook \"validator.trainer.kubeflow.org\" denied the request: no runtime"), ours).kind,
            DenialKind::webhook_denied);
  EXPECT_EQ(classify_denial(err(403, "Forbidden", "admission webhook \"policy.example.com\" denied the request"), ours).kind,
            DenialKind::other_webhook);
  EXPECT_EQ(classify_denial(err(422, "Invalid", "spec.runtimeRef.name: Required value"), ours).kind,
            DenialKind::schema_rejected);
  EXPECT_EQ(classify_denial(KubeResult<Json>(Json{{"kind", "TrainJob"}}), ours).kind, DenialKind::accepted);
}

}  // namespace
}  // namespace aiplat::conformance::testing

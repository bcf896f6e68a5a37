// accelerator_metrics and ai_service_metrics against scripted exporters and Prometheus.
#include <gtest/gtest.h>

#include "fake_cluster.hpp"

namespace aiplat::conformance::testing {
namespace {

const char* k_dcgm = R"(# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
# TYPE DCGM_FI_DEV_GPU_UTIL gauge
DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",Hostname="gpu-1"} 3
DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b",Hostname="gpu-1"} 0
# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
# TYPE DCGM_FI_DEV_FB_USED gauge
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",Hostname="gpu-1"} 100
DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-b",Hostname="gpu-1"} 0
# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).
# TYPE DCGM_FI_DEV_GPU_TEMP gauge
DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-a",Hostname="gpu-1"} 41
)";

void exporter(FakeCluster& fc, std::string body) {
  fc.add({{"apiVersion", "v1"}, {"kind", "Service"},
          {"metadata", {{"name", "nvidia-dcgm-exporter"}, {"namespace", "gpu-operator"}, {"labels", {{"app", "nvidia-dcgm-exporter"}}}}},
          {"spec", {{"ports", Json::array({{{"name", "gpu-metrics"}, {"port", 9400}}})}}}});
  fc.on_service_proxy("nvidia-dcgm-exporter", [body](const std::string& path) {
    EXPECT_EQ(path, "/metrics");
    HttpResponse r = aiplat::testing::json_response(200, body);
    return r;
  });
}

TEST(AcceleratorMetrics, PerDeviceSeriesThroughTheServiceProxyPass) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 2);
  exporter(fc, k_dcgm);
  CheckResult r = run_one_check(fc, "1.35", "accelerator_metrics");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  ASSERT_GE(r.findings.size(), 3u);
  EXPECT_NE(r.findings[2].find("temperature"), std::string::npos);
}

TEST(AcceleratorMetrics, FewerDevicesThanAllocatableFails) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 4);
  exporter(fc, k_dcgm);
  CheckResult r = run_one_check(fc, "1.35", "accelerator_metrics");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("2 device(s) of node gpu-1, which offers 4"), std::string::npos) << r.message;
}

TEST(AcceleratorMetrics, SeriesWithoutDeviceLabelsFail) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  exporter(fc, "# HELP DCGM_FI_DEV_GPU_UTIL u\n# TYPE DCGM_FI_DEV_GPU_UTIL gauge\nDCGM_FI_DEV_GPU_UTIL 3\n");
  CheckResult r = run_one_check(fc, "1.35", "accelerator_metrics");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("no per-device utilisation"), std::string::npos) << r.message;
}

TEST(AcceleratorMetrics, NoExporterFailsAndNoAcceleratorSkips) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  EXPECT_EQ(run_one_check(fc, "1.35", "accelerator_metrics").outcome, Outcome::fail);
  FakeCluster cpu;
  cpu.add(ready_node("cpu-1"));
  CheckResult r = run_one_check(cpu, "1.35", "accelerator_metrics");
  EXPECT_EQ(r.reason, SkipReason::needs_accelerators);
}

std::vector<FakeResource> monitoring() {
  std::vector<FakeResource> r = base_resources();
  r.push_back({"monitoring.coreos.com", "v1", "servicemonitors", "ServiceMonitor", true});
  r.push_back({"monitoring.coreos.com", "v1", "prometheuses", "Prometheus", true});
  return r;
}

// Prometheus that has scraped `collected` requests of the stub.
void prometheus(FakeCluster& fc, std::shared_ptr<int> collected, bool answer = true) {
  fc.add({{"apiVersion", "monitoring.coreos.com/v1"}, {"kind", "Prometheus"},
          {"metadata", {{"name", "kps"}, {"namespace", "monitoring"}}},
          {"spec", {{"serviceMonitorSelector", {{"matchLabels", {{"release", "kps"}}}}}}}});
  if (!answer) return;
  fc.on_service_proxy("prometheus-operated", [collected](const std::string& path) {
    Json result = Json::array();
    if (path.find("up") == std::string::npos || path.find("ai_conformance") != std::string::npos) {
      result.push_back({{"metric", Json::object()}, {"value", Json::array({1.0, std::to_string(*collected)})}});
    } else {
      result.push_back({{"metric", Json::object()}, {"value", Json::array({1.0, "1"})}});
    }
    return aiplat::testing::json_response(200, Json{{"status", "success"}, {"data", {{"resultType", "vector"}, {"result", result}}}}.dump());
  });
}

TEST(AiServiceMetrics, CollectedCounterPasses) {
  FakeCluster fc(monitoring());
  auto sent = std::make_shared<int>(0);
  prometheus(fc, sent);
  fc.on_service_proxy("inference-stub", [sent](const std::string& path) {
    if (path == "/infer") ++*sent;
    return aiplat::testing::json_response(200, "ok");
  });
  fc.on_create("ServiceMonitor", [](FakeCluster&, Json& sm) -> std::optional<HttpResponse> {
    EXPECT_EQ(sm["metadata"]["labels"]["release"], "kps");  // matches the Prometheus selector
    return std::nullopt;
  });
  CheckResult r = run_one_check(fc, "1.35", "ai_service_metrics");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  EXPECT_EQ(*sent, 10);
}

TEST(AiServiceMetrics, CounterThatNeverArrivesFails) {
  FakeCluster fc(monitoring());
  auto collected = std::make_shared<int>(3);
  prometheus(fc, collected);
  fc.on_service_proxy("inference-stub", [](const std::string&) { return aiplat::testing::json_response(200, "ok"); });
  CheckResult r = run_one_check(fc, "1.35", "ai_service_metrics");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("counter at 3"), std::string::npos) << r.message;
}

TEST(AiServiceMetrics, SilentPrometheusIsControllerAbsentAndNoMonitoringFails) {
  FakeCluster fc(monitoring());
  prometheus(fc, std::make_shared<int>(0), false);
  CheckResult r = run_one_check(fc, "1.35", "ai_service_metrics");
  EXPECT_EQ(r.reason, SkipReason::controller_absent) << r.message;
  FakeCluster bare;
  EXPECT_EQ(run_one_check(bare, "1.35", "ai_service_metrics").outcome, Outcome::fail);
}

TEST(ClusterAutoscaling, WithoutAutoscalerIsNotConfigured) {
  FakeCluster fc;
  CheckResult r = run_one_check(fc, "1.35", "cluster_autoscaling");
  EXPECT_EQ(r.reason, SkipReason::not_configured);
  fc.add({{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cluster-autoscaler-status"}, {"namespace", "kube-system"}}}});
  CheckResult pool = run_one_check(fc, "1.35", "cluster_autoscaling");
  EXPECT_EQ(pool.reason, SkipReason::needs_elastic_pool);
}

TEST(ClusterAutoscaling, InstalledButSilentIsControllerAbsent) {
  FakeCluster fc;
  fc.add({{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", "cluster-autoscaler"}, {"namespace", "kube-system"}}},
          {"spec",
           {{"template",
             {{"spec", {{"containers", {{{"name", "ca"}, {"image", "registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.2"}}}}}}}}}}});
  CheckResult r = run_one_check(fc, "1.35", "cluster_autoscaling");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::controller_absent) << r.message;
  EXPECT_NE(r.message.find("kube-system/cluster-autoscaler"), std::string::npos) << r.message;
}

TEST(WorkloadSandboxing, KernelComparison) {
  for (bool isolated : {true, false}) {
    FakeCluster fc;
    fc.add({{"apiVersion", "node.k8s.io/v1"}, {"kind", "RuntimeClass"}, {"metadata", {{"name", "gvisor"}}}, {"handler", "runsc"}});
    fc.on_create("Pod", [isolated](FakeCluster& c, Json& pod) -> std::optional<HttpResponse> {
      bool sandboxed = pod["spec"].contains("runtimeClassName");
      pod["spec"]["nodeName"] = "node-1";
      pod["status"]["phase"] = "Succeeded";
      std::string kernel = sandboxed && isolated ? "4.4.0" : "6.1.0-18-amd64";
      c.set_log(pod["metadata"]["namespace"], pod["metadata"]["name"], "probe",
                "AIPLAT-PROBE kernel=" + kernel + " boot=" + (sandboxed && isolated ? "b2" : "b1") + " procs=1\n");
      return std::nullopt;
    });
    CheckResult r = run_one_check(fc, "1.37", "workload_sandboxing");
    EXPECT_EQ(r.outcome, isolated ? Outcome::pass : Outcome::fail) << r.message;
  }
  FakeCluster none;
  EXPECT_EQ(run_one_check(none, "1.37", "workload_sandboxing").outcome, Outcome::fail);
}

}  // namespace
}  // namespace aiplat::conformance::testing

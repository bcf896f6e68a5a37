#include <gtest/gtest.h>

#include "fake_cluster.hpp"

namespace aiplat::conformance::testing {
namespace {

// A kubelet that runs probe pods: binds them to gpu-1, marks them Succeeded and writes the
// probe line; `devices(pod, container)` decides how many device nodes a container sees.
void run_probes(FakeCluster& fc, std::function<int(const Json& pod, const std::string& container)> devices,
                bool output = true) {
  fc.on_create("Pod", [devices, output](FakeCluster& c, Json& pod) -> std::optional<HttpResponse> {
    pod["spec"]["nodeName"] = pod["spec"].value("nodeName", std::string("gpu-1"));
    pod["status"]["phase"] = "Succeeded";
    if (output) {
      for (const Json& ct : pod["spec"]["containers"]) {
        std::string name = ct["name"];
        c.set_log(pod["metadata"]["namespace"], pod["metadata"]["name"], name,
                  "AIPLAT-PROBE container=" + name + " devices=" + std::to_string(devices(pod, name)) +
                      " uuids=GPU-1 driver=580.1\n");
      }
    }
    return std::nullopt;
  });
}

// What a correct device plugin does: only containers with the limit see a device.
int honest(const Json& pod, const std::string& container) {
  for (const Json& ct : pod["spec"]["containers"]) {
    if (ct["name"] == container) {
      return ct.value("resources", Json::object()).value("limits", Json::object()).contains("nvidia.com/gpu") ? 1 : 0;
    }
  }
  return 0;
}

TEST(SecureAcceleratorAccess, PassesWhenOnlyGrantedContainersSeeDevices) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  run_probes(fc, honest);
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  EXPECT_EQ(r.findings.size(), 3u);
  // Every probe pod was deleted before the next case.
  int deletes = 0;
  for (const std::string& line : fc.requests()) deletes += line.rfind("DELETE /api/v1/namespaces/aiplat-conf-secure-accelerator-access-r1/pods/", 0) == 0;
  EXPECT_EQ(deletes, 3);
}

TEST(SecureAcceleratorAccess, DeviceVisibleWithoutAClaimFails) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  run_probes(fc, [](const Json& pod, const std::string& c) {
    return pod["metadata"]["name"] == "no-request" ? 1 : honest(pod, c);
  });
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("without any accelerator request on gpu-1 sees 1"), std::string::npos) << r.message;
}

TEST(SecureAcceleratorAccess, SiblingContainerSeeingTheDeviceFails) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  run_probes(fc, [](const Json& pod, const std::string& c) {
    return pod["metadata"]["name"] == "two-containers" ? 1 : honest(pod, c);
  });
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("two-container pod"), std::string::npos) << r.message;
}

TEST(SecureAcceleratorAccess, TwoDevicesForOneRequestFails) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 2);
  run_probes(fc, [](const Json& pod, const std::string& c) { return honest(pod, c) * 2; });
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("sees 2 device nodes"), std::string::npos) << r.message;
}

TEST(SecureAcceleratorAccess, NoProbeOutputIsASimulatedCluster) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  run_probes(fc, honest, false);
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::simulated_cluster);
}

TEST(SecureAcceleratorAccess, NoAcceleratorsSkips) {
  FakeCluster fc;
  fc.add(ready_node("cpu-1"));
  Json labelled = ready_node("fake-gpu");
  labelled["metadata"]["labels"]["nvidia.com/gpu.present"] = "true";  // a label alone does not count
  fc.add(labelled);
  fc.add(ready_node("stale-gpu", 4));  // allocatable without a running device plugin does not count
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::needs_accelerators);
  EXPECT_NE(r.message.find("1 node(s) report allocatable nvidia.com/gpu but run no device plugin"), std::string::npos)
      << r.message;
}

TEST(SecureAcceleratorAccess, PodNobodySchedulesIsASimulatedCluster) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::simulated_cluster);
  EXPECT_NE(r.message.find("no scheduler acted"), std::string::npos) << r.message;
}

TEST(SecureAcceleratorAccess, UnschedulableGrantedPodFails) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  fc.on_create("Pod", [](FakeCluster&, Json& pod) -> std::optional<HttpResponse> {
    set_condition(pod, "PodScheduled", "False", "Unschedulable");
    return std::nullopt;
  });
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("not bound to a node: Unschedulable"), std::string::npos) << r.message;
}

TEST(SecureAcceleratorAccess, ImagePullFailureFails) {
  FakeCluster fc;
  add_gpu_node(fc, "gpu-1", 1);
  fc.on_create("Pod", [](FakeCluster&, Json& pod) -> std::optional<HttpResponse> {
    pod["spec"]["nodeName"] = "gpu-1";
    pod["status"] = {{"phase", "Pending"},
                     {"containerStatuses", Json::array({{{"name", "probe"},
                                                         {"state", {{"waiting", {{"reason", "ImagePullBackOff"}}}}}}})}};
    return std::nullopt;
  });
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("ImagePullBackOff"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace aiplat::conformance::testing

#include <gtest/gtest.h>

#include "fake_cluster.hpp"

namespace aiplat::conformance::testing {
namespace {

std::vector<FakeResource> dra(const std::string& version) {
  std::vector<FakeResource> r = base_resources();
  r.push_back({"resource.k8s.io", version, "deviceclasses", "DeviceClass", false});
  r.push_back({"resource.k8s.io", version, "resourceclaims", "ResourceClaim", true});
  r.push_back({"resource.k8s.io", version, "resourceclaimtemplates", "ResourceClaimTemplate", true});
  r.push_back({"resource.k8s.io", version, "resourceslices", "ResourceSlice", false});
  return r;
}

TEST(DraSupport, ApiServedAndObjectsRoundTrip) {
  FakeCluster fc(dra("v1"));
  CheckResult r = run_one_check(fc, "1.35", "dra_support");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  EXPECT_EQ(r.completeness, Completeness::full);
  EXPECT_TRUE(fc.all("DeviceClass").empty()) << "the cluster-scoped DeviceClass is cleaned up";
}

TEST(DraSupport, MissingVerbFails) {
  std::vector<FakeResource> r = dra("v1");
  r.back().verbs = {"get", "list"};
  FakeCluster fc(r);
  CheckResult res = run_one_check(fc, "1.35", "dra_support");
  EXPECT_EQ(res.outcome, Outcome::fail);
  EXPECT_NE(res.message.find("resourceslices verb create"), std::string::npos) << res.message;
}

TEST(DraSupport, ProbePodsPullFromTheSiteRegistryWhenOneIsSet) {
  FakeCluster fc(dra("v1"));
  fc.add(ready_node("gpu-1"));
  fc.add({{"apiVersion", "resource.k8s.io/v1"}, {"kind", "DeviceClass"}, {"metadata", {{"name", "gpu.nvidia.com"}}}});
  fc.add({{"apiVersion", "resource.k8s.io/v1"}, {"kind", "ResourceSlice"}, {"metadata", {{"name", "gpu-1-slice"}}},
          {"spec", {{"driver", "gpu.nvidia.com"}, {"nodeName", "gpu-1"}, {"devices", Json::array({{{"name", "gpu-0"}}})}}}});
  std::vector<std::string> images;
  fc.on_create("Pod", [&](FakeCluster& c, Json& pod) -> std::optional<HttpResponse> {
    for (const Json& container : pod["spec"]["containers"]) images.push_back(container["image"]);
    pod["spec"]["nodeName"] = "gpu-1";
    pod["status"] = {{"phase", "Succeeded"},
                     {"resourceClaimStatuses", Json::array({{{"name", "accelerator"}, {"resourceClaimName", "x"}}})}};
    c.set_log(pod["metadata"]["namespace"], pod["metadata"]["name"], "probe", "AIPLAT-PROBE container=probe devices=1\n");
    return std::nullopt;
  });
  RunOptions o = options_for(fc, "1.35", "dra_support");
  o.settings.image_registry = "registry.site.local:5000/platform";
  Result<std::vector<CheckResult>> r = run_checks(fc.client(), o, [](const CheckResult&) {});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_FALSE(images.empty()) << "the check created a probe pod";
  for (const std::string& image : images) {
    EXPECT_TRUE(image.starts_with("registry.site.local:5000/platform/")) << image;
    EXPECT_EQ(image.find("docker.io"), std::string::npos) << image;
  }
}

TEST(DraSupport, BetaOnlyIsPartial) {
  FakeCluster fc(dra("v1beta1"));
  CheckResult r = run_one_check(fc, "1.33", "dra_support");
  EXPECT_EQ(r.outcome, Outcome::pass);
  EXPECT_EQ(r.completeness, Completeness::partial);
}

TEST(DraSupport, NotServedFails) {
  FakeCluster fc;
  CheckResult r = run_one_check(fc, "1.34", "dra_support");
  EXPECT_EQ(r.outcome, Outcome::fail);
}

TEST(DraSupport, DriverAllocatesAClaim) {
  FakeCluster fc(dra("v1"));
  fc.add(ready_node("gpu-1"));
  fc.add({{"apiVersion", "resource.k8s.io/v1"}, {"kind", "DeviceClass"}, {"metadata", {{"name", "gpu.nvidia.com"}}}});
  fc.add({{"apiVersion", "resource.k8s.io/v1"}, {"kind", "ResourceSlice"}, {"metadata", {{"name", "gpu-1-slice"}}},
          {"spec", {{"driver", "gpu.nvidia.com"}, {"nodeName", "gpu-1"}, {"devices", Json::array({{{"name", "gpu-0"}}})}}}});
  fc.on_create("Pod", [](FakeCluster& c, Json& pod) -> std::optional<HttpResponse> {
    pod["spec"]["nodeName"] = "gpu-1";
    pod["status"] = {{"phase", "Succeeded"},
                     {"resourceClaimStatuses", Json::array({{{"name", "accelerator"}, {"resourceClaimName", "x"}}})}};
    c.set_log(pod["metadata"]["namespace"], pod["metadata"]["name"], "probe", "AIPLAT-PROBE container=probe devices=1\n");
    return std::nullopt;
  });
  CheckResult r = run_one_check(fc, "1.35", "dra_support");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  EXPECT_NE(r.message.find("claim was allocated"), std::string::npos);
}

}  // namespace
}  // namespace aiplat::conformance::testing

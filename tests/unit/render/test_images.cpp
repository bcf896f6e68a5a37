#include "render/images.hpp"

#include <gtest/gtest.h>

#include "step_builder.hpp"

namespace aiplat::render {
namespace {

using catalog::Json;
const std::string k_digest = "sha256:" + std::string(64, 'c');

Json deployment(const std::string& image, const std::string& init_image = "") {
  Json o = Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"ctl","namespace":"x"},
    "spec":{"template":{"spec":{"containers":[{"name":"c","image":""}]}}}})");
  o["spec"]["template"]["spec"]["containers"][0]["image"] = image;
  if (!init_image.empty()) o["spec"]["template"]["spec"]["initContainers"] = {{{"name", "i"}, {"image", init_image}}};
  return o;
}

TEST(Images, PodSpecPointersPerKind) {
  EXPECT_EQ(pod_spec_pointers(Json::parse(R"({"kind":"Pod","spec":{}})")), std::vector<std::string>{"/spec"});
  EXPECT_EQ(pod_spec_pointers(Json::parse(R"({"kind":"CronJob","spec":{"jobTemplate":{"spec":{"template":{"spec":{}}}}}})")),
            std::vector<std::string>{"/spec/jobTemplate/spec/template/spec"});
  EXPECT_EQ(pod_spec_pointers(Json::parse(R"({"kind":"DaemonSet","spec":{"template":{"spec":{}}}})")),
            std::vector<std::string>{"/spec/template/spec"});
  EXPECT_TRUE(pod_spec_pointers(Json::parse(R"({"kind":"ConfigMap"})")).empty());
}

TEST(Images, RewriteKeepsTagAndAddsThePinnedDigest) {
  std::vector<Json> objs = {deployment("registry.k8s.io/kueue/kueue:v0.19.2", "busybox:1.36")};
  catalog::PlanStep step = testing::make_step(
      "kueue", "0.19.2", "kueue-system", {},
      {testing::image("registry.k8s.io/kueue/kueue:v0.19.2", k_digest), testing::image("docker.io/library/busybox:1.36")});
  Result<std::vector<std::string>> closure = process_images(objs, step, "reg.site:5000");
  ASSERT_TRUE(closure) << closure.error().message;
  const Json& spec = objs[0]["spec"]["template"]["spec"];
  EXPECT_EQ(spec["containers"][0]["image"], "reg.site:5000/kueue/kueue:v0.19.2@" + k_digest);
  EXPECT_EQ(spec["initContainers"][0]["image"], "reg.site:5000/library/busybox:1.36");
  EXPECT_EQ(*closure, (std::vector<std::string>{"reg.site:5000/kueue/kueue:v0.19.2@" + k_digest,
                                                "reg.site:5000/library/busybox:1.36"}));
}

TEST(Images, WithoutRegistryObjectsAreUntouched) {
  std::vector<Json> objs = {deployment("registry.k8s.io/kueue/kueue:v0.19.2")};
  catalog::PlanStep step = testing::make_step("kueue", "0.19.2", "k", {},
                                              {testing::image("registry.k8s.io/kueue/kueue:v0.19.2", k_digest)});
  Json before = objs[0];
  Result<std::vector<std::string>> closure = process_images(objs, step, "");
  ASSERT_TRUE(closure);
  EXPECT_EQ(objs[0], before);
  EXPECT_EQ(*closure, std::vector<std::string>{"registry.k8s.io/kueue/kueue:v0.19.2"});
}

TEST(Images, UnlistedImageIsAnErrorNamingTheObject) {
  std::vector<Json> objs = {deployment("registry.k8s.io/kueue/kueue:v0.19.3"),
                            Json::parse(R"({"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"cj","namespace":"x"},
      "spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"evil.test/x:1"}]}}}}}})")};
  catalog::PlanStep step = testing::make_step("kueue", "0.19.2", "x", {},
                                              {testing::image("registry.k8s.io/kueue/kueue:v0.19.2")});
  Result<std::vector<std::string>> closure = process_images(objs, step, "");
  ASSERT_FALSE(closure);
  EXPECT_EQ(closure.error().kind, ErrorKind::input);
  EXPECT_EQ(closure.error().message,
            "Deployment x/ctl uses image registry.k8s.io/kueue/kueue:v0.19.3 (/spec/template/spec/containers/0/image), "
            "which is not in the images list of addons/kueue/0.19.2/addon.yaml\n"
            "CronJob x/cj uses image evil.test/x:1 (/spec/jobTemplate/spec/template/spec/containers/0/image), which is "
            "not in the images list of addons/kueue/0.19.2/addon.yaml");
}

TEST(Images, DigestMustAgreeWithTheCatalog) {
  std::vector<Json> objs = {deployment("registry.k8s.io/kueue/kueue:v0.19.2@sha256:" + std::string(64, 'd'))};
  catalog::PlanStep step = testing::make_step("kueue", "0.19.2", "x", {},
                                              {testing::image("registry.k8s.io/kueue/kueue:v0.19.2", k_digest)});
  EXPECT_FALSE(process_images(objs, step, ""));
}

TEST(Images, OperandsJoinTheClosure) {
  std::vector<Json> objs;
  catalog::PlanStep step = testing::make_step(
      "gpu", "1.0.0", "x", {},
      {testing::image("nvcr.io/nvidia/driver:595-ubuntu24.04", "unknown", true),
       testing::image("nvcr.io/nvidia/k8s/container-toolkit:v1.20.0", k_digest, true),
       testing::image("nvcr.io/nvidia/gpu-operator:v26.7.0")});
  Result<std::vector<std::string>> plain = process_images(objs, step, "");
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, (std::vector<std::string>{"nvcr.io/nvidia/driver:595-ubuntu24.04",
                                              "nvcr.io/nvidia/k8s/container-toolkit:v1.20.0@" + k_digest}));
  Result<std::vector<std::string>> moved = process_images(objs, step, "reg.site/mirror");
  ASSERT_TRUE(moved);
  EXPECT_EQ(*moved, (std::vector<std::string>{"reg.site/mirror/nvidia/driver:595-ubuntu24.04",
                                              "reg.site/mirror/nvidia/k8s/container-toolkit:v1.20.0@" + k_digest}));
}

TEST(Images, CustomResourceFieldsSplitOrWhole) {
  Json policy = Json::parse(R"({"apiVersion":"nvidia.com/v1","kind":"ClusterPolicy","metadata":{"name":"cluster-policy"},
    "spec":{"driver":{"repository":"nvcr.io/nvidia","image":"driver","version":"595.91.07"},
            "validator":{"image":"nvcr.io/nvidia/gpu-operator:v26.7.0"},
            "gfd":{"image":""}}})");
  std::vector<Json> objs = {policy};
  std::vector<catalog::CustomResourceImage> fields = {{"", "ClusterPolicy", "/spec/driver/image", {}},
                                                      {"", "ClusterPolicy", "/spec/validator/image", {}},
                                                      {"", "ClusterPolicy", "/spec/gfd/image", {}},
                                                      {"other/v1", "ClusterPolicy", "/spec/validator/image", {}}};
  catalog::PlanStep step = testing::make_step(
      "gpu-operator", "26.7.0", "gpu-operator", {},
      {testing::image("nvcr.io/nvidia/driver:595.91.07-ubuntu24.04", "unknown", true),
       testing::image("nvcr.io/nvidia/gpu-operator:v26.7.0")},
      fields);
  Result<std::vector<std::string>> closure = process_images(objs, step, "reg.site");
  ASSERT_TRUE(closure) << closure.error().message;
  EXPECT_EQ(objs[0]["spec"]["driver"]["repository"], "reg.site/nvidia");
  EXPECT_EQ(objs[0]["spec"]["driver"]["image"], "driver");
  EXPECT_EQ(objs[0]["spec"]["driver"]["version"], "595.91.07") << "the operator still appends the OS suffix";
  EXPECT_EQ(objs[0]["spec"]["validator"]["image"], "reg.site/nvidia/gpu-operator:v26.7.0");
  EXPECT_EQ(*closure, (std::vector<std::string>{"reg.site/nvidia/driver:595.91.07-ubuntu24.04",
                                                "reg.site/nvidia/gpu-operator:v26.7.0"}));
  // Not listed -> error naming the custom resource.
  objs = {policy};
  objs[0]["spec"]["driver"]["version"] = "600.1";
  Result<std::vector<std::string>> bad = process_images(objs, step, "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("ClusterPolicy cluster-policy uses image nvcr.io/nvidia/driver:600.1 (/spec/driver/image)"),
            std::string::npos)
      << bad.error().message;
}

}  // namespace
}  // namespace aiplat::render

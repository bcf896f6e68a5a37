#include "render/render.hpp"

#include <gtest/gtest.h>

#include "step_builder.hpp"

namespace aiplat::render {
namespace {

const char* k_manifests = R"(apiVersion: v1
kind: Namespace
metadata: {name: demo-system}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ctl}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - {name: c, image: registry.test/aiplat/demo:1.0}
)";

struct RenderStepTest : ::testing::Test {
  testing::TempDir cache;
  MemoryFs fs;
  catalog::PlanStep step;
  void SetUp() override {
    fs.add("addons/demo/1.0.0/manifests/all.yaml", k_manifests);
    fs.add("addons/demo/1.0.0/extra/cloud.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cloud-only}\n");
    catalog::Source cloud_only = testing::files_source("extra/cloud.yaml");
    cloud_only.profiles = {"cloud"};
    step = testing::make_step("demo", "1.0.0", "demo-system", {testing::files_source("manifests/"), cloud_only},
                              {testing::image("registry.test/aiplat/demo:1.0"),
                               testing::image("registry.test/aiplat/operand:2.0", "unknown", true)});
    catalog::Patch p;
    p.target = {"", "Deployment", "ctl", "demo-system"};
    p.patch = {{"spec", {{"replicas", 2}}}};
    p.profiles = {"onprem"};
    step.patches = {p};
  }
  RenderOptions options(std::vector<std::string> profiles) {
    RenderOptions o;
    o.profiles = std::move(profiles);
    o.minor = *catalog::parse_kube_minor("1.35");
    o.catalog_fs = &fs;
    o.cache_dir = cache.path;
    return o;
  }
};

TEST_F(RenderStepTest, FilesPatchesNamespacesImagesAndDigests) {
  RenderOptions o = options({"onprem"});
  o.image_registry = "127.0.0.1:5000";
  Result<RenderedAddon> r = render_step(step, o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->name, "demo");
  EXPECT_EQ(r->version, "1.0.0");
  ASSERT_EQ(r->objects.size(), 2u) << "the cloud-only source is left out";
  EXPECT_FALSE(r->objects[0]["metadata"].contains("namespace"));
  const catalog::Json& d = r->objects[1];
  EXPECT_EQ(d["metadata"]["namespace"], "demo-system");
  EXPECT_EQ(d["spec"]["replicas"], 2);
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"][0]["image"], "127.0.0.1:5000/aiplat/demo:1.0");
  EXPECT_EQ(r->images, (std::vector<std::string>{"127.0.0.1:5000/aiplat/demo:1.0", "127.0.0.1:5000/aiplat/operand:2.0"}));
  ASSERT_EQ(r->source_digests.size(), 1u);
  EXPECT_TRUE(r->source_digests.contains("files:manifests/"));
  EXPECT_EQ(r->digest.size(), 64u);

  Result<RenderedAddon> again = render_step(step, o);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->digest, r->digest) << "rendering is deterministic";
  Result<RenderedAddon> cloud = render_step(step, options({"cloud"}));
  ASSERT_TRUE(cloud) << cloud.error().message;
  EXPECT_EQ(cloud->objects.size(), 3u);
  EXPECT_EQ(cloud->objects[1]["spec"]["replicas"], 1) << "the onprem patch is left out";
  EXPECT_NE(cloud->digest, r->digest);
}

TEST_F(RenderStepTest, ErrorsNameTheAddOn) {
  step.images.clear();
  Result<RenderedAddon> r = render_step(step, options({"onprem"}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "rendering demo 1.0.0: Deployment demo-system/ctl uses image registry.test/aiplat/demo:1.0 "
            "(/spec/template/spec/containers/0/image), which is not in the images list of "
            "addons/demo/1.0.0/addon.yaml");
}

TEST(DefaultCacheDir, HonoursXdg) {
  EXPECT_EQ(default_cache_dir({{"HOME", "/home/u"}}), "/home/u/.cache/aiplat");
  EXPECT_EQ(default_cache_dir({{"HOME", "/home/u"}, {"XDG_CACHE_HOME", "/c"}}), "/c/aiplat");
}

}  // namespace
}  // namespace aiplat::render

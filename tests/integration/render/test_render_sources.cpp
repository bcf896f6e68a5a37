// render_step against loopback: the real helm with the project's chart, url sources and the
// real upstream CRDs through a mirror, the cache, and bad input.
#include <chrono>
#include <fstream>

#include "render_fixture.hpp"

namespace aiplat::render::integration {
namespace {

const Json* find(const RenderedAddon& r, const std::string& kind, const std::string& name) {
  for (const Json& o : r.objects) {
    if (o["kind"] == kind && o["metadata"]["name"] == name) return &o;
  }
  return nullptr;
}

TEST_F(RenderIntegration, RealHelmRendersTheTestChartWithLayeredValues) {
  catalog::Plan p = plan({"test"});
  RenderOptions o = options(p);
  o.image_registry = "127.0.0.1:5000/site";
  Result<RenderedAddon> r = render_step(step(p, "test-chart"), o);
  ASSERT_TRUE(r) << r.error().message;
  const Json* crd = find(*r, "CustomResourceDefinition", "widgets.test.aiplat.dev");
  ASSERT_NE(crd, nullptr) << "includeCRDs renders the chart's crds/";
  EXPECT_FALSE(crd->at("metadata").contains("namespace"));
  const Json* cm = find(*r, "ConfigMap", "demo-settings");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->at("data")["greeting"], "from-values-file") << "valuesFiles override the add-on's values";
  EXPECT_EQ(cm->at("data")["kubeVersion"], "v1.35.0");
  EXPECT_EQ(cm->at("data")["namespace"], "test-chart-system");
  EXPECT_EQ(cm->at("metadata")["namespace"], "test-chart-system");
  const Json* deploy = find(*r, "Deployment", "demo-echo");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->at("spec")["replicas"], 1);
  EXPECT_EQ(deploy->at("spec")["template"]["spec"]["containers"][0]["image"], "127.0.0.1:5000/site/aiplat/echo:1.0");
  const Json* widget = find(*r, "Widget", "demo-widget");
  ASSERT_NE(widget, nullptr);
  EXPECT_EQ(widget->at("metadata")["namespace"], "test-chart-system") << "scope from the chart's own CRD";
  EXPECT_EQ(widget->at("spec")["image"], "127.0.0.1:5000/site/aiplat/worker:1.0");
  EXPECT_EQ(r->images, (std::vector<std::string>{"127.0.0.1:5000/site/aiplat/echo:1.0",
                                                 "127.0.0.1:5000/site/aiplat/operand:1.0",
                                                 "127.0.0.1:5000/site/aiplat/worker:1.0"}));
  ASSERT_EQ(r->source_digests.size(), 1u);
  EXPECT_EQ(r->source_digests.begin()->first, "helm:https://charts.test/aiplat/aiplat-test@0.1.0");
  EXPECT_EQ(r->crd_scopes.at("test.aiplat.dev/Widget"), true);

  catalog::Plan ha_plan = plan({"test", "test-ha"});
  RenderOptions ha_options = options(ha_plan);
  ha_options.image_registry = o.image_registry;
  Result<RenderedAddon> ha = render_step(step(ha_plan, "test-chart"), ha_options);
  ASSERT_TRUE(ha) << ha.error().message;
  EXPECT_EQ(find(*ha, "Deployment", "demo-echo")->at("spec")["replicas"], 2) << "valuesByProfile";
  EXPECT_NE(ha->digest, r->digest);
}

TEST_F(RenderIntegration, ChartIsPulledOnceThenServedFromTheCache) {
  catalog::Plan p = plan({"test"});
  ASSERT_TRUE(render_step(step(p, "test-chart"), options(p)));
  std::size_t after_first = m_server->requests().size();
  EXPECT_GE(after_first, 2u) << "index.yaml and the archive";
  Result<RenderedAddon> again = render_step(step(p, "test-chart"), options(p));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(m_server->requests().size(), after_first);
}

TEST_F(RenderIntegration, HelmFailureCarriesHelmsMessage) {
  catalog::Plan p = plan({"test", "test-broken"});
  Result<RenderedAddon> r = render_step(step(p, "test-chart"), options(p));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_NE(r.error().message.find("helm template of chart aiplat-test 0.1.0 failed"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("greeting must be set"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("addons/test-chart/0.1.0/addon.yaml"), std::string::npos) << r.error().message;
}

TEST_F(RenderIntegration, UpstreamCrdsThroughTheMirrorPinnedAndCached) {
  catalog::Plan p = plan({"test"});
  Result<RenderedAddon> r = render_step(step(p, "test-crds"), options(p));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->objects.size(), 3u);
  EXPECT_EQ(r->crd_scopes.at("kueue.x-k8s.io/ClusterQueue"), false);
  EXPECT_EQ(r->crd_scopes.at("kueue.x-k8s.io/LocalQueue"), true);
  EXPECT_EQ(r->source_digests.size(), 3u);
  std::vector<std::string> seen = m_server->requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], "GET /" + k_crd_mirror_path + "/kueue.x-k8s.io_resourceflavors.yaml");
  ASSERT_TRUE(render_step(step(p, "test-crds"), options(p)));
  EXPECT_EQ(m_server->requests().size(), 3u) << "pinned sources come from the cache the second time";
}

TEST_F(RenderIntegration, ChangedUpstreamFileIsASha256Mismatch) {
  catalog::Plan p = plan({"test"});
  std::ofstream(m_mirror + "/downloads.test/aiplat/test-url/v1.0.0/manifest.yaml", std::ios::app) << "# changed\n";
  Result<RenderedAddon> r = render_step(step(p, "test-url"), options(p));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("sha256 mismatch for https://downloads.test/aiplat/test-url/v1.0.0/manifest.yaml"),
            std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("expected " + step(p, "test-url").sources[0].sha256), std::string::npos);
}

TEST_F(RenderIntegration, UnreachableSourceFailsFastWithAdvice) {
  catalog::Plan p = plan({"test"});
  RenderOptions o = options(p);
  int closed_port = 0;
  {
    aiplat::testing::FileServer gone(m_tmp);  // a port that was just free and is closed again
    closed_port = gone.port();
  }
  o.source_mirror = "http://127.0.0.1:" + std::to_string(closed_port);
  auto t0 = std::chrono::steady_clock::now();
  Result<RenderedAddon> url = render_step(step(p, "test-url"), o);
  ASSERT_FALSE(url);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_NE(url.error().message.find("cannot fetch https://downloads.test/aiplat/test-url/v1.0.0/manifest.yaml"),
            std::string::npos)
      << url.error().message;
  EXPECT_NE(url.error().message.find("--source-mirror URL"), std::string::npos);
  EXPECT_NE(url.error().message.find(m_cache + "/sources/sha256/"), std::string::npos);
  Result<RenderedAddon> chart = render_step(step(p, "test-chart"), o);
  ASSERT_FALSE(chart);
  EXPECT_NE(chart.error().message.find("cannot pull chart aiplat-test 0.1.0 from https://charts.test/aiplat"),
            std::string::npos)
      << chart.error().message;
  EXPECT_NE(chart.error().message.find("aiplat install --bundle FILE"), std::string::npos);
}

}  // namespace
}  // namespace aiplat::render::integration

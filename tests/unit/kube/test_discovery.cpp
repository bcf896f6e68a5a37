#include "kube/discovery.hpp"

#include <gtest/gtest.h>

#include "support/fake_kube_cluster.hpp"
#include "kube/rest_mapper.hpp"

namespace aiplat::kube {
namespace {
using aiplat::testing::FakeTransport;

void serve_legacy(FakeTransport& fake, bool with_widgets) {
  fake.reply("GET", "/api", 200, R"({"kind":"APIVersions","versions":["v1"]})");
  Json groups = {{"kind", "APIGroupList"},
                 {"groups",
                  {{{"name", "apps"},
                    {"versions", {{{"groupVersion", "apps/v1"}, {"version", "v1"}}}},
                    {"preferredVersion", {{"groupVersion", "apps/v1"}, {"version", "v1"}}}}}}};
  if (with_widgets) {
    groups["groups"].push_back({{"name", "example.com"},
                                {"versions",
                                 {{{"groupVersion", "example.com/v2"}, {"version", "v2"}},
                                  {{"groupVersion", "example.com/v1"}, {"version", "v1"}}}},
                                {"preferredVersion", {{"groupVersion", "example.com/v2"}, {"version", "v2"}}}});
    for (const char* v : {"v1", "v2"}) {
      fake.reply("GET", std::string("/apis/example.com/") + v, 200,
                 Json{{"kind", "APIResourceList"},
                      {"groupVersion", std::string("example.com/") + v},
                      {"resources",
                       {{{"name", "widgets"}, {"singularName", "widget"}, {"namespaced", true}, {"kind", "Widget"},
                         {"shortNames", {"wd"}}, {"verbs", {"get", "list"}}}}}}
                     .dump());
    }
  }
  fake.reply("GET", "/apis", 200, groups.dump());
  fake.reply("GET", "/api/v1", 200, R"({"kind":"APIResourceList","groupVersion":"v1","resources":[
    {"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["get"],"shortNames":["ns"]},
    {"name":"namespaces/status","singularName":"","namespaced":false,"kind":"Namespace","verbs":["get"]},
    {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get"],"shortNames":["po"]}]})");
  fake.reply("GET", "/apis/apps/v1", 200, R"({"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
    {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get"],"shortNames":["deploy"]},
    {"name":"deployments/scale","namespaced":true,"kind":"Scale","group":"autoscaling","version":"v1","verbs":["get"]}]})");
}

TEST(Discovery, AggregatedIsUsedWhenServed) {
  auto fake = std::make_shared<FakeTransport>();
  kube::testing::serve_aggregated_discovery(*fake);
  Client client(kube::testing::fake_config(), fake, kube::testing::fake_options(std::make_shared<FakeClock>()));
  auto d = client.discovery();
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_TRUE(d->aggregated);
  EXPECT_EQ(fake->request_lines(), (std::vector<std::string>{"GET /api", "GET /apis"}));
  std::string accept;
  std::vector<HttpRequest> requests = fake->requests();
  for (const auto& [n, v] : requests[0].headers) {
    if (n == "Accept") accept = v;
  }
  EXPECT_EQ(accept.find("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"), 0u);
  auto deploy = client.mapping_for({"apps", "v1", "Deployment"});
  ASSERT_TRUE(deploy);
  EXPECT_EQ(deploy->gvr.resource, "deployments");
  EXPECT_TRUE(deploy->namespaced());
  EXPECT_TRUE(deploy->has_subresource("scale"));
  auto ns = client.mapping_for({"", "v1", "Namespace"});
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->scope, Scope::cluster);
  EXPECT_EQ(fake->count("GET", "/api"), 1);  // cached
}

TEST(Discovery, LegacyWalkWhenAggregatedIsNotServed) {
  auto fake = std::make_shared<FakeTransport>();
  serve_legacy(*fake, true);
  Client client(kube::testing::fake_config(), fake, kube::testing::fake_options(std::make_shared<FakeClock>()));
  auto d = client.discovery();
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_FALSE(d->aggregated);
  EXPECT_EQ(d->group_versions, (std::vector<std::string>{"v1", "apps/v1", "example.com/v2", "example.com/v1"}));
  auto ns = client.mapping_for({"", "v1", "Namespace"});
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->scope, Scope::cluster);
  EXPECT_TRUE(ns->has_subresource("status"));
  auto by_short = client.mapping_for_resource("deploy");
  ASSERT_TRUE(by_short) << by_short.error().message;
  EXPECT_EQ(by_short->gvk.kind, "Deployment");
  auto preferred = client.mapping_for_resource("widgets.example.com");
  ASSERT_TRUE(preferred) << preferred.error().message;
  EXPECT_EQ(preferred->gvr.version, "v2");  // the group's preferred version
  auto explicit_version = client.mapping_for_resource("wd.v1.example.com");
  ASSERT_TRUE(explicit_version) << explicit_version.error().message;
  EXPECT_EQ(explicit_version->gvr.version, "v1");
  auto unknown = client.mapping_for_resource("gadgets");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "the server doesn't have a resource type \"gadgets\"");
}

TEST(Discovery, AMissReDiscoversOnceSoNewCrdsBecomeMappable) {
  auto fake = std::make_shared<FakeTransport>();
  serve_legacy(*fake, false);
  Client client(kube::testing::fake_config(), fake, kube::testing::fake_options(std::make_shared<FakeClock>()));
  ASSERT_TRUE(client.mapping_for({"apps", "v1", "Deployment"}));
  EXPECT_EQ(fake->count("GET", "/apis"), 1);
  serve_legacy(*fake, true);  // the CRD became Established
  auto widget = client.mapping_for({"example.com", "v1", "Widget"});
  ASSERT_TRUE(widget) << widget.error().message;
  EXPECT_EQ(widget->gvr.resource, "widgets");
  EXPECT_EQ(fake->count("GET", "/apis"), 2);

  auto missing = client.mapping_for({"example.com", "v1", "Gadget"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().reason, "NoKindMatch");
  EXPECT_NE(missing.error().message.find("Gadget"), std::string::npos);
  EXPECT_EQ(fake->count("GET", "/apis"), 3);  // exactly one re-discovery for the miss
}

TEST(Discovery, ABrokenGroupVersionIsSkippedUnlessAllFail) {
  auto fake = std::make_shared<FakeTransport>();
  serve_legacy(*fake, true);
  fake->reply("GET", "/apis/example.com/v1", 503, R"({"kind":"Status","message":"metrics down"})");
  Client client(kube::testing::fake_config(), fake, kube::testing::fake_options(std::make_shared<FakeClock>()));
  auto d = client.discovery();
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_TRUE(client.mapping_for({"example.com", "v2", "Widget"}));
}

TEST(Discovery, ParsesSubresourcesOfLegacyLists) {
  DiscoveryResult out;
  Json list = Json::parse(R"({"resources":[{"name":"jobs","namespaced":true,"kind":"Job","verbs":[]},
                                           {"name":"jobs/status","namespaced":true,"kind":"Job","verbs":[]}]})");
  ASSERT_TRUE(parse_resource_list(list, "batch/v1", out));
  ASSERT_EQ(out.resources.size(), 1u);
  EXPECT_EQ(out.resources[0].gvr.to_string(), "jobs.v1.batch");
  EXPECT_EQ(out.resources[0].subresources, std::vector<std::string>{"status"});
}

}  // namespace
}  // namespace aiplat::kube

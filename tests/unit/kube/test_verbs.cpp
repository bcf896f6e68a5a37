#include <thread>

#include <gtest/gtest.h>

#include "support/fake_kube_cluster.hpp"
#include "kube/client.hpp"

namespace aiplat::kube {
namespace {
using aiplat::testing::FakeTransport;
using aiplat::testing::json_response;
using aiplat::testing::url_query;

class Verbs : public ::testing::Test {
 protected:
  void SetUp() override { kube::testing::serve_aggregated_discovery(*m_fake); }
  Client& client() {
    if (!m_client) m_client = std::make_unique<Client>(kube::testing::fake_config(), m_fake,
                                                       kube::testing::fake_options(m_clock));
    return *m_client;
  }
  HttpRequest last(const std::string& method) {
    auto all = m_fake->requests();
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->method == method) return *it;
    }
    return {};
  }
  static std::string header(const HttpRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return {};
  }
  std::shared_ptr<FakeTransport> m_fake = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> m_clock = std::make_shared<FakeClock>();
  std::unique_ptr<Client> m_client;
};

const Json k_deploy = {{"apiVersion", "apps/v1"},
                       {"kind", "Deployment"},
                       {"metadata", {{"name", "web"}, {"namespace", "prod"}}},
                       {"spec", {{"replicas", 2}}}};

TEST_F(Verbs, GetUsesTheContextNamespaceAndBearerToken) {
  m_fake->reply("GET", "/apis/apps/v1/namespaces/team-a/deployments/web", 200, k_deploy.dump());
  auto got = client().get(ResourceRef{{"apps", "v1", "Deployment"}, "", "web"});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ((*got)["spec"]["replicas"], 2);
  HttpRequest r = last("GET");
  EXPECT_EQ(header(r, "Authorization"), "Bearer s3cr3t-token-value");
  EXPECT_EQ(r.url, "https://fake:6443/apis/apps/v1/namespaces/team-a/deployments/web");
}

TEST_F(Verbs, ClusterScopedKindsIgnoreTheNamespace) {
  m_fake->reply("GET", "/api/v1/namespaces/prod", 200, R"({"kind":"Namespace","metadata":{"name":"prod"}})");
  auto got = client().get(ResourceRef{{"", "v1", "Namespace"}, "ignored", "prod"});
  ASSERT_TRUE(got) << got.error().message;
}

TEST_F(Verbs, NotFoundIsInspectable) {
  m_fake->reply("GET", "/api/v1/namespaces/team-a/configmaps/missing", 404,
                R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound",)"
                R"("message":"configmaps \"missing\" not found","code":404})");
  auto got = client().get(ResourceRef{{"", "v1", "ConfigMap"}, "", "missing"});
  ASSERT_FALSE(got);
  EXPECT_TRUE(got.error().not_found());
  EXPECT_EQ(got.error().message, "get ConfigMap.v1 team-a/missing: 404 NotFound: configmaps \"missing\" not found");
  Error plain = got.error();  // converts to util's Error
  EXPECT_EQ(plain.message, got.error().message);
  Result<Json> as_result = client().get(ResourceRef{{"", "v1", "ConfigMap"}, "", "missing"});
  EXPECT_FALSE(as_result);
}

TEST_F(Verbs, ListFollowsContinueTokensWithSelectors) {
  m_fake->on("GET", "/api/v1/namespaces/team-a/pods", [](const HttpRequest& r) {
    std::string q = url_query(r.url);
    if (q.find("continue=page2") == std::string::npos) {
      return json_response(200, R"({"kind":"PodList","apiVersion":"v1","metadata":{"continue":"page2",)"
                                R"("resourceVersion":"10"},"items":[{"metadata":{"name":"a"}}]})");
    }
    return json_response(200, R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"11"},)"
                              R"("items":[{"metadata":{"name":"b"}}]})");
  });
  ListOptions options;
  options.label_selector = "app=web,tier in (a,b)";
  options.field_selector = "status.phase=Running";
  options.limit = 1;
  auto list = client().list({"", "v1", "Pod"}, "team-a", options);
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->items.size(), 2u);
  EXPECT_EQ(list->items[1]["metadata"]["name"], "b");
  EXPECT_EQ(list->items[0]["kind"], "Pod");
  EXPECT_EQ(list->items[0]["apiVersion"], "v1");
  EXPECT_EQ(list->resource_version, "11");
  auto lines = m_fake->request_lines();
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "GET /api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29"
                      "&fieldSelector=status.phase%3DRunning&limit=1"),
            lines.end());

  options.pages = Pages::one;
  auto one = client().list({"", "v1", "Pod"}, "team-a", options);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->items.size(), 1u);
  EXPECT_EQ(one->continue_token, "page2");
}

TEST_F(Verbs, MetadataOnlyAsksForPartialObjectMetadataWithAJsonFallback) {
  m_fake->reply("GET", "/api/v1/namespaces/prod/configmaps/big", 200,
                R"({"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"big"}})");
  m_fake->reply("GET", "/api/v1/namespaces/prod/configmaps", 200,
                R"({"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1","metadata":{},)"
                R"("items":[{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"big"}}]})");
  auto got = client().get_metadata(ResourceRef{{"", "v1", "ConfigMap"}, "prod", "big"});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(header(last("GET"), "Accept"),
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json");
  ListOptions options;
  options.metadata_only = true;
  auto list = client().list({"", "v1", "ConfigMap"}, "prod", options);
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(header(last("GET"), "Accept"),
            "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json");
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0]["kind"], "PartialObjectMetadata") << "metadata items keep their own kind";
  auto plain = client().list({"", "v1", "ConfigMap"}, "prod");
  ASSERT_TRUE(plain);
  EXPECT_EQ(header(last("GET"), "Accept"), "application/json");
}

TEST_F(Verbs, ListAcrossAllNamespaces) {
  m_fake->reply("GET", "/apis/apps/v1/deployments", 200, R"({"metadata":{},"items":[]})");
  auto list = client().list({"apps", "v1", "Deployment"}, "");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(m_fake->count("GET", "/apis/apps/v1/deployments"), 1);
}

TEST_F(Verbs, ApplyIsServerSideWithFieldManagerForceAndDryRun) {
  m_fake->reply("PATCH", "/apis/apps/v1/namespaces/prod/deployments/web", 200, k_deploy.dump());
  ASSERT_TRUE(client().apply(k_deploy));
  HttpRequest r = last("PATCH");
  EXPECT_EQ(header(r, "Content-Type"), "application/apply-patch+yaml");
  EXPECT_EQ(url_query(r.url), "fieldManager=aiplat");
  EXPECT_EQ(Json::parse(r.body), k_deploy);
  EXPECT_EQ(r.accept_encoding, "gzip");  // never brotli/zstd: see Client::send

  ApplyOptions options;
  options.force = Force::yes;
  options.dry_run = DryRun::all;
  options.field_manager = "tester";
  ASSERT_TRUE(client().apply(k_deploy, options));
  EXPECT_EQ(url_query(last("PATCH").url), "fieldManager=tester&force=true&dryRun=All");
}

TEST_F(Verbs, ApplyConflictListsFieldsAndManagers) {
  m_fake->reply("PATCH", "/apis/apps/v1/namespaces/prod/deployments/web", 409, R"({
    "kind":"Status","apiVersion":"v1","status":"Failure","reason":"Conflict","code":409,
    "message":"Apply failed with 2 conflicts: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas",
    "details":{"name":"web","group":"apps","kind":"deployments","causes":[
      {"reason":"FieldManagerConflict","message":"conflict with \"kubectl-edit\" using apps/v1","field":".spec.replicas"},
      {"reason":"FieldManagerConflict","message":"conflict with \"helm\" using apps/v1","field":".spec.template.spec.containers[name=\"web\"].image"}]}})");
  auto applied = client().apply(k_deploy);
  ASSERT_FALSE(applied);
  const KubeError& e = applied.error();
  EXPECT_TRUE(e.conflict());
  ASSERT_EQ(e.causes.size(), 2u);
  EXPECT_EQ(e.causes[1].field, ".spec.template.spec.containers[name=\"web\"].image");
  EXPECT_NE(e.message.find("apply Deployment.v1.apps prod/web: 409 Conflict"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("- conflict with \"kubectl-edit\" using apps/v1"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("- conflict with \"helm\" using apps/v1"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("force"), std::string::npos);
}

TEST_F(Verbs, CreateMergePatchStatusAndDelete) {
  m_fake->reply("POST", "/api/v1/namespaces/team-a/configmaps", 201, R"({"kind":"ConfigMap"})");
  m_fake->reply("PATCH", "/api/v1/namespaces/team-a/configmaps/c", 200, "{}");
  m_fake->reply("PUT", "/apis/apps/v1/namespaces/prod/deployments/web/status", 200, "{}");
  m_fake->reply("PATCH", "/apis/apps/v1/namespaces/prod/deployments/web/status", 200, "{}");
  m_fake->reply("DELETE", "/apis/apps/v1/namespaces/prod/deployments/web", 200, R"({"kind":"Status"})");

  Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "c"}}}};
  ASSERT_TRUE(client().create(cm));
  EXPECT_EQ(header(last("POST"), "Content-Type"), "application/json");

  ASSERT_TRUE(client().merge_patch(ResourceRef{{"", "v1", "ConfigMap"}, "", "c"}, Json{{"data", {{"k", "v"}}}}));
  EXPECT_EQ(header(last("PATCH"), "Content-Type"), "application/merge-patch+json");

  ASSERT_TRUE(client().update_status(k_deploy));
  EXPECT_EQ(last("PUT").url, "https://fake:6443/apis/apps/v1/namespaces/prod/deployments/web/status?fieldManager=aiplat");

  ResourceRef web{{"apps", "v1", "Deployment"}, "prod", "web"};
  ASSERT_TRUE(client().patch_status(web, Json{{"status", {{"replicas", 1}}}}));
  EXPECT_EQ(m_fake->count("PATCH", "/apis/apps/v1/namespaces/prod/deployments/web/status"), 1);

  DeleteOptions del;
  del.propagation = Propagation::foreground;
  del.dry_run = DryRun::all;
  ASSERT_TRUE(client().remove(web, del));
  HttpRequest d = last("DELETE");
  EXPECT_EQ(url_query(d.url), "dryRun=All");
  EXPECT_EQ(Json::parse(d.body)["propagationPolicy"], "Foreground");
}

TEST_F(Verbs, ObjectsWithoutIdentityAreRejectedBeforeAnyRequest) {
  auto applied = client().apply(Json{{"kind", "ConfigMap"}, {"metadata", Json::object()}});
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().kind, ErrorKind::input);
  EXPECT_NE(applied.error().message.find("has no apiVersion, metadata.name"), std::string::npos)
      << applied.error().message;
  EXPECT_TRUE(m_fake->requests().empty());
}

TEST_F(Verbs, RawAndProxyGets) {
  m_fake->reply("GET", "/healthz", 200, "ok", "text/plain");
  m_fake->reply("GET", "/api/v1/namespaces/mon/services/https:prom:9090/proxy/api/v1/query", 200,
                R"({"status":"success"})");
  m_fake->reply("GET", "/api/v1/namespaces/mon/pods/exporter-0:9400/proxy/metrics", 200, "gpu 1\n", "text/plain");
  auto health = client().raw_get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(*health, "ok");
  EXPECT_FALSE(client().raw_get("healthz"));
  auto svc = client().service_proxy_get("mon", "https:prom", "9090", "/api/v1/query?query=up");
  ASSERT_TRUE(svc) << svc.error().message;
  EXPECT_EQ(Json::parse(*svc)["status"], "success");
  EXPECT_EQ(url_query(last("GET").url), "query=up");
  auto pod = client().pod_proxy_get("mon", "exporter-0", "9400", "metrics");
  ASSERT_TRUE(pod) << pod.error().message;
  EXPECT_EQ(*pod, "gpu 1\n");
}

TEST_F(Verbs, ConcurrentRequestsFromManyThreads) {
  m_fake->on("PATCH", "/api/v1/namespaces/team-a/configmaps/.*", [](const HttpRequest& r) {
    return json_response(200, r.body);
  });
  Client& shared = client();  // created once here: client() itself is not thread-safe
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                   {"metadata", {{"name", "c" + std::to_string(t) + "-" + std::to_string(i)}}}};
        if (shared.apply(cm)) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(m_fake->count("GET", "/api"), 1);  // one discovery shared by all threads
}

}  // namespace
}  // namespace aiplat::kube

namespace aiplat::kube {
namespace {

HttpResponse refused() {
  HttpResponse r;
  r.error = TransportError::connect;
  r.error_message = "Failed to connect to fake port 6443: Connection refused";
  return r;
}

TEST(FirstConnection, RefusedBeforeAnyAnswerFailsAtOnceNamingTheServer) {
  auto fake = std::make_shared<FakeTransport>();
  fake->on("GET", ".*", [](const HttpRequest&) { return refused(); });
  auto clock = std::make_shared<FakeClock>();
  Client client(kube::testing::fake_config(), fake, kube::testing::fake_options(clock));
  auto got = client.get(ResourceRef{{"", "v1", "ConfigMap"}, "default", "x"});
  ASSERT_FALSE(got);
  EXPECT_EQ(fake->requests().size(), 1U) << "a server that never answered is not retried";
  EXPECT_NE(got.error().message.find("https://fake:6443"), std::string::npos) << got.error().message;
  EXPECT_NE(got.error().message.find("is the API server running"), std::string::npos) << got.error().message;
}

TEST(FirstConnection, RefusedAfterTheServerAnsweredIsRetried) {
  auto fake = std::make_shared<FakeTransport>();
  kube::testing::serve_aggregated_discovery(*fake);
  fake->reply("GET", "/api/v1/namespaces/default/configmaps/first", 200,
              R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"first"}})");
  HttpResponse ok = aiplat::testing::json_response(200, R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})");
  fake->sequence("GET", "/api/v1/namespaces/default/configmaps/x", {refused(), refused(), ok});
  auto clock = std::make_shared<FakeClock>();
  Client client(kube::testing::fake_config(), fake, kube::testing::fake_options(clock));
  ASSERT_TRUE(client.get(ResourceRef{{"", "v1", "ConfigMap"}, "default", "first"}));
  auto got = client.get(ResourceRef{{"", "v1", "ConfigMap"}, "default", "x"});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(fake->count("GET", "/api/v1/namespaces/default/configmaps/x"), 3);
}

}  // namespace
}  // namespace aiplat::kube

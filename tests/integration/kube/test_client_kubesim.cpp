// The kube client against a real kubesim over TLS with client-certificate auth.
#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "kubesim_fixture.hpp"

namespace aiplat::kube::integration {
namespace {

class ClientKubesim : public KubesimSuite {
 protected:
  static void SetUpTestSuite() { start({}); }
  void SetUp() override {
    KubesimSuite::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto config = config_from(s_sim->kubeconfig());
    ASSERT_TRUE(config) << config.error().message;
    m_client = client_for(*config);
  }
  std::unique_ptr<Client> m_client;
};

Json namespace_object(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
}

Json config_map(const std::string& ns, const std::string& name, const Json& data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"app", "demo"}}}}},
          {"data", data}};
}

TEST_F(ClientKubesim, VersionAndAggregatedDiscovery) {
  auto version = m_client->server_version();
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(version->major, 1);
  EXPECT_EQ(version->minor, 35);
  auto discovery = m_client->discovery();
  ASSERT_TRUE(discovery) << discovery.error().message;
  auto deploy = m_client->mapping_for_resource("deploy");
  ASSERT_TRUE(deploy) << deploy.error().message;
  EXPECT_EQ(deploy->gvr.to_string(), "deployments.v1.apps");
  auto crd = m_client->mapping_for({"apiextensions.k8s.io", "v1", "CustomResourceDefinition"});
  ASSERT_TRUE(crd) << crd.error().message;
  EXPECT_EQ(crd->scope, Scope::cluster);
}

TEST_F(ClientKubesim, EveryVerb) {
  ASSERT_TRUE(m_client->apply(namespace_object("verbs"))) << "namespace";
  auto created = m_client->create(config_map("verbs", "created", {{"a", "1"}}));
  ASSERT_TRUE(created) << created.error().message;
  auto again = m_client->create(config_map("verbs", "created", {{"a", "1"}}));
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().already_exists()) << again.error().message;

  auto applied = m_client->apply(config_map("verbs", "applied", {{"b", "2"}}));
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ((*applied)["data"]["b"], "2");
  ApplyOptions dry;
  dry.dry_run = DryRun::all;
  ASSERT_TRUE(m_client->apply(config_map("verbs", "dry", {{"c", "3"}}), dry));
  EXPECT_TRUE(m_client->get(ResourceRef{{"", "v1", "ConfigMap"}, "verbs", "dry"}).error().not_found());

  ResourceRef ref{{"", "v1", "ConfigMap"}, "verbs", "applied"};
  auto patched = m_client->merge_patch(ref, Json{{"data", {{"b", "22"}}}});
  ASSERT_TRUE(patched) << patched.error().message;
  auto got = m_client->get(ref);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ((*got)["data"]["b"], "22");

  ListOptions options;
  options.label_selector = "app=demo";
  options.limit = 1;  // forces pagination
  auto list = m_client->list({"", "v1", "ConfigMap"}, "verbs", options);
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->items.size(), 2u);

  auto deleted = m_client->remove(ref);
  ASSERT_TRUE(deleted) << deleted.error().message;
  auto gone = m_client->get(ref);
  ASSERT_FALSE(gone);
  EXPECT_TRUE(gone.error().not_found());
  auto health = m_client->raw_get("/healthz");
  ASSERT_TRUE(health) << health.error().message;
}

TEST_F(ClientKubesim, StatusSubresource) {
  Json deploy = {{"apiVersion", "apps/v1"},
                 {"kind", "Deployment"},
                 {"metadata", {{"name", "web"}, {"namespace", "default"}}},
                 {"spec",
                  {{"replicas", 1},
                   {"selector", {{"matchLabels", {{"app", "web"}}}}},
                   {"template",
                    {{"metadata", {{"labels", {{"app", "web"}}}}},
                     {"spec", {{"containers", {{{"name", "web"}, {"image", "nginx"}}}}}}}}}}};
  ASSERT_TRUE(m_client->apply(deploy));
  ResourceRef ref{{"apps", "v1", "Deployment"}, "default", "web"};
  auto patched = m_client->patch_status(ref, Json{{"status", {{"observedGeneration", 1}}}});
  ASSERT_TRUE(patched) << patched.error().message;
  EXPECT_EQ((*patched)["status"]["observedGeneration"], 1);
}

TEST_F(ClientKubesim, MetadataOnlyGetAndListLeaveTheBodyOut) {
  ASSERT_TRUE(m_client->apply(namespace_object("meta")));
  ASSERT_TRUE(m_client->apply(config_map("meta", "one", {{"big", std::string(4096, 'x')}})));
  ASSERT_TRUE(m_client->apply(config_map("meta", "two", {{"big", std::string(4096, 'y')}})));
  auto got = m_client->get_metadata(ResourceRef{{"", "v1", "ConfigMap"}, "meta", "one"});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ((*got)["kind"], "PartialObjectMetadata");
  EXPECT_EQ((*got)["apiVersion"], "meta.k8s.io/v1");
  EXPECT_EQ((*got)["metadata"]["labels"]["app"], "demo");
  EXPECT_EQ((*got)["metadata"]["managedFields"][0]["manager"], "aiplat") << "owners are metadata too";
  EXPECT_FALSE(got->contains("data"));
  auto missing = m_client->get_metadata(ResourceRef{{"", "v1", "ConfigMap"}, "meta", "absent"});
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().not_found());

  ListOptions options;
  options.label_selector = "app=demo";
  options.metadata_only = true;
  options.limit = 1;  // pages work the same way
  auto list = m_client->list({"", "v1", "ConfigMap"}, "meta", options);
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->items.size(), 2u);
  std::set<std::string> names;
  for (const Json& item : list->items) {
    EXPECT_EQ(item["kind"], "PartialObjectMetadata");
    EXPECT_FALSE(item.contains("data"));
    names.insert(item["metadata"]["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"one", "two"}));
  EXPECT_FALSE(list->resource_version.empty());
}

TEST_F(ClientKubesim, ApplyConflictNamesTheOtherManager) {
  ASSERT_TRUE(m_client->apply(namespace_object("conflicts")));
  ApplyOptions other;
  other.field_manager = "someone-else";
  ASSERT_TRUE(m_client->apply(config_map("conflicts", "c", {{"key", "theirs"}}), other));
  auto mine = m_client->apply(config_map("conflicts", "c", {{"key", "mine"}}));
  ASSERT_FALSE(mine);
  EXPECT_TRUE(mine.error().conflict());
  EXPECT_NE(mine.error().message.find("someone-else"), std::string::npos) << mine.error().message;
  EXPECT_NE(mine.error().message.find(".data.key"), std::string::npos) << mine.error().message;
  ApplyOptions force;
  force.force = Force::yes;
  auto forced = m_client->apply(config_map("conflicts", "c", {{"key", "mine"}}), force);
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_EQ((*forced)["data"]["key"], "mine");
}

TEST_F(ClientKubesim, BigUpstreamCrdBecomesMappableOnceEstablished) {
  std::string path = std::string(AIPLAT_SOURCE_DIR) + "/../shared/upstream/kuberay-v1.7.0/crds/ray.io_rayjobs.yaml";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "upstream data not found at " << path;
  RealFs fs;
  auto text = fs.read_file(path);
  ASSERT_TRUE(text);
  ASSERT_GT(text->size(), 1000000u);
  auto doc = parse_yaml(*text, path);
  ASSERT_TRUE(doc) << doc.error().message;
  auto applied = m_client->apply(doc->value);
  ASSERT_TRUE(applied) << applied.error().message;

  bool established = false;
  WatchOptions options;
  options.field_selector = "metadata.name=rayjobs.ray.io";
  options.deadline = std::chrono::seconds(30);
  auto watched = m_client->watch({"apiextensions.k8s.io", "v1", "CustomResourceDefinition"}, "", options,
                                 [&](const WatchEvent& e) {
                                   // The first event may come before the CRD has any status.
                                   Json none = Json::array();
                                   for (const Json& c : e.object.value("/status/conditions"_json_pointer, none)) {
                                     if (c.value("type", "") == "Established" && c.value("status", "") == "True") {
                                       established = true;
                                     }
                                   }
                                   return established ? WatchControl::stop : WatchControl::next;
                                 });
  ASSERT_TRUE(watched) << watched.error().message;
  ASSERT_TRUE(established);
  auto mapping = m_client->mapping_for({"ray.io", "v1", "RayJob"});
  ASSERT_TRUE(mapping) << mapping.error().message;
  EXPECT_EQ(mapping->gvr.resource, "rayjobs");
}

TEST_F(ClientKubesim, WatchSeesChangesMadeMeanwhile) {
  ASSERT_TRUE(m_client->apply(namespace_object("watched")));
  auto list = m_client->list({"", "v1", "ConfigMap"}, "watched");
  ASSERT_TRUE(list) << list.error().message;
  std::vector<std::string> write_errors;
  std::thread writer([&] {
    for (int i = 0; i < 3; ++i) {
      auto r = m_client->apply(config_map("watched", "w" + std::to_string(i), {{"i", "x"}}));
      if (!r) write_errors.push_back(r.error().message);
    }
  });
  std::vector<std::string> names;
  WatchOptions options;
  options.resource_version = list->resource_version;
  options.deadline = std::chrono::seconds(30);
  auto outcome = m_client->watch({"", "v1", "ConfigMap"}, "watched", options, [&](const WatchEvent& e) {
    if (e.type == WatchEventType::added) names.push_back(e.object["metadata"]["name"].get<std::string>());
    return names.size() == 3 ? WatchControl::stop : WatchControl::next;
  });
  writer.join();
  ASSERT_TRUE(write_errors.empty()) << write_errors.front();
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->end, WatchEnd::stopped);
  EXPECT_EQ(names, (std::vector<std::string>{"w0", "w1", "w2"}));
}

TEST_F(ClientKubesim, ConcurrentAppliesFromManyThreads) {
  ASSERT_TRUE(m_client->apply(namespace_object("busy")));
  std::atomic<int> ok{0};
  std::vector<std::string> errors(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = m_client->apply(config_map("busy", fmt::format("c-{}-{}", t, i), {{"v", "1"}}));
        if (r) ++ok; else errors[t] = r.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 160) << errors[0];
  auto list = m_client->list({"", "v1", "ConfigMap"}, "busy");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->items.size(), 160u);
}

/// Local ports of the TCP sockets (any state, TIME_WAIT included) connected to 127.0.0.1:port.
std::set<std::string> client_sockets_to(int port) {
  std::set<std::string> out;
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  char remote[16];
  std::snprintf(remote, sizeof remote, "0100007F:%04X", port);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, rem;
    fields >> slot >> local >> rem;
    if (rem == remote) out.insert(local);
  }
  return out;
}

TEST_F(ClientKubesim, ParallelRequestsReuseTheirConnections) {
  int port = std::stoi(s_sim->url().substr(s_sim->url().rfind(':') + 1));
  std::set<std::string> before = client_sockets_to(port);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (!m_client->raw_get("/api/v1/namespaces/default")) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> opened;
  for (const std::string& s : client_sockets_to(port)) {
    if (before.count(s) == 0) opened.insert(s);
  }
  // 200 requests on 8 threads: at most one connection per request the pool lets fly (16).
  EXPECT_LE(opened.size(), 16u) << "connections opened for 200 requests: " << opened.size();
  EXPECT_GE(opened.size(), 1u);
}

}  // namespace
}  // namespace aiplat::kube::integration

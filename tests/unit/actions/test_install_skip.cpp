// The decisions that make a re-run cheap and an install ordered: skipping an add-on by its
// rendered digest and live inventory (reads only), and the apply tiers.
#include <gtest/gtest.h>

#include "support/fake_kube_cluster.hpp"
#include "kube/apply_tiers.hpp"
#include "phases/apply_addon.hpp"

namespace aiplat {
namespace {

using aiplat::testing::FakeTransport;

struct SkipFixture : ::testing::Test {
  void SetUp() override {
    kube::testing::serve_aggregated_discovery(*fake);
    rendered.name = "sim";
    rendered.version = "1.0.0";
    rendered.digest = "d1";
    record->name = "sim";
    record->version = "1.0.0";
    record->state = "installed";
    record->digest = "d1";
    record->inventory = {{"v1", "ConfigMap", "sim-system", "a"}, {"v1", "ConfigMap", "sim-system", "b"}};
  }
  /// The live ConfigMaps carrying the set's part-of label.
  void live(std::vector<Json> items) {
    fake->reply("GET", "/api/v1/configmaps", 200, Json{{"kind", "ConfigMapList"}, {"items", items}}.dump());
  }
  static Json cm(const std::string& name) {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "sim-system"}}}};
  }
  Result<bool> check() {
    why.clear();
    return up_to_date(client, rendered, parent, record, why);
  }

  std::shared_ptr<FakeTransport> fake = std::make_shared<FakeTransport>();
  kube::Client client{kube::testing::fake_config(), fake};
  kube::ApplySetParent parent = parent_for("sim", "aiplat/test");
  render::RenderedAddon rendered;
  std::optional<InstallRecord> record = InstallRecord{};
  std::string why;
};

TEST_F(SkipFixture, SameDigestAndLiveInventorySkipsWithReadsOnly) {
  live({cm("a"), cm("b")});
  Result<bool> fresh = check();
  ASSERT_TRUE(fresh) << fresh.error().message;
  EXPECT_TRUE(*fresh) << why;
  std::vector<std::string> lines = fake->request_lines();
  ASSERT_FALSE(lines.empty());
  for (const std::string& l : lines) EXPECT_EQ(l.rfind("GET ", 0), 0u) << "a skip may only read: " << l;
  // The list asks only for members of this set.
  bool labelled = false;
  for (const HttpRequest& r : fake->requests()) {
    if (r.url.find("/api/v1/configmaps") != std::string::npos) {
      labelled = r.url.find("labelSelector=applyset.kubernetes.io%2Fpart-of%3D" + parent.id) != std::string::npos ||
                 r.url.find("labelSelector=applyset.kubernetes.io/part-of=" + parent.id) != std::string::npos;
    }
  }
  EXPECT_TRUE(labelled);
}

TEST_F(SkipFixture, ChangedDigestOrVersionIsApplied) {
  live({cm("a"), cm("b")});
  rendered.digest = "d2";
  EXPECT_FALSE(*check());
  EXPECT_EQ(why, "rendered objects changed");
  rendered.version = "1.1.0";
  EXPECT_FALSE(*check());
  EXPECT_EQ(why, "version 1.0.0 -> 1.1.0");
  EXPECT_EQ(fake->requests().size(), 0u) << "a digest difference needs no cluster read";
}

TEST_F(SkipFixture, NoRecordOrAnUnfinishedRunIsApplied) {
  std::optional<InstallRecord> none;
  EXPECT_FALSE(*up_to_date(client, rendered, parent, none, why));
  EXPECT_EQ(why, "not installed yet");
  record->state = "applying";
  EXPECT_FALSE(*check());
  EXPECT_EQ(why, "the last run stopped before it finished");
}

TEST_F(SkipFixture, AMissingOrDeletingMemberIsApplied) {
  live({cm("a")});
  EXPECT_FALSE(*check());
  EXPECT_EQ(why, "ConfigMap sim-system/b is missing");
  Json deleting = cm("b");
  deleting["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  live({cm("a"), deleting});
  EXPECT_FALSE(*check());
  EXPECT_EQ(why, "ConfigMap sim-system/b is missing");
}

TEST(InstallTiers, ObjectsGoCrdsNamespacesClusterNamespacedWebhooksCustomResources) {
  auto obj = [](const std::string& api, const std::string& kind, const std::string& name, const std::string& ns = "") {
    Json o = {{"apiVersion", api}, {"kind", kind}, {"metadata", {{"name", name}}}};
    if (!ns.empty()) o["metadata"]["namespace"] = ns;
    return o;
  };
  std::vector<Json> objects = {
      obj("demo.aiplat.test/v1", "Widget", "w", "sim-system"),
      obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "hook"),
      obj("apps/v1", "Deployment", "ctl", "sim-system"),
      obj("v1", "ConfigMap", "c2", "sim-system"),
      obj("rbac.authorization.k8s.io/v1", "ClusterRole", "role"),
      obj("v1", "Namespace", "sim-system"),
      obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.demo.aiplat.test"),
      obj("v1", "ConfigMap", "c1", "sim-system"),
  };
  std::vector<std::vector<Json>> tiers = kube::split_tiers(objects);
  ASSERT_EQ(tiers.size(), static_cast<std::size_t>(kube::k_tier_count));
  auto names = [&](kube::Tier t) {
    std::vector<std::string> out;
    for (const Json& o : tiers[static_cast<std::size_t>(t)]) out.push_back(o["metadata"]["name"]);
    return out;
  };
  EXPECT_EQ(names(kube::Tier::crds), (std::vector<std::string>{"widgets.demo.aiplat.test"}));
  EXPECT_EQ(names(kube::Tier::namespaces), (std::vector<std::string>{"sim-system"}));
  EXPECT_EQ(names(kube::Tier::cluster), (std::vector<std::string>{"role"}));
  EXPECT_EQ(names(kube::Tier::namespaced), (std::vector<std::string>{"ctl", "c2", "c1"})) << "source order kept";
  EXPECT_EQ(names(kube::Tier::webhooks), (std::vector<std::string>{"hook"}));
  EXPECT_EQ(names(kube::Tier::custom_resources), (std::vector<std::string>{"w"}));
  EXPECT_EQ(kube::tier_of(obj("apiregistration.k8s.io/v1", "APIService", "v1beta1.custom.metrics.k8s.io")),
            kube::Tier::webhooks)
      << "an APIService waits for its Service like a webhook";
}

}  // namespace
}  // namespace aiplat

// managedFields through the Cluster's write paths: server-side apply ownership, conflicts and
// force, removal of fields a manager stops applying, and what merge patches (Update) take over.
#include <gtest/gtest.h>

#include "cluster.hpp"
#include "controllers.hpp"
#include "managed_fields.hpp"

namespace kubesim {
namespace {

class ManagedFieldsTest : public ::testing::Test {
 protected:
  ManagedFieldsTest() : m_cluster(ServeOptions{}) {
    seed_cluster(m_cluster, 0, 0);
    std::lock_guard lock(m_cluster.mutex());
    m_deployments = *m_cluster.find_kind_locked("apps", "v1", "Deployment");
    m_configmaps = *m_cluster.find_kind_locked("", "v1", "ConfigMap");
  }

  Reply patch(const ResourceInfo& info, const std::string& name, const std::string& type, const Json& body,
              const std::string& manager, bool force = false) {
    std::lock_guard lock(m_cluster.mutex());
    WriteOptions options;
    options.field_manager = manager;
    options.force = force;
    return m_cluster.patch_locked(info, "default", name, type, body.dump(), Subresource::none, options);
  }
  Reply apply(const Json& body, const std::string& manager, bool force = false) {
    const ResourceInfo& info = body["kind"] == "Deployment" ? m_deployments : m_configmaps;
    return patch(info, body["metadata"]["name"], "application/apply-patch+yaml", body, manager, force);
  }
  Reply merge_patch(const ResourceInfo& info, const std::string& name, const Json& body, const std::string& manager) {
    return patch(info, name, "application/merge-patch+json", body, manager);
  }

  /// The field set `manager` holds for `operation`, empty when it holds none.
  static FieldSet owned(const Json& object, const std::string& manager, const std::string& operation) {
    for (const ManagerEntry& e : read_managers(object)) {
      if (e.manager == manager && e.operation == operation) return e.fields;
    }
    return {};
  }

  static Json deployment(int replicas, const std::string& image) {
    return {{"apiVersion", "apps/v1"},
            {"kind", "Deployment"},
            {"metadata", {{"name", "web"}, {"namespace", "default"}}},
            {"spec",
             {{"replicas", replicas},
              {"selector", {{"matchLabels", {{"app", "web"}}}}},
              {"template",
               {{"metadata", {{"labels", {{"app", "web"}}}}},
                {"spec", {{"containers", {{{"name", "web"}, {"image", image}}}}}}}}}}};
  }

  Cluster m_cluster;
  ResourceInfo m_deployments;
  ResourceInfo m_configmaps;
};

const FieldPath k_replicas = {"f:spec", "f:replicas"};
const FieldPath k_web = {"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}"};

FieldPath child(FieldPath path, const std::string& element) {
  path.push_back(element);
  return path;
}

TEST_F(ManagedFieldsTest, ApplyCreatesWithTheApplierOwningEveryField) {
  Reply r = apply(deployment(1, "web:1"), "aiplat");
  ASSERT_EQ(r.status, 201) << r.body.dump();
  FieldSet mine = owned(r.body, "aiplat", "Apply");
  EXPECT_TRUE(mine.count(k_replicas));
  EXPECT_TRUE(mine.count(child(k_web, "f:image")));
  const Json& entry = r.body["metadata"]["managedFields"][0];
  EXPECT_EQ(entry["fieldsType"], "FieldsV1");
  EXPECT_EQ(entry["apiVersion"], "apps/v1");
}

TEST_F(ManagedFieldsTest, SameValueSharesOwnershipDifferentValueConflicts) {
  ASSERT_EQ(apply(deployment(1, "web:1"), "aiplat").status, 201);
  Reply shared = apply(deployment(1, "web:1"), "other");
  ASSERT_EQ(shared.status, 200) << shared.body.dump();
  EXPECT_TRUE(owned(shared.body, "aiplat", "Apply").count(k_replicas));
  EXPECT_TRUE(owned(shared.body, "other", "Apply").count(k_replicas));

  Reply conflict = apply(deployment(2, "web:2"), "third");
  ASSERT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.body["reason"], "Conflict");
  std::string message = conflict.body["message"];
  EXPECT_NE(message.find("Apply failed with 4 conflicts"), std::string::npos) << message;
  EXPECT_NE(message.find("conflicts with \"aiplat\""), std::string::npos) << message;
  EXPECT_NE(message.find("- .spec.replicas"), std::string::npos) << message;
  EXPECT_NE(message.find(".spec.template.spec.containers[name=\"web\"].image"), std::string::npos) << message;
  std::set<std::string> fields;
  for (const Json& cause : conflict.body["details"]["causes"]) {
    EXPECT_EQ(cause["type"], "FieldManagerConflict");
    fields.insert(cause["field"].get<std::string>());
  }
  EXPECT_EQ(fields, (std::set<std::string>{".spec.replicas", ".spec.template.spec.containers[name=\"web\"].image"}));
}

TEST_F(ManagedFieldsTest, ForceTakesConflictingFieldsAway) {
  ASSERT_EQ(apply(deployment(1, "web:1"), "aiplat").status, 201);
  Reply forced = apply(deployment(3, "web:1"), "hpa", true);
  ASSERT_EQ(forced.status, 200) << forced.body.dump();
  EXPECT_EQ(forced.body["spec"]["replicas"], 3);
  EXPECT_FALSE(owned(forced.body, "aiplat", "Apply").count(k_replicas));
  EXPECT_TRUE(owned(forced.body, "hpa", "Apply").count(k_replicas));
  // Fields with equal values stay shared.
  EXPECT_TRUE(owned(forced.body, "aiplat", "Apply").count(child(k_web, "f:image")));
}

TEST_F(ManagedFieldsTest, AConflictMessageNamesAnUpdateManagerWithItsApiVersion) {
  ASSERT_EQ(apply(deployment(1, "web:1"), "aiplat").status, 201);
  ASSERT_EQ(merge_patch(m_deployments, "web", {{"spec", {{"replicas", 5}}}}, "kubectl-scale").status, 200);
  Reply conflict = apply(deployment(1, "web:1"), "aiplat");
  ASSERT_EQ(conflict.status, 409) << conflict.body.dump();
  std::string message = conflict.body["message"];
  EXPECT_NE(message.find("Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find(".spec.replicas"), std::string::npos);
}

TEST_F(ManagedFieldsTest, AnUpdateTakesOnlyTheFieldsItChanged) {
  ASSERT_EQ(apply(deployment(1, "web:1"), "aiplat").status, 201);
  Reply r = merge_patch(m_deployments, "web", {{"spec", {{"replicas", 5}, {"paused", true}}}}, "kubectl-edit");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(owned(r.body, "kubectl-edit", "Update"), (FieldSet{k_replicas, {"f:spec", "f:paused"}}));
  EXPECT_FALSE(owned(r.body, "aiplat", "Apply").count(k_replicas));
  EXPECT_TRUE(owned(r.body, "aiplat", "Apply").count(child(k_web, "f:image")));
  // A merge patch that changes nothing takes nothing.
  Reply same = merge_patch(m_deployments, "web", {{"spec", {{"template", {{"metadata", {{"labels", {{"app", "web"}}}}}}}}}},
                           "noop");
  ASSERT_EQ(same.status, 200);
  EXPECT_TRUE(owned(same.body, "noop", "Update").empty());
}

TEST_F(ManagedFieldsTest, FieldsAManagerStopsApplyingAreRemoved) {
  Json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "c"}, {"namespace", "default"}, {"labels", {{"a", "1"}, {"b", "2"}}}}},
             {"data", {{"x", "1"}, {"y", "2"}}}};
  ASSERT_EQ(apply(cm, "aiplat").status, 201);
  Json other = {{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", "c"}, {"namespace", "default"}}},
                {"data", {{"y", "2"}}}};
  ASSERT_EQ(apply(other, "other").status, 200);
  cm["metadata"]["labels"].erase("b");
  cm["data"] = {{"z", "3"}};
  Reply r = apply(cm, "aiplat");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["metadata"]["labels"], (Json{{"a", "1"}}));
  // y is still applied by "other", so it stays; x was only aiplat's.
  EXPECT_EQ(r.body["data"], (Json{{"y", "2"}, {"z", "3"}}));
}

TEST_F(ManagedFieldsTest, AListItemStaysWhileAnotherManagerOwnsFieldsInside) {
  Json two = deployment(1, "web:1");
  two["spec"]["template"]["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "proxy:1"}});
  ASSERT_EQ(apply(two, "aiplat").status, 201);
  // Someone edits the sidecar's image (an Update manager owns a field inside the item only).
  Json containers = two["spec"]["template"]["spec"]["containers"];
  containers[1]["image"] = "proxy:2";
  Reply edited =
      merge_patch(m_deployments, "web", {{"spec", {{"template", {{"spec", {{"containers", containers}}}}}}}}, "editor");
  ASSERT_EQ(edited.status, 200) << edited.body.dump();
  Reply r = apply(deployment(1, "web:1"), "aiplat");  // aiplat no longer applies the sidecar
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const Json& live = r.body["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(live.size(), 2u) << live.dump();
  EXPECT_EQ(live[1], (Json{{"name", "sidecar"}, {"image", "proxy:2"}}));
}

TEST_F(ManagedFieldsTest, ListItemsAManagerStopsApplyingAreRemovedWhole) {
  Json two = deployment(1, "web:1");
  two["spec"]["template"]["spec"]["containers"].push_back({{"name", "sidecar"}, {"image", "proxy:1"}});
  ASSERT_EQ(apply(two, "aiplat").status, 201);
  Reply r = apply(deployment(1, "web:1"), "aiplat");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  const Json& live = r.body["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(live.size(), 1u) << live.dump();
  EXPECT_EQ(live[0]["name"], "web");
  EXPECT_FALSE(owned(r.body, "aiplat", "Apply").count({"f:spec", "f:template", "f:spec", "f:containers",
                                                       "k:{\"name\":\"sidecar\"}"}));
}

TEST_F(ManagedFieldsTest, MergePatchFollowsRfc7386) {
  Json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "m"}, {"namespace", "default"}, {"labels", {{"a", "1"}, {"b", "2"}}}}},
             {"data", {{"x", "1"}}}};
  ASSERT_EQ(apply(cm, "aiplat").status, 201);
  Reply r = merge_patch(m_configmaps, "m", {{"metadata", {{"labels", {{"b", nullptr}, {"c", "3"}}}}}, {"data", {{"y", "2"}}}},
                        "kubectl-label");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["metadata"]["labels"], (Json{{"a", "1"}, {"c", "3"}}));
  EXPECT_EQ(r.body["data"], (Json{{"x", "1"}, {"y", "2"}}));
  // Lists are replaced whole.
  r = merge_patch(m_configmaps, "m", {{"metadata", {{"finalizers", {"x"}}}}}, "m1");
  ASSERT_EQ(r.status, 200);
  r = merge_patch(m_configmaps, "m", {{"metadata", {{"finalizers", {"y"}}}}}, "m1");
  EXPECT_EQ(r.body["metadata"]["finalizers"], Json({"y"}));
  // A stale resourceVersion in the patch is refused.
  Reply stale = merge_patch(m_configmaps, "m", {{"metadata", {{"resourceVersion", "1"}}}, {"data", {{"z", "1"}}}}, "m2");
  EXPECT_EQ(stale.status, 409);
}

TEST_F(ManagedFieldsTest, StrategicMergePatchIsRefusedForCustomResourcesOnly) {
  ASSERT_EQ(apply(deployment(1, "web:1"), "aiplat").status, 201);
  Reply r = patch(m_deployments, "web", "application/strategic-merge-patch+json",
                  {{"spec", {{"template", {{"spec", {{"containers", {{{"name", "web"}, {"image", "web:9"}}}}}}}}}}},
                  "kubectl-set");
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["spec"]["template"]["spec"]["containers"][0]["image"], "web:9");
  EXPECT_EQ(owned(r.body, "kubectl-set", "Update"), (FieldSet{child(k_web, "f:image")}));
}

}  // namespace
}  // namespace kubesim

// Field sets and FieldsV1, the bookkeeping server-side apply and managedFields rest on.
#include <gtest/gtest.h>

#include "fieldset.hpp"
#include "list_types.hpp"

namespace kubesim {
namespace {

Json pod_like() {
  return Json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "p", "namespace": "ns", "uid": "u", "resourceVersion": "7",
                 "labels": {"app": "web"}, "annotations": {}, "finalizers": ["f1", "f2"]},
    "spec": {"containers": [{"name": "c", "image": "i", "args": ["x", "y"],
                             "ports": [{"containerPort": 80, "protocol": "TCP"}]}]},
    "status": {"phase": "Running"}})");
}

bool has(const FieldSet& set, const FieldPath& path) { return set.count(path) != 0; }

TEST(FieldSet, TracksLeavesKeyedItemsSetsAndEmptyMaps) {
  FieldSet set = fields_of(pod_like(), BuiltinListTypes(), FieldScope::main_resource);
  EXPECT_TRUE(has(set, {"f:metadata", "f:labels", "f:app"}));
  EXPECT_TRUE(has(set, {"f:metadata", "f:annotations"}));  // an empty map is a member itself
  EXPECT_TRUE(has(set, {"f:metadata", "f:finalizers", "v:\"f1\""}));
  EXPECT_TRUE(has(set, {"f:spec", "f:containers", "k:{\"name\":\"c\"}"}));
  EXPECT_TRUE(has(set, {"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"}));
  EXPECT_TRUE(has(set, {"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:args"}));  // atomic list: one member
  EXPECT_FALSE(has(set, {"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:args", "v:\"x\""}));
  EXPECT_TRUE(has(set, {"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:ports",
                        "k:{\"containerPort\":80,\"protocol\":\"TCP\"}", "f:containerPort"}));
}

TEST(FieldSet, LeavesOutIdentityAndServerFields) {
  FieldSet set = fields_of(pod_like(), BuiltinListTypes(), FieldScope::main_resource);
  for (const FieldPath& p : set) {
    ASSERT_FALSE(p.empty());
    EXPECT_NE(p[0], "f:apiVersion");
    EXPECT_NE(p[0], "f:kind");
    EXPECT_NE(p[0], "f:status");
    if (p[0] == "f:metadata") {
      EXPECT_TRUE(p[1] == "f:labels" || p[1] == "f:annotations" || p[1] == "f:finalizers") << describe_path(p);
    }
  }
}

TEST(FieldSet, ScopesSplitStatusFromTheRest) {
  FieldSet status = fields_of(pod_like(), BuiltinListTypes(), FieldScope::status_only);
  EXPECT_EQ(status, (FieldSet{{"f:status", "f:phase"}}));
  FieldSet all = fields_of(pod_like(), BuiltinListTypes(), FieldScope::everything);
  EXPECT_TRUE(has(all, {"f:status", "f:phase"}));
  EXPECT_TRUE(has(all, {"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:name"}));
}

TEST(FieldSet, ValueAtAndRemoveAtFollowKeysAndValues) {
  Json pod = pod_like();
  FieldPath image = {"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"};
  ASSERT_NE(value_at(pod, image), nullptr);
  EXPECT_EQ(*value_at(pod, image), "i");
  EXPECT_EQ(value_at(pod, {"f:spec", "f:containers", "k:{\"name\":\"other\"}"}), nullptr);
  EXPECT_EQ(value_at(pod, {"f:spec", "f:nothing"}), nullptr);
  EXPECT_TRUE(remove_at(pod, {"f:metadata", "f:finalizers", "v:\"f1\""}));
  EXPECT_EQ(pod["metadata"]["finalizers"], Json({"f2"}));
  EXPECT_TRUE(remove_at(pod, image));
  EXPECT_FALSE(pod["spec"]["containers"][0].contains("image"));
  EXPECT_FALSE(remove_at(pod, image));
  EXPECT_TRUE(remove_at(pod, {"f:spec", "f:containers", "k:{\"name\":\"c\"}"}));
  EXPECT_TRUE(pod["spec"]["containers"].empty());
}

TEST(FieldSet, FieldsV1RoundTripMarksMembersWithChildren) {
  FieldSet set = fields_of(pod_like(), BuiltinListTypes(), FieldScope::main_resource);
  Json v1 = to_fields_v1(set);
  // The container item is a member and has children: it carries ".".
  EXPECT_EQ(v1["f:spec"]["f:containers"]["k:{\"name\":\"c\"}"]["."], Json::object());
  EXPECT_EQ(v1["f:metadata"]["f:labels"]["f:app"], Json::object());
  EXPECT_FALSE(v1["f:metadata"]["f:labels"].contains("."));  // labels itself is no member
  EXPECT_EQ(from_fields_v1(v1), set);
}

TEST(FieldSet, ReadsFieldsV1AsTheApiServerWritesIt) {
  Json v1 = Json::parse(R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},
                            "f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{
                              "k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}}})");
  FieldSet set = from_fields_v1(v1);
  EXPECT_EQ(set, (FieldSet{{"f:metadata", "f:labels"},
                           {"f:metadata", "f:labels", "f:app"},
                           {"f:spec", "f:replicas"},
                           {"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}"},
                           {"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}", "f:image"},
                           {"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}", "f:name"}}));
}

TEST(FieldSet, DescribesPathsLikeConflictMessages) {
  EXPECT_EQ(describe_path({"f:spec", "f:replicas"}), ".spec.replicas");
  EXPECT_EQ(describe_path({"f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"}),
            ".spec.containers[name=\"c\"].image");
  EXPECT_EQ(describe_path({"f:metadata", "f:finalizers", "v:\"f1\""}), ".metadata.finalizers[=\"f1\"]");
}

TEST(FieldSet, MergeAppliedMergesKeyedListsAndReplacesAtomicOnes) {
  Json live = pod_like();
  Json applied = Json::parse(R"({"metadata": {"labels": {"tier": "front"}, "finalizers": ["f3"]},
    "spec": {"containers": [{"name": "c", "args": ["z"]}, {"name": "d", "image": "j"}]}})");
  Json out = merge_applied(live, applied, BuiltinListTypes());
  EXPECT_EQ(out["metadata"]["labels"], (Json{{"app", "web"}, {"tier", "front"}}));
  EXPECT_EQ(out["metadata"]["finalizers"], Json({"f1", "f2", "f3"}));
  ASSERT_EQ(out["spec"]["containers"].size(), 2u);
  EXPECT_EQ(out["spec"]["containers"][0]["image"], "i");
  EXPECT_EQ(out["spec"]["containers"][0]["args"], Json({"z"}));
  EXPECT_EQ(out["spec"]["containers"][1]["name"], "d");
}

TEST(SchemaListTypes, ReadsListTypeAnnotationsOfACrdSchema) {
  Json schema = Json::parse(R"({"type": "object", "properties": {"spec": {"type": "object", "properties": {
    "queues": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
               "items": {"type": "object", "properties": {"flavors": {"type": "array",
                 "x-kubernetes-list-type": "set", "items": {"type": "string"}}}}},
    "plain": {"type": "array", "items": {"type": "string"}}}}}})");
  SchemaListTypes oracle(schema);
  ListType queues = oracle.list_type({"spec", "queues"});
  EXPECT_EQ(queues.kind, ListType::Kind::map);
  EXPECT_EQ(queues.keys, std::vector<std::string>{"name"});
  EXPECT_EQ(oracle.list_type({"spec", "queues", "flavors"}).kind, ListType::Kind::set);
  EXPECT_EQ(oracle.list_type({"spec", "plain"}).kind, ListType::Kind::atomic);
  EXPECT_EQ(oracle.list_type({"metadata", "finalizers"}).kind, ListType::Kind::set);
}

}  // namespace
}  // namespace kubesim

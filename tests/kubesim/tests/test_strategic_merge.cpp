// Strategic merge patch as kubectl sends it (kubectl patch, label, rollout restart, client-side apply).
#include <gtest/gtest.h>

#include "list_types.hpp"
#include "strategic_merge.hpp"

namespace kubesim {
namespace {

Json smp(const Json& target, const Json& patch) { return strategic_merge(target, patch, BuiltinListTypes()); }

Json deployment() {
  return Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}, "finalizers": ["a"]},
    "spec": {"replicas": 1, "template": {"spec": {"containers": [
      {"name": "web", "image": "web:1", "ports": [{"containerPort": 80, "protocol": "TCP"}],
       "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
      {"name": "sidecar", "image": "proxy:1"}]}}}})");
}

const Json& container(const Json& d, std::size_t i) { return d["spec"]["template"]["spec"]["containers"][i]; }

TEST(StrategicMerge, MapsMergeAndNullDeletes) {
  Json out = smp(deployment(), {{"metadata", {{"labels", {{"tier", nullptr}, {"version", "2"}}}}},
                                {"spec", {{"replicas", 3}}}});
  EXPECT_EQ(out["metadata"]["labels"], (Json{{"app", "web"}, {"version", "2"}}));
  EXPECT_EQ(out["spec"]["replicas"], 3);
  EXPECT_EQ(out["metadata"]["name"], "web");
  EXPECT_EQ(out["spec"]["template"]["spec"]["containers"].size(), 2u);
}

TEST(StrategicMerge, KeyedListsMergeByName) {
  // kubectl set image / a patch of one container leaves the other containers alone.
  Json patch = Json::parse(R"({"spec": {"template": {"spec": {"containers": [
      {"name": "web", "image": "web:2", "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}]},
      {"name": "new", "image": "new:1"}]}}}})");
  Json out = smp(deployment(), patch);
  const Json& containers = out["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 3u);
  EXPECT_EQ(container(out, 0)["image"], "web:2");
  EXPECT_EQ(container(out, 0)["ports"].size(), 1u);
  EXPECT_EQ(container(out, 0)["env"],
            Json::parse(R"([{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}])"));
  EXPECT_EQ(container(out, 1)["image"], "proxy:1");
  EXPECT_EQ(container(out, 2)["name"], "new");
}

TEST(StrategicMerge, PortsMergeOnTheirPatchMergeKeyOnly) {
  // containers[].ports merge on containerPort (patchMergeKey); a patch that leaves the
  // protocol out still names the live port rather than adding a second one.
  Json patch = Json::parse(R"({"spec": {"template": {"spec": {"containers": [
      {"name": "web", "ports": [{"containerPort": 80, "name": "http"}]}]}}}})");
  Json out = smp(deployment(), patch);
  EXPECT_EQ(container(out, 0)["ports"], Json::parse(R"([{"containerPort":80,"protocol":"TCP","name":"http"}])"));
}

TEST(StrategicMerge, PatchDeleteRemovesAListItem) {
  Json patch = Json::parse(R"({"spec": {"template": {"spec": {"containers": [
      {"name": "sidecar", "$patch": "delete"}]}}}})");
  Json out = smp(deployment(), patch);
  ASSERT_EQ(out["spec"]["template"]["spec"]["containers"].size(), 1u);
  EXPECT_EQ(container(out, 0)["name"], "web");
}

TEST(StrategicMerge, PatchReplaceReplacesAMap) {
  Json out = smp(deployment(), {{"metadata", {{"labels", {{"$patch", "replace"}, {"only", "this"}}}}}});
  EXPECT_EQ(out["metadata"]["labels"], (Json{{"only", "this"}}));
}

TEST(StrategicMerge, AtomicListsAreReplaced) {
  Json target = {{"spec", {{"template", {{"spec", {{"containers", {{{"name", "c"}, {"args", {"a", "b"}}}}}}}}}}}};
  Json patch = {{"spec", {{"template", {{"spec", {{"containers", {{{"name", "c"}, {"args", {"z"}}}}}}}}}}}};
  EXPECT_EQ(smp(target, patch)["spec"]["template"]["spec"]["containers"][0]["args"], Json({"z"}));
}

TEST(StrategicMerge, FinalizersTakeTheUnionAndDeleteFromPrimitiveListRemoves) {
  Json out = smp(deployment(), {{"metadata", {{"finalizers", {"b", "a"}}}}});
  EXPECT_EQ(out["metadata"]["finalizers"], Json({"a", "b"}));
  out = smp(out, {{"metadata", {{"$deleteFromPrimitiveList/finalizers", {"a"}}}}});
  EXPECT_EQ(out["metadata"]["finalizers"], Json({"b"}));
}

TEST(StrategicMerge, OrderDirectivesNeverReachTheObject) {
  // Client-side kubectl apply sends $setElementOrder next to the list it orders.
  Json patch = Json::parse(R"({"spec": {"template": {"spec": {
      "$setElementOrder/containers": [{"name": "web"}, {"name": "sidecar"}],
      "containers": [{"name": "web", "image": "web:3"}]}}}})");
  Json out = smp(deployment(), patch);
  EXPECT_FALSE(out["spec"]["template"]["spec"].contains("$setElementOrder/containers"));
  EXPECT_EQ(container(out, 0)["image"], "web:3");
}

TEST(StrategicMerge, RetainKeysDropsTheOtherKeys) {
  // Switching a Deployment to Recreate: kubectl sends $retainKeys so rollingUpdate goes.
  Json target = {{"spec", {{"strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxSurge", 1}}}}}}}};
  Json patch = {{"spec", {{"strategy", {{"$retainKeys", {"type"}}, {"type", "Recreate"}}}}}};
  EXPECT_EQ(smp(target, patch)["spec"]["strategy"], (Json{{"type", "Recreate"}}));
}

TEST(StrategicMerge, NewKeyedListsLoseTheirDirectives) {
  // No live list yet: items marked for deletion do not appear and directives do not leak.
  Json target = {{"spec", {{"template", {{"spec", Json::object()}}}}}};
  Json patch = Json::parse(R"({"spec": {"template": {"spec": {"containers": [
      {"name": "a", "image": "a:1"}, {"name": "gone", "$patch": "delete"}]}}}})");
  Json out = smp(target, patch);
  EXPECT_EQ(out["spec"]["template"]["spec"]["containers"], Json::parse(R"([{"name":"a","image":"a:1"}])"));
}

TEST(StrategicMerge, RolloutRestartAnnotatesTheTemplate) {
  Json patch = Json::parse(
      R"({"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}})");
  Json out = smp(deployment(), patch);
  EXPECT_EQ(out["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
            "2025-01-01T00:00:00Z");
  EXPECT_EQ(out["spec"]["template"]["spec"]["containers"].size(), 2u);
}

}  // namespace
}  // namespace kubesim

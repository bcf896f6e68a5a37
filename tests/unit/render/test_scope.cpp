#include "render/scope.hpp"

#include <gtest/gtest.h>

namespace aiplat::render {
namespace {

Json obj(const std::string& api, const std::string& kind, const std::string& name, const std::string& ns = "") {
  Json o = {{"apiVersion", api}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  return o;
}

Json crd(const std::string& group, const std::string& kind, const std::string& scope) {
  Json o = obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "x." + group);
  o["spec"] = {{"group", group}, {"names", {{"kind", kind}}}, {"scope", scope}};
  return o;
}

TEST(Scope, BuiltInKindsAndOwnCrdsDecide) {
  std::vector<Json> objs = {obj("v1", "ServiceAccount", "sa"),
                            obj("v1", "ConfigMap", "keep", "elsewhere"),
                            obj("rbac.authorization.k8s.io/v1", "ClusterRole", "cr", "wrongly-set"),
                            crd("example.test", "Widget", "Namespaced"),
                            crd("example.test", "Pool", "Cluster"),
                            obj("example.test/v1", "Widget", "w"),
                            obj("example.test/v1", "Pool", "p")};
  Result<void> r = default_namespaces(objs, "addon-ns", {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(objs[0]["metadata"]["namespace"], "addon-ns");
  EXPECT_EQ(objs[1]["metadata"]["namespace"], "elsewhere");
  EXPECT_FALSE(objs[2]["metadata"].contains("namespace")) << "cluster-scoped objects carry no namespace";
  EXPECT_FALSE(objs[3]["metadata"].contains("namespace"));
  EXPECT_EQ(objs[5]["metadata"]["namespace"], "addon-ns");
  EXPECT_FALSE(objs[6]["metadata"].contains("namespace"));
}

TEST(Scope, CallerKnowledgeCoversCrdsOfOtherAddons) {
  std::vector<Json> objs = {obj("kueue.x-k8s.io/v1beta2", "ClusterQueue", "cq"),
                            obj("kueue.x-k8s.io/v1beta2", "LocalQueue", "lq")};
  std::map<std::string, bool> known = {{"kueue.x-k8s.io/ClusterQueue", false}, {"kueue.x-k8s.io/LocalQueue", true}};
  ASSERT_TRUE(default_namespaces(objs, "team", known));
  EXPECT_FALSE(objs[0]["metadata"].contains("namespace"));
  EXPECT_EQ(objs[1]["metadata"]["namespace"], "team");
}

TEST(Scope, UnknownKindsWithoutNamespaceAreListedTogether) {
  std::vector<Json> objs = {obj("a.test/v1", "Thing", "t1"), obj("a.test/v1", "Thing", "t2", "has-one"),
                            obj("b.test/v1", "Other", "o")};
  Result<void> r = default_namespaces(objs, "ns", {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("\n  Thing t1 (a.test/Thing)\n  Other o (b.test/Other)"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find("t2"), std::string::npos);
}

TEST(Scope, CrdScopesAndGroupKind) {
  EXPECT_EQ(group_kind("v1", "Pod"), "/Pod");
  EXPECT_EQ(group_kind("apps/v1", "Deployment"), "apps/Deployment");
  std::map<std::string, bool> s = crd_scopes({crd("g.test", "A", "Cluster"), crd("g.test", "B", "Namespaced")});
  EXPECT_EQ(s, (std::map<std::string, bool>{{"g.test/A", false}, {"g.test/B", true}}));
  EXPECT_EQ(builtin_scope("/Namespace"), false);
  EXPECT_EQ(builtin_scope("apps/Deployment"), true);
  EXPECT_EQ(builtin_scope("x.test/Y"), std::nullopt);
}

}  // namespace
}  // namespace aiplat::render

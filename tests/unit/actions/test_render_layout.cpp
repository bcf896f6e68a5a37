#include "actions/render_layout.hpp"

#include <gtest/gtest.h>

#include "util/yaml.hpp"

namespace aiplat::actions {
namespace {

using nlohmann::json;

TEST(RenderLayout, FolderNamesAreOrderedAndPadded) {
  EXPECT_EQ(addon_folder_name(1, 4, "gateway-api"), "01-gateway-api");
  EXPECT_EQ(addon_folder_name(12, 120, "kueue"), "012-kueue");
  EXPECT_TRUE(is_addon_folder_name("01-gateway-api"));
  EXPECT_TRUE(is_addon_folder_name("012-kueue"));
  EXPECT_FALSE(is_addon_folder_name("1-x")) << "a user's folder is not ours";
  EXPECT_FALSE(is_addon_folder_name("docs"));
  EXPECT_FALSE(is_addon_folder_name("01-"));
}

TEST(RenderLayout, ObjectFileNamesArePathSafeAndUnique) {
  std::vector<json> objects = {
      json::parse(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kueue-system"}})"),
      json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"ctl","namespace":"ns"}})"),
      json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:ctl"}})"),
      json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system-ctl"}})"),
      json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"../../etc","namespace":"ns"}})")};
  EXPECT_EQ(object_file_names(objects),
            (std::vector<std::string>{"namespace_kueue-system.yaml", "deployment.apps_ns_ctl.yaml",
                                      "clusterrole.rbac.authorization.k8s.io_system-ctl.yaml",
                                      "clusterrole.rbac.authorization.k8s.io_system-ctl-2.yaml",
                                      "configmap_ns_..-..-etc.yaml"}));
}

TEST(RenderLayout, KustomizationListsResourcesInOrder) {
  std::string text = kustomization({"02-b", "01-a"});
  Result<YamlDocument> doc = parse_yaml(text, "k");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->value["apiVersion"], "kustomize.config.k8s.io/v1beta1");
  EXPECT_EQ(doc->value["kind"], "Kustomization");
  EXPECT_EQ(doc->value["resources"], json::parse(R"(["02-b","01-a"])"));
}

}  // namespace
}  // namespace aiplat::actions

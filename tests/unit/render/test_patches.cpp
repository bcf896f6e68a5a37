#include "render/patches.hpp"

#include <gtest/gtest.h>

namespace aiplat::render {
namespace {

using catalog::Json;

catalog::Patch patch(catalog::PatchTarget target, Json body, int line) {
  catalog::Patch p;
  p.target = std::move(target);
  p.patch = std::move(body);
  p.at = catalog::SourceRef{"addons/x/1.0.0/addon.yaml", line, 5};
  return p;
}

std::vector<Json> objects() {
  return {
      Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"ctl","namespace":"x","labels":{"a":"1","b":"2"}},"spec":{"replicas":1}})"),
      Json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"ctl","namespace":"y"},"spec":{"replicas":1}})"),
      Json::parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ctl","namespace":"x"}})"),
  };
}

TEST(Patches, MergePatchFollowsRfc7386OnMatchingObjectsOnly) {
  std::vector<Json> objs = objects();
  Result<void> r = apply_patches(
      {patch({"apps/v1", "Deployment", "ctl", "x"},
             Json::parse(R"({"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"replicas":2,"template":{"x":[1]}}})"), 3)},
      objs);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(objs[0]["spec"]["replicas"], 2);
  EXPECT_EQ(objs[0]["metadata"]["labels"], Json::parse(R"({"b":"2","c":"3"})")) << "null removes a key";
  EXPECT_EQ(objs[0]["spec"]["template"]["x"], Json::parse("[1]"));
  EXPECT_EQ(objs[1]["spec"]["replicas"], 1) << "other namespace untouched";
  EXPECT_FALSE(objs[2].contains("spec"));
}

TEST(Patches, EmptyTargetFieldsMatchAnything) {
  std::vector<Json> objs = objects();
  ASSERT_TRUE(apply_patches({patch({"", "", "ctl", ""}, Json::parse(R"({"metadata":{"annotations":{"p":"1"}}})"), 3)}, objs));
  for (const Json& o : objs) EXPECT_EQ(o["metadata"]["annotations"]["p"], "1");
}

TEST(Patches, PatchMatchingNothingIsAnErrorAndAllAreReported) {
  std::vector<Json> objs = objects();
  Result<void> r = apply_patches({patch({"", "Deployment", "nope", ""}, Json::object(), 7),
                                  patch({"apps/v2", "Deployment", "", ""}, Json::object(), 9)},
                                 objs);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message,
            "addons/x/1.0.0/addon.yaml:7:5: patch target {kind: Deployment, name: nope} matches no rendered object\n"
            "addons/x/1.0.0/addon.yaml:9:5: patch target {apiVersion: apps/v2, kind: Deployment} matches no rendered "
            "object");
}

}  // namespace
}  // namespace aiplat::render

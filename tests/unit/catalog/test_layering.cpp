#include <gtest/gtest.h>

#include "catalog/layering.hpp"
#include "catalog_fixture.hpp"

namespace aiplat::catalog {
namespace {
using namespace testing;

void base_catalog(MemoryFs& fs) {
  add_addon(fs, "kueue", "0.19.2");
  add_addon(fs, "gpu-operator", "26.7.0");
  add_profile(fs, "base", R"(  kubernetes: {default: "1.35", min: "1.33", max: "1.37"}
  registry: {mirror: "", pullSecret: base-secret}
  addons:
    - {name: kueue, version: "~0.19", values: {a: {x: 1, z: 2}}}
  checklist:
    notApplicable:
      - {id: cluster_autoscaling, reason: fixed pool}
)");
  add_profile(fs, "onprem", R"(  extends: [base]
  description: onprem
  accelerator: {vendor: nvidia, driver: operator, allocation: dra}
  addons:
    - {name: gpu-operator, version: "~26.7", mode: ""}
    - {name: kueue, values: {a: {z: 3}}}
)");
}

TEST(Layering, ExtendsAppliesTheBaseFirst) {
  MemoryFs fs;
  base_catalog(fs);
  Catalog c = load_clean(fs);
  Result<Profile> p = layer_profiles(c, {"onprem"}, fs);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->layers, (std::vector<std::string>{"base", "onprem"}));
  EXPECT_EQ(p->name, "onprem");
  EXPECT_EQ(p->kubernetes_default->to_string(), "1.35");  // from base
  EXPECT_EQ(p->accelerator.vendor, "nvidia");             // from onprem
  ASSERT_EQ(p->addons.size(), 2u);
  EXPECT_EQ(p->addons[0].name, "kueue");  // base order kept, new entries appended
  EXPECT_EQ(p->addons[0].version.text, "~0.19");
  EXPECT_EQ(p->addons[0].values, (Json{{"a", {{"x", 1}, {"z", 3}}}}));  // maps merge, scalars replace
  EXPECT_EQ(p->addons[0].at.file, "profiles/onprem.yaml");              // the layer that last set it
  EXPECT_EQ(p->addons[1].name, "gpu-operator");
  EXPECT_EQ(p->registry.pull_secret, "base-secret");
  ASSERT_EQ(p->not_applicable.size(), 1u);
}

TEST(Layering, AFileLayersOverACatalogProfile) {
  MemoryFs fs;
  base_catalog(fs);
  Catalog c = load_clean(fs);
  fs.add("site/site.yaml", profile_yaml("site", R"(  kubernetes: {default: "1.36"}
  registry: {mirror: registry.site.local, allowPublicFallback: false}
  imageRedirection: rewrite
  addons:
    - {name: kueue, version: "0.19.2"}
  checklist:
    notApplicable:
      - {id: cluster_autoscaling, reason: the site says so}
      - {id: accelerator_metrics, reason: no accelerators here}
)"));
  Result<Profile> p = layer_profiles(c, {"onprem", "site/site.yaml"}, fs);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->layers, (std::vector<std::string>{"base", "onprem", "site"}));
  EXPECT_EQ(p->kubernetes_default->to_string(), "1.36");
  EXPECT_EQ(p->kubernetes.to_string(), "1.33-1.37");  // min/max kept: maps merge
  EXPECT_EQ(p->registry.mirror, "registry.site.local");
  EXPECT_EQ(p->registry.pull_secret, "base-secret");
  EXPECT_FALSE(p->registry.allow_public_fallback);
  EXPECT_EQ(p->image_redirection, "rewrite");
  EXPECT_EQ(p->addons[0].version.text, "0.19.2");
  EXPECT_EQ(p->addons[0].values, (Json{{"a", {{"x", 1}, {"z", 3}}}}));
  ASSERT_EQ(p->not_applicable.size(), 2u);
  EXPECT_EQ(p->not_applicable[0].reason, "the site says so");  // merged by id
  EXPECT_EQ(p->not_applicable[0].at.file, "site/site.yaml");
}

TEST(Layering, UnknownProfileSuggestsAndListsNames) {
  MemoryFs fs;
  base_catalog(fs);
  Catalog c = load_clean(fs);
  Result<Profile> p = layer_profiles(c, {"onprme"}, fs);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::input);
  EXPECT_NE(p.error().message.find("unknown profile \"onprme\" (did you mean \"onprem\"?)"), std::string::npos)
      << p.error().message;
  EXPECT_NE(p.error().message.find("base, onprem"), std::string::npos);
}

TEST(Layering, BadProfileFileListsEveryProblem) {
  MemoryFs fs;
  base_catalog(fs);
  Catalog c = load_clean(fs);
  fs.add("bad.yaml", profile_yaml("bad", "  registyr: {}\n  autoscaler: carpenter\n"));
  Result<Profile> p = layer_profiles(c, {"bad.yaml"}, fs);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("bad.yaml:6:3: unknown field \"registyr\" in spec (did you mean \"registry\"?)"),
            std::string::npos)
      << p.error().message;
  EXPECT_NE(p.error().message.find("(did you mean \"karpenter\"?)"), std::string::npos) << p.error().message;
  Result<Profile> missing = layer_profiles(c, {"./nope.yaml"}, fs);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope.yaml: no such file"), std::string::npos) << missing.error().message;
}

TEST(Layering, ExtendsCycleIsNamed) {
  MemoryFs fs;
  add_profile(fs, "a", "  extends: [b]\n");
  add_profile(fs, "b", "  extends: [c]\n");
  add_profile(fs, "c", "  extends: [a]\n");
  LoadReport r = load_catalog(fs, "");
  EXPECT_NE(r.message().find("extends forms a cycle: a -> b -> c -> a"), std::string::npos) << r.message();
  Result<Profile> p = layer_profiles(r.catalog, {"b"}, fs);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("b -> c -> a -> b"), std::string::npos) << p.error().message;
}

TEST(Layering, NoProfileGiven) {
  MemoryFs fs;
  base_catalog(fs);
  Catalog c = load_clean(fs);
  Result<Profile> p = layer_profiles(c, {}, fs);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("pass --profile NAME"), std::string::npos);
}

TEST(Layering, PathOrName) {
  EXPECT_TRUE(is_profile_path("./site.yaml"));
  EXPECT_TRUE(is_profile_path("site.yml"));
  EXPECT_TRUE(is_profile_path("/etc/aiplat/site"));
  EXPECT_FALSE(is_profile_path("onprem"));
}

}  // namespace
}  // namespace aiplat::catalog

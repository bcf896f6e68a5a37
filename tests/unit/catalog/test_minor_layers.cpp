// spec.minorLayers: profiles laid on top only on some Kubernetes minors.
#include <gtest/gtest.h>

#include "catalog/layering.hpp"
#include "catalog/solver.hpp"
#include "catalog_fixture.hpp"

namespace aiplat::catalog {
namespace {
using namespace testing;

const char* k_operator_spec = R"(  modes:
    device-plugin: {description: device plugin, values: {devicePlugin: {enabled: true}}}
    dra: {description: DRA, values: {devicePlugin: {enabled: false}}}
  defaultMode: device-plugin
)";

void layered_catalog(MemoryFs& fs, const std::string& layer_name = "device-plugin") {
  add_addon(fs, "gpu-operator", "26.7.0", k_operator_spec);
  add_addon(fs, "dra-driver", "0.4.1");
  add_profile(fs, "device-plugin", R"(  kubernetes: {default: "1.33", min: "1.33", max: "1.33"}
  accelerator: {vendor: nvidia, allocation: device-plugin}
  addons:
    - {name: gpu-operator, mode: device-plugin}
)");
  add_profile(fs, "onprem", R"(  kubernetes: {default: "1.35", min: "1.33", max: "1.37"}
  accelerator: {vendor: nvidia, driver: operator, allocation: dra}
  minorLayers:
    - kubernetes: {max: "1.33"}
      profile: )" + layer_name + R"(
  addons:
    - {name: gpu-operator, mode: dra}
    - {name: dra-driver, kubernetes: {min: "1.34"}}
)");
}

KubeMinor minor(const std::string& text) { return *parse_kube_minor(text); }

TEST(MinorLayers, AppliesOnlyOnTheMinorsOfItsRange) {
  MemoryFs fs;
  layered_catalog(fs);
  Catalog c = load_clean(fs);
  const Profile& onprem = c.profiles.at("onprem");
  ASSERT_EQ(onprem.minor_layers.size(), 1u);

  Result<Profile> on133 = profile_for_minor(c, onprem, minor("1.33"));
  ASSERT_TRUE(on133) << on133.error().message;
  EXPECT_EQ(on133->name, "onprem");
  EXPECT_EQ(on133->layers, (std::vector<std::string>{"onprem", "device-plugin"}));
  EXPECT_EQ(on133->accelerator.allocation, "device-plugin");
  EXPECT_EQ(on133->accelerator.driver, "operator");  // kept from the base
  EXPECT_TRUE(on133->minor_layers.empty());          // applying again changes nothing

  Result<Profile> on135 = profile_for_minor(c, onprem, minor("1.35"));
  ASSERT_TRUE(on135) << on135.error().message;
  EXPECT_EQ(on135->layers, (std::vector<std::string>{"onprem"}));
  EXPECT_EQ(on135->accelerator.allocation, "dra");
}

TEST(MinorLayers, ThePlanOfTheLayeredMinorUsesTheLayersMode) {
  MemoryFs fs;
  layered_catalog(fs);
  Catalog c = load_clean(fs);
  SolveOptions options;
  options.minor = minor("1.33");
  Result<Plan> plan = solve(c, c.profiles.at("onprem"), options);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->profile, "onprem+device-plugin");
  EXPECT_EQ(plan->accelerator.allocation, "device-plugin");
  ASSERT_EQ(plan->steps.size(), 1u);  // the DRA driver entry starts at 1.34
  EXPECT_EQ(plan->steps[0].mode, "device-plugin");

  options.minor = minor("1.35");
  plan = solve(c, c.profiles.at("onprem"), options);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->profile, "onprem");
  ASSERT_EQ(plan->steps.size(), 2u);
  for (const PlanStep& step : plan->steps) {
    if (step.name == "gpu-operator") {
      EXPECT_EQ(step.mode, "dra");
    }
  }
}

TEST(MinorLayers, UnknownLayerIsALoadProblemAtTheEntry) {
  MemoryFs fs;
  layered_catalog(fs, "device-plugins");
  LoadReport r = load_catalog(fs, "");
  ASSERT_FALSE(r.ok());
  std::string all = r.message();
  EXPECT_NE(all.find("profiles/onprem.yaml:9:"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown profile \"device-plugins\" (did you mean \"device-plugin\"?)"), std::string::npos) << all;
}

TEST(MinorLayers, ALayerWithoutARangeIsRefused) {
  MemoryFs fs;
  add_profile(fs, "device-plugin", "  accelerator: {allocation: device-plugin}\n");
  add_profile(fs, "onprem", R"(  kubernetes: {default: "1.35"}
  minorLayers:
    - profile: device-plugin
)");
  LoadReport r = load_catalog(fs, "");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("a minor layer needs kubernetes"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace aiplat::catalog

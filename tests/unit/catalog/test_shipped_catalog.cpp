// The catalog this repository ships (addons/, profiles/) must lint clean and every
// shipped profile must plan for every Kubernetes minor it declares.
#include <gtest/gtest.h>

#include "catalog/embedded.hpp"
#include "catalog/layering.hpp"
#include "catalog/lint.hpp"
#include "catalog/loader.hpp"
#include "catalog/solver.hpp"

namespace aiplat::catalog {
namespace {

TEST(ShippedCatalog, LintsClean) {
  RealFs fs;
  LoadReport r = load_catalog(fs, AIPLAT_SOURCE_DIR);
  if (r.catalog.addons.empty() && r.catalog.profiles.empty()) GTEST_SKIP() << "no addons/ or profiles/ yet";
  EXPECT_TRUE(r.ok()) << r.message();
  std::vector<Problem> plans = check_profiles_plan(r.catalog);
  for (const Problem& p : plans) ADD_FAILURE() << p.to_string();
}

TEST(ShippedCatalog, EveryProfilePlansForEveryDeclaredMinor) {
  RealFs fs;
  LoadReport r = load_catalog(fs, AIPLAT_SOURCE_DIR);
  if (r.catalog.profiles.empty()) GTEST_SKIP() << "no profiles/ yet";
  ASSERT_TRUE(r.ok()) << r.message();
  for (const auto& [name, profile] : r.catalog.profiles) {
    Result<Profile> layered = layer_profiles(r.catalog, {name}, fs);
    ASSERT_TRUE(layered) << layered.error().message;
    std::vector<KubeMinor> minors = declared_minors(*layered);
    EXPECT_FALSE(minors.empty()) << name << " declares no Kubernetes minor";
    for (const KubeMinor& minor : minors) {
      SolveOptions o;
      o.minor = minor;
      Result<Plan> plan = solve(r.catalog, *layered, o);
      EXPECT_TRUE(plan) << (plan ? "" : plan.error().message);
      if (plan) {
        EXPECT_FALSE(plan->steps.empty()) << name << " " << minor.to_string();
      }
    }
  }
}

TEST(ShippedCatalog, EmbeddedCopyMatchesTheSourceTree) {
  // The binary must carry exactly what addons/ and profiles/ hold (the embed step ran).
  RealFs real;
  std::unique_ptr<MemoryFs> embedded = embedded_catalog_fs();
  LoadReport from_disk = load_catalog(real, AIPLAT_SOURCE_DIR);
  LoadReport from_binary = load_catalog(*embedded, "");
  ASSERT_EQ(from_disk.catalog.addons.size(), from_binary.catalog.addons.size());
  ASSERT_EQ(from_disk.catalog.profiles.size(), from_binary.catalog.profiles.size());
  for (const auto& [name, versions] : from_disk.catalog.addons) {
    ASSERT_TRUE(from_binary.catalog.addons.count(name)) << name;
    EXPECT_EQ(versions.size(), from_binary.catalog.addons.at(name).size()) << name;
  }
}

}  // namespace
}  // namespace aiplat::catalog

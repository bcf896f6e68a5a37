#include <gtest/gtest.h>

#include "catalog/served_apis.hpp"

namespace aiplat::catalog {
namespace {

KubeMinor m(int minor) { return KubeMinor{1, minor}; }

TEST(ServedApis, DraGoesGaIn134) {
  EXPECT_EQ(built_in_api("resource.k8s.io/v1", m(33)), Served::no);
  for (int minor = 34; minor <= 37; ++minor) EXPECT_EQ(built_in_api("resource.k8s.io/v1", m(minor)), Served::by_default);
  EXPECT_EQ(built_in_api("resource.k8s.io/v1beta1", m(33)), Served::when_enabled);
  EXPECT_EQ(built_in_api("resource.k8s.io/v1beta2", m(33)), Served::when_enabled);
}

TEST(ServedApis, WorkloadSchedulingIsAlphaAndOptIn) {
  EXPECT_EQ(built_in_api("scheduling.k8s.io/v1alpha2", m(35)), Served::no);
  EXPECT_EQ(built_in_api("scheduling.k8s.io/v1alpha2", m(36)), Served::when_enabled);
  EXPECT_EQ(built_in_api("scheduling.k8s.io/v1alpha2", m(37)), Served::when_enabled);
  EXPECT_EQ(built_in_api("scheduling.k8s.io/v1", m(33)), Served::by_default);
}

TEST(ServedApis, GaApisAndUnknownOnes) {
  for (int minor = 33; minor <= 37; ++minor) {
    EXPECT_EQ(built_in_api("v1", m(minor)), Served::by_default);
    EXPECT_EQ(built_in_api("apps/v1", m(minor)), Served::by_default);
    EXPECT_EQ(built_in_api("batch/v1", m(minor)), Served::by_default);
  }
  EXPECT_EQ(built_in_api("monitoring.coreos.com/v1", m(35)), Served::unknown);
  EXPECT_EQ(built_in_api("batch/v2alpha1", m(35)), Served::unknown);
  EXPECT_NE(to_string(Served::when_enabled).find("enabled"), std::string::npos);
}

TEST(ServedApis, TableHasNoDuplicates) {
  std::set<std::string> seen;
  for (const ServedApiRow& row : served_api_table()) EXPECT_TRUE(seen.insert(row.group_version).second) << row.group_version;
}

}  // namespace
}  // namespace aiplat::catalog

#include <gtest/gtest.h>

#include "phases/record.hpp"

namespace aiplat {
namespace {

TEST(InstallRecord, ReadinessLeftOutByWaitWorkloadsSurvivesTheRoundTrip) {
  InstallRecord r;
  r.name = "gpu-operator";
  r.state = "installed";
  r.readiness = "2 add-on readiness rule(s) not waited (--wait=workloads)";
  r.rules_not_waited = 2;
  Json j = to_json(r);
  EXPECT_EQ(j["readiness"], r.readiness);
  EXPECT_EQ(j["readinessRulesNotWaited"], 2);
  auto back = record_from_json(j, "ConfigMap aiplat-system/aiplat-gpu-operator");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->readiness, r.readiness);
  EXPECT_EQ(back->rules_not_waited, 2);
}

TEST(InstallRecord, RecordsWrittenBeforeTheWaitStrategyReadAsFullyWaited) {
  Json j = {{"name", "kueue"}, {"state", "installed"}};
  auto r = record_from_json(j, "ConfigMap aiplat-system/aiplat-kueue");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->rules_not_waited, 0);
  EXPECT_EQ(r->readiness, "");
}

TEST(InstallRecord, AWrongTypeIsReportedWithWhere) {
  Json j = {{"name", "kueue"}, {"readinessRulesNotWaited", "two"}};
  auto r = record_from_json(j, "ConfigMap aiplat-system/aiplat-kueue");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("aiplat-kueue"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace aiplat

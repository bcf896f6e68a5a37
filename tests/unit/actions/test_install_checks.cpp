// The conformance wiring of install: which checks an add-on runs, what the record keeps,
// when the full checklist runs, and the events one check run reports.
#include "actions/install_checks.hpp"

#include <sstream>

#include <gtest/gtest.h>

#include "support/fake_kube_cluster.hpp"
#include "actions/install_steps.hpp"

namespace aiplat::actions {
namespace {

using conformance::CheckResult;
using conformance::Outcome;
using conformance::SkipReason;

catalog::PlanStep step_with_checks(std::vector<std::string> checks) {
  catalog::PlanStep s;
  s.name = "kueue";
  s.checks = std::move(checks);
  return s;
}

TEST(InstallChecks, AnAddOnRunsItsChecksThatTheChecklistListsInChecklistOrder) {
  conformance::Checklist c135 = *conformance::checklist_for("1.35");
  // robust_controller and gang_scheduling are 1.35 ids; advanced_inference_ingress only from 1.36.
  catalog::PlanStep step = step_with_checks({"robust_controller", "advanced_inference_ingress", "gang_scheduling"});
  std::vector<std::string> ids = addon_check_ids(step, c135);
  EXPECT_EQ(ids, (std::vector<std::string>{"gang_scheduling", "robust_controller"}));
  EXPECT_EQ(addon_check_ids(step, *conformance::checklist_for("1.36")).size(), 3u);
  EXPECT_TRUE(addon_check_ids(step_with_checks({}), c135).empty()) << "an add-on that provides nothing runs nothing";
}

TEST(InstallChecks, NotApplicableKeepsOnlyTheChecklistsIds) {
  catalog::Plan plan;
  plan.not_applicable = {{"cluster_autoscaling", "fixed bare-metal nodes", {}},
                         {"advanced_inference_ingress", "no inference gateway", {}}};
  auto na = not_applicable_for(plan, *conformance::checklist_for("1.35"));
  ASSERT_EQ(na.size(), 1u) << "an id of another minor must not make the runner refuse";
  EXPECT_EQ(na["cluster_autoscaling"], "fixed bare-metal nodes");
}

TEST(InstallChecks, ChecklistIsTheClustersMinorUnlessChosen) {
  EXPECT_EQ(install_checklist("auto", "1.34")->version, "1.34");
  EXPECT_EQ(install_checklist("1.36", "1.34")->version, "1.36");
  Result<conformance::Checklist> bad = install_checklist("1.20", "1.34");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::input);
  EXPECT_FALSE(install_checklist("auto", "1.29")) << "no checklist for a minor before 1.33";
}

TEST(InstallChecks, RecordKeepsOutcomeLevelAndSkipReason) {
  CheckResult r;
  r.id = "gang_scheduling";
  r.level = conformance::Level::must;
  r.outcome = Outcome::skip;
  r.reason = SkipReason::controller_absent;
  r.message = "Kueue created no Workload";
  RecordedCheck c = recorded_check(r);
  EXPECT_EQ(c, (RecordedCheck{"gang_scheduling", "skip", "Kueue created no Workload", "MUST", "controller-absent"}));
  CheckResult p;
  p.id = "dra_support";
  p.level = conformance::Level::should;
  p.outcome = Outcome::pass;
  EXPECT_EQ(recorded_check(p).reason, "");
  EXPECT_EQ(recorded_check(p).level, "SHOULD");
  EXPECT_EQ(checks_line({c, recorded_check(p)}), "gang_scheduling skip (controller-absent), dra_support pass");
}

TEST(InstallChecks, RecordRoundTripsChecksAndReadsOlderRecords) {
  InstallRecord rec;
  rec.name = "kueue";
  rec.state = "installed";
  rec.checks = {{"gang_scheduling", "fail", "a partial gang ran", "MUST", ""},
                {"robust_controller", "skip", "no operator", "MUST", "controller-absent"}};
  Json j = to_json(rec);
  EXPECT_FALSE(j["checks"][0].contains("reason")) << "empty fields stay out of the record";
  Result<InstallRecord> back = record_from_json(j, "ConfigMap aiplat-system/aiplat-kueue");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->checks, rec.checks);
  // A record written before level and reason existed still reads.
  Json old = {{"name", "kueue"}, {"checks", {{{"id", "gang_scheduling"}, {"outcome", "skip"}, {"message", "m"}}}}};
  Result<InstallRecord> older = record_from_json(old, "x");
  ASSERT_TRUE(older);
  EXPECT_EQ(older->checks[0], (RecordedCheck{"gang_scheduling", "skip", "m", "", ""}));
}

TEST(InstallChecks, FinalChecklistRunsOnlyWhenSomethingWasAppliedOrAskedFor) {
  using enum FinalVerify;
  EXPECT_EQ(final_verify_decision(Verify::yes, DryRun::none, FinalChecks::when_changed, true, true), run);
  EXPECT_EQ(final_verify_decision(Verify::yes, DryRun::none, FinalChecks::when_changed, false, true), nothing_changed);
  EXPECT_EQ(final_verify_decision(Verify::yes, DryRun::none, FinalChecks::always, false, true), run);
  EXPECT_EQ(final_verify_decision(Verify::no, DryRun::none, FinalChecks::always, true, true), skip_verify);
  EXPECT_EQ(final_verify_decision(Verify::yes, DryRun::client, FinalChecks::always, true, true), dry_run);
  EXPECT_EQ(final_verify_decision(Verify::yes, DryRun::server, FinalChecks::always, true, true), dry_run);
  EXPECT_EQ(final_verify_decision(Verify::yes, DryRun::none, FinalChecks::always, true, false), no_checklist);
  EXPECT_EQ(describe(run), "");
  EXPECT_NE(describe(nothing_changed).find("--always-verify"), std::string::npos);
}

class RecordingObserver final : public InstallObserver {
 public:
  void event(const InstallEvent& e) override { events.push_back(e); }
  std::vector<InstallEvent> events;
};

// run_install_checks against a client whose every request is recorded: results that need
// no cluster (N/A from the profile, no automated check) come back as events and touch nothing.
TEST(InstallChecks, EachResultIsAnEventAndNaComesFromThePlan) {
  auto fake = std::make_shared<aiplat::testing::FakeTransport>();
  kube::testing::serve_aggregated_discovery(*fake);
  std::ostringstream err;
  Logger log(err);
  RecordingObserver observer;
  InstallOptions options;
  InstallSummary summary;
  InstallRun run{options, log, observer, summary, std::make_unique<kube::Client>(kube::testing::fake_config(), fake),
                 {}, {}, {}, *conformance::checklist_for("1.35"), nullptr};
  run.plan.not_applicable = {{"cluster_autoscaling", "fixed bare-metal nodes", {}},
                             {"advanced_inference_ingress", "not a 1.35 id", {}}};
  auto results = run_install_checks(run, {"cluster_autoscaling", "virtualized_accelerator"}, "check", "autoscaler");
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(observer.events.size(), 2u);
  const InstallEvent& na = observer.events[0].check == "cluster_autoscaling" ? observer.events[0] : observer.events[1];
  const InstallEvent& none = observer.events[0].check == "cluster_autoscaling" ? observer.events[1] : observer.events[0];
  EXPECT_EQ(na.phase, "check");
  EXPECT_EQ(na.addon, "autoscaler");
  EXPECT_EQ(na.outcome, "n/a");
  EXPECT_EQ(na.detail, "fixed bare-metal nodes");
  EXPECT_EQ(none.check, "virtualized_accelerator");
  EXPECT_EQ(none.outcome, "skip");
  EXPECT_EQ(none.reason, "no-automated-check");
  EXPECT_TRUE(fake->requests().empty()) << fake->request_lines().front();
}

TEST(InstallChecks, ACancelledRunStartsNoCheck) {
  auto fake = std::make_shared<aiplat::testing::FakeTransport>();
  std::ostringstream err;
  Logger log(err);
  RecordingObserver observer;
  InstallOptions options;
  InstallSummary summary;
  std::atomic<bool> cancel{true};
  InstallRun run{options, log, observer, summary, std::make_unique<kube::Client>(kube::testing::fake_config(), fake),
                 {}, {}, {}, *conformance::checklist_for("1.35"), &cancel};
  auto results = run_install_checks(run, {"gang_scheduling"}, "check", "kueue");
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().kind, ErrorKind::cancelled);
  EXPECT_TRUE(observer.events.empty());
  EXPECT_TRUE(fake->requests().empty());
}

}  // namespace
}  // namespace aiplat::actions

#include <gtest/gtest.h>

#include "fake_cluster.hpp"

namespace aiplat::conformance::testing {
namespace {

// Kueue as a fake controller: a Workload per Job, admitted when `admit` says so; pods for an
// admitted Job, bound to a node and Running when `bind` says so, and the Job completes.
struct FakeKueue {
  bool create_workloads = true;
  bool admit_fitting = true;
  bool admit_too_big = false;
  bool bind = true;
  int pods_bound_of_too_big = 0;  // partial admission: pods of the big gang bound anyway
};

std::vector<FakeResource> kueue_resources() {
  std::vector<FakeResource> r = base_resources();
  for (const char* kind : {"ResourceFlavor", "ClusterQueue"}) {
    r.push_back({"kueue.x-k8s.io", "v1beta1", std::string(kind == std::string("ResourceFlavor") ? "resourceflavors" : "clusterqueues"), kind, false});
  }
  r.push_back({"kueue.x-k8s.io", "v1beta1", "localqueues", "LocalQueue", true});
  r.push_back({"kueue.x-k8s.io", "v1beta1", "workloads", "Workload", true});
  return r;
}

void install_kueue(FakeCluster& fc, const FakeKueue& k) {
  Json dep = {{"apiVersion", "apps/v1"}, {"kind", "Deployment"},
              {"metadata", {{"name", "kueue-controller-manager"}, {"namespace", "kueue-system"}}}, {"spec", Json::object()}};
  set_condition(dep, "Available", "True");
  fc.add(dep);
  fc.add(ready_node("node-1"));
  fc.on_create("Job", [k](FakeCluster& c, Json& job) -> std::optional<HttpResponse> {
    std::string name = job["metadata"]["name"];
    std::string ns = job["metadata"]["namespace"];
    bool big = name == "gang-too-big";
    if (k.create_workloads) {
      Json wl = {{"apiVersion", "kueue.x-k8s.io/v1beta1"}, {"kind", "Workload"},
                 {"metadata", {{"name", "job-" + name}, {"namespace", ns},
                               {"ownerReferences", Json::array({{{"kind", "Job"}, {"name", name}}})}}},
                 {"spec", Json::object()}};
      bool admit = big ? k.admit_too_big : k.admit_fitting;
      set_condition(wl, "Admitted", admit ? "True" : "False");
      c.add(wl);
      int pods = big ? k.pods_bound_of_too_big : (admit ? 3 : 0);
      for (int i = 0; i < pods; ++i) {
        Json pod = {{"apiVersion", "v1"}, {"kind", "Pod"},
                    {"metadata", {{"name", name + "-" + std::to_string(i)}, {"namespace", ns},
                                  {"labels", {{"aiplat.dev/gang", name}}}}},
                    {"spec", {{"nodeName", k.bind ? "node-1" : ""}}},
                    {"status", {{"phase", k.bind ? "Running" : "Pending"}}}};
        c.add(pod);
      }
      if (admit && k.bind && !big) {
        job["spec"]["suspend"] = false;
        set_condition(job, "Complete", "True");
      }
    }
    return std::nullopt;
  });
}

TEST(GangScheduling, PassesWhenTheFittingGangRunsWholeAndTheBigOneNotAtAll) {
  FakeCluster fc(kueue_resources());
  install_kueue(fc, {});
  CheckResult r = run_one_check(fc, "1.35", "gang_scheduling");
  EXPECT_EQ(r.outcome, Outcome::pass) << r.message;
  EXPECT_EQ(r.findings.size(), 4u);
  // The negative window is judged for its full length.
  bool windowed = false;
  for (const std::string& line : r.transcript) windowed = windowed || line.find("gave up after 30s: a violation") != std::string::npos;
  EXPECT_TRUE(windowed);
  // The runner's namespace and the cluster-scoped queues are gone.
  EXPECT_TRUE(fc.all("Namespace").empty());
  EXPECT_TRUE(fc.all("ClusterQueue").empty());
  EXPECT_TRUE(fc.all("ResourceFlavor").empty());
}

TEST(GangScheduling, PartiallyAdmittedGangFails) {
  FakeCluster fc(kueue_resources());
  FakeKueue k;
  k.pods_bound_of_too_big = 1;  // one pod of the gang that exceeds the quota got a node
  install_kueue(fc, k);
  CheckResult r = run_one_check(fc, "1.35", "gang_scheduling");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("partially admitted"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("node-1"), std::string::npos);
}

TEST(GangScheduling, AdmittingTheBigGangFails) {
  FakeCluster fc(kueue_resources());
  FakeKueue k;
  k.admit_too_big = true;
  install_kueue(fc, k);
  CheckResult r = run_one_check(fc, "1.35", "gang_scheduling");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("admitted the Workload of a gang that exceeds"), std::string::npos) << r.message;
}

TEST(GangScheduling, NoWorkloadMeansTheControllerIsAbsent) {
  FakeCluster fc(kueue_resources());
  FakeKueue k;
  k.create_workloads = false;
  install_kueue(fc, k);
  CheckResult r = run_one_check(fc, "1.35", "gang_scheduling");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::controller_absent);
}

TEST(GangScheduling, WorkloadNotAdmittedFails) {
  FakeCluster fc(kueue_resources());
  FakeKueue k;
  k.admit_fitting = false;
  install_kueue(fc, k);
  CheckResult r = run_one_check(fc, "1.35", "gang_scheduling");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("did not admit"), std::string::npos) << r.message;
}

TEST(GangScheduling, AdmittedButNeverBoundIsASimulatedCluster) {
  FakeCluster fc(kueue_resources());
  FakeKueue k;
  k.bind = false;
  install_kueue(fc, k);
  CheckResult r = run_one_check(fc, "1.35", "gang_scheduling");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::simulated_cluster);
}

TEST(GangScheduling, NoGangSchedulerFails) {
  FakeCluster fc;
  CheckResult r = run_one_check(fc, "1.35", "gang_scheduling");
  EXPECT_EQ(r.outcome, Outcome::fail);
  EXPECT_NE(r.message.find("kueue.x-k8s.io is not served"), std::string::npos);
}

TEST(GangScheduling, KueueNotAvailableSkips) {
  FakeCluster fc(kueue_resources());
  CheckResult r = run_one_check(fc, "1.35", "gang_scheduling");
  EXPECT_EQ(r.outcome, Outcome::skip);
  EXPECT_EQ(r.reason, SkipReason::controller_absent);
}

}  // namespace
}  // namespace aiplat::conformance::testing

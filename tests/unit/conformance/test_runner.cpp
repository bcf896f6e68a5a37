#include <algorithm>
#include <atomic>

#include <gtest/gtest.h>

#include "conformance/probes.hpp"
#include "fake_cluster.hpp"

namespace aiplat::conformance::testing {
namespace {

TEST(Runner, OnlyRejectsIdsOutsideTheChecklist) {
  RunOptions o;
  o.checklist = *checklist_for("1.36");
  o.only = {"dra_support", "bogus"};
  Result<std::vector<std::string>> ids = selected_ids(o);
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.error().kind, ErrorKind::input);
  EXPECT_NE(ids.error().message.find("\"dra_support\" is not part of the 1.36 checklist"), std::string::npos);
  EXPECT_NE(ids.error().message.find("\"bogus\" is not a requirement id"), std::string::npos);
}

TEST(Runner, NotApplicableAndNoCheckDoNotTouchTheCluster) {
  FakeCluster fc;
  RunOptions o = options_for(fc, "1.36", "cluster_autoscaling");
  o.only = {"cluster_autoscaling", "virtualized_accelerator"};
  o.not_applicable["cluster_autoscaling"] = "bare metal with a fixed node count";
  std::vector<std::string> seen;
  Result<std::vector<CheckResult>> r = run_checks(fc.client(), o, [&](const CheckResult& c) { seen.push_back(c.id); });
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(seen, (std::vector<std::string>{"virtualized_accelerator", "cluster_autoscaling"}));
  EXPECT_EQ((*r)[0].outcome, Outcome::skip);
  EXPECT_EQ((*r)[0].reason, SkipReason::no_check);
  EXPECT_EQ((*r)[1].outcome, Outcome::not_applicable);
  EXPECT_EQ((*r)[1].message, "bare metal with a fixed node count");
  EXPECT_TRUE(fc.requests().empty());
}

TEST(Runner, OwnNamespaceCreatedAndDeletedAndSecretsMasked) {
  FakeCluster fc;
  fc.add(ready_node("cpu-1"));
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_EQ(r.namespace_name, "aiplat-conf-secure-accelerator-access-r1");
  EXPECT_TRUE(r.cleanup_warning.empty());
  std::vector<std::string> lines = fc.requests();
  auto seen = [&](const std::string& prefix) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
  };
  EXPECT_TRUE(seen("POST /api/v1/namespaces"));
  EXPECT_TRUE(seen("DELETE /api/v1/namespaces/aiplat-conf-secure-accelerator-access-r1"));
  EXPECT_TRUE(fc.all("Namespace").empty());
  for (const std::string& line : r.transcript) {
    EXPECT_EQ(line.find("s3cr3t-token-value"), std::string::npos);
    EXPECT_EQ(line.rfind("2026-", 0) == 0 || line.rfind("19", 0) == 0 || line.rfind("20", 0) == 0, true) << line;
  }
}

TEST(Runner, StuckNamespaceIsReportedNotHidden) {
  FakeCluster fc;
  fc.add(ready_node("cpu-1"));
  // A namespace that never goes away (a finalizer that nobody removes).
  fc.on_create("Namespace", [](FakeCluster& c, Json& ns) -> std::optional<HttpResponse> {
    c.on_raw("/api/v1/namespaces/" + ns["metadata"]["name"].get<std::string>(), [ns](const std::string&) {
      return aiplat::testing::json_response(200, ns.dump());
    });
    return std::nullopt;
  });
  CheckResult r = run_one_check(fc, "1.35", "secure_accelerator_access");
  EXPECT_NE(r.cleanup_warning.find("still exists 120s after deletion"), std::string::npos) << r.cleanup_warning;
}

TEST(Runner, CancelStopsTheRunningCheckDeletesItsNamespaceAndRunsNoMore) {
  FakeCluster fc;
  fc.add(ready_node("cpu-1"));
  std::atomic<bool> cancel{false};
  // Ctrl-C arrives while the first check is under way (right after its namespace exists).
  fc.on_create("Namespace", [&cancel](FakeCluster&, Json&) -> std::optional<HttpResponse> {
    cancel = true;
    return std::nullopt;
  });
  RunOptions o = options_for(fc, "1.35", "secure_accelerator_access");
  o.only = {"secure_accelerator_access", "gang_scheduling"};
  o.cancel = &cancel;
  auto started = fc.clock()->now();
  Result<std::vector<CheckResult>> r = run_checks(fc.client(), o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::cancelled);
  EXPECT_NE(r.error().message.find("interrupted during check "), std::string::npos)
      << r.error().message;
  std::vector<std::string> lines = fc.requests();
  auto count = [&](const std::string& prefix) {
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
  };
  EXPECT_EQ(count("POST /api/v1/namespaces"), 1) << "no check may start after the interrupt";
  EXPECT_EQ(count("DELETE /api/v1/namespaces/aiplat-conf-"), 1) << "the interrupted check cleans up";
  EXPECT_LT(fc.clock()->now() - started, std::chrono::seconds(10)) << "waits must end at once";
}

TEST(Transcript, MasksSecretsAndKeepsOneLinePerEntry) {
  FakeClock clock;
  Transcript t(clock);
  t.add_secrets({"hunter2-token", "ab"});
  t.observe("token hunter2-token in\na message");
  ASSERT_EQ(t.lines().size(), 1u);
  EXPECT_EQ(t.lines()[0].find("hunter2"), std::string::npos);
  EXPECT_NE(t.lines()[0].find("*** in a message"), std::string::npos);
}

TEST(Probes, EveryTemplateParsesAndImagesAreListed) {
  std::vector<std::string> images = probe_images();
  EXPECT_EQ(images, (std::vector<std::string>{"docker.io/library/busybox:1.36.1", "docker.io/library/python:3.13-alpine",
                                              "docker.io/library/ubuntu:22.04",
                                              "registry.k8s.io/e2e-test-images/agnhost:2.39"}));
  Result<std::vector<Json>> pod = load_probe("device-probe.yaml", {{"NAME", "p"}, {"NAMESPACE", "ns"}, {"RUN", "r"}});
  ASSERT_TRUE(pod) << pod.error().message;
  EXPECT_EQ((*pod)[0]["metadata"]["namespace"], "ns");
  Result<std::vector<Json>> missing = load_probe("device-probe.yaml", {{"NAME", "p"}});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("__NAMESPACE__"), std::string::npos);
  Result<std::vector<Json>> gang = load_probe("gang-job.yaml", {{"NAME", "g"}, {"NAMESPACE", "ns"}, {"RUN", "r"},
                                                                {"QUEUE", "q"}, {"PODS", "3"}, {"CPU", "100m"}});
  ASSERT_TRUE(gang) << gang.error().message;
  EXPECT_EQ((*gang)[0]["spec"]["parallelism"], 3);
  EXPECT_EQ((*gang)[0]["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"], "100m");
}

TEST(Probes, ParsesProbeLines) {
  auto lines = parse_probe_lines("noise\nAIPLAT-PROBE container=a devices=1 uuids=GPU-x\nAIPLAT-PROBE devices=0");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["devices"], "1");
  EXPECT_EQ(lines[0]["uuids"], "GPU-x");
  EXPECT_EQ(lines[1]["devices"], "0");
}

}  // namespace
}  // namespace aiplat::conformance::testing

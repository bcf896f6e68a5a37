// The checks against kubesim (a simulated API server with no add-on controllers and no
// kubelet): API-level parts run, runtime parts skip with the right reason, nothing that needs
// a running controller or an accelerator passes, and PRODUCT.yaml lists every id of 1.35.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "conformance/report.hpp"
#include "conformance/runner.hpp"
#include "kube/kubeconfig.hpp"
#include "support/kubesim_process.hpp"

namespace aiplat::conformance {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(KubesimVerify, SimulatedClusterIsReportedHonestly) {
  std::string binary = aiplat::testing::KubesimProcess::default_binary();
  if (binary.empty() || !std::filesystem::exists(binary)) GTEST_SKIP() << "kubesim is not built";
  std::string tmpl = std::string(AIPLAT_SOURCE_DIR) + "/../shared/upstream/ai-conformance/AIConformance-1.35.yaml";
  if (!std::filesystem::exists(tmpl)) GTEST_SKIP() << "no upstream template " << tmpl;
  aiplat::testing::KubesimOptions ko;
  ko.minor = "1.35";
  ko.gpu_nodes = 1;  // allocatable GPUs without a device plugin: must not count as accelerators
  ko.extra_args = {"--controller-delay-ms", "50"};
  auto sim = aiplat::testing::KubesimProcess::start(ko);
  ASSERT_TRUE(sim) << sim.error().message;
  RealFs fs;
  kube::KubeconfigOptions kopts;
  kopts.explicit_path = (*sim)->kubeconfig();
  Result<kube::ClusterConfig> config = kube::load_cluster_config(kopts, fs);
  ASSERT_TRUE(config) << config.error().message;
  kube::Client client(*config, make_curl_transport(4));

  RunOptions options;
  options.checklist = *checklist_for("1.35");
  options.cleanup_timeout = std::chrono::seconds(30);
  Result<std::vector<CheckResult>> results = run_checks(client, options);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 12u);
  std::map<std::string, CheckResult> by_id;
  for (const CheckResult& r : *results) by_id[r.id] = r;

  // Nothing that needs a controller or an accelerator may pass on the simulator.
  for (const char* id : {"secure_accelerator_access", "accelerator_metrics", "driver_runtime_management", "gpu_sharing",
                         "gang_scheduling", "ai_inference", "robust_controller", "ai_service_metrics",
                         "pod_autoscaling", "cluster_autoscaling"}) {
    EXPECT_NE(by_id[id].outcome, Outcome::pass) << id << ": " << by_id[id].message;
  }
  for (const char* id : {"secure_accelerator_access", "accelerator_metrics", "driver_runtime_management", "gpu_sharing"}) {
    EXPECT_EQ(by_id[id].outcome, Outcome::skip) << id << ": " << by_id[id].message;
    EXPECT_EQ(by_id[id].reason, SkipReason::needs_accelerators) << id;
  }
  EXPECT_EQ(by_id["cluster_autoscaling"].reason, SkipReason::not_configured);
  EXPECT_EQ(by_id["virtualized_accelerator"].reason, SkipReason::no_check);
  // The API-level DRA check runs for real against the simulated API server.
  EXPECT_EQ(by_id["dra_support"].outcome, Outcome::pass) << by_id["dra_support"].message;
  for (const CheckResult& r : *results) EXPECT_TRUE(r.cleanup_warning.empty()) << r.id << ": " << r.cleanup_warning;

  Report report{"1.35", "v1.35", "2026-01-01T00:00:00.000Z", *results};
  std::string dir = (*sim)->dir() + "/report";
  Result<WrittenReport> written = write_report(fs, dir, report, read(tmpl), tmpl);
  ASSERT_TRUE(written) << written.error().message;
  Result<YamlDocument> product = parse_yaml(read(dir + "/PRODUCT.yaml"), "PRODUCT.yaml");
  ASSERT_TRUE(product) << product.error().message;
  int ids = 0;
  for (const auto& [section, items] : product->value["spec"].items()) {
    for (const Json& item : items) {
      ++ids;
      std::string status = item["status"];
      const std::map<std::string, std::string> expected = {{"dra_support", "Implemented"},
                                                           {"secure_accelerator_access", "Not Implemented"},
                                                           {"cluster_autoscaling", "N/A"},
                                                           {"virtualized_accelerator", ""}};
      auto want = expected.find(item["id"].get<std::string>());
      EXPECT_TRUE(want == expected.end() || want->second == status) << item["id"] << " has status " << status;
      if (!status.empty()) {
        for (const Json& e : item["evidence"]) EXPECT_TRUE(std::filesystem::exists(dir + "/" + e.get<std::string>())) << e;
      }
    }
  }
  EXPECT_EQ(ids, 12);
  EXPECT_TRUE(std::filesystem::exists(dir + "/junit.xml"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/summary.json"));
}

}  // namespace
}  // namespace aiplat::conformance

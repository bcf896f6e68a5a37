// aiplat install with its conformance checks against kubesim: the stand-in catalog's
// sim-operator provides dra_support and gang_scheduling, so those run right after it is
// ready, then the full 1.35 checklist runs and the report folder is written. kubesim runs no
// controllers and no containers: no runtime check may pass there. The stand-in platform has no
// gang scheduler, gateway, monitoring or operator, so those MUSTs fail truthfully and install
// exits 1 once everything is applied and the report is written.
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "install_fixture.hpp"
#include "util/yaml.hpp"

extern char** environ;

namespace aiplat::install_test {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Checks that need a running controller, an accelerator or an elastic pool.
const std::vector<std::string> k_runtime_checks = {
    "secure_accelerator_access", "accelerator_metrics", "driver_runtime_management", "gpu_sharing",
    "gang_scheduling",           "ai_inference",        "robust_controller",         "ai_service_metrics",
    "pod_autoscaling",           "cluster_autoscaling"};

class InstallVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_catalog = make_catalog(5);
    ASSERT_FALSE(m_catalog.empty()) << "cannot generate the stand-in catalog";
    // The stand-in operator claims two requirements, so install runs their checks after it.
    std::string addon = m_catalog + "/addons/sim-operator/1.0.0/addon.yaml";
    std::string text = read(addon);
    std::string anchor = "  namespace: sim-system\n";
    ASSERT_NE(text.find(anchor), std::string::npos);
    text.replace(text.find(anchor), anchor.size(), anchor + "  provides: [gang_scheduling, dra_support]\n");
    std::ofstream(addon) << text;
    std::string why;
    m_sim = start_kubesim(why);
    if (!m_sim && why == "kubesim is not built") GTEST_SKIP() << why;
    ASSERT_TRUE(m_sim) << why;
    m_report = m_sim->dir() + "/report";
  }
  void TearDown() override {
    m_sim.reset();
    if (!m_catalog.empty()) std::filesystem::remove_all(m_catalog);
  }
  RunResult aiplat(const std::vector<std::string>& args) { return run_aiplat(m_catalog, m_sim->kubeconfig(), args); }
  RunResult install(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"install", "--profile", "standin", "--timeout", "60s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return aiplat(args);
  }
  static std::string template_135() {
    return std::string(AIPLAT_SOURCE_DIR) + "/../shared/upstream/ai-conformance/AIConformance-1.35.yaml";
  }

  std::string m_catalog;
  std::string m_report;
  std::unique_ptr<aiplat::testing::KubesimProcess> m_sim;
};

TEST_F(InstallVerifyTest, ShowsEachAddOnsChecksWritesTheReportAndPassesNoRuntimeCheck) {
  if (!std::filesystem::exists(template_135())) GTEST_SKIP() << "no upstream template " << template_135();
  RunResult r = install({"--report-dir", m_report, "--template", template_135()});
  ASSERT_EQ(r.exit_code, 1) << r.err << r.out;
  EXPECT_NE(r.err.find("error: every add-on was applied, but "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("gang_scheduling"), std::string::npos) << r.err;

  // Progress (plain lines, stderr is not a tty): each check of the add-on as it finishes.
  EXPECT_NE(r.err.find("sim-operator: check dra_support "), std::string::npos) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, std::regex("sim-operator: check gang_scheduling (\\w+)"))) << r.err;
  EXPECT_NE(m[1], "pass") << "gang scheduling cannot be proven without Kueue running";
  EXPECT_EQ(r.err.find("sim-crds: check"), std::string::npos) << "sim-crds provides nothing";
  // The summary table has the add-on's checks, then the full checklist with the skips listed.
  EXPECT_NE(r.out.find("dra_support pass, gang_scheduling "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("AI conformance checklist 1.35 after the install"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Skipped (not proven on this cluster):"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Report: " + m_report), std::string::npos) << r.out;

  // The report folder, written by the same writer as `aiplat verify`.
  for (const char* f : {"summary.json", "junit.xml", "PRODUCT.yaml", "evidence/gang_scheduling/transcript.log"}) {
    EXPECT_TRUE(std::filesystem::exists(m_report + "/" + f)) << f;
  }
  nlohmann::json summary = nlohmann::json::parse(read(m_report + "/summary.json"));
  ASSERT_EQ(summary["results"].size(), 12u) << summary.dump();
  for (const nlohmann::json& res : summary["results"]) {
    std::string id = res["id"];
    if (std::find(k_runtime_checks.begin(), k_runtime_checks.end(), id) != k_runtime_checks.end()) {
      EXPECT_NE(res["outcome"], "pass") << id << " passed on a simulator: " << res.dump();
    }
    if (res["outcome"] == "skip") {
      EXPECT_FALSE(res["skipReason"].get<std::string>().empty()) << id;
    }
  }
  Result<YamlDocument> product = parse_yaml(read(m_report + "/PRODUCT.yaml"), "PRODUCT.yaml");
  ASSERT_TRUE(product) << product.error().message;
  int ids = 0;
  for (const auto& [section, items] : product->value["spec"].items()) ids += static_cast<int>(items.size());
  EXPECT_EQ(ids, 12);
  std::string junit = read(m_report + "/junit.xml");
  EXPECT_NE(junit.find("TestGangScheduling"), std::string::npos);

  // The add-on's record keeps its checks; status shows them in every format.
  RunResult status = aiplat({"status", "-o", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json records = nlohmann::json::parse(status.out);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0]["checks"].empty()) << records[0].dump();
  nlohmann::json checks = records[1]["checks"];
  ASSERT_EQ(checks.size(), 2u) << records[1].dump();
  EXPECT_EQ(checks[0]["id"], "dra_support");  // checklist order
  EXPECT_EQ(checks[1]["id"], "gang_scheduling");
  EXPECT_EQ(checks[1]["level"], "MUST");
  EXPECT_EQ(checks[1]["outcome"], m[1].str());
  EXPECT_EQ(records[1]["state"], "installed") << "a failed check does not undo the install";
  RunResult table = aiplat({"status"});
  EXPECT_NE(table.out.find("gang_scheduling " + m[1].str()), std::string::npos) << table.out;
  RunResult yaml = aiplat({"status", "-o", "yaml"});
  EXPECT_NE(yaml.out.find("gang_scheduling"), std::string::npos) << yaml.out;

  // Every namespace a check made is gone again.
  auto client = client_for(m_sim->kubeconfig());
  auto namespaces = client->list(kube::GroupVersionKind{"", "v1", "Namespace"}, "");
  ASSERT_TRUE(namespaces);
  for (const Json& ns : namespaces->items) {
    EXPECT_FALSE(ns["metadata"]["name"].get<std::string>().starts_with("aiplat-conf-")) << ns["metadata"]["name"];
  }
}

TEST_F(InstallVerifyTest, JsonEventsCarryEachCheckAndTheSummaryTheTotals) {
  RunResult r = install({"--report-dir", m_report, "-o", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.err << r.out;
  std::istringstream lines(r.out);
  std::string line;
  nlohmann::json last;
  int addon_checks = 0;
  int final_checks = 0;
  while (std::getline(lines, line)) {
    last = nlohmann::json::parse(line);
    if (last.contains("check") && last["phase"] == "check") {
      ++addon_checks;
      EXPECT_EQ(last["addon"], "sim-operator");
      EXPECT_TRUE(last["outcome"] == "pass" || last["outcome"] == "skip" || last["outcome"] == "fail") << line;
    }
    if (last.contains("check") && last["phase"] == "verify") ++final_checks;
  }
  EXPECT_EQ(addon_checks, 2);
  EXPECT_EQ(final_checks, 12);
  ASSERT_EQ(last["phase"], "summary");
  EXPECT_EQ(last["checklist"], "1.35");
  EXPECT_EQ(last["reportDir"], m_report);
  EXPECT_EQ(last["verification"]["mustFailed"], true) << last.dump();
  EXPECT_EQ(last["verification"]["pass"].get<int>() + last["verification"]["fail"].get<int>() +
                last["verification"]["skip"].get<int>() + last["verification"]["notApplicable"].get<int>(),
            12);
  EXPECT_EQ(last["addons"][1]["checks"].size(), 2u);
  EXPECT_TRUE(std::filesystem::exists(m_report + "/junit.xml"));
}

TEST_F(InstallVerifyTest, NoOpReRunRunsNoCheckAndWritesNothingUnlessAsked) {
  ASSERT_EQ(install({"--report-dir", m_report}).exit_code, 1);
  std::size_t before = m_sim->requests().size();
  std::string second_report = m_sim->dir() + "/report2";
  RunResult again = install({"--report-dir", second_report});
  ASSERT_EQ(again.exit_code, 0) << "no check ran, none failed: " << again.err;
  std::vector<std::string> all = m_sim->requests();
  std::vector<std::string> later(all.begin() + static_cast<long>(before), all.end());
  EXPECT_TRUE(writes(later).empty()) << writes(later).front();
  EXPECT_NE(again.out.find("nothing changed, so no checks were run"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("last run: dra_support"), std::string::npos) << "the recorded results are shown" << again.out;
  EXPECT_FALSE(std::filesystem::exists(second_report)) << "no checks, no report";

  // --always-verify runs the checklist: the only writes are the checks' own namespaces and objects.
  before = m_sim->requests().size();
  RunResult forced = install({"--report-dir", second_report, "--always-verify"});
  ASSERT_EQ(forced.exit_code, 1) << forced.err;
  all = m_sim->requests();
  later.assign(all.begin() + static_cast<long>(before), all.end());
  EXPECT_FALSE(writes(later).empty());
  for (const std::string& w : writes(later)) {
    EXPECT_EQ(w.find("aiplat-system"), std::string::npos) << "a record was rewritten: " << w;
    EXPECT_EQ(w.find("sim-system"), std::string::npos) << "an add-on object was rewritten: " << w;
  }
  EXPECT_TRUE(std::filesystem::exists(second_report + "/summary.json"));
}

TEST_F(InstallVerifyTest, DryRunsRunNoChecksAndSkipVerifyRunsNone) {
  RunResult dry = install({"--dry-run=client", "--report-dir", m_report});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.err.find(": check "), std::string::npos) << dry.err;
  EXPECT_NE(dry.out.find("dry run: no checks were run"), std::string::npos) << dry.out;
  EXPECT_FALSE(std::filesystem::exists(m_report));
  RunResult skipped = install({"--skip-verify"});
  ASSERT_EQ(skipped.exit_code, 0) << skipped.err;
  EXPECT_EQ(skipped.err.find(": check "), std::string::npos) << skipped.err;
  for (const std::string& w : writes(m_sim->requests())) EXPECT_EQ(w.find("aiplat-conf-"), std::string::npos) << w;
  RunResult status = aiplat({"status", "-o", "json"});
  EXPECT_TRUE(nlohmann::json::parse(status.out)[1]["checks"].empty()) << status.out;
}

TEST_F(InstallVerifyTest, ConflictingAndBadFlagsAreInputErrorsBeforeAnyRequest) {
  RunResult conflict = install({"--skip-verify", "--template", template_135()});
  EXPECT_EQ(conflict.exit_code, 2) << conflict.err;
  EXPECT_NE(conflict.err.find("--skip-verify runs no checks, so --template"), std::string::npos) << conflict.err;
  RunResult checklist = install({"--checklist", "1.20"});
  EXPECT_EQ(checklist.exit_code, 2) << checklist.err;
  EXPECT_NE(checklist.err.find("--checklist"), std::string::npos) << checklist.err;
  RunResult missing = install({"--template", m_sim->dir() + "/no-such-template.yaml"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("--template"), std::string::npos) << missing.err;
  EXPECT_TRUE(m_sim->requests().empty()) << m_sim->requests().front();
}

TEST_F(InstallVerifyTest, RenderErrorNamesTheAddOnOnce) {
  std::ofstream(m_catalog + "/addons/sim-operator/1.0.0/manifests/99-broken.yaml") << "kind: [unclosed\n";
  RunResult r = install();
  EXPECT_NE(r.exit_code, 0);
  std::size_t at = r.err.find("error: ");
  ASSERT_NE(at, std::string::npos) << r.err;
  std::string error = r.err.substr(at, r.err.find('\n', at) - at);
  EXPECT_EQ(occurrences(error, "rendering sim-operator"), 1u) << error;
  EXPECT_NE(error.find("99-broken.yaml"), std::string::npos) << error;
}

TEST_F(InstallVerifyTest, SigintDuringChecksExits130CleansUpAndTheNextRunResumes) {
  std::vector<std::string> argv = {std::string(AIPLAT_BINARY_DIR) + "/aiplat", "--catalog", m_catalog, "--kubeconfig",
                                   m_sim->kubeconfig(), "-q", "install", "--profile", "standin", "--report-dir",
                                   m_report};
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, cargv[0], nullptr, nullptr, cargv.data(), environ), 0);
  // Interrupt as soon as the first check has made its namespace.
  auto made_check_namespace = [&] {
    for (const std::string& w : writes(m_sim->requests())) {
      if (w.find("aiplat-conf-") != std::string::npos) return true;
    }
    return false;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool seen = false;
  while (!(seen = made_check_namespace()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(seen) << "no check namespace appeared";
  ASSERT_TRUE(WIFEXITED(status));
  int code = WEXITSTATUS(status);
  EXPECT_TRUE(code == 130 || code == 1) << code;  // 1 (the MUST failures) only if it finished before the signal
  if (code == 130) {
    EXPECT_FALSE(std::filesystem::exists(m_report + "/summary.json")) << "an interrupted run writes no report";
    // Every check namespace that was made had its deletion requested.
    std::set<std::string> made;
    std::set<std::string> deleted;
    std::regex ns_re("/namespaces/(aiplat-conf-[a-z0-9-]+)");
    std::regex delete_re("^DELETE /api/v1/namespaces/(aiplat-conf-[a-z0-9-]+)([? ]|$)");
    for (const std::string& w : writes(m_sim->requests())) {
      std::smatch m;
      if (std::regex_search(w, m, delete_re)) deleted.insert(m[1].str());
      else if (std::regex_search(w, m, ns_re)) made.insert(m[1].str());
    }
    for (const std::string& ns : made) EXPECT_TRUE(deleted.count(ns)) << ns << " was left behind";
  }
  RunResult resumed = install({"--report-dir", m_report});
  ASSERT_EQ(resumed.exit_code, 1) << resumed.err;  // the stand-in platform's MUST failures
  EXPECT_NE(resumed.err.find("every add-on was applied"), std::string::npos) << resumed.err;
  EXPECT_TRUE(std::filesystem::exists(m_report + "/summary.json"));
}

}  // namespace
}  // namespace aiplat::install_test

// Helm hooks of the REAL upstream charts (../shared/upstream/mirror through tests/mirror/make_standin_mirror)
// installed on kubesim: envoy-gateway's certgen (pre-install, pre-upgrade), kube-prometheus-stack's admission
// webhook create/patch Jobs (pre- and post-install, deleted when they succeed) and the GPU operator's delete
// hooks (nfd prune, gpucluster cleanup), which install must never create. A profile of just these add-ons
// keeps the run short.
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "install_fixture.hpp"
#include "support/standin_mirror.hpp"

namespace aiplat::install_test {
namespace {

namespace fsys = std::filesystem;
using nlohmann::json;

const std::string k_helm = std::string(AIPLAT_SOURCE_DIR) + "/.tools/bin/helm";

/// The test profile; `certgen_job` is envoy-gateway's certgen.job values (flow style), or "".
std::string profile_yaml(const std::string& certgen_job) {
  std::string envoy_values =
      certgen_job.empty() ? std::string() : fmt::format("\n      values: {{certgen: {{job: {}}}}}", certgen_job);
  return fmt::format(R"(apiVersion: aiplat.dev/v1alpha1
kind: Profile
metadata:
  name: hooks-test
spec:
  description: The add-ons of the shipped catalog whose real charts carry Helm hooks.
  cluster:
    source: clusterapi
  kubernetes:
    default: "1.35"
    min: "1.34"
    max: "1.36"
  accelerator:
    vendor: nvidia
    driver: operator
    allocation: dra
  addons:
    - name: gateway-api
      version: "~1.6"
    - name: envoy-gateway
      version: "~1.9"{}
    - name: prometheus-operator-crds
      version: "~31.0"
    - name: kube-prometheus-stack
      version: "~88.5"
    - name: gpu-operator
      version: "~26.7"
      mode: dra
      values: {{driver: {{enabled: false}}}}
  registry:
    allowPublicFallback: true
  imageRedirection: none
)",
                     envoy_values);
}

/// Index of the first request-log line from `from` on matching `pattern`, or -1.
long first(const std::vector<std::string>& log, const std::string& pattern, long from = 0) {
  std::regex re(pattern);
  for (auto i = static_cast<std::size_t>(std::max(0L, from)); i < log.size(); ++i) {
    if (std::regex_search(log[i], re)) return static_cast<long>(i);
  }
  return -1;
}

class HooksReal : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fsys::exists(k_helm)) GTEST_SKIP() << k_helm << " is missing: run scripts/setup";
    if (!fsys::exists("/usr/bin/docker-registry")) GTEST_SKIP() << "docker-registry is missing: run scripts/setup";
    auto server = aiplat::testing::start_real_mirror();
    ASSERT_TRUE(server) << server.error().message;
    m_mirror = std::move(*server);
    m_cache = aiplat::testing::standin_cache_dir(aiplat::testing::real_mirror_dir());
    std::string why;
    m_sim = start_kubesim(why, "1.35");
    if (!m_sim) GTEST_SKIP() << why;
    char pattern[] = "/tmp/aiplat-hooks-catalog-XXXXXX";
    m_catalog = ::mkdtemp(pattern);
    for (const char* part : {"addons", "profiles", "manifests"}) {
      fsys::copy(std::string(AIPLAT_SOURCE_DIR) + "/" + part, m_catalog + "/" + part, fsys::copy_options::recursive);
    }
    write_profile("");
  }
  void TearDown() override {
    m_sim.reset();
    m_mirror.reset();
    if (!m_catalog.empty()) fsys::remove_all(m_catalog);
  }

  void write_profile(const std::string& certgen_job) {
    std::ofstream(m_catalog + "/profiles/hooks-test.yaml") << profile_yaml(certgen_job);
  }

  RunResult install() {
    ProcessSpec spec;
    spec.argv = {std::string(AIPLAT_BINARY_DIR) + "/aiplat", "--catalog", m_catalog, "--kubeconfig", m_sim->kubeconfig(),
                 "install", "--profile", "hooks-test", "--source-mirror", m_mirror->url(), "--helm", k_helm,
                 "--wait=workloads", "--skip-verify", "-o", "json"};
    spec.env = {{"NO_COLOR", "1"}, {"XDG_CACHE_HOME", m_cache}, {"PATH", "/usr/bin:/bin"}};
    spec.timeout = std::chrono::minutes(5);
    auto r = make_posix_runner()->run(spec);
    if (!r) return RunResult{-1, "", r.error().message};
    return RunResult{r->exit_code, r->out, r->err};
  }

  std::vector<std::string> requests_since(std::size_t from) const {
    std::vector<std::string> all = m_sim->requests();
    return {all.begin() + static_cast<std::ptrdiff_t>(std::min(from, all.size())), all.end()};
  }

  std::unique_ptr<aiplat::testing::StandinMirrorServer> m_mirror;
  std::unique_ptr<aiplat::testing::KubesimProcess> m_sim;
  std::string m_cache;
  std::string m_catalog;
};

TEST_F(HooksReal, RunAroundTheirAddOnsAreGonePerPolicyAndDeleteHooksNeverRun) {
  RunResult r = install();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::string> log = m_sim->requests();

  // kube-prometheus-stack: the admission create Job before the operator, the patch Job after it is ready.
  const std::string jobs = "/apis/batch/v1/namespaces/monitoring/jobs/";
  long create = first(log, "^PATCH " + jobs + "kube-prometheus-stack-admission-create\\?");
  long operator_ = first(log, "^PATCH /apis/apps/v1/namespaces/monitoring/deployments/kube-prometheus-stack-operator\\?");
  long patch = first(log, "^PATCH " + jobs + "kube-prometheus-stack-admission-patch\\?");
  ASSERT_GE(create, 0) << "the pre-install hook was never applied";
  ASSERT_GE(operator_, 0);
  ASSERT_GE(patch, 0) << "the post-install hook was never applied";
  EXPECT_LT(create, operator_);
  EXPECT_LT(operator_, patch);
  // Their policy is before-hook-creation,hook-succeeded: deleted before they are created (nothing there
  // yet: 404) and again once they succeeded.
  EXPECT_GT(first(log, "^DELETE " + jobs + "kube-prometheus-stack-admission-create(\\?[^ ]*)? 200$", create), create);
  EXPECT_GT(first(log, "^DELETE " + jobs + "kube-prometheus-stack-admission-patch(\\?[^ ]*)? 200$", patch), patch);
  EXPECT_GE(first(log, "^DELETE " + jobs + "kube-prometheus-stack-admission-create(\\?[^ ]*)? 404$"), 0);

  auto client = client_for(m_sim->kubeconfig());
  ASSERT_TRUE(client);
  auto listed = client->list(kube::GroupVersionKind{"batch", "v1", "Job"}, "");
  ASSERT_TRUE(listed) << listed.error().message;
  std::set<std::string> names;
  for (const json& j : listed->items) names.insert(j["metadata"]["name"].get<std::string>());
  // envoy-gateway's certgen keeps the default policy (before-hook-creation): it stays until the next run.
  EXPECT_EQ(names, (std::set<std::string>{"envoy-gateway-gateway-helm-certgen"}));
  // The GPU operator's pre-delete and post-delete Jobs were never sent.
  EXPECT_LT(first(log, "cleanup-gpucluster|node-feature-discovery-prune"), 0);

  // Hooks are not ApplySet members.
  std::set<std::string> members = applyset_objects(*client);
  for (const std::string& m : members) EXPECT_EQ(m.find("certgen"), std::string::npos) << m;
  for (const std::string& m : members) EXPECT_EQ(m.find("admission-create"), std::string::npos) << m;

  // A re-run with nothing changed runs no hook and writes nothing.
  std::size_t before = m_sim->requests().size();
  RunResult again = install();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  std::vector<std::string> after = writes(requests_since(before));
  EXPECT_TRUE(after.empty()) << after.front();
}

TEST_F(HooksReal, ChangedHookIsDeletedAndCreatedAgainAsAnUpgradeHook) {
  RunResult r = install();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // A new pod label changes the certgen Job's template, which the API server never lets change in place.
  write_profile("{pod: {labels: {rev: \"2\"}}}");
  std::size_t before = m_sim->requests().size();
  RunResult again = install();
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("\"phase\":\"pre-upgrade\""), std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("\"phase\":\"pre-install\""), std::string::npos) << again.out;
  std::vector<std::string> log = requests_since(before);
  const std::string job = "/apis/batch/v1/namespaces/envoy-gateway-system/jobs/envoy-gateway-gateway-helm-certgen";
  long deleted = first(log, "^DELETE " + job + "[? ]");
  long applied = first(log, "^PATCH " + job + "\\?");
  ASSERT_GE(deleted, 0) << "the old hook was not deleted";
  EXPECT_GT(applied, deleted);
  auto client = client_for(m_sim->kubeconfig());
  ASSERT_TRUE(client);
  auto live = client->get(kube::ResourceRef{{"batch", "v1", "Job"}, "envoy-gateway-system",
                                            "envoy-gateway-gateway-helm-certgen"});
  ASSERT_TRUE(live) << live.error().message;
  EXPECT_EQ(live->value("/spec/template/metadata/labels/rev"_json_pointer, std::string()), "2");
}

TEST_F(HooksReal, FailedHookStopsTheAddOnWithThePodsStateAndLastLogLines) {
  // kubesim fails a Job that asks for it, and serves its pod's log from another annotation.
  write_profile("{annotations: {kubesim.aiplat.dev/fail: \"true\", "
                "kubesim.aiplat.dev/log: \"generating certificates\\nerror: secrets is forbidden\\n\"}}");
  RunResult r = install();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("envoy-gateway: pre-install hook"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("envoy-gateway-system/envoy-gateway-gateway-helm-certgen"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("BackoffLimitExceeded"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("exited 1 (Error)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error: secrets is forbidden"), std::string::npos) << r.err;
  // Nothing of the add-on itself was applied after its pre-install hook failed.
  EXPECT_LT(first(m_sim->requests(), "^PATCH /apis/apps/v1/namespaces/envoy-gateway-system/deployments/"), 0);
}

}  // namespace
}  // namespace aiplat::install_test

// aiplat install end to end against kubesim with the stand-in catalog.
#include <chrono>
#include <random>
#include <thread>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "install_fixture.hpp"

extern char** environ;

namespace aiplat::install_test {
namespace {

class InstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_catalog = make_catalog();
    ASSERT_FALSE(m_catalog.empty()) << "cannot generate the stand-in catalog";
    std::string why;
    m_sim = start_kubesim(why);
    if (!m_sim && why == "kubesim is not built") GTEST_SKIP() << why;
    ASSERT_TRUE(m_sim) << why;
  }
  void TearDown() override {
    m_sim.reset();
    if (!m_catalog.empty()) std::filesystem::remove_all(m_catalog);
  }
  RunResult aiplat(const std::vector<std::string>& args) { return run_aiplat(m_catalog, m_sim->kubeconfig(), args); }
  RunResult install(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"install", "--profile", "standin", "--skip-verify", "--timeout", "60s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return aiplat(args);
  }

  std::string m_catalog;
  std::unique_ptr<aiplat::testing::KubesimProcess> m_sim;
};

TEST_F(InstallTest, InstallsEveryTierAndRecordsEachAddOn) {
  RunResult r = install();
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto client = client_for(m_sim->kubeconfig());
  ASSERT_TRUE(client);
  std::set<std::string> objects = applyset_objects(*client);
  EXPECT_TRUE(objects.count("CustomResourceDefinition /widgets.demo.aiplat.test")) << r.err;
  EXPECT_TRUE(objects.count("ValidatingWebhookConfiguration /sim-webhook"));
  EXPECT_TRUE(objects.count("Widget sim-system/default"));
  EXPECT_TRUE(objects.count("ConfigMap sim-system/sim-config-020"));
  EXPECT_TRUE(objects.count("ConfigMap aiplat-system/aiplat-sim-operator"));

  // The parent follows the ApplySet convention, with kubectl's id.
  auto parent = client->get(kube::ResourceRef{{"", "v1", "ConfigMap"}, "aiplat-system", "aiplat-sim-operator"});
  ASSERT_TRUE(parent) << parent.error().message;
  std::string id = (*parent)["metadata"]["labels"].value("applyset.kubernetes.io/id", "");
  EXPECT_TRUE(id.starts_with("applyset-") && id.ends_with("-v1")) << id;
  std::string kinds = (*parent)["metadata"]["annotations"].value("applyset.kubernetes.io/contains-group-kinds", "");
  EXPECT_NE(kinds.find("Deployment.apps"), std::string::npos) << kinds;
  EXPECT_NE(kinds.find("Widget.demo.aiplat.test"), std::string::npos) << kinds;
  auto deployment = client->get(kube::ResourceRef{{"apps", "v1", "Deployment"}, "sim-system", "sim-controller"});
  ASSERT_TRUE(deployment);
  EXPECT_EQ((*deployment)["metadata"]["labels"].value("applyset.kubernetes.io/part-of", ""), id);

  RunResult status = aiplat({"status", "-o", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json records = nlohmann::json::parse(status.out);
  ASSERT_EQ(records.size(), 2u) << status.out;
  EXPECT_EQ(records[1]["name"], "sim-operator");
  EXPECT_EQ(records[1]["state"], "installed");
  EXPECT_EQ(records[1]["version"], "1.0.0");
  EXPECT_FALSE(records[1]["digest"].get<std::string>().empty());
  EXPECT_EQ(records[1]["inventory"].size(), 29u);  // 9 objects + 20 ConfigMaps
}

TEST_F(InstallTest, SecondRunWritesNothing) {
  ASSERT_EQ(install().exit_code, 0);
  std::size_t before = m_sim->requests().size();
  auto started = std::chrono::steady_clock::now();
  RunResult again = install();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  std::vector<std::string> all = m_sim->requests();
  std::vector<std::string> later(all.begin() + static_cast<long>(before), all.end());
  EXPECT_TRUE(writes(later).empty()) << writes(later).front();
  EXPECT_NE(again.out.find("unchanged"), std::string::npos) << again.out;
  EXPECT_LT(seconds, 5.0);
}

TEST_F(InstallTest, ClientDryRunWritesNothingAndCountsObjects) {
  RunResult r = install({"--dry-run=client"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(writes(m_sim->requests()).empty());
  EXPECT_NE(r.out.find("apply ConfigMap.v1 sim-system/sim-config-001"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sim-operator"), std::string::npos);
}

TEST_F(InstallTest, ServerDryRunSendsOnlyDryRunWrites) {
  RunResult r = install({"--dry-run=server"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  std::vector<std::string> w = writes(m_sim->requests());
  EXPECT_FALSE(w.empty());
  for (const std::string& line : w) EXPECT_NE(line.find("dryRun=All"), std::string::npos) << line;
  auto client = client_for(m_sim->kubeconfig());
  EXPECT_TRUE(applyset_objects(*client).empty());
}

TEST_F(InstallTest, PrunesOnlyWithYesWhenNotOnATty) {
  ASSERT_EQ(install().exit_code, 0);
  // The add-on now ships 5 ConfigMaps instead of 20.
  std::string smaller = make_catalog(5);
  RunResult refused = run_aiplat(smaller, m_sim->kubeconfig(),
                                 {"install", "--profile", "standin", "--skip-verify", "--timeout", "60s"});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--yes"), std::string::npos) << refused.err;
  auto client = client_for(m_sim->kubeconfig());
  EXPECT_TRUE(applyset_objects(*client).count("ConfigMap sim-system/sim-config-020"));
  // An object we did not create, in the same namespace, must survive the prune.
  Json foreign = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                  {"metadata", {{"name", "not-ours"}, {"namespace", "sim-system"}}}};
  ASSERT_TRUE(client->apply(foreign, kube::ApplyOptions{"someone-else"}));
  RunResult pruned = run_aiplat(smaller, m_sim->kubeconfig(),
                                {"install", "--profile", "standin", "--skip-verify", "--yes", "--timeout", "60s"});
  ASSERT_EQ(pruned.exit_code, 0) << pruned.err;
  std::set<std::string> objects = applyset_objects(*client);
  EXPECT_FALSE(objects.count("ConfigMap sim-system/sim-config-020"));
  EXPECT_TRUE(objects.count("ConfigMap sim-system/sim-config-005"));
  EXPECT_TRUE(client->get(kube::ResourceRef{{"", "v1", "ConfigMap"}, "sim-system", "not-ours"}));
  std::filesystem::remove_all(smaller);
}

TEST_F(InstallTest, RefusesACrdOwnedByAnotherManagerBeforeChangingAnything) {
  auto client = client_for(m_sim->kubeconfig());
  Json crd = {{"apiVersion", "apiextensions.k8s.io/v1"},
              {"kind", "CustomResourceDefinition"},
              {"metadata", {{"name", "widgets.demo.aiplat.test"}}},
              {"spec",
               {{"group", "demo.aiplat.test"},
                {"scope", "Namespaced"},
                {"names", {{"plural", "widgets"}, {"singular", "widget"}, {"kind", "Widget"}}},
                {"versions",
                 {{{"name", "v1"},
                   {"served", true},
                   {"storage", true},
                   {"schema", {{"openAPIV3Schema", {{"type", "object"}}}}}}}}}}};
  ASSERT_TRUE(client->apply(crd, kube::ApplyOptions{"helm"}));
  RunResult r = install();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("widgets.demo.aiplat.test"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"helm\""), std::string::npos) << r.err;
  for (const std::string& w : writes(m_sim->requests())) {
    EXPECT_EQ(w.find("fieldManager=aiplat"), std::string::npos) << "nothing may change after a refusal: " << w;
  }
  EXPECT_FALSE(client->get(kube::ResourceRef{{"", "v1", "Namespace"}, "", "aiplat-system"}));
}

TEST_F(InstallTest, UnknownProfileIsAnInputError) {
  RunResult r = aiplat({"install", "--profile", "no-such-profile"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no-such-profile"), std::string::npos) << r.err;
}

TEST_F(InstallTest, SigintStopsWith130AndTheNextRunResumes) {
  std::vector<std::string> argv = {std::string(AIPLAT_BINARY_DIR) + "/aiplat", "--catalog", m_catalog, "--kubeconfig",
                                   m_sim->kubeconfig(), "-q", "install", "--profile", "standin", "--skip-verify"};
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, cargv[0], nullptr, nullptr, cargv.data(), environ), 0);
  // Wait until the first object write arrived, then interrupt.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (writes(m_sim->requests()).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  int code = WEXITSTATUS(status);
  EXPECT_TRUE(code == 130 || code == 0) << code;  // 0 only if it finished before the signal landed
  RunResult resumed = install();
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
}

}  // namespace
}  // namespace aiplat::install_test

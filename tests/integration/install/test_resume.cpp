// Killed runs converge, API faults are survived, every minor installs, bad connections fail clearly.
#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "install_fixture.hpp"

extern char** environ;

namespace aiplat::install_test {
namespace {

std::vector<std::string> install_args() {
  return {"install", "--profile", "standin", "--skip-verify", "--timeout", "60s"};
}

/// Starts aiplat install, SIGKILLs it after `delay`, and reaps it.
void install_and_kill(const std::string& catalog, const std::string& kubeconfig, std::chrono::milliseconds delay) {
  std::vector<std::string> argv = {std::string(AIPLAT_BINARY_DIR) + "/aiplat", "--catalog", catalog, "--kubeconfig",
                                   kubeconfig, "-q"};
  for (const std::string& a : install_args()) argv.push_back(a);
  std::vector<char*> cargv;
  for (std::string& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, cargv[0], nullptr, nullptr, cargv.data(), environ), 0);
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

TEST(InstallResume, SigkillAtSeededRandomMomentsConverges) {
  std::string catalog = make_catalog();
  ASSERT_FALSE(catalog.empty());
  std::string why;
  // The reference: one clean install, and how long it takes.
  std::set<std::string> reference;
  std::chrono::milliseconds full{0};
  {
    auto sim = start_kubesim(why);
    if (!sim && why == "kubesim is not built") GTEST_SKIP() << why;
    ASSERT_TRUE(sim) << why;
    auto t0 = std::chrono::steady_clock::now();
    RunResult r = run_aiplat(catalog, sim->kubeconfig(), install_args());
    full = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    reference = applyset_objects(*client_for(sim->kubeconfig()));
  }
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<long> at(0, std::max<long>(1, full.count()));
  for (int trial = 0; trial < 20; ++trial) {
    auto sim = start_kubesim(why);
    ASSERT_TRUE(sim) << why;
    long delay = at(rng);
    install_and_kill(catalog, sim->kubeconfig(), std::chrono::milliseconds(delay));
    RunResult r = run_aiplat(catalog, sim->kubeconfig(), install_args());
    ASSERT_EQ(r.exit_code, 0) << "trial " << trial << " killed at " << delay << "ms: " << r.err;
    EXPECT_EQ(applyset_objects(*client_for(sim->kubeconfig())), reference) << "trial " << trial << " at " << delay;
  }
  std::filesystem::remove_all(catalog);
}

TEST(InstallFaults, TenPercentInjectedFaultsStillInstall) {
  std::string catalog = make_catalog();
  std::string why;
  auto sim = start_kubesim(why, "1.35", 0.10);
  if (!sim && why == "kubesim is not built") GTEST_SKIP() << why;
  ASSERT_TRUE(sim) << why;
  RunResult r = run_aiplat(catalog, sim->kubeconfig(), install_args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(applyset_objects(*client_for(sim->kubeconfig())).count("Widget sim-system/default"));
  std::filesystem::remove_all(catalog);
}

class InstallMinors : public ::testing::TestWithParam<std::string> {};

TEST_P(InstallMinors, InstallsAndReRunsQuietly) {
  std::string catalog = make_catalog();
  std::string why;
  auto sim = start_kubesim(why, GetParam());
  if (!sim && why == "kubesim is not built") GTEST_SKIP() << why;
  ASSERT_TRUE(sim) << why;
  RunResult r = run_aiplat(catalog, sim->kubeconfig(), install_args());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t before = sim->requests().size();
  ASSERT_EQ(run_aiplat(catalog, sim->kubeconfig(), install_args()).exit_code, 0);
  std::vector<std::string> all = sim->requests();
  EXPECT_TRUE(writes(std::vector<std::string>(all.begin() + static_cast<long>(before), all.end())).empty());
  std::filesystem::remove_all(catalog);
}

INSTANTIATE_TEST_SUITE_P(Minors, InstallMinors, ::testing::Values("1.33", "1.34", "1.35", "1.36", "1.37"));

TEST(InstallBadInput, UnreachableServerFailsWithTheAddress) {
  std::string catalog = make_catalog();
  std::string kubeconfig = catalog + "/unreachable.kubeconfig";
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                               "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}}]\n"
                               "users: [{name: u, user: {token: t}}]\n"
                               "contexts: [{name: c, context: {cluster: c, user: u}}]\n";
  RunResult r = run_aiplat(catalog, kubeconfig, {"install", "--profile", "standin", "--timeout", "5s"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("127.0.0.1:1"), std::string::npos) << r.err;
  std::filesystem::remove_all(catalog);
}

TEST(InstallBadInput, WrongCaIsRefused) {
  std::string catalog = make_catalog();
  std::string why;
  auto sim = start_kubesim(why);
  if (!sim && why == "kubesim is not built") GTEST_SKIP() << why;
  ASSERT_TRUE(sim) << why;
  // A CA that did not sign kubesim's certificate: a throwaway one from openssl.
  std::string ca = catalog + "/other-ca.pem";
  ProcessSpec gen;
  gen.argv = {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
              "-keyout", catalog + "/other-ca.key", "-out", ca, "-subj", "/CN=other", "-days", "1"};
  gen.timeout = std::chrono::milliseconds(30000);
  auto g = make_posix_runner()->run(gen);
  ASSERT_TRUE(g && g->exit_code == 0);
  std::string kubeconfig = catalog + "/wrong-ca.kubeconfig";
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
                            << "clusters: [{name: c, cluster: {server: '" << sim->url()
                            << "', certificate-authority: '" << ca << "'}}]\n"
                            << "users: [{name: u, user: {token: t}}]\n"
                            << "contexts: [{name: c, context: {cluster: c, user: u}}]\n";
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = run_aiplat(catalog, kubeconfig, {"install", "--profile", "standin"});
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(writes(sim->requests()).empty());
  // Not retried (a certificate does not start verifying), and the message says what to do.
  EXPECT_LT(seconds, 10.0) << r.err;
  EXPECT_NE(r.err.find(sim->url()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("CA file " + ca), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--certificate-authority"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--insecure-skip-tls-verify"), std::string::npos) << r.err;

  // kubectl's flags fix it without touching the kubeconfig: the right CA (kubesim's, from its own
  // kubeconfig), or no verification at all (with a warning).
  ProcessSpec extract;
  extract.argv = {"sh", "-c", "awk '/certificate-authority-data:/ {print $2; exit}' '" + sim->kubeconfig() +
                                  "' | base64 -d > '" + catalog + "/kubesim-ca.pem'"};
  extract.timeout = std::chrono::milliseconds(10000);
  auto x = make_posix_runner()->run(extract);
  ASSERT_TRUE(x && x->exit_code == 0) << (x ? x->err : x.error().message);
  RunResult fixed = run_aiplat(catalog, kubeconfig, {"--certificate-authority", catalog + "/kubesim-ca.pem", "status"});
  // The TLS handshake passes; the kubeconfig's made-up token then gets the server's 401.
  EXPECT_EQ(fixed.err.find("SSL"), std::string::npos) << fixed.err;
  EXPECT_NE(fixed.err.find("were rejected"), std::string::npos) << fixed.err;
  RunResult insecure = run_aiplat(catalog, kubeconfig, {"--insecure-skip-tls-verify", "status"});
  EXPECT_EQ(insecure.err.find("SSL"), std::string::npos) << insecure.err;
  EXPECT_NE(insecure.err.find("were rejected"), std::string::npos) << insecure.err;
  EXPECT_NE(insecure.err.find("is not verified"), std::string::npos) << insecure.err;
  RunResult both = run_aiplat(catalog, kubeconfig,
                              {"--insecure-skip-tls-verify", "--certificate-authority", ca, "status"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  std::filesystem::remove_all(catalog);
}

TEST(InstallBadInput, ExpiredExecCredentialFailsClearly) {
  std::string catalog = make_catalog();
  std::string why;
  auto sim = start_kubesim(why);
  if (!sim && why == "kubesim is not built") GTEST_SKIP() << why;
  ASSERT_TRUE(sim) << why;
  std::string plugin = catalog + "/expired-credential";
  std::ofstream(plugin) << "#!/bin/sh\n"
                           "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                           "\"status\":{\"token\":\"expired\",\"expirationTimestamp\":\"2000-01-01T00:00:00Z\"}}'\n";
  std::filesystem::permissions(plugin, std::filesystem::perms::owner_all);
  // The cluster and CA of kubesim's own kubeconfig, with the exec user instead.
  std::ifstream in(sim->kubeconfig());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string kubeconfig = catalog + "/exec.kubeconfig";
  std::size_t users = text.find("users:");
  ASSERT_NE(users, std::string::npos) << text;
  std::string head = text.substr(0, users);
  std::size_t user_name = text.find("name:", users);
  std::size_t eol = text.find('\n', user_name);
  std::string name = text.substr(user_name + 5, eol - user_name - 5);
  std::ofstream(kubeconfig) << head << "users:\n- name:" << name << "\n  user:\n    exec:\n"
                            << "      apiVersion: client.authentication.k8s.io/v1\n      command: " << plugin
                            << "\n      interactiveMode: Never\n"
                            << text.substr(text.find("\n", text.find("contexts:", users)) == std::string::npos
                                               ? text.size()
                                               : text.find("contexts:", users));
  RunResult r = run_aiplat(catalog, kubeconfig, {"install", "--profile", "standin"});
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.find("expire") != std::string::npos || r.err.find("401") != std::string::npos ||
              r.err.find("Unauthorized") != std::string::npos)
      << r.err;
  EXPECT_TRUE(writes(sim->requests()).empty());
  std::filesystem::remove_all(catalog);
}

}  // namespace
}  // namespace aiplat::install_test

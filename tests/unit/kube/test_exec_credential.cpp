#include "kube/exec_credential.hpp"

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace aiplat::kube {
namespace {
namespace fsys = std::filesystem;

// A temp dir holding a shell-script plugin that counts its runs and records its environment.
class ExecPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fsys::temp_directory_path() / ("aiplat-exec-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fsys::remove_all(m_dir);
    fsys::create_directories(m_dir);
  }
  void TearDown() override { fsys::remove_all(m_dir); }

  // The script prints `status_json` inside an ExecCredential of `api_version`.
  std::string write_plugin(const std::string& api_version, const std::string& status_json) {
    std::string path = (m_dir / "plugin.sh").string();
    std::ofstream out(path);
    out << "#!/bin/sh\n"
        << "echo run >> \"" << (m_dir / "runs").string() << "\"\n"
        << "printf '%s' \"$KUBERNETES_EXEC_INFO\" > \"" << (m_dir / "info.json").string() << "\"\n"
        << "printf '%s' \"$PLUGIN_MODE $1\" > \"" << (m_dir / "args").string() << "\"\n"
        << "cat <<'JSON'\n"
        << R"({"apiVersion":")" << api_version << R"(","kind":"ExecCredential","status":)" << status_json << "}\n"
        << "JSON\n";
    out.close();
    ::chmod(path.c_str(), 0755);
    return path;
  }

  int runs() {
    std::ifstream in(m_dir / "runs");
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }

  std::string read(const std::string& name) {
    std::ifstream in(m_dir / name);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  ClusterConfig cluster() {
    ClusterConfig c;
    c.server = "https://127.0.0.1:6443";
    c.user_name = "dev";
    c.tls.ca_pem = "PEM";
    return c;
  }

  fsys::path m_dir;
};

TEST_F(ExecPlugin, V1TokenIsCachedUntilExpiryThenReRun) {
  ExecConfig config;
  config.api_version = "client.authentication.k8s.io/v1";
  config.command = write_plugin(config.api_version,
                                R"({"token":"tok-v1","expirationTimestamp":"2030-01-01T01:00:00Z"})");
  config.args = {"get-token"};
  config.env = {{"PLUGIN_MODE", "fast"}};
  config.interactive_mode = InteractiveMode::never;
  auto clock = std::make_shared<FakeClock>();  // 2030-01-01T00:00:00Z
  ExecCredentialProvider provider(config, cluster(), make_posix_runner(), clock);

  auto first = provider.get();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->token, "tok-v1");
  ASSERT_TRUE(first->expires);
  EXPECT_EQ(read("args"), "fast get-token");
  auto again = provider.get();
  ASSERT_TRUE(again);
  EXPECT_EQ(runs(), 1);  // cached

  clock->advance(std::chrono::minutes(61));  // past expirationTimestamp
  auto expired = provider.get();
  ASSERT_TRUE(expired);
  EXPECT_EQ(runs(), 2);

  provider.invalidate();  // what a 401 does
  ASSERT_TRUE(provider.get());
  EXPECT_EQ(runs(), 3);

  Json info = Json::parse(read("info.json"));
  EXPECT_EQ(info["apiVersion"], "client.authentication.k8s.io/v1");
  EXPECT_EQ(info["kind"], "ExecCredential");
  EXPECT_EQ(info["spec"]["interactive"], false);
  EXPECT_FALSE(info["spec"].contains("cluster"));  // provideClusterInfo is off
}

TEST_F(ExecPlugin, V1beta1ClientCertificateWithClusterInfo) {
  ExecConfig config;
  config.api_version = "client.authentication.k8s.io/v1beta1";
  config.command = write_plugin(config.api_version,
                                R"({"clientCertificateData":"CERT PEM","clientKeyData":"KEY PEM"})");
  config.provide_cluster_info = true;
  ClusterConfig c = cluster();
  c.exec_cluster_config = Json{{"region", "eu"}};
  ExecCredentialProvider provider(config, c, make_posix_runner(), std::make_shared<FakeClock>());
  auto cred = provider.get();
  ASSERT_TRUE(cred) << cred.error().message;
  EXPECT_EQ(cred->client_certificate_pem, "CERT PEM");
  EXPECT_EQ(cred->client_key_pem, "KEY PEM");
  EXPECT_FALSE(cred->expires);
  Json info = Json::parse(read("info.json"));
  EXPECT_EQ(info["apiVersion"], "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(info["spec"]["cluster"]["server"], "https://127.0.0.1:6443");
  EXPECT_EQ(info["spec"]["cluster"]["certificate-authority-data"], "UEVN");  // base64("PEM")
  EXPECT_EQ(info["spec"]["cluster"]["config"]["region"], "eu");
}

TEST_F(ExecPlugin, MissingCommandShowsInstallHint) {
  ExecConfig config;
  config.api_version = "client.authentication.k8s.io/v1";
  config.command = "aiplat-no-such-plugin";
  config.install_hint = "Install it with: apt install aiplat-no-such-plugin";
  ExecCredentialProvider provider(config, cluster(), make_posix_runner(), std::make_shared<FakeClock>());
  auto cred = provider.get();
  ASSERT_FALSE(cred);
  EXPECT_NE(cred.error().message.find("\"aiplat-no-such-plugin\""), std::string::npos);
  EXPECT_NE(cred.error().message.find("Install it with: apt install"), std::string::npos) << cred.error().message;
}

TEST_F(ExecPlugin, FailuresNeverEchoStdout) {
  std::string path = (m_dir / "bad.sh").string();
  std::ofstream(path) << "#!/bin/sh\necho 'super-secret-token-output'\necho 'login required' >&2\nexit 3\n";
  ::chmod(path.c_str(), 0755);
  ExecConfig config;
  config.api_version = "client.authentication.k8s.io/v1";
  config.command = path;
  ExecCredentialProvider provider(config, cluster(), make_posix_runner(), std::make_shared<FakeClock>());
  auto cred = provider.get();
  ASSERT_FALSE(cred);
  EXPECT_NE(cred.error().message.find("exit code 3: login required"), std::string::npos) << cred.error().message;
  EXPECT_EQ(cred.error().message.find("super-secret"), std::string::npos);
}

TEST(ExecCredentialParse, RejectsWrongVersionAndIncompleteStatus) {
  const std::string v1 = "client.authentication.k8s.io/v1";
  auto wrong = parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}})", v1);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("asks for"), std::string::npos);
  EXPECT_FALSE(parse_exec_credential(R"({"apiVersion":")" + v1 + R"(","kind":"ExecCredential","status":{}})", v1));
  EXPECT_FALSE(parse_exec_credential("not json token-abc", v1));
  auto offset = parse_exec_credential(R"({"apiVersion":")" + v1 +
                                          R"(","kind":"ExecCredential","status":{"token":"t",)"
                                          R"("expirationTimestamp":"2030-01-01T02:00:00.25+02:00"}})",
                                      v1);
  ASSERT_TRUE(offset) << offset.error().message;
  EXPECT_EQ(*offset->expires, std::chrono::sys_days(std::chrono::year(2030) / 1 / 1));
}

}  // namespace
}  // namespace aiplat::kube

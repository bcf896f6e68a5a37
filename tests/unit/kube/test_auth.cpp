#include "kube/auth.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/fake_kube_cluster.hpp"

namespace aiplat::kube {
namespace {
namespace fsys = std::filesystem;
using aiplat::testing::FakeTransport;
using aiplat::testing::json_response;

class Auth : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fsys::temp_directory_path() / ("aiplat-auth-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fsys::remove_all(m_dir);
    fsys::create_directories(m_dir);
  }
  void TearDown() override { fsys::remove_all(m_dir); }
  std::string write(const std::string& name, const std::string& text, bool executable = false) {
    std::string path = (m_dir / name).string();
    std::ofstream(path) << text;
    if (executable) ::chmod(path.c_str(), 0755);
    return path;
  }
  static std::string authorization(const HttpRequest& r) {
    for (const auto& [n, v] : r.headers) {
      if (n == "Authorization") return v;
    }
    return {};
  }
  fsys::path m_dir;
};

TEST_F(Auth, StaticTokenBasicAndNone) {
  ClusterConfig c;
  c.token = "abc-token";
  auto clock = std::make_shared<FakeClock>();
  EXPECT_EQ(Authenticator(c, nullptr, clock, nullptr).current()->authorization, "Bearer abc-token");
  ClusterConfig basic;
  basic.username = "admin";
  basic.password = "pass";
  EXPECT_EQ(Authenticator(basic, nullptr, clock, nullptr).current()->authorization, "Basic YWRtaW46cGFzcw==");
  ClusterConfig none;
  none.tls.client_cert_file = "/x.crt";
  auto auth = Authenticator(none, nullptr, clock, nullptr).current();
  ASSERT_TRUE(auth);
  EXPECT_TRUE(auth->authorization.empty());
  EXPECT_EQ(auth->tls->client_cert_file, "/x.crt");  // client certificates travel in the TLS config
}

TEST_F(Auth, TokenFileIsReReadWhenItChanges) {
  ClusterConfig c;
  c.token_file = write("token", "first-token\n");
  Authenticator auth(c, nullptr, std::make_shared<FakeClock>(), nullptr);
  EXPECT_EQ(auth.current()->authorization, "Bearer first-token");
  write("token", "second-token-longer\n");
  // Make the change visible even on file systems with coarse timestamps.
  fsys::last_write_time(c.token_file, fsys::last_write_time(c.token_file) + std::chrono::seconds(2));
  EXPECT_EQ(auth.current()->authorization, "Bearer second-token-longer");
  c.token_file = (m_dir / "missing").string();
  auto missing = Authenticator(c, nullptr, std::make_shared<FakeClock>(), nullptr).current();
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("missing"), std::string::npos);
}

TEST_F(Auth, SecretsAreRegisteredWithTheLogger) {
  std::ostringstream err;
  Logger logger(err, 10);
  ClusterConfig c;
  c.token = "static-secret-token";
  c.tls.client_key_pem = "-----BEGIN PRIVATE KEY-----xyz";
  Authenticator auth(c, nullptr, std::make_shared<FakeClock>(), &logger);
  logger.info("token static-secret-token key -----BEGIN PRIVATE KEY-----xyz");
  EXPECT_EQ(err.str(), "token *** key ***\n");
}

TEST_F(Auth, ExecPluginIsReRunOnceAfter401) {
  std::string counter = (m_dir / "n").string();
  // Each run hands out a new token: tok-1, tok-2, ...
  std::string plugin = write("plugin.sh",
                             "#!/bin/sh\nn=$(cat " + counter + " 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > " +
                                 counter +
                                 "\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":"
                                 "\"ExecCredential\",\"status\":{\"token\":\"tok-'$n'\"}}'\n",
                             true);
  auto fake = std::make_shared<FakeTransport>();
  auto clock = std::make_shared<FakeClock>();
  fake->on("GET", "/version", [&](const HttpRequest& r) {
    if (authorization(r) == "Bearer tok-2") return json_response(200, R"({"major":"1","minor":"34"})");
    return json_response(401, R"({"kind":"Status","reason":"Unauthorized","message":"Unauthorized","code":401})");
  });
  ClusterConfig c = kube::testing::fake_config();
  c.token.clear();
  c.exec = ExecConfig{"client.authentication.k8s.io/v1", plugin, {}, {}, "", InteractiveMode::never, false};
  std::ostringstream err;
  Logger logger(err, 10);
  ClientOptions options = kube::testing::fake_options(clock);
  options.logger = &logger;
  Client client(c, fake, options);
  auto version = client.server_version();
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(version->minor, 34);
  EXPECT_EQ(fake->count("GET", "/version"), 2);

  // A credential the server keeps rejecting is re-run only once per request.
  fake->reply("GET", "/version", 401, R"({"kind":"Status","reason":"Unauthorized","message":"Unauthorized"})");
  auto rejected = client.server_version();
  ASSERT_FALSE(rejected);
  EXPECT_TRUE(rejected.error().unauthorized());
  EXPECT_EQ(fake->count("GET", "/version"), 4);
  EXPECT_NE(rejected.error().message.find("credentials of user \"admin\""), std::string::npos);
  logger.info("saw tok-1 and tok-2");
  EXPECT_NE(err.str().find("saw *** and ***"), std::string::npos) << err.str();
}

TEST_F(Auth, ExecPluginCertificatesBecomeTheRequestTls) {
  std::string plugin = write("cert.sh",
                             "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":"
                             "\"ExecCredential\",\"status\":{\"clientCertificateData\":\"CERT\","
                             "\"clientKeyData\":\"KEY\"}}'\n",
                             true);
  ClusterConfig c;
  c.tls.ca_file = "/ca.crt";
  c.exec = ExecConfig{"client.authentication.k8s.io/v1beta1", plugin, {}, {}, "", InteractiveMode::if_available,
                      false};
  Authenticator auth(c, make_posix_runner(), std::make_shared<FakeClock>(), nullptr);
  auto first = auth.current();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->authorization.empty());
  EXPECT_EQ(first->tls->client_cert_pem, "CERT");
  EXPECT_EQ(first->tls->client_key_pem, "KEY");
  EXPECT_EQ(first->tls->ca_file, "/ca.crt");
  EXPECT_EQ(auth.current()->tls.get(), first->tls.get());  // reused while unchanged
}

TEST_F(Auth, InsecureSkipVerifyIsWarnedAbout) {
  std::ostringstream err;
  Logger logger(err);
  ClusterConfig c = kube::testing::fake_config();
  c.tls.insecure_skip_verify = true;
  ClientOptions options;
  options.logger = &logger;
  Client client(c, std::make_shared<FakeTransport>(), options);
  EXPECT_NE(err.str().find("warning: insecure-skip-tls-verify (kubeconfig /tmp/kubeconfig, cluster \"fake\", or the flag)"),
            std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace aiplat::kube

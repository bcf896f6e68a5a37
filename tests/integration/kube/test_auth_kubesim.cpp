// Every auth mode kubesim supports, through real kubeconfig files and exec plugin scripts.
#include <sys/stat.h>

#include "kubesim_fixture.hpp"

namespace aiplat::kube::integration {
namespace {

constexpr const char* k_token = "integration-good-token-1";
constexpr const char* k_forbidden = "integration-forbidden-token";

class AuthKubesim : public KubesimSuite {
 protected:
  static void SetUpTestSuite() {
    aiplat::testing::KubesimOptions options;
    options.tokens = {k_token};
    options.extra_args = {"--forbidden-token", k_forbidden};
    start(options);
  }

  // The kubesim kubeconfig with the user replaced by `user`.
  static std::string with_user(const Json& user, const std::string& name) {
    Json config = kubeconfig_json();
    config["users"] = Json::array({{{"name", "admin"}, {"user", user}}});
    return write_kubeconfig(config, name);
  }

  static std::string script(const std::string& name, const std::string& body) {
    std::string path = s_sim->dir() + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    ::chmod(path.c_str(), 0755);
    return path;
  }

  static KubeResult<ServerVersion> version_with(const std::string& kubeconfig) {
    auto config = config_from(kubeconfig);
    if (!config) return kube_input_error(config.error().message);
    return client_for(*config)->server_version();
  }

  static int count_lines(const std::string& path) {
    std::ifstream in(path);
    int n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
  }
};

TEST_F(AuthKubesim, ClientCertificateFromInlineData) {
  auto v = version_with(s_sim->kubeconfig());
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->minor, 35);
}

TEST_F(AuthKubesim, ClientCertificateFromFilesWithRelativePaths) {
  Json config = kubeconfig_json();
  Json& user = config["users"][0]["user"];
  std::filesystem::create_directories(s_sim->dir() + "/pki");
  std::ofstream(s_sim->dir() + "/pki/admin.crt") << *base64_decode(user["client-certificate-data"].get<std::string>());
  std::ofstream(s_sim->dir() + "/pki/admin.key") << *base64_decode(user["client-key-data"].get<std::string>());
  std::ofstream(s_sim->dir() + "/pki/ca.crt")
      << *base64_decode(config["clusters"][0]["cluster"]["certificate-authority-data"].get<std::string>());
  user = Json{{"client-certificate", "pki/admin.crt"}, {"client-key", "pki/admin.key"}};
  config["clusters"][0]["cluster"].erase("certificate-authority-data");
  config["clusters"][0]["cluster"]["certificate-authority"] = "pki/ca.crt";
  auto v = version_with(write_kubeconfig(config, "files.kubeconfig"));
  ASSERT_TRUE(v) << v.error().message;
}

TEST_F(AuthKubesim, BearerTokenAndTokenFile) {
  auto v = version_with(with_user(Json{{"token", k_token}}, "token.kubeconfig"));
  ASSERT_TRUE(v) << v.error().message;
  std::ofstream(s_sim->dir() + "/token") << k_token << "\n";
  auto f = version_with(with_user(Json{{"tokenFile", "token"}}, "tokenfile.kubeconfig"));
  ASSERT_TRUE(f) << f.error().message;
}

TEST_F(AuthKubesim, WrongTokenIs401AndForbiddenIs403) {
  // /version may be public; a resource read is not.
  auto config = config_from(with_user(Json{{"token", "not-a-valid-token"}}, "wrong.kubeconfig"));
  ASSERT_TRUE(config);
  auto list = client_for(*config)->list({"", "v1", "Namespace"}, "");
  ASSERT_FALSE(list);
  EXPECT_TRUE(list.error().unauthorized()) << list.error().message;
  EXPECT_EQ(list.error().message.find("not-a-valid-token"), std::string::npos);

  auto forbidden_config = config_from(with_user(Json{{"token", k_forbidden}}, "forbidden.kubeconfig"));
  ASSERT_TRUE(forbidden_config);
  auto denied = client_for(*forbidden_config)->list({"", "v1", "Namespace"}, "");
  ASSERT_FALSE(denied);
  EXPECT_TRUE(denied.error().forbidden()) << denied.error().message;
}

TEST_F(AuthKubesim, ExecPluginV1AndV1beta1) {
  for (const char* version : {"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}) {
    std::string plugin = script("plugin.sh", fmt::format("echo '{{\"apiVersion\":\"{}\",\"kind\":\"ExecCredential\","
                                                         "\"status\":{{\"token\":\"{}\"}}}}'\n",
                                                         version, k_token));
    Json exec = {{"apiVersion", version}, {"command", "./plugin.sh"}, {"interactiveMode", "Never"}};
    auto config = config_from(with_user(Json{{"exec", exec}}, "exec.kubeconfig"));
    ASSERT_TRUE(config) << config.error().message;
    auto list = client_for(*config)->list({"", "v1", "Namespace"}, "");
    ASSERT_TRUE(list) << version << ": " << list.error().message;
  }
}

TEST_F(AuthKubesim, ExecPluginReRunsOnceAfter401AndWhenExpired) {
  std::string counter = s_sim->dir() + "/runs";
  std::remove(counter.c_str());
  // First run: a stale token (401); later runs: the good one, already expired, so each
  // request runs the plugin again.
  std::string plugin = script("rotating.sh", fmt::format(R"SH(echo run >> {0}
if [ "$(wc -l < {0})" -eq 1 ]; then tok=stale-token; else tok={1}; fi
echo '{{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{{"token":"'$tok'","expirationTimestamp":"2020-01-01T00:00:00Z"}}}}'
)SH",
                                                         counter, k_token));
  Json exec = {{"apiVersion", "client.authentication.k8s.io/v1"}, {"command", plugin}, {"interactiveMode", "Never"}};
  auto config = config_from(with_user(Json{{"exec", exec}}, "rotating.kubeconfig"));
  ASSERT_TRUE(config) << config.error().message;
  auto client = client_for(*config);
  auto first = client->raw_get("/api/v1/namespaces");  // one request, no discovery
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(count_lines(counter), 2);  // stale -> 401 -> re-run
  ASSERT_TRUE(client->raw_get("/api/v1/namespaces"));
  EXPECT_EQ(count_lines(counter), 3);  // expired credential -> re-run
}

TEST_F(AuthKubesim, MissingExecCommandShowsInstallHint) {
  Json exec = {{"apiVersion", "client.authentication.k8s.io/v1"},
               {"command", "aiplat-missing-login"},
               {"installHint", "get aiplat-missing-login from your admin"},
               {"interactiveMode", "Never"}};
  auto config = config_from(with_user(Json{{"exec", exec}}, "missing.kubeconfig"));
  ASSERT_TRUE(config);
  auto list = client_for(*config)->list({"", "v1", "Namespace"}, "");
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().message.find("get aiplat-missing-login from your admin"), std::string::npos)
      << list.error().message;
}

TEST_F(AuthKubesim, WrongCaNamesServerAndCaFile) {
  std::string dir = s_sim->dir();
  std::string cmd = fmt::format("openssl req -x509 -newkey rsa:2048 -nodes -keyout {0}/other.key -out {0}/other-ca.crt "
                                "-subj /CN=other-ca -days 1 >/dev/null 2>&1",
                                dir);
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "openssl CLI not available to make a second CA";
  Json config = kubeconfig_json();
  config["clusters"][0]["cluster"].erase("certificate-authority-data");
  config["clusters"][0]["cluster"]["certificate-authority"] = dir + "/other-ca.crt";
  auto cluster = config_from(write_kubeconfig(config, "wrong-ca.kubeconfig"));
  ASSERT_TRUE(cluster) << cluster.error().message;
  auto v = client_for(*cluster)->server_version();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().transport, TransportError::tls);
  EXPECT_NE(v.error().message.find(s_sim->url()), std::string::npos) << v.error().message;
  EXPECT_NE(v.error().message.find(dir + "/other-ca.crt"), std::string::npos) << v.error().message;
}

TEST_F(AuthKubesim, InsecureSkipVerifyOnlyFromKubeconfig) {
  Json config = kubeconfig_json();
  config["clusters"][0]["cluster"].erase("certificate-authority-data");
  config["clusters"][0]["cluster"]["insecure-skip-tls-verify"] = true;
  auto cluster = config_from(write_kubeconfig(config, "insecure.kubeconfig"));
  ASSERT_TRUE(cluster) << cluster.error().message;
  std::ostringstream err;
  Logger logger(err);
  ClientOptions options;
  options.logger = &logger;
  auto v = client_for(*cluster, options)->server_version();
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_NE(err.str().find("insecure-skip-tls-verify"), std::string::npos);
}

}  // namespace
}  // namespace aiplat::kube::integration

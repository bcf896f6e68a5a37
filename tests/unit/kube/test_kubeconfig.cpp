#include "kube/kubeconfig.hpp"

#include <gtest/gtest.h>

namespace aiplat::kube {
namespace {

const char* k_a = R"(apiVersion: v1
kind: Config
current-context: a
clusters:
- name: shared
  cluster:
    server: https://a.example:6443/
    certificate-authority: certs/ca.crt
- name: only-a
  cluster:
    server: https://only-a:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJU
users:
- name: admin
  user:
    client-certificate: admin.crt
    client-key: /abs/admin.key
contexts:
- name: a
  context: {cluster: shared, user: admin, namespace: apps}
)";

const char* k_b = R"(apiVersion: v1
kind: Config
current-context: b
clusters:
- name: shared
  cluster:
    server: https://b.example:6443
users:
- name: admin
  user:
    token: from-b
- name: token-user
  user:
    tokenFile: ../tokens/t
contexts:
- name: b
  context: {cluster: shared, user: token-user}
- name: a
  context: {cluster: only-a, user: admin}
)";

TEST(Kubeconfig, KubeconfigListMergesFirstFileWinsPerName) {
  MemoryFs fs;
  fs.add("/home/u/a/config", k_a);
  fs.add("/etc/b/config", k_b);
  KubeconfigOptions options;
  options.kubeconfig_env = "/home/u/a/config:/missing/file:/etc/b/config";
  auto merged = load_kubeconfig(options, fs);
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(merged->current_context, "a");  // first file that sets it
  EXPECT_EQ(merged->files, (std::vector<std::string>{"/home/u/a/config", "/etc/b/config"}));
  EXPECT_EQ(merged->clusters.at("shared")["server"], "https://a.example:6443/");
  EXPECT_EQ(merged->clusters.at("only-a")["server"], "https://only-a:6443");
  EXPECT_TRUE(merged->users.count("token-user"));

  auto config = resolve_cluster_config(*merged, options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "https://a.example:6443");  // trailing slash removed
  EXPECT_EQ(config->ns, "apps");
  // Relative paths are resolved against the file that holds them.
  EXPECT_EQ(config->tls.ca_file, "/home/u/a/certs/ca.crt");
  EXPECT_EQ(config->tls.client_cert_file, "/home/u/a/admin.crt");
  EXPECT_EQ(config->tls.client_key_file, "/abs/admin.key");
  EXPECT_TRUE(config->token.empty());  // user "admin" of the first file wins
}

TEST(Kubeconfig, ContextFlagPicksAnotherContextAndRelativeTokenFile) {
  MemoryFs fs;
  fs.add("/home/u/a/config", k_a);
  fs.add("/etc/b/config", k_b);
  KubeconfigOptions options;
  options.kubeconfig_env = "/etc/b/config:/home/u/a/config";
  options.context = "b";
  auto config = load_kubeconfig(options, fs).and_then([&](const Kubeconfig& k) {
    return resolve_cluster_config(k, options);
  });
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->server, "https://b.example:6443");
  EXPECT_EQ(config->token_file, "/etc/tokens/t");
  EXPECT_EQ(config->ns, "default");
  EXPECT_EQ(config->context_name, "b");
}

TEST(Kubeconfig, InlineDataIsDecoded) {
  MemoryFs fs;
  fs.add("/k", k_a);
  KubeconfigOptions options;
  options.explicit_path = "/k";
  auto merged = load_kubeconfig(options, fs);
  ASSERT_TRUE(merged);
  Kubeconfig k = *merged;
  k.contexts["x"] = Json{{"cluster", "only-a"}};
  options.context = "x";
  auto config = resolve_cluster_config(k, options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->tls.ca_pem, "-----BEGIN CERT");
  EXPECT_TRUE(config->tls.ca_file.empty());
}

TEST(Kubeconfig, ExplicitFileMustExistAndHomeIsTheFallback) {
  MemoryFs fs;
  fs.add("/home/u/.kube/config", k_a);
  KubeconfigOptions explicit_missing;
  explicit_missing.explicit_path = "/nope";
  auto missing = load_kubeconfig(explicit_missing, fs);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nope does not exist"), std::string::npos);
  EXPECT_EQ(missing.error().kind, ErrorKind::input);

  KubeconfigOptions home;
  home.home = "/home/u";
  auto merged = load_kubeconfig(home, fs);
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(merged->files, std::vector<std::string>{"/home/u/.kube/config"});

  KubeconfigOptions nothing;
  nothing.home = "/home/other";
  auto none = load_kubeconfig(nothing, fs);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("/home/other/.kube/config does not exist"), std::string::npos);
}

TEST(Kubeconfig, UnknownContextListsTheKnownOnes) {
  MemoryFs fs;
  fs.add("/k", k_b);
  KubeconfigOptions options;
  options.explicit_path = "/k";
  options.context = "prod";
  auto config = load_cluster_config(options, fs);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("context \"prod\" not found (contexts: a, b)"), std::string::npos)
      << config.error().message;
}

TEST(Kubeconfig, MissingReferencedFilesAreReportedTogether) {
  MemoryFs fs;
  fs.add("/home/u/a/config", k_a);
  KubeconfigOptions options;
  options.explicit_path = "/home/u/a/config";
  auto config = load_cluster_config(options, fs);
  ASSERT_FALSE(config);
  const std::string& m = config.error().message;
  EXPECT_NE(m.find("certificate-authority /home/u/a/certs/ca.crt does not exist"), std::string::npos) << m;
  EXPECT_NE(m.find("client-certificate /home/u/a/admin.crt does not exist"), std::string::npos) << m;
  EXPECT_NE(m.find("client-key /abs/admin.key does not exist"), std::string::npos) << m;
}

TEST(Kubeconfig, ExecSectionIsParsedAndValidated) {
  MemoryFs fs;
  fs.add("/cfg/k", R"(
current-context: c
clusters: [{name: c, cluster: {server: "https://x"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/plugin
      args: [token, --fast]
      env: [{name: A, value: "1"}]
      installHint: install it
      interactiveMode: Never
      provideClusterInfo: true
)");
  KubeconfigOptions options;
  options.explicit_path = "/cfg/k";
  auto config = load_cluster_config(options, fs);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_TRUE(config->exec);
  EXPECT_EQ(config->exec->command, "/cfg/bin/plugin");
  EXPECT_EQ(config->exec->args, (std::vector<std::string>{"token", "--fast"}));
  EXPECT_EQ(config->exec->env.at(0), (std::pair<std::string, std::string>{"A", "1"}));
  EXPECT_EQ(config->exec->interactive_mode, InteractiveMode::never);
  EXPECT_TRUE(config->exec->provide_cluster_info);

  fs.add("/cfg/bad", R"(
current-context: c
clusters: [{name: c, cluster: {server: "https://x"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: aws}}}]
)");
  options.explicit_path = "/cfg/bad";
  auto bad = load_cluster_config(options, fs);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("interactiveMode must be set"), std::string::npos) << bad.error().message;
}

TEST(Kubeconfig, InsecureWithCaIsRejectedAndParseErrorsNamePositions) {
  MemoryFs fs;
  fs.add("/k", R"(
current-context: c
clusters: [{name: c, cluster: {server: "https://x", insecure-skip-tls-verify: true, certificate-authority-data: QQ==}}]
contexts: [{name: c, context: {cluster: c}}]
)");
  KubeconfigOptions options;
  options.explicit_path = "/k";
  auto config = load_cluster_config(options, fs);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("insecure-skip-tls-verify is not allowed"), std::string::npos);

  fs.add("/broken", "clusters:\n- name: c\n  cluster: [\n");
  options.explicit_path = "/broken";
  auto broken = load_kubeconfig(options, fs);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("/broken:"), std::string::npos) << broken.error().message;

  fs.add("/noname", "clusters:\n- cluster: {server: x}\n");
  options.explicit_path = "/noname";
  auto noname = load_kubeconfig(options, fs);
  ASSERT_FALSE(noname);
  EXPECT_NE(noname.error().message.find("/noname:2:"), std::string::npos) << noname.error().message;
}

TEST(Kubeconfig, Base64) {
  EXPECT_EQ(*base64_decode("aGVsbG8gd29ybGQ="), "hello world");
  EXPECT_EQ(*base64_decode("aGVs\nbG8="), "hello");
  EXPECT_FALSE(base64_decode("a$b"));
}

}  // namespace
}  // namespace aiplat::kube

#pragma once
// kubeconfig loading with kubectl's rules:
//  1. --kubeconfig FILE: only that file (it must exist);
//  2. else KUBECONFIG, a ':'-separated list: maps are merged, the first file that
//     sets a cluster/user/context name (or current-context) wins; missing files are skipped;
//  3. else $HOME/.kube/config.
// Then --context (or current-context) picks the context, its cluster and user.
// Relative paths (certificate-authority, client-certificate, client-key, tokenFile,
// an exec command containing '/') are resolved against the directory of the file
// that defined them.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/http.hpp"
#include "util/yaml.hpp"

namespace aiplat::kube {

/// How an exec plugin may use the terminal (client.authentication.k8s.io interactiveMode).
enum class InteractiveMode { never, if_available, always };

/// users[].user.exec of a kubeconfig.
struct ExecConfig {
  std::string api_version;  ///< client.authentication.k8s.io/v1 or /v1beta1
  std::string command;      ///< resolved against the kubeconfig's directory when it contains '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  InteractiveMode interactive_mode = InteractiveMode::if_available;
  bool provide_cluster_info = false;
};

/// Everything needed to talk to one cluster as one user.
struct ClusterConfig {
  std::string server;         ///< "https://host:port" (no trailing '/')
  TlsConfig tls;              ///< CA, client cert/key (PEM or files), server name, insecure flag
  std::string proxy_url;
  std::string token;          ///< static bearer token
  std::string token_file;     ///< re-read when it changes (rotated service-account tokens)
  std::string username;       ///< basic auth (rare; kept for completeness)
  std::string password;
  std::optional<ExecConfig> exec;
  std::string context_name;
  std::string cluster_name;
  std::string user_name;
  std::string ns = "default";  ///< the context's namespace
  std::string source;          ///< which file(s) it came from, for messages
  /// clusters[].cluster.extensions["client.authentication.k8s.io/exec"].config, given to
  /// exec plugins with provideClusterInfo.
  Json exec_cluster_config;

  /// Every secret value (token, password, inline key) so a Logger can mask them.
  [[nodiscard]] std::vector<std::string> secrets() const;
};

/// Where to look and what to pick; mirrors kubectl's flags and environment.
struct KubeconfigOptions {
  std::string explicit_path;  ///< --kubeconfig
  std::string context;        ///< --context
  std::string kubeconfig_env; ///< value of $KUBECONFIG
  std::string home;           ///< value of $HOME
};

/// One merged view of all kubeconfig files; paths already made absolute.
struct Kubeconfig {
  std::string current_context;
  std::map<std::string, Json> clusters;  ///< name -> cluster map
  std::map<std::string, Json> users;     ///< name -> user map
  std::map<std::string, Json> contexts;  ///< name -> context map
  std::vector<std::string> files;        ///< files read, in precedence order
};

/// Reads and merges the files the rules select. A file that does not parse fails with file:line:col.
Result<Kubeconfig> load_kubeconfig(const KubeconfigOptions& options, Fs& fs);

/// Picks the context (options.context or current-context) and builds its ClusterConfig;
/// inline *-data is base64-decoded into PEM text.
Result<ClusterConfig> resolve_cluster_config(const Kubeconfig& config, const KubeconfigOptions& options);

/// load_kubeconfig + resolve_cluster_config.
Result<ClusterConfig> load_cluster_config(const KubeconfigOptions& options, Fs& fs);

/// Standard base64 decoding (kubeconfig *-data fields); fails on bad input.
Result<std::string> base64_decode(std::string_view text);

}  // namespace aiplat::kube

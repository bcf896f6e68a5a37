#pragma once
// Exec credential plugins (client.authentication.k8s.io v1 and v1beta1): runs the
// command through a ProcessRunner, parses ExecCredential.status, and caches the
// result until expirationTimestamp (or until invalidated after a 401).
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kube/kubeconfig.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/process.hpp"

namespace aiplat::kube {

/// What a plugin returned: a token, or a client certificate and key (PEM).
struct ExecCredential {
  std::string token;
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::optional<std::chrono::system_clock::time_point> expires;  ///< none: valid until a 401
};

/// Whether the caller's stdin is a terminal (for interactiveMode).
enum class StdinTerminal { no, yes };

class ExecCredentialProvider {
 public:
  ExecCredentialProvider(ExecConfig config, ClusterConfig cluster, std::shared_ptr<ProcessRunner> runner,
                         std::shared_ptr<Clock> clock, StdinTerminal stdin_terminal = StdinTerminal::no);

  /// The cached credential while it is valid, else a fresh one from the plugin.
  /// Errors never contain the plugin's stdout (it holds the secret).
  Result<ExecCredential> get();
  /// Forgets the cached credential (after a 401) so the next get() re-runs the plugin.
  void invalidate();
  /// How many times the plugin ran (for tests and -v logs).
  [[nodiscard]] int runs() const;

 private:
  Result<ExecCredential> run_plugin();
  ExecConfig m_config;
  ClusterConfig m_cluster;
  std::shared_ptr<ProcessRunner> m_runner;
  std::shared_ptr<Clock> m_clock;
  StdinTerminal m_stdin_terminal;
  mutable std::mutex m_mutex;
  std::optional<ExecCredential> m_cached;
  int m_runs = 0;
};

/// Parses a plugin's stdout; `api_version` is what the kubeconfig asked for.
Result<ExecCredential> parse_exec_credential(const std::string& out, const std::string& api_version);

/// The KUBERNETES_EXEC_INFO value for a plugin run.
std::string exec_info_json(const ExecConfig& config, const ClusterConfig& cluster, bool interactive);

}  // namespace aiplat::kube

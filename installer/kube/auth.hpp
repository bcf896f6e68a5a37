#pragma once
// Authentication of requests: client certificates (through TlsConfig), static
// bearer tokens, token files (re-read when they change) and exec plugins.
// The Authenticator fills the Authorization header and, for exec plugins that
// return certificates, the per-request TlsConfig.
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kube/exec_credential.hpp"
#include "kube/kubeconfig.hpp"
#include "util/clock.hpp"
#include "util/http.hpp"
#include "util/log.hpp"
#include "util/process.hpp"

namespace aiplat::kube {

/// Credentials applied to one request.
struct RequestAuth {
  std::string authorization;  ///< full header value ("Bearer ...", "Basic ..."), or empty
  std::shared_ptr<const TlsConfig> tls;
};

class Authenticator {
 public:
  /// `logger` may be null; when given, every secret it learns is registered with add_secret.
  Authenticator(const ClusterConfig& config, std::shared_ptr<ProcessRunner> runner, std::shared_ptr<Clock> clock,
                Logger* logger, StdinTerminal stdin_terminal = StdinTerminal::no);

  /// Credentials for the next request (may run an exec plugin or read a token file).
  Result<RequestAuth> current();
  /// Called on a 401: drops cached exec credentials. Returns true when a retry may succeed
  /// (there is something to refresh).
  bool refresh_after_unauthorized();

 private:
  void remember_secret(const std::string& secret);
  ClusterConfig m_config;
  std::shared_ptr<const TlsConfig> m_base_tls;
  std::unique_ptr<ExecCredentialProvider> m_exec;
  Logger* m_logger;
  std::mutex m_mutex;
  std::string m_file_token;
  std::filesystem::file_time_type m_file_mtime{};
  std::string m_exec_cert_key;                 ///< cert+key the current exec TLS was built from
  std::shared_ptr<const TlsConfig> m_exec_tls;
};

}  // namespace aiplat::kube

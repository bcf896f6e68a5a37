#pragma once
// Debian's docker-registry as a child process on 127.0.0.1 with its own config:
// in-memory or filesystem storage, optional htpasswd basic auth, optional TLS.
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "util/error.hpp"

namespace aiplat::testing {

struct RegistrySpec {
  std::string storage_dir;    ///< filesystem storage here; empty: in-memory
  std::string htpasswd_file;  ///< basic auth when set
  std::string tls_cert;       ///< TLS when set (with tls_key)
  std::string tls_key;
  int port = 0;               ///< 0: pick a free one
};

class RegistryProcess {
 public:
  static Result<std::unique_ptr<RegistryProcess>> start(const RegistrySpec& spec, const std::string& work_dir);
  ~RegistryProcess();
  /// "127.0.0.1:PORT"
  [[nodiscard]] const std::string& host() const { return m_host; }
  [[nodiscard]] int port() const { return m_spec.port; }
  /// SIGKILL, no cleanup: the registry dies as if the machine lost power.
  void kill_now();
  /// Starts it again on the same port with the same storage.
  Result<void> restart();
  [[nodiscard]] bool running() const { return m_pid > 0; }

 private:
  RegistryProcess() = default;
  Result<void> launch();
  RegistrySpec m_spec;
  std::string m_dir;
  std::string m_host;
  pid_t m_pid = -1;
};

/// A port on 127.0.0.1 nobody listens on right now.
int free_port();

/// Path of the test CA and a server cert for 127.0.0.1 made with the openssl CLI under `dir`.
struct TestPki {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
};
Result<TestPki> make_test_pki(const std::string& dir);

/// An htpasswd file (bcrypt) with one user, written by htpasswd -B.
Result<std::string> make_htpasswd(const std::string& dir, const std::string& user, const std::string& password);

}  // namespace aiplat::testing

#pragma once
// Starts tests/kubesim as a child process for integration tests and benchmarks:
// waits (bounded) for "kubesim ready https://127.0.0.1:PORT", exposes the URL and
// the kubeconfig it wrote, and stops it with SIGTERM (then SIGKILL) on destruction.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

#include "util/error.hpp"

namespace aiplat::testing {

struct KubesimOptions {
  std::string binary;                ///< default: AIPLAT_BINARY_DIR/kubesim, or $KUBESIM
  std::string minor = "1.35";
  int gpu_nodes = 0;
  double faults = 0.0;
  int latency_ms = 0;
  std::vector<std::string> tokens;   ///< --token for each
  std::vector<std::string> extra_args;
  std::chrono::milliseconds startup_timeout{30000};
};

class KubesimProcess {
 public:
  /// Starts kubesim in a fresh temp dir; fails with kubesim's stderr when it does not come up.
  static Result<std::unique_ptr<KubesimProcess>> start(const KubesimOptions& options = {});
  ~KubesimProcess();
  KubesimProcess(const KubesimProcess&) = delete;
  KubesimProcess& operator=(const KubesimProcess&) = delete;

  [[nodiscard]] const std::string& url() const { return m_url; }
  [[nodiscard]] const std::string& kubeconfig() const { return m_kubeconfig; }
  [[nodiscard]] const std::string& dir() const { return m_dir; }
  [[nodiscard]] const std::string& request_log() const { return m_request_log; }
  /// Lines of the request log ("METHOD TARGET STATUS").
  [[nodiscard]] std::vector<std::string> requests() const;
  /// Sends SIGTERM and waits (bounded); returns the exit status.
  int stop();

  /// Where the kubesim binary is expected; empty when it was not built.
  static std::string default_binary();

 private:
  KubesimProcess() = default;
  pid_t m_pid = -1;
  std::string m_url;
  std::string m_kubeconfig;
  std::string m_dir;
  std::string m_request_log;
};

}  // namespace aiplat::testing

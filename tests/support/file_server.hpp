#pragma once
// A minimal static-file HTTP/1.1 server on 127.0.0.1 for integration tests (mirrors, chart
// repositories): GET and HEAD of files below a root folder, 404 otherwise, one connection at
// a time, every request path recorded. Stopping it joins its thread.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aiplat::testing {

class FileServer {
 public:
  /// Serves `root` on an ephemeral loopback port.
  explicit FileServer(std::string root);
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;

  /// "http://127.0.0.1:<port>"
  [[nodiscard]] std::string url() const;
  [[nodiscard]] int port() const { return m_port; }
  /// "GET /path" of each request so far.
  [[nodiscard]] std::vector<std::string> requests() const;

 private:
  void serve();
  void handle(int fd);
  std::string m_root;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_requests;
};

}  // namespace aiplat::testing

#include "support/kubesim_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

extern char** environ;

namespace aiplat::testing {
namespace fsys = std::filesystem;

std::string KubesimProcess::default_binary() {
  if (const char* env = std::getenv("KUBESIM"); env && *env) return env;
#ifdef AIPLAT_BINARY_DIR
  std::string path = std::string(AIPLAT_BINARY_DIR) + "/kubesim";
  if (fsys::exists(path)) return path;
#endif
  return {};
}

Result<std::unique_ptr<KubesimProcess>> KubesimProcess::start(const KubesimOptions& options) {
  std::string binary = options.binary.empty() ? default_binary() : options.binary;
  if (binary.empty()) return failure("kubesim is not built (expected AIPLAT_BINARY_DIR/kubesim or $KUBESIM)");
  std::unique_ptr<KubesimProcess> p(new KubesimProcess());
  char pattern[] = "/tmp/aiplat-kubesim-XXXXXX";
  if (!::mkdtemp(pattern)) return failure(fmt::format("mkdtemp: {}", std::strerror(errno)));
  p->m_dir = pattern;
  p->m_kubeconfig = p->m_dir + "/kubeconfig";
  p->m_request_log = p->m_dir + "/requests.log";
  std::string err_path = p->m_dir + "/stderr";

  std::vector<std::string> args = {binary,          "--minor",         options.minor,  "--listen",
                                   "127.0.0.1:0",   "--kubeconfig-out", p->m_kubeconfig, "--request-log",
                                   p->m_request_log};
  if (options.gpu_nodes > 0) args.insert(args.end(), {"--gpu-nodes", std::to_string(options.gpu_nodes)});
  if (options.faults > 0) args.insert(args.end(), {"--faults", fmt::format("{}", options.faults)});
  if (options.latency_ms > 0) args.insert(args.end(), {"--latency-ms", std::to_string(options.latency_ms)});
  for (const std::string& t : options.tokens) args.insert(args.end(), {"--token", t});
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return failure(fmt::format("pipe: {}", std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = ::posix_spawn(&p->m_pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    p->m_pid = -1;
    return failure(fmt::format("cannot start {}: {}", binary, std::strerror(rc)));
  }

  // Read stdout until the ready line, bounded by the startup timeout.
  std::string buffer;
  auto deadline = std::chrono::steady_clock::now() + options.startup_timeout;
  while (p->m_url.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd fd{out[0], POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[512];
    ssize_t n = ::read(out[0], chunk, sizeof chunk);
    if (n <= 0) break;  // exited before becoming ready
    buffer.append(chunk, static_cast<std::size_t>(n));
    const std::string marker = "kubesim ready ";
    if (std::size_t at = buffer.find(marker); at != std::string::npos) {
      std::size_t end = buffer.find('\n', at);
      if (end != std::string::npos) p->m_url = buffer.substr(at + marker.size(), end - at - marker.size());
    }
  }
  ::close(out[0]);  // later output (none expected) goes to a closed pipe; kubesim ignores SIGPIPE or exits
  if (p->m_url.empty()) {
    p->stop();
    std::ifstream err(err_path);
    std::string text((std::istreambuf_iterator<char>(err)), {});
    return failure(fmt::format("kubesim did not become ready within {} ms: {}", options.startup_timeout.count(),
                               text.empty() ? buffer : text));
  }
  return p;
}

std::vector<std::string> KubesimProcess::requests() const {
  std::vector<std::string> lines;
  std::ifstream in(m_request_log);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

int KubesimProcess::stop() {
  if (m_pid <= 0) return 0;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {  // up to 10 s
    pid_t r = ::waitpid(m_pid, &status, WNOHANG);
    if (r == m_pid) {
      m_pid = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(m_pid, SIGKILL);
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
  return status;
}

KubesimProcess::~KubesimProcess() {
  stop();
  std::error_code ec;
  if (!m_dir.empty()) fsys::remove_all(m_dir, ec);
}

}  // namespace aiplat::testing

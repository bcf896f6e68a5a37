#include "registry_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "util/http.hpp"
#include "util/process.hpp"

extern char** environ;

namespace aiplat::testing {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

Result<std::unique_ptr<RegistryProcess>> RegistryProcess::start(const RegistrySpec& spec, const std::string& work_dir) {
  std::unique_ptr<RegistryProcess> p(new RegistryProcess());
  p->m_spec = spec;
  p->m_dir = work_dir;
  // A port picked free can be taken before the registry binds it; try a few.
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (spec.port == 0) p->m_spec.port = free_port();
    auto r = p->launch();
    if (r) return p;
    if (spec.port != 0 || attempt == 4) return tl::unexpected(r.error());
  }
  return failure("unreachable");
}

Result<void> RegistryProcess::launch() {
  m_host = fmt::format("127.0.0.1:{}", m_spec.port);
  std::string config = m_dir + fmt::format("/registry-{}.yml", m_spec.port);
  std::ofstream out(config);
  out << "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n";
  if (m_spec.storage_dir.empty()) {
    out << "  inmemory: {}\n";
  } else {
    out << "  filesystem:\n    rootdirectory: " << m_spec.storage_dir << "\n";
  }
  out << "  delete:\n    enabled: true\nhttp:\n  addr: " << m_host << "\n";
  if (!m_spec.tls_cert.empty()) {
    out << "  tls:\n    certificate: " << m_spec.tls_cert << "\n    key: " << m_spec.tls_key << "\n";
  }
  if (!m_spec.htpasswd_file.empty()) {
    out << "auth:\n  htpasswd:\n    realm: aiplat-test\n    path: " << m_spec.htpasswd_file << "\n";
  }
  out.close();
  std::string log = m_dir + fmt::format("/registry-{}.log", m_spec.port);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<std::string> args = {"/usr/bin/docker-registry", "serve", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = ::posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    m_pid = -1;
    return failure("cannot start /usr/bin/docker-registry");
  }
  // Ready when /v2/ answers anything (401 included); bounded.
  auto http = make_curl_transport(1);
  TlsConfig tls;
  tls.insecure_skip_verify = true;
  HttpRequest ping;
  ping.url = (m_spec.tls_cert.empty() ? "http://" : "https://") + m_host + "/v2/";
  ping.tls = &tls;
  ping.timeout = std::chrono::seconds(2);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      std::ifstream in(log);
      std::string text((std::istreambuf_iterator<char>(in)), {});
      return failure("docker-registry exited at start: " + text.substr(0, 2000));
    }
    HttpResponse r = http->send(ping);
    if (r.ok() && r.status > 0) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill_now();
  return failure("docker-registry did not answer on " + m_host + " within 30 s");
}

void RegistryProcess::kill_now() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGKILL);
  int status = 0;
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
}

Result<void> RegistryProcess::restart() {
  kill_now();
  return launch();
}

RegistryProcess::~RegistryProcess() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill_now();
  }
}

namespace {
Result<void> run_tool(const std::vector<std::string>& argv, const std::string& cwd) {
  auto runner = make_posix_runner();
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.timeout = std::chrono::seconds(60);
  auto r = runner->run(spec);
  if (!r) return tl::unexpected(r.error());
  if (r->exit_code != 0) return failure(argv[0] + " failed: " + r->err);
  return {};
}
}  // namespace

Result<TestPki> make_test_pki(const std::string& dir) {
  TestPki pki{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key"};
  std::ofstream(dir + "/san.ext") << "subjectAltName=IP:127.0.0.1\n";
  std::vector<std::vector<std::string>> steps = {
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
       "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=aiplat test CA"},
      {"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
       "-out", "server.csr", "-subj", "/CN=127.0.0.1"},
      {"openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
       "server.crt", "-days", "2", "-extfile", "san.ext"},
  };
  for (const auto& s : steps) {
    auto r = run_tool(s, dir);
    if (!r) return tl::unexpected(r.error());
  }
  return pki;
}

Result<std::string> make_htpasswd(const std::string& dir, const std::string& user, const std::string& password) {
  std::string path = dir + "/htpasswd";
  auto r = run_tool({"htpasswd", "-Bbc", path, user, password}, dir);
  if (!r) return tl::unexpected(r.error());
  return path;
}

}  // namespace aiplat::testing

#include "support/standin_mirror.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "util/process.hpp"

extern char** environ;

namespace aiplat::testing {
namespace fsys = std::filesystem;

namespace {
std::string script() { return std::string(AIPLAT_SOURCE_DIR) + "/tests/mirror/make_standin_mirror"; }
std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}
}  // namespace

std::string standin_mirror_dir() { return std::string(AIPLAT_BINARY_DIR) + "/standin-mirror"; }

std::string real_mirror_dir() { return std::string(AIPLAT_BINARY_DIR) + "/real-mirror"; }

std::string standin_cache_dir(const std::string& dir) { return dir + ".cache"; }

Result<void> ensure_standin_mirror(const std::string& dir, MirrorContent content) {
  std::string lock_path = dir + ".lock";
  int fd = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) return failure(fmt::format("cannot open {}: {}", lock_path, std::strerror(errno)));
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }  // closing releases the flock
  } unlock{fd};
  if (::flock(fd, LOCK_EX) != 0) return failure(fmt::format("cannot lock {}: {}", lock_path, std::strerror(errno)));
  // Complete (README is written last) and newer than the binary whose built-in catalog it stands in
  // for and than the generator itself.
  std::error_code ec, ec_binary, ec_script;
  auto made = fsys::last_write_time(dir + "/README", ec);
  auto binary = fsys::last_write_time(std::string(AIPLAT_BINARY_DIR) + "/aiplat", ec_binary);
  auto generator = fsys::last_write_time(script(), ec_script);
  if (!ec && !ec_binary && !ec_script && made > binary && made > generator) return {};
  // Charts cached from an older generation would be reused (same upstream coordinates): start clean.
  fsys::remove_all(standin_cache_dir(dir), ec);
  ProcessSpec spec;
  spec.argv = {script(), "generate", dir, "--aiplat", std::string(AIPLAT_BINARY_DIR) + "/aiplat"};
  if (content == MirrorContent::standins_only) spec.argv.push_back("--standins-only");
  spec.timeout = std::chrono::minutes(10);
  auto r = make_posix_runner()->run(spec);
  if (!r) return failure("cannot run " + script() + ": " + r.error().message);
  if (r->exit_code != 0) return failure(fmt::format("{} generate failed ({}): {}{}", script(), r->exit_code, r->out, r->err));
  return {};
}

Result<std::unique_ptr<StandinMirrorServer>> start_real_mirror() {
  const std::string dir = real_mirror_dir();
  if (auto made = ensure_standin_mirror(dir, MirrorContent::real_where_available); !made) {
    return tl::unexpected(made.error());
  }
  std::string readme = read_text(dir + "/README");
  if (readme.find("REAL upstream content") == std::string::npos) {
    return failure(dir + "/README does not list any real upstream content:\n" + readme);
  }
  return StandinMirrorServer::start(dir);
}

Result<std::unique_ptr<StandinMirrorServer>> StandinMirrorServer::start(const std::string& dir, int timeout_ms) {
  std::unique_ptr<StandinMirrorServer> s(new StandinMirrorServer());
  char pattern[] = "/tmp/aiplat-standin-XXXXXX";
  if (!::mkdtemp(pattern)) return failure(fmt::format("mkdtemp: {}", std::strerror(errno)));
  s->m_tmp = pattern;
  std::string ready = s->m_tmp + "/url";
  std::string log = s->m_tmp + "/serve.log";
  std::vector<std::string> args = {script(), "serve", dir, "--ready-file", ready};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = ::posix_spawn(&s->m_pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    s->m_pid = -1;
    return failure(fmt::format("cannot start {}: {}", args[0], std::strerror(rc)));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fsys::exists(ready)) {
      s->m_url = read_text(ready);
      while (!s->m_url.empty() && s->m_url.back() == '\n') s->m_url.pop_back();
      return s;
    }
    int status = 0;
    if (::waitpid(s->m_pid, &status, WNOHANG) == s->m_pid) {
      s->m_pid = -1;
      return failure("the stand-in mirror exited before serving: " + read_text(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string text = read_text(log);
  s->stop();
  return failure(fmt::format("the stand-in mirror did not serve within {} ms: {}", timeout_ms, text));
}

void StandinMirrorServer::stop() {
  if (m_pid <= 0) return;
  ::kill(m_pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {  // up to 10 s: it stops its registry first
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(m_pid, SIGKILL);
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
}

StandinMirrorServer::~StandinMirrorServer() {
  stop();
  std::error_code ec;
  if (!m_tmp.empty()) fsys::remove_all(m_tmp, ec);
}

}  // namespace aiplat::testing

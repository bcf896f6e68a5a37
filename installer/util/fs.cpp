#include "util/fs.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace aiplat {
namespace fsys = std::filesystem;

namespace {
std::string normalise(const std::string& path) {
  std::string p = fsys::path(path).lexically_normal().generic_string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (p == ".") p.clear();
  return p;
}
}  // namespace

Result<void> write_file_atomic(const fsys::path& path, std::string_view content) {
  std::error_code ec;
  if (path.has_parent_path()) fsys::create_directories(path.parent_path(), ec);
  fsys::path tmp = path;
  tmp += fmt::format(".tmp-{}", ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failure(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  const char* data = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return failure(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return failure(fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return failure(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
  }
  return {};
}

Result<std::string> RealFs::read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!fsys::exists(path)) return input_error(fmt::format("{}: no such file", path));
    return failure(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<void> RealFs::write_file(const std::string& path, std::string_view content) {
  return write_file_atomic(path, content);
}

bool RealFs::exists(const std::string& path) {
  std::error_code ec;
  return fsys::exists(path, ec);
}

bool RealFs::is_directory(const std::string& path) {
  std::error_code ec;
  return fsys::is_directory(path, ec);
}

Result<std::vector<std::string>> RealFs::list_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  fsys::recursive_directory_iterator it(dir, ec), end;
  if (ec) return input_error(fmt::format("{}: {}", dir, ec.message()));
  for (; it != end; it.increment(ec)) {
    if (ec) return failure(fmt::format("{}: {}", dir, ec.message()));
    if (it->is_regular_file()) out.push_back(fsys::relative(it->path(), dir).generic_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<void> RealFs::create_directories(const std::string& path) {
  std::error_code ec;
  fsys::create_directories(path, ec);
  if (ec) return failure(fmt::format("cannot create {}: {}", path, ec.message()));
  return {};
}

Result<void> RealFs::remove_all(const std::string& path) {
  std::error_code ec;
  fsys::remove_all(path, ec);
  if (ec) return failure(fmt::format("cannot remove {}: {}", path, ec.message()));
  return {};
}

void MemoryFs::add(const std::string& path, std::string content) {
  std::lock_guard lock(m_mutex);
  m_files[normalise(path)] = std::move(content);
}

Result<std::string> MemoryFs::read_file(const std::string& path) {
  std::lock_guard lock(m_mutex);
  std::string p = normalise(path);
  m_reads.push_back(p);
  auto it = m_files.find(p);
  if (it == m_files.end()) return input_error(fmt::format("{}: no such file", path));
  return it->second;
}

Result<void> MemoryFs::write_file(const std::string& path, std::string_view content) {
  std::lock_guard lock(m_mutex);
  std::string p = normalise(path);
  m_writes.push_back(p);
  m_files[p] = std::string(content);
  return {};
}

bool MemoryFs::exists(const std::string& path) {
  std::lock_guard lock(m_mutex);
  std::string p = normalise(path);
  if (m_files.count(p) || m_dirs.count(p)) return true;
  std::string prefix = p.empty() ? "" : p + "/";
  auto it = m_files.lower_bound(prefix);
  return it != m_files.end() && it->first.starts_with(prefix);
}

bool MemoryFs::is_directory(const std::string& path) {
  std::lock_guard lock(m_mutex);
  std::string p = normalise(path);
  if (m_dirs.count(p)) return true;
  std::string prefix = p.empty() ? "" : p + "/";
  auto it = m_files.lower_bound(prefix);
  return it != m_files.end() && it->first.starts_with(prefix);
}

Result<std::vector<std::string>> MemoryFs::list_files(const std::string& dir) {
  std::lock_guard lock(m_mutex);
  std::string p = normalise(dir);
  std::string prefix = p.empty() ? "" : p + "/";
  std::vector<std::string> out;
  for (auto it = m_files.lower_bound(prefix); it != m_files.end() && it->first.starts_with(prefix); ++it) {
    out.push_back(it->first.substr(prefix.size()));
  }
  return out;
}

Result<void> MemoryFs::create_directories(const std::string& path) {
  std::lock_guard lock(m_mutex);
  m_dirs.insert(normalise(path));
  return {};
}

Result<void> MemoryFs::remove_all(const std::string& path) {
  std::lock_guard lock(m_mutex);
  std::string p = normalise(path);
  std::string prefix = p + "/";
  for (auto it = m_files.begin(); it != m_files.end();) {
    if (it->first == p || it->first.starts_with(prefix)) it = m_files.erase(it);
    else ++it;
  }
  m_dirs.erase(p);
  return {};
}

std::vector<std::string> MemoryFs::reads() const {
  std::lock_guard lock(m_mutex);
  return m_reads;
}

std::vector<std::string> MemoryFs::writes() const {
  std::lock_guard lock(m_mutex);
  return m_writes;
}

}  // namespace aiplat

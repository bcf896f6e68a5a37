#include "util/file_identity.hpp"

#include <sys/stat.h>

namespace aiplat {
namespace {

std::int64_t nanos(const struct timespec& t) { return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }

FileIdentity from(const struct stat& st) {
  return FileIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                      static_cast<std::uint64_t>(st.st_size), nanos(st.st_mtim), nanos(st.st_ctim)};
}

}  // namespace

std::optional<FileIdentity> identity_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::nullopt;
  return from(st);
}

std::optional<FileIdentity> identity_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return from(st);
}

bool settled(const FileIdentity& id, std::chrono::system_clock::time_point now) {
  auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  auto window = std::chrono::duration_cast<std::chrono::nanoseconds>(k_racy_window).count();
  return id.mtime_ns <= now_ns - window && id.ctime_ns <= now_ns - window;
}

}  // namespace aiplat

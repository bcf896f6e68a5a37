#pragma once
// What a file is and when it last changed, to tell cheaply whether it changed since a
// moment of interest. Any write, truncate or rename-over changes the inode, size, mtime
// or ctime, and ctime cannot be set back by an unprivileged process. Timestamps have a
// coarse clock, so a file touched around the moment it was first looked at is "racy"
// (as git calls an index entry written in the same second as its file): its content
// cannot be vouched for by the identity alone and the caller must hash it instead.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace aiplat {

struct FileIdentity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

/// The identity of an open file or of a path (following links); nullopt when it cannot be read.
std::optional<FileIdentity> identity_of(int fd);
std::optional<FileIdentity> identity_of(const std::filesystem::path& path);

/// How long before `now` a file must have last changed for its identity to vouch for it:
/// above any timestamp granularity in use (FAT keeps 2 s).
inline constexpr std::chrono::seconds k_racy_window{3};

/// True when `id` last changed at least k_racy_window before `now`.
bool settled(const FileIdentity& id, std::chrono::system_clock::time_point now);

}  // namespace aiplat

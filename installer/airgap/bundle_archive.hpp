#pragma once
// The bundle's container: a zstd-compressed POSIX tar written and read through
// libarchive, streaming, one entry at a time. The reader refuses every entry that is
// not a plain file or directory with a safe relative name.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

struct archive;

namespace aiplat::airgap {

/// Checks that a name inside a bundle is relative, has no "..", "." or empty parts and only
/// letters, digits and "._-+@" besides "/".
Result<void> check_bundle_path(std::string_view path);

class ArchiveWriter {
 public:
  /// Starts a zstd tar at `path` (the caller renames it into place once closed).
  /// `zstd_threads` > 0 compresses on that many zstd worker threads (libzstd multi-threading),
  /// so compression overlaps the reading of the next blob; 0 compresses on the calling thread.
  static Result<ArchiveWriter> create(const std::filesystem::path& path, int zstd_level = 1, int zstd_threads = 0);
  ArchiveWriter(ArchiveWriter&&) noexcept;
  ~ArchiveWriter();
  Result<void> add_memory(const std::string& name, std::string_view content);
  /// Streams a file from disk; `on_bytes` is told how many bytes went in.
  Result<void> add_file(const std::string& name, const std::filesystem::path& source,
                        const std::function<void(std::uint64_t)>& on_bytes = {});
  Result<void> close();

 private:
  ArchiveWriter() = default;
  Result<void> header(const std::string& name, std::uint64_t size);
  struct archive* m_archive = nullptr;
  std::filesystem::path m_path;
};

enum class EntryType { file, directory };

struct ArchiveEntry {
  std::string path;  ///< without a leading "./"
  EntryType type = EntryType::file;
  std::uint64_t size = 0;
};

class ArchiveReader {
 public:
  static Result<ArchiveReader> open(const std::filesystem::path& path);
  ArchiveReader(ArchiveReader&&) noexcept;
  ~ArchiveReader();
  /// The next entry, or nullopt at the end. Unsafe names, links and device files are errors.
  Result<std::optional<ArchiveEntry>> next();
  /// Streams the data of the current entry to `sink` in chunks.
  Result<void> read(const std::function<Result<void>(std::string_view)>& sink);

 private:
  ArchiveReader() = default;
  struct archive* m_archive = nullptr;
  std::string m_name;
  std::string m_current;
};

}  // namespace aiplat::airgap

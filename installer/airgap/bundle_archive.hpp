#pragma once
// The bundle's container: a POSIX tar written and read through libarchive, streaming,
// one entry at a time, over the zstd layer of zstd_frames.hpp (each entry's data starts
// a zstd frame). The reader refuses every entry that is not a plain file or directory
// with a safe relative name, and records where each frame starts.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airgap/zstd_frames.hpp"
#include "util/error.hpp"

struct archive;

namespace aiplat::airgap {

/// Checks that a name inside a bundle is relative, has no "..", "." or empty parts and only
/// letters, digits and "._-+@" besides "/".
Result<void> check_bundle_path(std::string_view path);

class ArchiveWriter {
 public:
  /// Starts a zstd tar at `path` (the caller renames it into place once closed).
  /// `zstd_threads` > 0 compresses the frames that compress on that many libzstd worker
  /// threads; 0 compresses on the calling thread.
  static Result<ArchiveWriter> create(const std::filesystem::path& path, int zstd_level = 1, int zstd_threads = 0);
  ArchiveWriter(ArchiveWriter&&) noexcept;
  ~ArchiveWriter();
  Result<void> add_memory(const std::string& name, std::string_view content);
  /// Streams a file from disk; `on_bytes` is told how many bytes went in.
  Result<void> add_file(const std::string& name, const std::filesystem::path& source,
                        const std::function<void(std::uint64_t)>& on_bytes = {});
  /// An entry streamed in pieces: begin_entry, write until `size` bytes, end_entry.
  Result<void> begin_entry(const std::string& name, std::uint64_t size);
  Result<void> write(std::string_view data);
  Result<void> end_entry();
  Result<void> close();
  /// Frames stored raw because their data did not compress.
  [[nodiscard]] std::size_t stored_frames() const { return m_zstd ? m_zstd->stored_frames() : 0; }

 private:
  ArchiveWriter() = default;
  struct archive* m_archive = nullptr;
  std::unique_ptr<ZstdFrameWriter> m_zstd;
  std::filesystem::path m_path;
  std::uint64_t m_entry_left = 0;
  std::string m_entry;
};

enum class EntryType { file, directory };

struct ArchiveEntry {
  std::string path;  ///< without a leading "./"
  EntryType type = EntryType::file;
  std::uint64_t size = 0;
  std::uint64_t data_offset = 0;  ///< where the data starts in the uncompressed tar stream
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
  /// The zstd frames started so far (complete once next() has returned nullopt).
  [[nodiscard]] const std::vector<FrameStart>& frames() const;

 private:
  ArchiveReader() = default;
  struct archive* m_archive = nullptr;
  struct Source;
  std::unique_ptr<Source> m_source;  // libarchive's read callback holds its address
  std::string m_name;
  std::string m_current;
};

}  // namespace aiplat::airgap

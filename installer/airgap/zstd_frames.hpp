#pragma once
// The bundle's compression layer, under libarchive's tar writer and reader: one zstd
// stream made of several frames. The writer starts a new frame where each entry's data
// starts, and stores a frame whose start does not compress in raw blocks (layers are
// compressed already, so running the compressor over them only burns CPU). The reader
// records where every frame starts, so a blob can later be read straight from its own
// frame, in parallel with others, without decompressing what precedes it.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airgap/async_writer.hpp"
#include "util/error.hpp"
#include "util/file_identity.hpp"

namespace aiplat::airgap {

/// Where a zstd frame starts: in the file and in the decompressed stream.
struct FrameStart {
  std::uint64_t compressed = 0;
  std::uint64_t uncompressed = 0;
};

class ZstdFrameWriter {
 public:
  /// Creates `path`. `level` is zstd's (negative: the fast modes); `threads` > 0 compresses
  /// the frames that do compress on that many libzstd worker threads.
  static Result<std::unique_ptr<ZstdFrameWriter>> create(const std::filesystem::path& path, int level, int threads);
  ~ZstdFrameWriter();
  ZstdFrameWriter(const ZstdFrameWriter&) = delete;
  ZstdFrameWriter& operator=(const ZstdFrameWriter&) = delete;

  Result<void> write(std::string_view data);
  /// Ends the current frame: the next byte written starts a new one.
  Result<void> end_frame();
  /// Ends the last frame and closes the file.
  Result<void> close();
  /// Frames stored raw so far (for tests and progress notes).
  [[nodiscard]] std::size_t stored_frames() const { return m_stored_frames; }

 private:
  enum class Mode { undecided, compressed, stored };
  ZstdFrameWriter() = default;
  Result<void> decide();
  Result<void> feed(std::string_view data);
  Result<void> compress(std::string_view data, bool end);
  Result<void> store(std::string_view data);
  Result<void> output(std::string_view bytes);

  std::unique_ptr<AsyncWriter> m_file;
  std::filesystem::path m_path;
  int m_level = 1;
  struct Contexts;
  std::unique_ptr<Contexts> m_zstd;
  Mode m_mode = Mode::undecided;
  std::string m_probe;  ///< the start of the frame, until the mode is decided
  std::size_t m_stored_frames = 0;
};

class ZstdFrameReader {
 public:
  /// Opens `path` for reading from `start` (a frame start recorded by an earlier pass; the
  /// default is the beginning of the file).
  static Result<std::unique_ptr<ZstdFrameReader>> open(const std::filesystem::path& path, FrameStart start = {});
  ~ZstdFrameReader();
  ZstdFrameReader(const ZstdFrameReader&) = delete;
  ZstdFrameReader& operator=(const ZstdFrameReader&) = delete;

  /// Decompressed bytes into `buffer`; 0 at the clean end of the file. Damaged or truncated
  /// data is an input error naming the file.
  Result<std::size_t> read(char* buffer, std::size_t size);
  /// Every frame started so far, in order.
  [[nodiscard]] const std::vector<FrameStart>& frames() const { return m_frames; }
  /// The open file's identity now (nullopt if fstat fails).
  [[nodiscard]] std::optional<FileIdentity> identity() const { return identity_of(m_fd); }

 private:
  ZstdFrameReader() = default;
  int m_fd = -1;
  std::string m_name;
  struct Context;
  std::unique_ptr<Context> m_zstd;
  std::vector<char> m_in;
  std::size_t m_in_pos = 0;
  std::size_t m_in_size = 0;
  std::uint64_t m_in_offset = 0;  ///< file offset of m_in[0]
  std::uint64_t m_produced = 0;   ///< uncompressed offset reached
  bool m_in_frame = false;
  bool m_eof = false;
  std::vector<FrameStart> m_frames;
};

/// The last frame starting at or before uncompressed offset `offset` (frames in order).
FrameStart frame_containing(const std::vector<FrameStart>& frames, std::uint64_t offset);

}  // namespace aiplat::airgap

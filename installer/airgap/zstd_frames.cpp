#include "airgap/zstd_frames.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <zstd.h>

namespace aiplat::airgap {
namespace {

constexpr std::size_t k_probe = 256 * 1024;      // how much of a frame decides its mode
constexpr std::size_t k_raw_block = 128 * 1024;  // zstd's largest block
constexpr std::size_t k_out = 1 << 20;  // bytes handed to the writer thread at a time
constexpr std::size_t k_in = 1 << 20;
// A frame is stored when compressing its start saves less than this share of it.
constexpr double k_min_saving = 0.03;

std::string zstd_message(std::size_t code) { return ZSTD_getErrorName(code); }

void put_le24(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>((v >> 16) & 0xff));
}

}  // namespace

struct ZstdFrameWriter::Contexts {
  ZSTD_CCtx* stream = nullptr;
  ZSTD_CCtx* trial = nullptr;
  std::string scratch;  // trial output
  std::string buffer;   // stream output
  ~Contexts() {
    ZSTD_freeCCtx(stream);
    ZSTD_freeCCtx(trial);
  }
};

Result<std::unique_ptr<ZstdFrameWriter>> ZstdFrameWriter::create(const std::filesystem::path& path, int level,
                                                                 int threads) {
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel() || level == 0) {
    return input_error("zstd level " + std::to_string(level) + " is not supported (use " +
                       std::to_string(ZSTD_minCLevel()) + " to -1 or 1 to " + std::to_string(ZSTD_maxCLevel()) + ")");
  }
  std::unique_ptr<ZstdFrameWriter> w(new ZstdFrameWriter());
  w->m_path = path;
  w->m_level = level;
  w->m_zstd = std::make_unique<Contexts>();
  w->m_zstd->stream = ZSTD_createCCtx();
  w->m_zstd->trial = ZSTD_createCCtx();
  if (!w->m_zstd->stream || !w->m_zstd->trial) return failure("cannot allocate a zstd compressor");
  ZSTD_CCtx_setParameter(w->m_zstd->stream, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(w->m_zstd->trial, ZSTD_c_compressionLevel, level);
  if (threads > 0) {
    std::size_t rc = ZSTD_CCtx_setParameter(w->m_zstd->stream, ZSTD_c_nbWorkers, threads);
    if (ZSTD_isError(rc)) return failure("libzstd cannot compress on threads: " + zstd_message(rc));
  }
  w->m_zstd->scratch.resize(ZSTD_compressBound(k_probe));
  w->m_zstd->buffer.resize(ZSTD_CStreamOutSize());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return failure("cannot create " + path.string() + ": " + std::strerror(errno));
  // Room for a full buffer plus one more raw block or compressor output, so buffers never regrow.
  w->m_file = std::make_unique<AsyncWriter>(fd, path.string(), k_out + 2 * k_raw_block + ZSTD_CStreamOutSize());
  return w;
}

ZstdFrameWriter::~ZstdFrameWriter() = default;

Result<void> ZstdFrameWriter::write(std::string_view data) {
  if (m_mode == Mode::undecided) {
    std::size_t take = std::min(data.size(), k_probe - m_probe.size());
    m_probe.append(data.substr(0, take));
    data.remove_prefix(take);
    if (m_probe.size() < k_probe) return {};
    auto d = decide();
    if (!d) return d;
  }
  return feed(data);
}

Result<void> ZstdFrameWriter::decide() {
  // Compressing the probe once tells whether the frame is worth the compressor's time.
  std::size_t n = ZSTD_compress2(m_zstd->trial, m_zstd->scratch.data(), m_zstd->scratch.size(), m_probe.data(),
                                 m_probe.size());
  bool stored = ZSTD_isError(n) || static_cast<double>(n) > static_cast<double>(m_probe.size()) * (1.0 - k_min_saving);
  m_mode = stored ? Mode::stored : Mode::compressed;
  if (stored) {
    ++m_stored_frames;
    // Frame header: magic, descriptor (no content size, checksum or dictionary), window 128 KiB.
    static constexpr char header[] = {'\x28', '\xb5', '\x2f', '\xfd', '\x00', '\x38'};
    auto o = output(std::string_view(header, sizeof header));
    if (!o) return o;
  }
  std::string probe = std::move(m_probe);
  m_probe.clear();
  return feed(probe);
}

Result<void> ZstdFrameWriter::feed(std::string_view data) {
  if (data.empty()) return {};
  return m_mode == Mode::stored ? store(data) : compress(data, false);
}

Result<void> ZstdFrameWriter::compress(std::string_view data, bool end) {
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::string& buffer = m_zstd->buffer;
  for (;;) {
    ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
    std::size_t left = ZSTD_compressStream2(m_zstd->stream, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
    if (ZSTD_isError(left)) return failure("compressing " + m_path.string() + ": " + zstd_message(left));
    auto o = output(std::string_view(buffer.data(), out.pos));
    if (!o) return o;
    if (end ? left == 0 : in.pos == in.size) return {};
  }
}

Result<void> ZstdFrameWriter::store(std::string_view data) {
  // Each piece as it comes, in raw blocks of at most 128 KiB: one copy, no compressor.
  while (!data.empty()) {
    std::size_t take = std::min(data.size(), k_raw_block);
    std::string& out = m_file->buffer();
    // Block header, little-endian: bit 0 last block, bits 1-2 type (0: raw), bits 3-23 size.
    put_le24(out, static_cast<std::uint32_t>(take << 3));
    out.append(data.substr(0, take));
    data.remove_prefix(take);
    if (out.size() >= k_out) {
      auto r = m_file->submit();
      if (!r) return r;
    }
  }
  return {};
}

Result<void> ZstdFrameWriter::end_frame() {
  if (m_mode == Mode::undecided) {
    if (m_probe.empty()) return {};  // nothing since the last frame ended
    auto d = decide();
    if (!d) return d;
  }
  Result<void> r;
  if (m_mode == Mode::stored) {
    static constexpr char last_empty_block[] = {'\x01', '\x00', '\x00'};
    r = output(std::string_view(last_empty_block, sizeof last_empty_block));
  } else {
    r = compress({}, true);
  }
  m_mode = Mode::undecided;
  return r;
}

Result<void> ZstdFrameWriter::output(std::string_view bytes) {
  std::string& out = m_file->buffer();
  out.append(bytes);
  if (out.size() >= k_out) return m_file->submit();
  return {};
}

Result<void> ZstdFrameWriter::close() {
  auto r = end_frame();
  auto f = m_file->finish();
  return r ? f : r;
}

struct ZstdFrameReader::Context {
  ZSTD_DCtx* dctx = nullptr;
  ~Context() { ZSTD_freeDCtx(dctx); }
};

Result<std::unique_ptr<ZstdFrameReader>> ZstdFrameReader::open(const std::filesystem::path& path, FrameStart start) {
  std::unique_ptr<ZstdFrameReader> r(new ZstdFrameReader());
  r->m_name = path.string();
  r->m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->m_fd < 0) return input_error(r->m_name + ": cannot open: " + std::strerror(errno));
  if (start.compressed > 0 && ::lseek(r->m_fd, static_cast<off_t>(start.compressed), SEEK_SET) < 0) {
    return failure(r->m_name + ": cannot seek: " + std::strerror(errno));
  }
  r->m_zstd = std::make_unique<Context>();
  r->m_zstd->dctx = ZSTD_createDCtx();
  if (!r->m_zstd->dctx) return failure("cannot allocate a zstd decompressor");
  r->m_in.resize(k_in);
  r->m_in_offset = start.compressed;
  r->m_produced = start.uncompressed;
  return r;
}

ZstdFrameReader::~ZstdFrameReader() {
  if (m_fd >= 0) ::close(m_fd);
}

Result<std::size_t> ZstdFrameReader::read(char* buffer, std::size_t size) {
  ZSTD_outBuffer out{buffer, size, 0};
  while (out.pos == 0 && size > 0) {
    if (m_in_pos == m_in_size) {
      if (m_eof) {
        if (m_in_frame) return input_error(m_name + ": the zstd data is truncated");
        return std::size_t{0};
      }
      m_in_offset += m_in_size;
      ssize_t n;
      do {
        n = ::read(m_fd, m_in.data(), m_in.size());
      } while (n < 0 && errno == EINTR);
      if (n < 0) return failure(m_name + ": read failed: " + std::strerror(errno));
      m_in_pos = 0;
      m_in_size = static_cast<std::size_t>(n);
      if (n == 0) m_eof = true;
      continue;
    }
    if (!m_in_frame) {
      m_frames.push_back({m_in_offset + m_in_pos, m_produced});
      m_in_frame = true;
    }
    ZSTD_inBuffer in{m_in.data(), m_in_size, m_in_pos};
    std::size_t rc = ZSTD_decompressStream(m_zstd->dctx, &out, &in);
    m_in_pos = in.pos;
    if (ZSTD_isError(rc)) return input_error(m_name + ": damaged zstd data (" + zstd_message(rc) + ")");
    if (rc == 0) m_in_frame = false;  // the frame is complete; whatever follows starts the next
  }
  m_produced += out.pos;
  return out.pos;
}

FrameStart frame_containing(const std::vector<FrameStart>& frames, std::uint64_t offset) {
  auto it = std::upper_bound(frames.begin(), frames.end(), offset,
                             [](std::uint64_t o, const FrameStart& f) { return o < f.uncompressed; });
  if (it == frames.begin()) return {};
  return *std::prev(it);
}

}  // namespace aiplat::airgap

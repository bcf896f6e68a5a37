#include "airgap/bundle_archive.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

namespace aiplat::airgap {
namespace {

std::string archive_message(struct archive* a) {
  const char* m = archive_error_string(a);
  return m ? m : "unknown libarchive error";
}

bool link_escapes(const std::string& entry, const std::string& target) {
  if (target.empty() || target.front() == '/') return true;
  // Resolve relative to the entry's directory and see whether it climbs out of the root.
  int depth = 0;
  std::size_t start = 0;
  std::string dir = entry.find('/') == std::string::npos ? "" : entry.substr(0, entry.rfind('/'));
  for (std::size_t i = 0; i <= dir.size() && !dir.empty(); ++i) {
    if (i == dir.size() || dir[i] == '/') ++depth;
  }
  while (start <= target.size()) {
    std::size_t end = target.find('/', start);
    std::string part = target.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part == "..") {
      if (--depth < 0) return true;
    } else if (!part.empty() && part != ".") {
      ++depth;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace

Result<void> check_bundle_path(std::string_view path) {
  std::string p(path);
  if (p.empty()) return input_error("an entry has an empty name");
  if (p.front() == '/') return input_error("entry \"" + p + "\" has an absolute path");
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find('/', start);
    std::string part = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part == "..") return input_error("entry \"" + p + "\" climbs out of the bundle with \"..\"");
    if (part.empty() || part == ".") return input_error("entry \"" + p + "\" has an empty or \".\" path component");
    for (char c : part) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-' || c == '+' || c == '@';
      if (!ok) return input_error("entry \"" + p + "\" has a character outside [A-Za-z0-9._+@-]");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

namespace {

la_ssize_t write_to_zstd(struct archive* a, void* client, const void* buffer, size_t length) {
  auto r = static_cast<ZstdFrameWriter*>(client)->write(std::string_view(static_cast<const char*>(buffer), length));
  if (!r) {
    archive_set_error(a, EINVAL, "%s", r.error().message.c_str());
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

}  // namespace

Result<ArchiveWriter> ArchiveWriter::create(const std::filesystem::path& path, int zstd_level, int zstd_threads) {
  ArchiveWriter w;
  w.m_path = path;
  auto zstd = ZstdFrameWriter::create(path, zstd_level, zstd_threads);
  if (!zstd) return tl::unexpected(zstd.error());
  w.m_zstd = std::move(*zstd);
  w.m_archive = archive_write_new();
  if (archive_write_set_format_pax_restricted(w.m_archive) != ARCHIVE_OK) {
    return failure("libarchive cannot write a tar: " + archive_message(w.m_archive));
  }
  // No blocking: each header reaches the zstd layer at once, so a frame can end right after it.
  archive_write_set_bytes_per_block(w.m_archive, 0);
  if (archive_write_open(w.m_archive, w.m_zstd.get(), nullptr, write_to_zstd, nullptr) != ARCHIVE_OK) {
    return failure("cannot write " + path.string() + ": " + archive_message(w.m_archive));
  }
  return w;
}

ArchiveWriter::ArchiveWriter(ArchiveWriter&& other) noexcept
    : m_archive(std::exchange(other.m_archive, nullptr)),
      m_zstd(std::move(other.m_zstd)),
      m_path(std::move(other.m_path)),
      m_entry_left(other.m_entry_left),
      m_entry(std::move(other.m_entry)) {}

ArchiveWriter::~ArchiveWriter() {
  if (m_archive) archive_write_free(m_archive);
}

Result<void> ArchiveWriter::begin_entry(const std::string& name, std::uint64_t size) {
  if (m_entry_left > 0) return failure("internal error: " + m_entry + " was left unfinished");
  auto safe = check_bundle_path(name);
  if (!safe) return safe;
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name.c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(size));
  archive_entry_set_mtime(e, 0, 0);  // reproducible archives
  int rc = archive_write_header(m_archive, e);
  archive_entry_free(e);
  if (rc != ARCHIVE_OK) return failure("writing " + m_path.string() + ": " + archive_message(m_archive));
  m_entry = name;
  m_entry_left = size;
  // The data starts a frame of its own: load reads each blob straight from it.
  return m_zstd->end_frame();
}

Result<void> ArchiveWriter::write(std::string_view data) {
  if (data.size() > m_entry_left) return failure("internal error: more data than announced for " + m_entry);
  if (!data.empty() && archive_write_data(m_archive, data.data(), data.size()) < 0) {
    return failure("writing " + m_path.string() + ": " + archive_message(m_archive));
  }
  m_entry_left -= data.size();
  return {};
}

Result<void> ArchiveWriter::end_entry() {
  if (m_entry_left > 0) return failure(m_entry + ": " + std::to_string(m_entry_left) + " bytes short");
  return {};
}

Result<void> ArchiveWriter::add_memory(const std::string& name, std::string_view content) {
  auto r = begin_entry(name, content.size());
  if (r) r = write(content);
  if (r) r = end_entry();
  return r;
}

Result<void> ArchiveWriter::add_file(const std::string& name, const std::filesystem::path& source,
                                     const std::function<void(std::uint64_t)>& on_bytes) {
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(source, ec);
  if (ec) return failure("reading " + source.string() + ": " + ec.message());
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(source.c_str(), "rb"), &std::fclose);
  if (!f) return failure("cannot read " + source.string());
  auto r = begin_entry(name, size);
  if (!r) return r;
  std::vector<char> buffer(1 << 20);
  std::uint64_t done = 0;
  while (done < size) {
    std::size_t n = std::fread(buffer.data(), 1, static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - done)), f.get());
    if (n == 0) break;
    r = write(std::string_view(buffer.data(), n));
    if (!r) return r;
    done += n;
    if (on_bytes) on_bytes(n);
  }
  if (done != size) return failure(source.string() + " changed size while being archived");
  return end_entry();
}

Result<void> ArchiveWriter::close() {
  if (m_entry_left > 0) return failure(m_entry + ": " + std::to_string(m_entry_left) + " bytes short");
  if (archive_write_close(m_archive) != ARCHIVE_OK) {
    return failure("finishing " + m_path.string() + ": " + archive_message(m_archive));
  }
  archive_write_free(m_archive);
  m_archive = nullptr;
  return m_zstd->close();
}

namespace {

struct ZstdSource {
  std::unique_ptr<ZstdFrameReader> zstd;
  std::vector<char> buffer = std::vector<char>(1 << 20);
};

la_ssize_t read_from_zstd(struct archive* a, void* client, const void** buffer) {
  auto* source = static_cast<ZstdSource*>(client);
  auto n = source->zstd->read(source->buffer.data(), source->buffer.size());
  if (!n) {
    archive_set_error(a, EINVAL, "%s", n.error().message.c_str());
    return -1;
  }
  *buffer = source->buffer.data();
  return static_cast<la_ssize_t>(*n);
}

}  // namespace

struct ArchiveReader::Source : ZstdSource {};

Result<ArchiveReader> ArchiveReader::open(const std::filesystem::path& path) {
  ArchiveReader r;
  r.m_name = path.string();
  auto zstd = ZstdFrameReader::open(path);
  if (!zstd) return tl::unexpected(zstd.error());
  r.m_source = std::make_unique<Source>();
  r.m_source->zstd = std::move(*zstd);
  r.m_archive = archive_read_new();
  archive_read_support_format_tar(r.m_archive);
  if (archive_read_open(r.m_archive, static_cast<ZstdSource*>(r.m_source.get()), nullptr, read_from_zstd, nullptr) != ARCHIVE_OK) {
    return input_error(r.m_name + ": cannot open as a zstd tar: " + archive_message(r.m_archive));
  }
  return r;
}

const std::vector<FrameStart>& ArchiveReader::frames() const { return m_source->zstd->frames(); }

ArchiveReader::ArchiveReader(ArchiveReader&& other) noexcept
    : m_archive(std::exchange(other.m_archive, nullptr)),
      m_source(std::move(other.m_source)),
      m_name(std::move(other.m_name)),
      m_current(std::move(other.m_current)) {}

ArchiveReader::~ArchiveReader() {
  if (m_archive) archive_read_free(m_archive);
}

Result<std::optional<ArchiveEntry>> ArchiveReader::next() {
  archive_entry* e = nullptr;
  int rc = archive_read_next_header(m_archive, &e);
  if (rc == ARCHIVE_EOF) return std::optional<ArchiveEntry>();
  if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
    return input_error(m_name + ": the archive is damaged or truncated (" + archive_message(m_archive) + ")");
  }
  ArchiveEntry entry;
  const char* raw = archive_entry_pathname(e);
  entry.path = raw ? raw : "";
  while (entry.path.starts_with("./")) entry.path.erase(0, 2);
  m_current = entry.path;
  std::string where = m_name + ": entry \"" + entry.path + "\"";
  if (!entry.path.empty() && entry.path.back() == '/') entry.path.pop_back();
  auto safe = check_bundle_path(entry.path);
  if (!safe) return input_error(m_name + ": " + safe.error().message);
  if (const char* hard = archive_entry_hardlink(e)) {
    std::string target = hard;
    return input_error(where + " is a hard link to \"" + target + "\"" +
                       (link_escapes("", target) ? ", which escapes the bundle root" : "") +
                       "; bundles hold only plain files");
  }
  mode_t type = archive_entry_filetype(e);
  if (type == AE_IFLNK) {
    const char* t = archive_entry_symlink(e);
    std::string target = t ? t : "";
    return input_error(where + " is a symbolic link to \"" + target + "\"" +
                       (link_escapes(entry.path, target) ? ", which escapes the bundle root" : "") +
                       "; bundles hold only plain files");
  }
  if (type == AE_IFDIR) {
    entry.type = EntryType::directory;
    return std::optional<ArchiveEntry>(entry);
  }
  if (type != AE_IFREG) return input_error(where + " is a device, FIFO or socket; bundles hold only plain files");
  entry.type = EntryType::file;
  entry.size = archive_entry_size_is_set(e) ? static_cast<std::uint64_t>(archive_entry_size(e)) : 0;
  // The tar reader has consumed exactly the headers, so the stream position is the data's start.
  entry.data_offset = static_cast<std::uint64_t>(archive_filter_bytes(m_archive, 0));
  return std::optional<ArchiveEntry>(entry);
}

Result<void> ArchiveReader::read(const std::function<Result<void>(std::string_view)>& sink) {
  // Blocks straight from libarchive's buffer: no copy on the way to the sink.
  std::int64_t expected = 0;
  for (;;) {
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    int rc = archive_read_data_block(m_archive, &block, &size, &offset);
    if (rc == ARCHIVE_EOF) return {};
    if (rc != ARCHIVE_OK) {
      return input_error(m_name + ": entry \"" + m_current + "\" is damaged or truncated (" +
                         archive_message(m_archive) + ")");
    }
    if (offset != expected) return input_error(m_name + ": entry \"" + m_current + "\" is sparse; bundles hold only plain files");
    expected += static_cast<std::int64_t>(size);
    if (size == 0) continue;
    auto r = sink(std::string_view(static_cast<const char*>(block), size));
    if (!r) return r;
  }
}

}  // namespace aiplat::airgap

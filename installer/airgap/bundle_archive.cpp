#include "airgap/bundle_archive.hpp"

#include <cstdio>
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

Result<ArchiveWriter> ArchiveWriter::create(const std::filesystem::path& path, int zstd_level, int zstd_threads) {
  ArchiveWriter w;
  w.m_path = path;
  w.m_archive = archive_write_new();
  if (archive_write_add_filter_zstd(w.m_archive) != ARCHIVE_OK ||
      archive_write_set_format_pax_restricted(w.m_archive) != ARCHIVE_OK) {
    return failure("libarchive cannot write zstd tar: " + archive_message(w.m_archive));
  }
  if (archive_write_set_filter_option(w.m_archive, "zstd", "compression-level", std::to_string(zstd_level).c_str()) !=
      ARCHIVE_OK) {
    return input_error(fmt::format("zstd level {} is not supported: {}", zstd_level, archive_message(w.m_archive)));
  }
  if (zstd_threads > 0 &&
      archive_write_set_filter_option(w.m_archive, "zstd", "threads", std::to_string(zstd_threads).c_str()) !=
          ARCHIVE_OK) {
    return failure("libarchive cannot compress zstd on threads: " + archive_message(w.m_archive));
  }
  archive_write_set_bytes_per_block(w.m_archive, 1 << 20);
  if (archive_write_open_filename(w.m_archive, path.c_str()) != ARCHIVE_OK) {
    return failure("cannot create " + path.string() + ": " + archive_message(w.m_archive));
  }
  return w;
}

ArchiveWriter::ArchiveWriter(ArchiveWriter&& other) noexcept
    : m_archive(std::exchange(other.m_archive, nullptr)), m_path(std::move(other.m_path)) {}

ArchiveWriter::~ArchiveWriter() {
  if (m_archive) archive_write_free(m_archive);
}

Result<void> ArchiveWriter::header(const std::string& name, std::uint64_t size) {
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
  return {};
}

Result<void> ArchiveWriter::add_memory(const std::string& name, std::string_view content) {
  auto h = header(name, content.size());
  if (!h) return h;
  if (!content.empty() && archive_write_data(m_archive, content.data(), content.size()) < 0) {
    return failure("writing " + m_path.string() + ": " + archive_message(m_archive));
  }
  return {};
}

Result<void> ArchiveWriter::add_file(const std::string& name, const std::filesystem::path& source,
                                     const std::function<void(std::uint64_t)>& on_bytes) {
  std::error_code ec;
  std::uint64_t size = std::filesystem::file_size(source, ec);
  if (ec) return failure("reading " + source.string() + ": " + ec.message());
  std::FILE* f = std::fopen(source.c_str(), "rb");
  if (!f) return failure("cannot read " + source.string());
  auto h = header(name, size);
  if (!h) {
    std::fclose(f);
    return h;
  }
  std::vector<char> buffer(1 << 20);
  std::uint64_t done = 0;
  while (done < size) {
    std::size_t n = std::fread(buffer.data(), 1, buffer.size(), f);
    if (n == 0) break;
    if (archive_write_data(m_archive, buffer.data(), n) < 0) {
      std::fclose(f);
      return failure("writing " + m_path.string() + ": " + archive_message(m_archive));
    }
    done += n;
    if (on_bytes) on_bytes(n);
  }
  std::fclose(f);
  if (done != size) return failure(source.string() + " changed size while being archived");
  return {};
}

Result<void> ArchiveWriter::close() {
  if (archive_write_close(m_archive) != ARCHIVE_OK) {
    return failure("finishing " + m_path.string() + ": " + archive_message(m_archive));
  }
  archive_write_free(m_archive);
  m_archive = nullptr;
  return {};
}

Result<ArchiveReader> ArchiveReader::open(const std::filesystem::path& path) {
  ArchiveReader r;
  r.m_name = path.string();
  r.m_archive = archive_read_new();
  archive_read_support_filter_zstd(r.m_archive);
  archive_read_support_format_tar(r.m_archive);
  if (archive_read_open_filename(r.m_archive, path.c_str(), 1 << 20) != ARCHIVE_OK) {
    return input_error(r.m_name + ": cannot open as a zstd tar: " + archive_message(r.m_archive));
  }
  return r;
}

ArchiveReader::ArchiveReader(ArchiveReader&& other) noexcept
    : m_archive(std::exchange(other.m_archive, nullptr)),
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
  return std::optional<ArchiveEntry>(entry);
}

Result<void> ArchiveReader::read(const std::function<Result<void>(std::string_view)>& sink) {
  std::vector<char> buffer(1 << 20);
  for (;;) {
    la_ssize_t n = archive_read_data(m_archive, buffer.data(), buffer.size());
    if (n < 0) {
      return input_error(m_name + ": entry \"" + m_current + "\" is damaged or truncated (" +
                         archive_message(m_archive) + ")");
    }
    if (n == 0) return {};
    auto r = sink(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    if (!r) return r;
  }
}

}  // namespace aiplat::airgap

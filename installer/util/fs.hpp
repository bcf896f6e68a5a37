#pragma once
// The file-system edge. Real code uses RealFs; tests use MemoryFs, which also
// records what was read and written so tests can assert on what was touched.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace aiplat {

class Fs {
 public:
  virtual ~Fs() = default;
  virtual Result<std::string> read_file(const std::string& path) = 0;
  /// Writes to a temporary name beside `path` and renames it, so readers never see half a file.
  virtual Result<void> write_file(const std::string& path, std::string_view content) = 0;
  virtual bool exists(const std::string& path) = 0;
  virtual bool is_directory(const std::string& path) = 0;
  /// Regular files below `dir`, recursively, as paths relative to `dir`, sorted.
  virtual Result<std::vector<std::string>> list_files(const std::string& dir) = 0;
  virtual Result<void> create_directories(const std::string& path) = 0;
  virtual Result<void> remove_all(const std::string& path) = 0;
};

/// The machine's file system.
class RealFs final : public Fs {
 public:
  Result<std::string> read_file(const std::string& path) override;
  Result<void> write_file(const std::string& path, std::string_view content) override;
  bool exists(const std::string& path) override;
  bool is_directory(const std::string& path) override;
  Result<std::vector<std::string>> list_files(const std::string& dir) override;
  Result<void> create_directories(const std::string& path) override;
  Result<void> remove_all(const std::string& path) override;
};

/// An in-memory tree keyed by normalised path; records reads and writes.
class MemoryFs final : public Fs {
 public:
  void add(const std::string& path, std::string content);
  Result<std::string> read_file(const std::string& path) override;
  Result<void> write_file(const std::string& path, std::string_view content) override;
  bool exists(const std::string& path) override;
  bool is_directory(const std::string& path) override;
  Result<std::vector<std::string>> list_files(const std::string& dir) override;
  Result<void> create_directories(const std::string& path) override;
  Result<void> remove_all(const std::string& path) override;

  std::vector<std::string> reads() const;
  std::vector<std::string> writes() const;

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::string> m_files;
  std::set<std::string> m_dirs;
  std::vector<std::string> m_reads;
  std::vector<std::string> m_writes;
};

/// Writes `content` to `path` atomically on the real file system (temp file + rename).
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace aiplat

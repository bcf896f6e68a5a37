#pragma once
// The download cache (default ~/.cache/aiplat) and the source-mirror rule. Files are
// stored by sha256 and re-verified on every use, so a corrupt or tampered entry is
// never rendered; writes are atomic, so a killed run leaves no half file behind.
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace aiplat::render {

class SourceCache {
 public:
  explicit SourceCache(std::string dir) : m_dir(std::move(dir)) {}

  /// Where content with this sha256 lives: <dir>/sources/sha256/<hex>.
  [[nodiscard]] std::string blob_path(const std::string& hex) const;
  /// The cached content with this sha256 after checking it; absent or corrupt (then removed): nullopt.
  [[nodiscard]] std::optional<std::string> get(const std::string& hex) const;
  /// Stores `content` under its own sha256 (`hex`).
  [[nodiscard]] Result<void> put(const std::string& hex, std::string_view content) const;
  /// The sha256 an unpinned URL had when it was last fetched, or empty.
  [[nodiscard]] std::string last_digest_of(const std::string& url) const;
  /// Remembers the sha256 an unpinned URL had.
  [[nodiscard]] Result<void> remember_digest_of(const std::string& url, const std::string& hex) const;
  /// Folder for pulled helm charts: <dir>/charts.
  [[nodiscard]] std::string charts_dir() const { return m_dir + "/charts"; }
  /// Private helm homes (repository cache, config) so the user's helm setup is neither read nor changed.
  [[nodiscard]] std::string helm_home() const { return m_dir + "/helm"; }
  [[nodiscard]] const std::string& dir() const { return m_dir; }

 private:
  std::string m_dir;
};

/// The whole file at `path`, or nullopt when it cannot be read (a cache miss, not an error).
std::optional<std::string> read_cached_file(const std::string& path);

/// The mirror rule: "https://host/path" -> "<mirror>/host/path" (and "oci://host/path" ->
/// "oci://<mirror host and path>/host/path"). An empty mirror leaves the URL alone.
std::string mirrored_url(const std::string& url, const std::string& mirror);

/// The advice printed when an upstream source cannot be reached.
std::string unreachable_advice(const std::string& preseed);

}  // namespace aiplat::render

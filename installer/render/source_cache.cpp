#include "render/source_cache.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "util/fs.hpp"
#include "util/sha256.hpp"

namespace aiplat::render {
namespace {


std::string strip_scheme(std::string_view url) {
  std::size_t p = url.find("://");
  return std::string(p == std::string_view::npos ? url : url.substr(p + 3));
}

}  // namespace

std::optional<std::string> read_cached_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string SourceCache::blob_path(const std::string& hex) const { return m_dir + "/sources/sha256/" + hex; }

std::optional<std::string> SourceCache::get(const std::string& hex) const {
  std::optional<std::string> content = read_cached_file(blob_path(hex));
  if (!content) return std::nullopt;
  if (sha256_hex(*content) != hex) {
    std::error_code ec;
    std::filesystem::remove(blob_path(hex), ec);
    return std::nullopt;
  }
  return content;
}

Result<void> SourceCache::put(const std::string& hex, std::string_view content) const {
  std::error_code ec;
  std::filesystem::create_directories(m_dir + "/sources/sha256", ec);
  if (ec) return failure(fmt::format("cannot create the cache folder {}/sources/sha256: {}", m_dir, ec.message()));
  return write_file_atomic(blob_path(hex), content);
}

std::string SourceCache::last_digest_of(const std::string& url) const {
  std::optional<std::string> hex = read_cached_file(m_dir + "/sources/urls/" + sha256_hex(url));
  if (!hex || hex->size() != 64) return {};
  return *hex;
}

Result<void> SourceCache::remember_digest_of(const std::string& url, const std::string& hex) const {
  std::error_code ec;
  std::filesystem::create_directories(m_dir + "/sources/urls", ec);
  if (ec) return failure(fmt::format("cannot create the cache folder {}/sources/urls: {}", m_dir, ec.message()));
  return write_file_atomic(m_dir + "/sources/urls/" + sha256_hex(url), hex);
}

std::string mirrored_url(const std::string& url, const std::string& mirror) {
  if (mirror.empty()) return url;
  std::string base = mirror;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (url.starts_with("oci://")) return "oci://" + strip_scheme(base) + "/" + strip_scheme(url);
  return base + "/" + strip_scheme(url);
}

std::string unreachable_advice(const std::string& preseed) {
  return fmt::format(
      "to render without reaching it, either pass --source-mirror URL (a mirror serving <URL>/<host>/<path>), "
      "or install from an air-gap bundle (aiplat install --bundle FILE), or pre-seed the cache: {}",
      preseed);
}

}  // namespace aiplat::render

#include "render/parsed_cache.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "render/source_cache.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"

#ifndef AIPLAT_VERSION
#define AIPLAT_VERSION "dev"
#endif

namespace aiplat::render {
namespace {

// Bump when the entry format or what parse_manifests yields changes within one aiplat version.
constexpr const char* k_format = "aiplat parsed-objects 1";

}  // namespace

std::string ParsedCache::key(const std::vector<std::string>& parts) {
  Sha256 digest;
  auto add = [&](std::string_view part) {
    digest.update(fmt::format("{}:", part.size()));
    digest.update(part);
  };
  add(k_format);
  add(AIPLAT_VERSION);
  for (const std::string& p : parts) add(p);
  return digest.hex();
}

std::optional<std::vector<Json>> ParsedCache::get(const std::string& key) const {
  const std::string file = path(key);
  std::optional<std::string> bytes = read_cached_file(file);
  if (!bytes) return std::nullopt;
  // "<sha256 hex of the body>\n<body: the objects as one CBOR array>"
  std::optional<std::vector<Json>> objects;
  if (bytes->size() > 65 && (*bytes)[64] == '\n') {
    std::string_view body = std::string_view(*bytes).substr(65);
    if (sha256_hex(body) == bytes->substr(0, 64)) {
      Json array = Json::from_cbor(body.begin(), body.end(), true, false);
      if (array.is_array()) objects = array.get<std::vector<Json>>();
    }
  }
  if (!objects) {
    std::error_code ec;
    std::filesystem::remove(file, ec);
  }
  return objects;
}

Result<void> ParsedCache::put(const std::string& key, const std::vector<Json>& objects) const {
  std::error_code ec;
  std::filesystem::create_directories(m_dir, ec);
  if (ec) return failure(fmt::format("cannot create the cache folder {}: {}", m_dir, ec.message()));
  std::vector<std::uint8_t> body = Json::to_cbor(Json(objects));
  std::string_view view(reinterpret_cast<const char*>(body.data()), body.size());
  std::string entry = sha256_hex(view) + "\n";
  entry.append(view);
  return write_file_atomic(path(key), entry);
}

Result<std::vector<Json>> parse_cached(const std::string& cache_dir, const std::vector<std::string>& key_parts,
                                       const std::function<Result<std::vector<Json>>()>& parse) {
  const ParsedCache cache(cache_dir);
  const std::string key = ParsedCache::key(key_parts);
  if (std::optional<std::vector<Json>> hit = cache.get(key)) return std::move(*hit);
  Result<std::vector<Json>> parsed = parse();
  if (parsed) (void)cache.put(key, *parsed);
  return parsed;
}

}  // namespace aiplat::render

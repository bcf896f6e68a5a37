#pragma once
// Parsed sources, cached: the objects one source yields, stored under a key over everything
// that determines them (the content's sha256; for helm also the chart digest, the values,
// release, namespace, --kube-version and the helm binary). An unchanged re-render then skips
// `helm template` and YAML parsing, its slow parts (KubeRay's 4 MB of CRDs parse in about a
// second and load from here in tens of milliseconds). Entries carry their own sha256 and are
// checked on every use; a bad one is removed and the source parsed again.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace aiplat::render {

using Json = nlohmann::json;

class ParsedCache {
 public:
  /// Entries live in <cache_dir>/parsed.
  explicit ParsedCache(const std::string& cache_dir) : m_dir(cache_dir + "/parsed") {}

  /// The key of these inputs. Parts are length-prefixed, so no two lists share a key; the
  /// entry format and aiplat's version are part of it, so a new parser never reads old entries.
  [[nodiscard]] static std::string key(const std::vector<std::string>& parts);
  /// The objects stored under `key`; nullopt when absent or damaged (then removed).
  [[nodiscard]] std::optional<std::vector<Json>> get(const std::string& key) const;
  /// Stores `objects` under `key` (temp file and rename, so readers never see half an entry).
  [[nodiscard]] Result<void> put(const std::string& key, const std::vector<Json>& objects) const;
  [[nodiscard]] std::string path(const std::string& key) const { return m_dir + "/" + key + ".cbor"; }

 private:
  std::string m_dir;
};

/// The objects for `key_parts` from the cache in `cache_dir`, else `parse()`, stored for next
/// time. The cache only saves time: an entry that cannot be written is skipped, not an error.
Result<std::vector<Json>> parse_cached(const std::string& cache_dir, const std::vector<std::string>& key_parts,
                                       const std::function<Result<std::vector<Json>>()>& parse);

}  // namespace aiplat::render

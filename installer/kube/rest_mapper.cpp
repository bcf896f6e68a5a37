#include "kube/rest_mapper.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace aiplat::kube {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool names_resource(const ResourceMapping& m, const std::string& name) {
  if (m.gvr.resource == name || m.singular == name || lower(m.gvk.kind) == name) return true;
  return std::find(m.short_names.begin(), m.short_names.end(), name) != m.short_names.end();
}

}  // namespace

std::optional<ResourceMapping> find_mapping(const DiscoveryResult& discovery, const GroupVersionKind& gvk) {
  for (const ResourceMapping& m : discovery.resources) {
    if (m.gvk == gvk) return m;
  }
  return std::nullopt;
}

RestMapper::RestMapper(Fetch fetch) : m_fetch(std::move(fetch)) {}

KubeResult<std::shared_ptr<const DiscoveryResult>> RestMapper::cached(std::uint64_t* generation) {
  {
    std::lock_guard lock(m_mutex);
    if (m_cache) {
      *generation = m_generation;
      return m_cache;
    }
    *generation = m_generation;
  }
  return refresh(*generation);
}

KubeResult<std::shared_ptr<const DiscoveryResult>> RestMapper::refresh(std::uint64_t seen_generation) {
  // Holding the lock through discovery makes concurrent misses wait for one refresh
  // instead of each starting their own.
  std::lock_guard lock(m_mutex);
  if (m_cache && m_generation != seen_generation) return m_cache;
  auto fresh = m_fetch();
  ++m_discoveries;
  if (!fresh) return tl::unexpected(fresh.error());
  m_cache = std::make_shared<const DiscoveryResult>(std::move(*fresh));
  ++m_generation;
  return m_cache;
}

KubeResult<ResourceMapping> RestMapper::mapping_for(const GroupVersionKind& gvk) {
  std::uint64_t generation = 0;
  auto discovery = cached(&generation);
  if (!discovery) return tl::unexpected(discovery.error());
  if (auto m = find_mapping(**discovery, gvk)) return *m;
  auto again = refresh(generation);
  if (!again) return tl::unexpected(again.error());
  if (auto m = find_mapping(**again, gvk)) return *m;
  KubeError e;
  e.kind = ErrorKind::failed;
  e.reason = "NoKindMatch";
  e.message = fmt::format("the server does not serve kind {} (apiVersion {}); is its CRD installed and Established?",
                          gvk.kind, gvk.api_version());
  return tl::unexpected(e);
}

KubeResult<ResourceMapping> RestMapper::mapping_for_resource(const std::string& input) {
  std::string name = lower(input);
  std::string resource = name, group, version;
  bool qualified = false;
  if (std::size_t dot = name.find('.'); dot != std::string::npos) {
    resource = name.substr(0, dot);
    group = name.substr(dot + 1);
    qualified = true;
  }
  auto lookup = [&](const DiscoveryResult& d) -> std::optional<ResourceMapping> {
    std::vector<const ResourceMapping*> hits;
    for (const ResourceMapping& m : d.resources) {
      if (!names_resource(m, resource)) continue;
      if (qualified) {
        // "resource.version.group" or "resource.group".
        bool full = m.gvr.group.empty() ? group == m.gvr.version
                                        : group == m.gvr.version + "." + m.gvr.group;
        if (!full && group != m.gvr.group) continue;
      }
      hits.push_back(&m);
    }
    if (hits.empty()) return std::nullopt;
    // Prefer the core group, then the group's preferred version (kubectl's priority, simplified).
    std::stable_sort(hits.begin(), hits.end(), [&](const ResourceMapping* a, const ResourceMapping* b) {
      auto rank = [&](const ResourceMapping* m) {
        int r = m->gvr.group.empty() ? 0 : 2;
        auto p = d.preferred.find(m->gvr.group);
        if (p == d.preferred.end() || p->second != m->gvr.version) r += 1;
        return r;
      };
      return rank(a) < rank(b);
    });
    return *hits.front();
  };
  std::uint64_t generation = 0;
  auto discovery = cached(&generation);
  if (!discovery) return tl::unexpected(discovery.error());
  if (auto m = lookup(**discovery)) return *m;
  auto again = refresh(generation);
  if (!again) return tl::unexpected(again.error());
  if (auto m = lookup(**again)) return *m;
  KubeError e;
  e.kind = ErrorKind::input;
  e.reason = "NoResourceMatch";
  e.message = fmt::format("the server doesn't have a resource type \"{}\"", input);
  return tl::unexpected(e);
}

KubeResult<DiscoveryResult> RestMapper::discovery() {
  std::uint64_t generation = 0;
  auto d = cached(&generation);
  if (!d) return tl::unexpected(d.error());
  return **d;
}

void RestMapper::invalidate() {
  std::lock_guard lock(m_mutex);
  m_cache.reset();
  ++m_generation;
}

int RestMapper::discoveries() const {
  std::lock_guard lock(m_mutex);
  return m_discoveries;
}

}  // namespace aiplat::kube

#pragma once
// Kind <-> resource mapping over cached discovery. A miss re-runs discovery once
// (a CRD that just became Established is mappable immediately); concurrent misses
// share one re-discovery.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kube/discovery.hpp"

namespace aiplat::kube {

class RestMapper {
 public:
  using Fetch = std::function<KubeResult<DiscoveryResult>()>;
  explicit RestMapper(Fetch fetch);

  /// The mapping of a group/version/kind; re-discovers once on a miss.
  KubeResult<ResourceMapping> mapping_for(const GroupVersionKind& gvk);
  /// Resolves what a user types: "deployments", "deploy", "deployment.apps", "deployments.v1.apps",
  /// a kind ("Deployment"); the preferred version wins when several match.
  KubeResult<ResourceMapping> mapping_for_resource(const std::string& name);
  /// The whole (cached) discovery result.
  KubeResult<DiscoveryResult> discovery();
  /// Drops the cache; the next lookup discovers again.
  void invalidate();
  /// How many discoveries ran (tests check caching).
  [[nodiscard]] int discoveries() const;

 private:
  KubeResult<std::shared_ptr<const DiscoveryResult>> cached(std::uint64_t* generation);
  KubeResult<std::shared_ptr<const DiscoveryResult>> refresh(std::uint64_t seen_generation);
  Fetch m_fetch;
  mutable std::mutex m_mutex;
  std::shared_ptr<const DiscoveryResult> m_cache;
  std::uint64_t m_generation = 0;
  int m_discoveries = 0;
};

/// Finds gvk in a discovery result.
std::optional<ResourceMapping> find_mapping(const DiscoveryResult& discovery, const GroupVersionKind& gvk);

}  // namespace aiplat::kube

#pragma once
// The order objects are applied in (docs/install.md "Tiers"): CRDs (then wait for
// Established), namespaces, cluster-scoped RBAC and classes, namespaced objects, webhook
// configurations and APIServices (after their Service has ready endpoints), and last the
// custom resources, so the add-on's own webhooks validate them.
#include <functional>
#include <string>
#include <vector>

#include "util/yaml.hpp"

namespace aiplat::kube {

enum class Tier { crds, namespaces, cluster, namespaced, webhooks, custom_resources };
inline constexpr int k_tier_count = 6;

/// Short name of a tier for messages ("crds", "namespaces", ...).
std::string to_string(Tier tier);

/// Which tier an object belongs to, from its apiVersion, kind and namespace.
Tier tier_of(const Json& object);

/// Objects grouped by tier, each tier keeping source order.
std::vector<std::vector<Json>> split_tiers(const std::vector<Json>& objects);

/// Runs fn(0..count-1) on at most `workers` threads; returns when all are done.
void run_bounded(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& fn);

}  // namespace aiplat::kube

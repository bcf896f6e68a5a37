#pragma once
// Which built-in API group/versions a Kubernetes minor serves, for `requires: [{api: ...}]`
// when no cluster is at hand (`plan --kubernetes 1.3x`). Conservative on purpose: an API is
// "by default" only when a stock kube-apiserver of that minor serves it without flags; beta
// and alpha APIs that need --runtime-config are "when enabled"; anything not in the table is
// "unknown" and treated as not served. A live cluster's discovery replaces this table.
#include <optional>
#include <string>
#include <vector>

#include "catalog/version.hpp"

namespace aiplat::catalog {

enum class Served {
  by_default,    ///< served by a stock API server of that minor
  when_enabled,  ///< exists in that minor but is off unless enabled (--runtime-config, feature gates)
  no,            ///< not served by that minor (removed, or not yet added)
  unknown,       ///< not a built-in API this table knows
};

/// Whether `minor` serves the built-in `group_version` ("resource.k8s.io/v1", "v1" for core).
Served built_in_api(const std::string& group_version, const KubeMinor& minor);

/// One row of the table, for docs and tests.
struct ServedApiRow {
  std::string group_version;
  std::optional<MinorRange> by_default;    ///< minors serving it by default (open ends: unbounded)
  std::optional<MinorRange> when_enabled;  ///< minors where it exists but must be enabled
};

/// The whole table, in a stable order.
const std::vector<ServedApiRow>& served_api_table();

/// "served by default", "served only when enabled", ...
std::string to_string(Served s);

}  // namespace aiplat::catalog

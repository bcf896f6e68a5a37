#pragma once
// Strategic merge patch (application/strategic-merge-patch+json) for built-in kinds, as
// kubectl sends it from `kubectl patch`, `kubectl label`, `kubectl rollout restart` and
// client-side `kubectl apply`.
#include <string>
#include <vector>

#include "fieldset.hpp"

namespace kubesim {

/// Applies `patch` to `target`: maps merge, keyed lists merge on their patchMergeKey (items with
/// "$patch": "delete" go), set lists take the union, "$patch": "replace" replaces, null deletes,
/// "$deleteFromPrimitiveList/<field>" removes values, "$retainKeys" clears the keys it does not
/// list; "$setElementOrder" is accepted and ignored (order is not simulated).
Json strategic_merge(const Json& target, const Json& patch, const ListTypeOracle& oracle);

}  // namespace kubesim

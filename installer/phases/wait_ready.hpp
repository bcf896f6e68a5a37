#pragma once
// Readiness from status, never from sleeps (DESIGN §4): generation vs observedGeneration,
// Deployment Available, DaemonSet and StatefulSet rollout, Job Complete, CRD Established,
// APIService Available, plus the add-on's own rules (a condition that must be True, or a
// field that must equal a value). Waits poll with growing intervals under the add-on's timeout;
// a timeout names the object, the condition and what was last seen.
#include <chrono>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "kube/client.hpp"
#include "phases/phase.hpp"

namespace aiplat {

/// Where one object stands.
struct Readiness {
  enum class State { ready, waiting, failed };
  State state = State::waiting;
  std::string condition;  ///< what must hold, e.g. "condition Available=True"
  std::string seen;       ///< what was observed, e.g. "Available=False (MinimumReplicasUnavailable)"
};

/// One object to wait for and how to judge it.
struct WaitTarget {
  kube::ResourceRef ref;
  /// Add-on rules on this object; when empty only the built-in rule applies.
  std::vector<catalog::ReadinessRule> rules;
};

/// Whether `kind` (with group) has a built-in readiness rule.
bool has_builtin_readiness(const kube::GroupVersionKind& gvk);

/// The built-in rule for `live`; objects without one are ready once they exist.
Readiness builtin_readiness(const Json& live);

/// An add-on rule on `live`.
Readiness rule_readiness(const catalog::ReadinessRule& rule, const Json& live);

/// The value at a dotted path (".status.state", ".status.conditions[0].type"), or null.
Json value_at_path(const Json& object, const std::string& path);

/// The objects to wait for: applied objects with a built-in rule, plus the add-on's rules
/// (an apiVersion left out is taken from the rendered object of that kind, then discovery).
Result<std::vector<WaitTarget>> wait_targets(kube::Client& client, const std::vector<Json>& applied,
                                             const std::vector<catalog::ReadinessRule>& rules);

/// Polls until every target is ready, one fails, the timeout passes or the run is cancelled.
Result<void> wait_ready(kube::Client& client, const std::vector<WaitTarget>& targets, std::chrono::milliseconds timeout,
                        const PhaseContext& ctx, const std::string& what);

}  // namespace aiplat

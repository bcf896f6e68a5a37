#pragma once
// Profile + Kubernetes minor -> Plan. For each profile entry the highest catalog version that
// satisfies its constraint and the minor; required add-ons the profile does not list are added
// (highest matching version, default mode); then capabilities, APIs, conflicts and CRD owners
// are checked, and the steps are ordered topologically with the name as tie-break. Every
// refusal is reported at once and explains the chain that led to it.
#include <optional>
#include <set>
#include <string>

#include "catalog/model.hpp"

namespace aiplat::catalog {

struct SolveOptions {
  /// The minor to plan for; unset: the profile's kubernetes.default.
  std::optional<KubeMinor> minor;
  /// Group/versions a live cluster serves (discovery); unset: the built-in table for the minor.
  std::optional<std::set<std::string>> served_apis;
};

/// Resolves `profile` (already layered) against `catalog`. Input errors explain every refusal.
Result<Plan> solve(const Catalog& catalog, const Profile& profile, const SolveOptions& options);

}  // namespace aiplat::catalog

#pragma once
// Picks one version of an add-on for a constraint, a Kubernetes minor and a mode, and
// explains every version it turned down (the refusal text of `aiplat plan`).
#include <memory>
#include <string>
#include <vector>

#include "catalog/model.hpp"

namespace aiplat::catalog {

/// The chosen version and why.
struct Selection {
  std::shared_ptr<const AddOn> addon;
  std::string mode;                   ///< the mode asked for, or the add-on's defaultMode
  std::vector<std::string> reasons;   ///< "0.19.2 is the highest version matching ..."
};

/// The highest version of `name` that satisfies `constraint`, supports `minor` and has `mode`
/// (empty: its default). The error names every version turned down and why, after `who`
/// ("profile onprem", "kueue 0.19.2 requires").
Result<Selection> select_version(const Catalog& catalog, const std::string& who, const std::string& name,
                                 const VersionConstraint& constraint, const KubeMinor& minor, const std::string& mode);

}  // namespace aiplat::catalog

#pragma once
// Preflight: what must hold before anything changes. Every problem is gathered and reported
// at once with advice: an unsupported minor, a prerequisite API the cluster does not serve,
// and components some other tool already installed (a Helm release of the same chart, CRDs
// of a group the plan owns but another manager holds).
#include "catalog/model.hpp"
#include "provision/adopt.hpp"
#include "util/error.hpp"

namespace aiplat {

/// The cluster against the profile: minor in range, DRA served when the profile allocates
/// accelerators with DRA, accelerator nodes present when the profile expects them (warning only).
Result<void> check_cluster(const provision::ClusterFacts& facts, const catalog::Profile& profile,
                           std::vector<std::string>& warnings);

/// The cluster against the plan: no foreign install of any add-on (Helm release of one of the
/// plan's charts, CRDs of an owned group held by another manager or another ApplySet).
Result<void> check_foreign(const provision::ClusterFacts& facts, const catalog::Plan& plan, const std::string& tooling);

}  // namespace aiplat

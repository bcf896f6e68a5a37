#pragma once
// The state one install run shares between its phases, and the phases themselves:
// "cluster" (adopt, facts, preflight, solve, render, ownership) and one per add-on.
#include <memory>
#include <optional>
#include <vector>

#include "actions/install.hpp"
#include "conformance/checklist.hpp"
#include "kube/apply_set.hpp"
#include "phases/apply_addon.hpp"
#include "phases/record.hpp"
#include "provision/adopt.hpp"
#include "render/render.hpp"

namespace aiplat::actions {

/// One plan step made ready to apply.
struct PreparedAddon {
  const catalog::PlanStep* step = nullptr;
  render::RenderedAddon rendered;
  kube::ApplySetParent parent;
  std::optional<Json> live_parent;
  std::optional<InstallRecord> record;
  std::vector<Json> members;
  bool up_to_date = false;
  std::string why;  ///< why it is (not) up to date
};

struct InstallRun {
  const InstallOptions& options;
  Logger& log;
  InstallObserver& observer;
  InstallSummary& summary;
  std::unique_ptr<kube::Client> client;
  provision::ClusterFacts facts;
  catalog::Plan plan;
  std::vector<PreparedAddon> addons;
  std::optional<conformance::Checklist> checklist = {};  ///< set by the cluster phase unless --skip-verify
  const std::atomic<bool>* cancel = nullptr;        ///< Ctrl-C, for the checks' waits
};

/// Adopt, facts, preflight, solve, render every step and check ownership: reads only.
std::unique_ptr<Phase> make_cluster_phase(InstallRun& run);

/// Apply, wait, check, prune and record one add-on.
std::unique_ptr<Phase> make_addon_phase(InstallRun& run, PreparedAddon& addon, AddonSummary& summary);

/// The full checklist after the last add-on (when final_verify_decision says so).
std::unique_ptr<Phase> make_verify_phase(InstallRun& run);

/// Runs checks through the conformance runner, reporting each result as an event of
/// `phase` ("check" after an add-on, "verify" at the end) for `addon` ("" run-wide).
Result<std::vector<conformance::CheckResult>> run_install_checks(InstallRun& run, const std::vector<std::string>& ids,
                                                                 const std::string& phase, const std::string& addon);

/// Applies Namespace aiplat-system (the home of every record) when missing.
std::unique_ptr<Phase> make_system_namespace_phase(InstallRun& run);

}  // namespace aiplat::actions

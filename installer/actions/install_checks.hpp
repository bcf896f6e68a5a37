#pragma once
// The conformance side of an install, as plain decisions the phases and the tests share:
// which checks an add-on runs, how a result is kept in the install record, and whether the
// full checklist runs at the end of the run.
#include <map>
#include <string>
#include <vector>

#include "actions/install.hpp"
#include "conformance/checklist.hpp"
#include "conformance/result.hpp"
#include "phases/record.hpp"

namespace aiplat::actions {

/// The checklist the install verifies: `flag` "auto" picks the cluster's minor ("1.35").
Result<conformance::Checklist> install_checklist(const std::string& flag, const std::string& cluster_minor);

/// The add-on's `checks:` (default `provides:`) that the checklist lists, in checklist order;
/// ids of other minors are left out (an add-on may serve several minors).
std::vector<std::string> addon_check_ids(const catalog::PlanStep& step, const conformance::Checklist& checklist);

/// The profile's N/A decisions for the ids the checklist lists.
std::map<std::string, std::string> not_applicable_for(const catalog::Plan& plan, const conformance::Checklist& checklist);

/// How a check result is kept in the install record.
RecordedCheck recorded_check(const conformance::CheckResult& result);

/// "gang_scheduling skip (controller-absent), dra_support pass" (one line for progress and tables).
std::string checks_line(const std::vector<RecordedCheck>& checks);

/// Whether the full checklist runs after the last add-on, or why it does not.
enum class FinalVerify { run, skip_verify, dry_run, nothing_changed, no_checklist };

/// The rule: checks never run in dry runs or with --skip-verify; a re-run in which every
/// add-on was unchanged runs no checks (it writes nothing) unless --always-verify asks.
FinalVerify final_verify_decision(Verify verify, DryRun dry_run, FinalChecks final_checks, bool any_addon_applied,
                                  bool have_checklist);

/// Why the final checklist did not run, for the progress output and the summary ("" for run).
std::string describe(FinalVerify decision);

}  // namespace aiplat::actions

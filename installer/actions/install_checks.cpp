#include "actions/install_checks.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace aiplat::actions {

Result<conformance::Checklist> install_checklist(const std::string& flag, const std::string& cluster_minor) {
  if (flag.empty() || flag == "auto") return conformance::checklist_for(cluster_minor);
  return conformance::checklist_for(flag);
}

std::vector<std::string> addon_check_ids(const catalog::PlanStep& step, const conformance::Checklist& checklist) {
  std::vector<std::string> ids;
  for (const conformance::Requirement& r : checklist.requirements) {
    if (std::find(step.checks.begin(), step.checks.end(), r.id) != step.checks.end()) ids.emplace_back(r.id);
  }
  return ids;
}

std::map<std::string, std::string> not_applicable_for(const catalog::Plan& plan,
                                                      const conformance::Checklist& checklist) {
  std::map<std::string, std::string> out;
  for (const catalog::NotApplicable& n : plan.not_applicable) {
    if (checklist.find(n.id) != nullptr) out[n.id] = n.reason;
  }
  return out;
}

RecordedCheck recorded_check(const conformance::CheckResult& r) {
  return RecordedCheck{r.id, std::string(conformance::to_string(r.outcome)), r.message,
                       std::string(conformance::to_string(r.level)), std::string(conformance::to_string(r.reason))};
}

std::string checks_line(const std::vector<RecordedCheck>& checks) {
  std::string line;
  for (const RecordedCheck& c : checks) {
    if (!line.empty()) line += ", ";
    line += c.id + " " + c.outcome;
    if (!c.reason.empty()) line += " (" + c.reason + ")";
  }
  return line;
}

FinalVerify final_verify_decision(Verify verify, DryRun dry_run, FinalChecks final_checks, bool any_addon_applied,
                                  bool have_checklist) {
  if (verify == Verify::no) return FinalVerify::skip_verify;
  if (dry_run != DryRun::none) return FinalVerify::dry_run;
  if (!have_checklist) return FinalVerify::no_checklist;
  if (!any_addon_applied && final_checks != FinalChecks::always) return FinalVerify::nothing_changed;
  return FinalVerify::run;
}

std::string describe(FinalVerify decision) {
  switch (decision) {
    case FinalVerify::run: return "";
    case FinalVerify::skip_verify: return "--skip-verify: no checks were run";
    case FinalVerify::dry_run: return "dry run: no checks were run";
    case FinalVerify::nothing_changed:
      return "nothing changed, so no checks were run (the records keep the last results: aiplat status); "
             "add --always-verify to run the checklist anyway";
    case FinalVerify::no_checklist: return "no AI conformance checklist for this Kubernetes minor";
  }
  return "";
}

}  // namespace aiplat::actions

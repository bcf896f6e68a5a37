#include <fmt/format.h>

#include "conformance/check.hpp"
#include "conformance/report.hpp"

namespace aiplat::conformance {

std::string junit_name(std::string_view id) {
  if (const CheckDef* def = find_check(id); def != nullptr) return std::string(def->junit_name);
  // No check and no upstream test: a stable name derived from the id.
  std::string out = "Test";
  bool upper = true;
  for (char c : id) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

Json summary_json(const Report& report) {
  Json results = Json::array();
  int counts[4] = {0, 0, 0, 0};
  bool must_failed = false;
  for (const CheckResult& r : report.results) {
    ++counts[static_cast<int>(r.outcome)];
    must_failed = must_failed || (r.level == Level::must && r.outcome == Outcome::fail);
    Json j = {{"id", r.id},
              {"level", to_string(r.level)},
              {"outcome", to_string(r.outcome)},
              {"message", r.message},
              {"findings", r.findings},
              {"junitName", junit_name(r.id)},
              {"startedAt", r.started_at},
              {"durationSeconds", static_cast<double>(r.duration.count()) / 1000.0},
              {"evidence", "evidence/" + r.id}};
    if (r.outcome == Outcome::skip) j["skipReason"] = to_string(r.reason);
    if (r.outcome == Outcome::pass) j["completeness"] = r.completeness == Completeness::full ? "full" : "partial";
    if (!r.namespace_name.empty()) j["namespace"] = r.namespace_name;
    if (!r.cleanup_warning.empty()) j["cleanupWarning"] = r.cleanup_warning;
    j["productStatus"] = product_status(r);
    results.push_back(std::move(j));
  }
  return {{"apiVersion", "aiplat.dev/v1alpha1"},
          {"kind", "ConformanceReport"},
          {"checklist", report.checklist},
          {"serverVersion", report.server_version},
          {"startedAt", report.started_at},
          {"totals", {{"pass", counts[0]}, {"fail", counts[1]}, {"skip", counts[2]}, {"notApplicable", counts[3]}}},
          {"mustFailed", must_failed},
          {"results", results}};
}

std::string product_status(const CheckResult& r) {
  switch (r.outcome) {
    case Outcome::pass: return r.completeness == Completeness::full ? "Implemented" : "Partially Implemented";
    case Outcome::fail: return "Not Implemented";
    case Outcome::not_applicable: return "N/A";
    case Outcome::skip: break;
  }
  switch (r.reason) {
    case SkipReason::not_configured: return "N/A";  // conditional requirement whose condition does not hold
    case SkipReason::no_check:
    case SkipReason::none: return "";              // aiplat cannot say; the vendor fills it in
    default: break;
  }
  // Not proven on the verified cluster: what was proven makes it partial, nothing proven means absent here.
  return r.findings.empty() ? "Not Implemented" : "Partially Implemented";
}

std::string product_notes(const CheckResult& r) {
  std::string notes;
  switch (r.outcome) {
    case Outcome::pass:
      notes = "Verified by aiplat verify: " + r.message + ".";
      break;
    case Outcome::fail:
      notes = "aiplat verify failed: " + r.message + ".";
      break;
    case Outcome::not_applicable:
      notes = r.message;
      break;
    case Outcome::skip:
      notes = r.reason == SkipReason::not_configured
                  ? "Not applicable on the verified cluster: " + r.message + "."
                  : fmt::format("Not proven on the verified cluster ({}): {}.", describe(r.reason), r.message);
      break;
  }
  if (!r.findings.empty() && r.outcome != Outcome::pass) {
    notes += " Shown:";
    for (const std::string& f : r.findings) notes += " " + f + ";";
    notes.back() = '.';
  }
  return notes;
}

}  // namespace aiplat::conformance

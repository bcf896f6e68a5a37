#pragma once
// What a check found. A skip always says why, so a report can tell "not proven on this
// cluster" apart from "proven broken"; n/a carries the profile's justification.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/checklist.hpp"

namespace aiplat::conformance {

enum class Outcome { pass, fail, skip, not_applicable };

/// Why a check did not judge the requirement.
enum class SkipReason {
  none,
  not_configured,       ///< a conditional feature is not set up (no cluster autoscaler, no node pool label)
  needs_accelerators,   ///< no Ready node offers an accelerator through a device plugin or a DRA driver
  needs_elastic_pool,   ///< no elastic node pool to scale
  controller_absent,    ///< the API is served but its controller was not observed doing its job
  simulated_cluster,    ///< objects are accepted but containers never ran (no probe output, no node binding)
  no_check,             ///< aiplat has no automated check for this requirement
};

/// Whether a pass covered the whole requirement or only part of it (e.g. DRA v1beta1 on 1.33).
enum class Completeness { full, partial };

/// One check's verdict plus everything needed to write its evidence.
struct CheckResult {
  std::string id;
  Level level = Level::must;
  Outcome outcome = Outcome::skip;
  SkipReason reason = SkipReason::none;
  Completeness completeness = Completeness::full;
  std::string message;                  ///< one line: why this outcome
  std::vector<std::string> findings;    ///< what was proven or observed, in order
  std::vector<std::string> transcript;  ///< every request, response and observation, timestamped
  std::string namespace_name;           ///< the check's own namespace, empty if none was created
  std::string started_at;               ///< RFC 3339 UTC
  std::chrono::milliseconds duration{0};
  std::string cleanup_warning;          ///< set when cleanup did not finish in time
};

std::string_view to_string(Outcome outcome);
std::string_view to_string(SkipReason reason);
/// A sentence for a skip reason, used in tables and reports.
std::string_view describe(SkipReason reason);

}  // namespace aiplat::conformance

#include "conformance/result.hpp"

namespace aiplat::conformance {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::pass: return "pass";
    case Outcome::fail: return "fail";
    case Outcome::skip: return "skip";
    case Outcome::not_applicable: return "n/a";
  }
  return "unknown";
}

std::string_view to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::none: return "";
    case SkipReason::not_configured: return "not-configured";
    case SkipReason::needs_accelerators: return "needs-accelerators";
    case SkipReason::needs_elastic_pool: return "needs-elastic-node-pool";
    case SkipReason::controller_absent: return "controller-absent";
    case SkipReason::simulated_cluster: return "simulated-cluster";
    case SkipReason::no_check: return "no-automated-check";
  }
  return "unknown";
}

std::string_view describe(SkipReason reason) {
  switch (reason) {
    case SkipReason::none: return "";
    case SkipReason::not_configured: return "the feature is not configured on this cluster";
    case SkipReason::needs_accelerators: return "needs a Ready node with accelerators (device plugin or DRA driver)";
    case SkipReason::needs_elastic_pool: return "needs an elastic accelerator node pool";
    case SkipReason::controller_absent: return "the API is served but its controller was not observed working";
    case SkipReason::simulated_cluster: return "the cluster accepts objects but does not run containers";
    case SkipReason::no_check: return "aiplat has no automated check for this requirement";
  }
  return "";
}

}  // namespace aiplat::conformance

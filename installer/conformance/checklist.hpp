#pragma once
// The CNCF Kubernetes AI Conformance checklists, one per Kubernetes minor (1.33 to 1.37):
// ids, sections and levels only. The requirement texts are read from the official template
// the user passes when writing PRODUCT.yaml, so they are never copied here.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace aiplat::conformance {

/// MUST items decide the exit code; SHOULD items are reported but never fail a run.
enum class Level { must, should };

/// One requirement of one checklist.
struct Requirement {
  std::string_view id;       ///< e.g. "gang_scheduling"
  std::string_view section;  ///< key under `spec:` in the template, e.g. "schedulingOrchestration"
  Level level = Level::must;
};

/// The requirements of one minor, in template order.
struct Checklist {
  std::string_view version;  ///< "1.35"
  std::span<const Requirement> requirements;

  /// The requirement with this id, or nullptr when this minor does not list it.
  [[nodiscard]] const Requirement* find(std::string_view id) const;
};

/// "MUST" or "SHOULD".
std::string_view to_string(Level level);

/// Every checklist aiplat knows, oldest first.
std::span<const Checklist> all_checklists();

/// The checklist for "1.NN" (a leading "v" and a patch part are accepted: "v1.35.2").
Result<Checklist> checklist_for(std::string_view version);

/// The checklist for a server's gitVersion ("v1.35.1+k3s1"); an input error names the supported minors.
Result<Checklist> checklist_for_server(std::string_view git_version);

}  // namespace aiplat::conformance

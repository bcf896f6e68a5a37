#pragma once
// Probe workloads (manifests/conformance/*.yaml, embedded in the binary) and running them:
// a probe pod prints "AIPLAT-PROBE key=value ..." lines that the check reads back through
// the API (pod logs). A pod that reports Running or Succeeded but never printed its line did
// not really run: that is how a simulated cluster is told apart from a real one.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "conformance/check.hpp"
#include "util/error.hpp"

namespace aiplat::conformance {

/// Token -> value for a probe template; NAMESPACE and RUN are filled from the context.
using ProbeVars = std::map<std::string, std::string>;

/// The objects of manifests/conformance/<file>, tokens replaced. Fails naming a token left unset.
Result<std::vector<Json>> load_probe(const std::string& file, const ProbeVars& vars);
/// load_probe with NAMESPACE and RUN taken from `ctx`, images rewritten to ctx.settings.image_registry.
Result<std::vector<Json>> load_probe(const CheckContext& ctx, const std::string& file, ProbeVars vars);

/// Every container image any probe uses, sorted and unique (for the air-gap image closure).
std::vector<std::string> probe_images();

/// How a probe pod ended.
enum class ProbeState {
  ran,          ///< containers printed their AIPLAT-PROBE lines
  not_created,  ///< the API refused the pod (message says why)
  unscheduled,  ///< never bound to a node within the timeout
  failed,       ///< bound, but containers could not start (image pull, runtime handler, ...)
  no_output,    ///< bound and reported as running or finished, yet no container printed anything
};

struct ProbeRun {
  ProbeState state = ProbeState::not_created;
  std::string message;
  std::string node;  ///< spec.nodeName
  Json pod;          ///< last observed pod
  /// container -> key -> value of its first AIPLAT-PROBE line.
  std::map<std::string, std::map<std::string, std::string>> reports;
  /// container -> every AIPLAT-PROBE line's fields, in order.
  std::map<std::string, std::vector<std::map<std::string, std::string>>> all_reports;
};

/// Creates `pod`, waits for it to finish (or run, with Wait::running), reads each container's log.
enum class ProbeWait { finished, running };
ProbeRun run_probe(CheckContext& ctx, const Json& pod, std::chrono::seconds timeout,
                   ProbeWait wait = ProbeWait::finished);
/// Deletes a pod and waits until it is gone and, with DRA, until its generated claims are released.
void delete_pod_and_wait(CheckContext& ctx, const std::string& name);

/// Parses "AIPLAT-PROBE a=1 b=x" lines of a log.
std::vector<std::map<std::string, std::string>> parse_probe_lines(const std::string& log);

/// The reason a pod is not scheduled, from its PodScheduled condition ("Unschedulable: 0/3 nodes ...").
std::string unscheduled_reason(const Json& pod);

}  // namespace aiplat::conformance

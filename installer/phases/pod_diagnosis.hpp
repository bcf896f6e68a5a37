#pragma once
// What keeps pods from running, in words an operator would otherwise get from `kubectl describe pod`:
// the pods a selector matches, their phase, each container's state, and the pod's recent Warning
// events (e.g. `FailedMount: ... secret "envoy-gateway" not found`). Used when a wait gives up and
// when a hook fails. Best effort: whatever the API does not answer is left out.
#include <map>
#include <string>

#include "kube/client.hpp"

namespace aiplat {

/// A container status in one line: "waiting (ContainerCreating)", "exited 1 (Error)", "running".
std::string container_state(const Json& container_status);

/// One line per pod (at most `max_pods`) matching `match_labels` in `ns`, each followed by its
/// containers' states and Warning events, indented under it; "" when nothing matches or the
/// API does not answer. Lines start with "\n" + `indent`.
std::string describe_pods(kube::Client& client, const std::string& ns, const std::map<std::string, std::string>& match_labels,
                          const std::string& indent, std::size_t max_pods = 3);

/// The same for one pod object already read.
std::string describe_pod(kube::Client& client, const Json& pod, const std::string& indent, bool with_logs);

/// "key=value,key2=value2" from a label map (spec.selector of a Service, matchLabels of a workload).
std::string label_selector(const std::map<std::string, std::string>& labels);

/// matchLabels of a workload (Deployment, DaemonSet, StatefulSet, Job), or the Service's selector.
std::map<std::string, std::string> pod_selector_of(const Json& object);

}  // namespace aiplat

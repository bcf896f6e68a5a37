#include "phases/pod_diagnosis.hpp"

#include <fmt/format.h>

namespace aiplat {
namespace {

constexpr int k_log_lines = 10;
constexpr std::size_t k_events_per_pod = 3;

std::map<std::string, std::string> string_map(const Json& j) {
  std::map<std::string, std::string> out;
  if (!j.is_object()) return out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

/// The pod's latest Warning events, newest last, as "Reason: message".
std::vector<std::string> warning_events(kube::Client& client, const std::string& ns, const std::string& pod) {
  kube::ListOptions options;
  options.field_selector = "involvedObject.kind=Pod,involvedObject.name=" + pod + ",type=Warning";
  auto events = client.list(kube::GroupVersionKind{"", "v1", "Event"}, ns, options);
  std::vector<std::string> out;
  if (!events) return out;
  for (const Json& e : events->items) {
    std::string line = e.value("reason", std::string("?")) + ": " + e.value("message", std::string());
    if (int count = e.value("count", 1); count > 1) line += fmt::format(" (x{})", count);
    out.push_back(line);
  }
  if (out.size() > k_events_per_pod) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(k_events_per_pod));
  return out;
}

}  // namespace

std::string container_state(const Json& status) {
  const Json state = status.value("state", Json::object());
  if (auto w = state.find("waiting"); w != state.end()) {
    std::string out = "waiting (" + w->value("reason", std::string("?"));
    if (std::string m = w->value("message", ""); !m.empty()) out += ": " + m;
    return out + ")";
  }
  if (auto t = state.find("terminated"); t != state.end()) {
    return fmt::format("exited {} ({})", t->value("exitCode", -1), t->value("reason", std::string("?")));
  }
  if (state.contains("running")) return status.value("ready", false) ? "running, ready" : "running, not ready";
  return "no state reported";
}

std::string label_selector(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

std::map<std::string, std::string> pod_selector_of(const Json& object) {
  if (object.value("kind", "") == "Service") return string_map(object.value("/spec/selector"_json_pointer, Json()));
  return string_map(object.value("/spec/selector/matchLabels"_json_pointer, Json()));
}

std::string describe_pod(kube::Client& client, const Json& pod, const std::string& indent, bool with_logs) {
  const std::string ns = pod.value("/metadata/namespace"_json_pointer, std::string());
  const std::string name = pod.value("/metadata/name"_json_pointer, std::string());
  std::string out = fmt::format("\n{}pod {}/{}: {}", indent, ns, name,
                                pod.value("/status/phase"_json_pointer, std::string("no phase reported")));
  if (std::string reason = pod.value("/status/reason"_json_pointer, std::string()); !reason.empty()) {
    out += " (" + reason + ")";
  }
  for (const Json& c : pod.value("/status/containerStatuses"_json_pointer, Json::array())) {
    const std::string container = c.value("name", "");
    out += fmt::format("\n{}  container {}: {}", indent, container, container_state(c));
    if (!with_logs) continue;
    auto log = client.raw_get(fmt::format("/api/v1/namespaces/{}/pods/{}/log?container={}&tailLines={}", ns, name,
                                          container, k_log_lines));
    if (!log || log->empty()) continue;
    out += fmt::format("\n{}  last log lines of {}:", indent, container);
    std::size_t start = 0;
    while (start < log->size()) {
      std::size_t end = log->find('\n', start);
      if (end == std::string::npos) end = log->size();
      out += "\n" + indent + "    " + log->substr(start, end - start);
      start = end + 1;
    }
  }
  for (const std::string& e : warning_events(client, ns, name)) out += fmt::format("\n{}  event {}", indent, e);
  return out;
}

std::string describe_pods(kube::Client& client, const std::string& ns, const std::map<std::string, std::string>& match_labels,
                          const std::string& indent, std::size_t max_pods) {
  if (match_labels.empty()) return "";
  kube::ListOptions options;
  options.label_selector = label_selector(match_labels);
  auto pods = client.list(kube::GroupVersionKind{"", "v1", "Pod"}, ns, options);
  if (!pods) return "";
  if (pods->items.empty()) return fmt::format("\n{}no pod matches {} in {}", indent, options.label_selector, ns);
  std::string out;
  for (std::size_t i = 0; i < pods->items.size() && i < max_pods; ++i) {
    out += describe_pod(client, pods->items[i], indent, false);
  }
  if (pods->items.size() > max_pods) out += fmt::format("\n{}(and {} more pods)", indent, pods->items.size() - max_pods);
  return out;
}

}  // namespace aiplat

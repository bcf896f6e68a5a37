// Webhook configurations and APIServices go live only once the Service they call answers:
// without that every write the webhook intercepts would fail (DESIGN §4).
#include <thread>

#include <fmt/format.h>

#include "phases/apply_addon.hpp"
#include "phases/wait_ready.hpp"

namespace aiplat {
namespace {

using kube::GroupVersionKind;

/// Whether `labels` carries every key=value of `selector`.
bool selects(const Json& selector, const Json& labels) {
  if (!selector.is_object() || selector.empty() || !labels.is_object()) return false;
  for (const auto& [k, v] : selector.items()) {
    auto it = labels.find(k);
    if (it == labels.end() || *it != v) return false;
  }
  return true;
}

/// "" when the service has a ready endpoint, else what was seen.
std::string endpoint_state(kube::Client& client, const std::string& ns, const std::string& name,
                           const std::vector<Json>& members) {
  kube::ListOptions options;
  options.label_selector = "kubernetes.io/service-name=" + name;
  auto slices = client.list(GroupVersionKind{"discovery.k8s.io", "v1", "EndpointSlice"}, ns, options);
  if (slices && !slices->items.empty()) {
    for (const Json& slice : slices->items) {
      for (const Json& e : slice.value("endpoints", Json::array())) {
        if (e.value("/conditions/ready"_json_pointer, true)) return "";
      }
    }
    return "EndpointSlices list no ready endpoint";
  }
  // No EndpointSlice published (a cluster without an endpoint controller, such as a
  // simulator): the workloads of this add-on that the Service selects must be ready.
  auto service = client.get(kube::ResourceRef{{"", "v1", "Service"}, ns, name});
  if (!service) return service.error().not_found() ? "Service not found" : service.error().message;
  Json selector = service->value("/spec/selector"_json_pointer, Json::object());
  int workloads = 0;
  for (const Json& m : members) {
    std::string kind = m.value("kind", "");
    if (kind != "Deployment" && kind != "DaemonSet" && kind != "StatefulSet") continue;
    if (m.value("/metadata/namespace"_json_pointer, std::string()) != ns) continue;
    if (!selects(selector, m.value("/spec/template/metadata/labels"_json_pointer, Json::object()))) continue;
    ++workloads;
    auto ref = kube::ResourceRef::of(m);
    auto live = client.get(*ref);
    if (!live) return ref->to_string() + " not found";
    Readiness r = builtin_readiness(*live);
    if (r.state != Readiness::State::ready) return ref->to_string() + ": " + r.seen;
  }
  if (workloads == 0) return "no EndpointSlice and no workload of the add-on selected by the Service";
  return "";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> webhook_services(const std::vector<Json>& objects) {
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](const Json& service) {
    if (!service.is_object()) return;
    std::pair<std::string, std::string> s{service.value("namespace", ""), service.value("name", "")};
    if (s.second.empty()) return;
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  for (const Json& o : objects) {
    std::string kind = o.value("kind", "");
    if (kind == "APIService") add(o.value("/spec/service"_json_pointer, Json()));
    if (kind == "ValidatingWebhookConfiguration" || kind == "MutatingWebhookConfiguration") {
      for (const Json& w : o.value("webhooks", Json::array())) add(w.value("/clientConfig/service"_json_pointer, Json()));
    }
  }
  return out;
}

Result<void> wait_service_endpoints(kube::Client& client, const std::vector<std::pair<std::string, std::string>>& services,
                                    const std::vector<Json>& members, std::chrono::milliseconds timeout,
                                    const PhaseContext& ctx, const std::string& addon) {
  using Steady = std::chrono::steady_clock;
  Steady::time_point deadline = Steady::now() + timeout;
  std::chrono::milliseconds interval{25};
  for (const auto& [ns, name] : services) {
    while (true) {
      if (ctx.cancelled()) return cancelled(addon + ": interrupted while waiting for Service endpoints");
      std::string seen = endpoint_state(client, ns, name, members);
      if (seen.empty()) break;
      if (Steady::now() >= deadline) {
        return failure(fmt::format("{}: Service {}/{} has no ready endpoints after {}s, so its webhook configuration "
                                   "was not applied; last seen: {}",
                                   addon, ns, name, std::chrono::duration_cast<std::chrono::seconds>(timeout).count(),
                                   seen));
      }
      std::this_thread::sleep_for(interval);
      interval = std::min(std::chrono::milliseconds(1000), interval * 3 / 2);
    }
  }
  return {};
}

}  // namespace aiplat

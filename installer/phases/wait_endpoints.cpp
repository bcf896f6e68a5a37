// Webhook configurations and APIServices go live only once the Service they call answers:
// without that every write the webhook intercepts would fail (DESIGN §4).
#include <thread>

#include <fmt/format.h>

#include "phases/apply_addon.hpp"
#include "phases/pod_diagnosis.hpp"
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

/// "" when the service has a ready endpoint, else what was seen; an error when asking again cannot help.
Result<std::string> endpoint_state(kube::Client& client, const std::string& ns, const std::string& name,
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
  if (!service && service.error().persistent()) return tl::unexpected(service.error().to_error());
  if (!service) return service.error().not_found() ? std::string("Service not found") : service.error().message;
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
    if (!live && live.error().persistent()) return tl::unexpected(live.error().to_error());
    if (!live) return ref->to_string() + " not found";
    Readiness r = builtin_readiness(*live);
    if (r.state != Readiness::State::ready) return ref->to_string() + ": " + r.seen;
  }
  if (workloads == 0) return std::string("no EndpointSlice and no workload of the add-on selected by the Service");
  return std::string();
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
      auto seen = endpoint_state(client, ns, name, members);
      if (!seen) return tl::unexpected(seen.error().with_context(addon + ": waiting for Service " + ns + "/" + name));
      if (seen->empty()) break;
      if (Steady::now() >= deadline) {
        // Name what blocks it: the pods the Service selects and why they are not ready.
        auto service = client.get(kube::ResourceRef{{"", "v1", "Service"}, ns, name});
        std::map<std::string, std::string> selector = service ? pod_selector_of(*service) : std::map<std::string, std::string>{};
        std::string pods = describe_pods(client, ns, selector, "  ");
        return failure(fmt::format("{}: Service {}/{} (selector {}) has no ready endpoints after {}s, so its webhook "
                                   "configuration was not applied; last seen: {}{}",
                                   addon, ns, name, selector.empty() ? "none" : label_selector(selector),
                                   std::chrono::duration_cast<std::chrono::seconds>(timeout).count(), *seen, pods));
      }
      std::this_thread::sleep_for(interval);
      interval = std::min(std::chrono::milliseconds(1000), interval * 3 / 2);
    }
  }
  return {};
}

}  // namespace aiplat

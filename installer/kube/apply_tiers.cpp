#include "kube/apply_tiers.hpp"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "kube/object.hpp"

namespace aiplat::kube {
namespace {

/// API groups Kubernetes itself serves; kinds of any other group are custom resources.
bool builtin_group(const std::string& group) {
  static const std::set<std::string> k_groups = {
      "",
      "apps",
      "batch",
      "autoscaling",
      "policy",
      "rbac.authorization.k8s.io",
      "networking.k8s.io",
      "storage.k8s.io",
      "scheduling.k8s.io",
      "node.k8s.io",
      "admissionregistration.k8s.io",
      "apiextensions.k8s.io",
      "apiregistration.k8s.io",
      "coordination.k8s.io",
      "discovery.k8s.io",
      "resource.k8s.io",
      "certificates.k8s.io",
      "flowcontrol.apiserver.k8s.io",
      "events.k8s.io",
  };
  return k_groups.count(group) != 0;
}

}  // namespace

std::string to_string(Tier tier) {
  switch (tier) {
    case Tier::crds: return "crds";
    case Tier::namespaces: return "namespaces";
    case Tier::cluster: return "cluster";
    case Tier::namespaced: return "namespaced";
    case Tier::webhooks: return "webhooks";
    case Tier::custom_resources: return "custom-resources";
  }
  return "?";
}

Tier tier_of(const Json& object) {
  GroupVersionKind gvk = GroupVersionKind::from(object.value("apiVersion", ""), object.value("kind", ""));
  if (gvk.group == "apiextensions.k8s.io" && gvk.kind == "CustomResourceDefinition") return Tier::crds;
  if (gvk.group.empty() && gvk.kind == "Namespace") return Tier::namespaces;
  if (gvk.group == "admissionregistration.k8s.io" &&
      (gvk.kind == "ValidatingWebhookConfiguration" || gvk.kind == "MutatingWebhookConfiguration")) {
    return Tier::webhooks;
  }
  if (gvk.group == "apiregistration.k8s.io" && gvk.kind == "APIService") return Tier::webhooks;
  if (!builtin_group(gvk.group)) return Tier::custom_resources;
  std::string ns = object.value("/metadata/namespace"_json_pointer, std::string());
  return ns.empty() ? Tier::cluster : Tier::namespaced;
}

std::vector<std::vector<Json>> split_tiers(const std::vector<Json>& objects) {
  std::vector<std::vector<Json>> tiers(k_tier_count);
  for (const Json& o : objects) tiers[static_cast<std::size_t>(tier_of(o))].push_back(o);
  return tiers;
}

void run_bounded(std::size_t count, std::size_t workers, const std::function<void(std::size_t)>& fn) {
  if (count == 0) return;
  workers = std::max<std::size_t>(1, std::min(workers, count));
  if (workers == 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (std::size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) fn(i);
    });
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace aiplat::kube

#include "conformance/accelerators.hpp"

#include <fmt/format.h>

namespace aiplat::conformance {
namespace {

long long quantity_count(const Json& q) {
  if (q.is_number_integer()) return q.get<long long>();
  if (!q.is_string()) return 0;
  try {
    return std::stoll(q.get<std::string>());
  } catch (...) {
    return 0;
  }
}

}  // namespace

bool node_ready(const Json& node) {
  if (node.value("spec", Json::object()).value("unschedulable", false)) return false;
  return condition_true(node, "Ready");
}

Accelerators find_accelerators(CheckContext& ctx) {
  Accelerators acc;
  KubeResult<kube::ObjectList> nodes = ctx.api.list(gvk("v1", "Node"), "");
  if (!nodes) {
    acc.why_none = "cannot list nodes: " + summarize(nodes.error());
    return acc;
  }
  std::map<std::string, const Json*> ready;
  for (const Json& n : nodes->items) {
    if (node_ready(n)) ready[n["metadata"].value("name", std::string())] = &n;
  }

  // DRA: a DeviceClass for the driver and slices with devices on Ready nodes.
  if (ctx.api.served("resource.k8s.io", "v1", "resourceslices")) {
    KubeResult<Json> dc = ctx.api.get(gvk("resource.k8s.io/v1", "DeviceClass"), "", ctx.settings.dra_driver);
    KubeResult<kube::ObjectList> slices = ctx.api.list(gvk("resource.k8s.io/v1", "ResourceSlice"), "");
    if (dc && slices) {
      std::map<std::string, int> per_node;
      for (const Json& s : slices->items) {
        const Json& spec = s.value("spec", Json::object());
        if (spec.value("driver", std::string()) != ctx.settings.dra_driver) continue;
        std::string node = spec.value("nodeName", std::string());
        int devices = static_cast<int>(spec.value("devices", Json::array()).size());
        if (!node.empty() && devices > 0 && ready.count(node) != 0) per_node[node] += devices;
      }
      for (const auto& [name, count] : per_node) {
        const Json& n = *ready[name];
        acc.nodes.push_back({name, n["metadata"].value("uid", std::string()), count, n});
      }
      if (!acc.nodes.empty()) {
        acc.mode = AllocationMode::dra;
        ctx.api.note(fmt::format("accelerators: DRA driver {} publishes devices on {} Ready node(s)",
                                 ctx.settings.dra_driver, acc.nodes.size()));
        return acc;
      }
    }
  }
  // Device plugin: allocatable alone can be stale or written by hand, so a device plugin pod must
  // also be running on the node.
  int allocatable_only = 0;
  for (const auto& [name, n] : ready) {
    long long count = quantity_count(n->value("status", Json::object())
                                         .value("allocatable", Json::object())
                                         .value(ctx.settings.accelerator_resource, Json(nullptr)));
    if (count <= 0) continue;
    KubeResult<kube::ObjectList> pods = ctx.api.list(gvk("v1", "Pod"), "", "", "spec.nodeName=" + name);
    bool plugin = false;
    if (pods) {
      for (const Json& p : pods->items) {
        plugin = plugin || (p["metadata"].value("name", std::string()).find("device-plugin") != std::string::npos &&
                            p.value("status", Json::object()).value("phase", std::string()) == "Running");
      }
    }
    if (!plugin) {
      ++allocatable_only;
      continue;
    }
    acc.nodes.push_back({name, (*n)["metadata"].value("uid", std::string()), static_cast<int>(count), *n});
  }
  if (!acc.nodes.empty()) {
    acc.mode = AllocationMode::device_plugin;
    ctx.api.note(fmt::format("accelerators: {} Ready node(s) with allocatable {}", acc.nodes.size(),
                             ctx.settings.accelerator_resource));
    return acc;
  }
  acc.why_none = fmt::format("no Ready node has allocatable {} with a running device plugin pod, and no ResourceSlice "
                             "of driver {} lists devices on a Ready node ({} node(s) seen, {} Ready)",
                             ctx.settings.accelerator_resource, ctx.settings.dra_driver, nodes->items.size(),
                             ready.size());
  if (allocatable_only > 0) {
    acc.why_none += fmt::format("; {} node(s) report allocatable {} but run no device plugin (stale or simulated)",
                                allocatable_only, ctx.settings.accelerator_resource);
  }
  ctx.api.note("accelerators: none: " + acc.why_none);
  return acc;
}

Result<void> request_accelerator(CheckContext& ctx, const Accelerators& acc, Json& pod, std::size_t container) {
  Json& c = pod["spec"]["containers"][container];
  if (acc.mode == AllocationMode::dra) {
    const std::string tmpl = "aiplat-one-accelerator";
    Json rct = {{"apiVersion", "resource.k8s.io/v1"},
                {"kind", "ResourceClaimTemplate"},
                {"metadata", {{"name", tmpl}, {"namespace", ctx.ns}}},
                {"spec",
                 {{"spec",
                   {{"devices",
                     {{"requests",
                       Json::array({{{"name", "accelerator"},
                                     {"exactly", {{"deviceClassName", ctx.settings.dra_driver}, {"count", 1}}}}})}}}}}}}};
    KubeResult<Json> existing = ctx.api.get(gvk("resource.k8s.io/v1", "ResourceClaimTemplate"), ctx.ns, tmpl);
    if (!existing) {
      KubeResult<Json> made = ctx.api.create(rct);
      if (!made) return failure("creating ResourceClaimTemplate " + tmpl + ": " + summarize(made.error()));
    }
    pod["spec"]["resourceClaims"] = Json::array({{{"name", "accelerator"}, {"resourceClaimTemplateName", tmpl}}});
    c["resources"]["claims"] = Json::array({{{"name", "accelerator"}}});
  } else {
    c["resources"]["limits"][ctx.settings.accelerator_resource] = 1;
  }
  return {};
}

}  // namespace aiplat::conformance

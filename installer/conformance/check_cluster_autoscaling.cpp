// cluster_autoscaling: with an autoscaler configured and an accelerator pool selected by a node
// label, a pod requesting an accelerator that does not fit becomes Unschedulable, a new node
// joins the pool and the pod runs on it (node UID not in the baseline); after the pods are gone
// the pool returns to its baseline size. No affinity toward new nodes is used.
#include <set>

#include <fmt/format.h>

#include "conformance/accelerators.hpp"
#include "conformance/check.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

struct Pool {
  std::set<std::string> ready_uids;
  std::map<std::string, std::string> uid_of;  // name -> uid
};

Pool pool_nodes(CheckContext& ctx) {
  Pool pool;
  KubeResult<kube::ObjectList> nodes = ctx.api.list(gvk("v1", "Node"), "", ctx.settings.autoscaler_node_pool_label);
  if (!nodes) return pool;
  for (const Json& n : nodes->items) {
    if (!node_ready(n)) continue;
    pool.ready_uids.insert(n["metadata"].value("uid", ""));
    pool.uid_of[n["metadata"].value("name", "")] = n["metadata"].value("uid", "");
  }
  return pool;
}

std::string autoscaler_kind(CheckContext& ctx) {
  if (ctx.api.get(gvk("v1", "ConfigMap"), "kube-system", "cluster-autoscaler-status")) return "Cluster Autoscaler";
  if (!ctx.api.preferred_version("karpenter.sh").empty()) return "Karpenter";
  return {};
}

// A Deployment running the cluster-autoscaler image (any chart, any namespace), or "".
std::string autoscaler_deployment(CheckContext& ctx) {
  KubeResult<kube::ObjectList> deps = ctx.api.list(gvk("apps/v1", "Deployment"), "", "");
  if (!deps) return {};
  for (const Json& dep : deps->items) {
    const Json containers = dep.value("/spec/template/spec/containers"_json_pointer, Json::array());
    for (const Json& c : containers) {
      if (c.value("image", std::string()).find("/cluster-autoscaler") != std::string::npos) return object_name(dep);
    }
  }
  return {};
}

Verdict run(CheckContext& ctx) {
  std::string autoscaler = autoscaler_kind(ctx);
  if (autoscaler.empty()) {
    // The Cluster Autoscaler writes its status ConfigMap as soon as it runs; installed but silent means
    // it is not running (always so on a simulator), which is not the same as "not configured".
    if (std::string dep = autoscaler_deployment(ctx); !dep.empty()) {
      return skip(SkipReason::controller_absent, "Deployment " + dep + " runs the Cluster Autoscaler, but it never "
                                                 "wrote ConfigMap kube-system/cluster-autoscaler-status: it is not "
                                                 "running");
    }
    return skip(SkipReason::not_configured, "no cluster autoscaler found (ConfigMap kube-system/cluster-autoscaler-status "
                                            "or API group karpenter.sh); the requirement applies only when the "
                                            "platform provides one");
  }
  ctx.found(autoscaler + " is present");
  if (ctx.settings.autoscaler_node_pool_label.empty()) {
    return skip(SkipReason::needs_elastic_pool, "no elastic accelerator node pool was named (profile autoscaler node "
                                                "pool label); scale-up and scale-down were not exercised");
  }
  Accelerators acc = find_accelerators(ctx);
  Pool base = pool_nodes(ctx);
  int n = static_cast<int>(base.ready_uids.size());
  std::vector<const AcceleratorNode*> in_pool;
  for (const AcceleratorNode& a : acc.nodes) {
    if (base.uid_of.count(a.name) != 0) in_pool.push_back(&a);
  }
  if (in_pool.empty()) {
    return skip(SkipReason::needs_accelerators, "no Ready accelerator node carries " +
                                                    ctx.settings.autoscaler_node_pool_label + ": " + acc.why_none);
  }
  int capacity = 0;
  for (const AcceleratorNode* a : in_pool) capacity += a->devices;
  ctx.found(fmt::format("baseline: {} Ready node(s) in pool {} offering {} accelerator(s)", n,
                        ctx.settings.autoscaler_node_pool_label, capacity));

  // Fill the pool, then one more.
  for (int i = 0; i <= capacity; ++i) {
    Result<std::vector<Json>> docs = load_probe(ctx, "accelerator-pod.yaml", {{"NAME", fmt::format("fill-{}", i)}});
    if (!docs) return fail(docs.error().message);
    Json pod = docs->front();
    if (Result<void> r = request_accelerator(ctx, acc, pod); !r) return fail(r.error().message);
    if (KubeResult<Json> made = ctx.api.create(pod); !made) return fail("creating " + object_name(pod) + ": " + summarize(made.error()));
  }
  std::string trigger;
  if (!ctx.wait_for("a pod to be Unschedulable", std::chrono::seconds(300), [&] {
        KubeResult<kube::ObjectList> pods = ctx.api.list(gvk("v1", "Pod"), ctx.ns);
        if (!pods) return false;
        for (const Json& p : pods->items) {
          Json c = condition(p, "PodScheduled");
          if (c.is_object() && c.value("status", "") == "False" && c.value("reason", "") == "Unschedulable") {
            trigger = p["metadata"].value("name", "");
            return true;
          }
        }
        return false;
      }, std::chrono::seconds(5))) {
    return fail(fmt::format("{} pods requesting one accelerator each on a pool of {} did not leave one Unschedulable",
                            capacity + 1, capacity));
  }
  ctx.found("pod " + trigger + " is Unschedulable for lack of accelerators");
  std::string new_node;
  if (!ctx.wait_for("a new Ready pool node running " + trigger, std::chrono::seconds(1200), [&] {
        KubeResult<Json> p = ctx.api.get(gvk("v1", "Pod"), ctx.ns, trigger);
        if (!p) return false;
        std::string node = (*p)["spec"].value("nodeName", "");
        if (node.empty() || (*p)["status"].value("phase", "") != "Running") return false;
        Pool now = pool_nodes(ctx);
        auto it = now.uid_of.find(node);
        if (it == now.uid_of.end() || base.ready_uids.count(it->second) != 0) return false;
        new_node = node;
        return true;
      }, std::chrono::seconds(15))) {
    return fail(autoscaler + " did not bring a new Ready pool node running the Unschedulable pod within 20 minutes");
  }
  ctx.found("scale-up: new node " + new_node + " (not in the baseline) joined the pool and runs " + trigger);
  KubeResult<kube::ObjectList> pods = ctx.api.list(gvk("v1", "Pod"), ctx.ns);
  if (pods) {
    for (const Json& p : pods->items) (void)ctx.api.remove(gvk("v1", "Pod"), ctx.ns, p["metadata"].value("name", ""));
  }
  int size = 0;
  if (!ctx.wait_for("the pool to return to its baseline size", std::chrono::seconds(1800), [&] {
        size = static_cast<int>(pool_nodes(ctx).ready_uids.size());
        return size <= n;
      }, std::chrono::seconds(30))) {
    return fail(fmt::format("scale-down: the pool still has {} Ready node(s) 30 minutes after the pods left (baseline {})",
                            size, n));
  }
  ctx.found(fmt::format("scale-down: the pool returned to {} Ready node(s)", n));
  return pass(autoscaler + " scaled the accelerator pool up for a pending accelerator pod and back down");
}

}  // namespace

CheckDef cluster_autoscaling_check() {
  return CheckDef{
      "cluster_autoscaling",
      "Cluster autoscaling of accelerator nodes",
      "TestAcceleratorClusterAutoscaling",
      {Need::accelerators, Need::elastic_pool},
      std::chrono::seconds(4500),
      "With Cluster Autoscaler or Karpenter present and an accelerator pool named by a node label: the pool is "
      "filled with one-accelerator pods plus one more (no affinity); that pod becomes Unschedulable, a new Ready "
      "node (UID not in the baseline) joins the pool and runs it; after the pods are deleted the pool returns to its "
      "baseline size.",
      run,
  };
}

}  // namespace aiplat::conformance

// gpu_sharing (SHOULD): a sharing strategy is exposed: MIG partitions as schedulable resources,
// or time-slicing that advertises more accelerators than the node has; with time-slicing two
// pods granted one accelerator each on the same node share one physical device (same UUID).
#include <fmt/format.h>

#include "conformance/accelerators.hpp"
#include "conformance/check.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

Verdict run(CheckContext& ctx) {
  Accelerators acc = find_accelerators(ctx);
  if (!acc.any()) return skip(SkipReason::needs_accelerators, acc.why_none);
  // Hardware partitions: MIG profiles appear as their own extended resources.
  for (const AcceleratorNode& n : acc.nodes) {
    const Json allocatable = n.node.value("status", Json::object()).value("allocatable", Json::object());
    for (const auto& [res, qty] : allocatable.items()) {
      if (res.rfind("nvidia.com/mig-", 0) == 0 && qty != "0" && qty != 0) {
        ctx.found("node " + n.name + " offers MIG partitions as " + res);
        return pass("hardware partitions (MIG) are exposed as schedulable resources (" + res + ")");
      }
    }
  }
  // Time-slicing: GFD labels the number of replicas per physical GPU.
  const AcceleratorNode* shared = nullptr;
  for (const AcceleratorNode& n : acc.nodes) {
    const Json& labels = n.node["metadata"].value("labels", Json::object());
    std::string replicas = labels.value("nvidia.com/gpu.replicas", std::string("1"));
    std::string count = labels.value("nvidia.com/gpu.count", std::string());
    if ((replicas != "1" && !replicas.empty()) || (!count.empty() && std::to_string(n.devices) != count &&
                                                   n.devices > std::atoi(count.c_str()))) {
      shared = &n;
      ctx.found(fmt::format("node {} advertises {} accelerators with nvidia.com/gpu.replicas={} (time-slicing)", n.name,
                            n.devices, replicas));
      break;
    }
  }
  if (shared == nullptr) {
    return fail("no sharing strategy is exposed: no MIG resources and no time-sliced accelerator (nvidia.com/gpu.replicas)");
  }
  if (shared->devices < 2) return pass("time-slicing is advertised (one shared slot only, no co-location test)");
  std::vector<std::string> uuids;
  for (const char* name : {"share-a", "share-b"}) {
    Result<std::vector<Json>> docs = load_probe(ctx, "device-probe.yaml", {{"NAME", name}});
    if (!docs) return fail(docs.error().message);
    Json pod = docs->front();
    pod["spec"]["nodeName"] = shared->name;
    if (Result<void> r = request_accelerator(ctx, acc, pod); !r) return fail(r.error().message);
    ProbeRun run = run_probe(ctx, pod, std::chrono::seconds(180));
    if (run.state == ProbeState::no_output) return skip(SkipReason::simulated_cluster, run.message);
    if (run.state != ProbeState::ran) return fail(std::string("sharing probe ") + name + " did not run: " + run.message);
    uuids.push_back(run.reports["probe"]["uuids"]);
  }
  if (uuids[0] == "none" || uuids[0] != uuids[1]) {
    return fail("two pods granted one time-sliced accelerator each on " + shared->name + " saw devices " + uuids[0] +
                " and " + uuids[1] + "; expected the same physical device");
  }
  ctx.found("two pods on " + shared->name + " share physical device " + uuids[0]);
  return pass("time-slicing lets two pods share one physical accelerator");
}

}  // namespace

CheckDef gpu_sharing_check() {
  return CheckDef{
      "gpu_sharing",
      "GPU sharing",
      "TestGPUSharing",
      {Need::accelerators},
      std::chrono::seconds(600),
      "MIG partitions appear as schedulable resources, or time-slicing advertises more accelerators than physical "
      "ones (nvidia.com/gpu.replicas); with time-slicing two pods granted one accelerator each on the same node see "
      "the same physical device UUID.",
      run,
  };
}

}  // namespace aiplat::conformance

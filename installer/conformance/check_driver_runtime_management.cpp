// driver_runtime_management (SHOULD): accelerator nodes advertise their driver version (DRA
// attributes or GPU feature discovery labels) and container runtime, and a plain container
// granted an accelerator gets the driver injected and reports the advertised version.
#include <fmt/format.h>

#include "conformance/accelerators.hpp"
#include "conformance/check.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

// The driver version a node advertises, from ResourceSlice attributes or GFD labels.
std::string advertised_driver(CheckContext& ctx, const AcceleratorNode& node, std::string& source) {
  if (ctx.api.served("resource.k8s.io", "v1", "resourceslices")) {
    KubeResult<kube::ObjectList> slices = ctx.api.list(gvk("resource.k8s.io/v1", "ResourceSlice"), "");
    if (slices) {
      for (const Json& s : slices->items) {
        if (s["spec"].value("nodeName", "") != node.name) continue;
        for (const Json& d : s["spec"].value("devices", Json::array())) {
          const Json& attrs = d.value("attributes", Json::object());
          for (const char* key : {"driverVersion", "cudaDriverVersion"}) {
            if (attrs.contains(key)) {
              const Json& a = attrs[key];
              std::string v = a.value("version", a.value("string", std::string()));
              if (!v.empty()) {
                source = std::string("ResourceSlice attribute ") + key;
                return v;
              }
            }
          }
        }
      }
    }
  }
  const Json& labels = node.node["metadata"].value("labels", Json::object());
  std::string v = labels.value("nvidia.com/cuda.driver-version.full", std::string());
  if (!v.empty()) source = "node label nvidia.com/cuda.driver-version.full";
  return v;
}

bool versions_agree(const std::string& a, const std::string& b) {
  std::size_t n = std::min(a.size(), b.size());
  return n > 0 && a.substr(0, n) == b.substr(0, n);
}

Verdict run(CheckContext& ctx) {
  Accelerators acc = find_accelerators(ctx);
  if (!acc.any()) return skip(SkipReason::needs_accelerators, acc.why_none);
  const AcceleratorNode& node = acc.nodes.front();
  std::string source;
  std::string version = advertised_driver(ctx, node, source);
  if (version.empty()) {
    return fail("accelerator node " + node.name + " advertises no driver version (no DRA driverVersion attribute, no "
                "nvidia.com/cuda.driver-version.full label)");
  }
  std::string runtime = node.node.value("status", Json::object()).value("nodeInfo", Json::object())
                            .value("containerRuntimeVersion", std::string());
  if (runtime.empty()) return fail("node " + node.name + " reports no containerRuntimeVersion");
  ctx.found("node " + node.name + " advertises driver " + version + " (" + source + ") and runtime " + runtime);

  Result<std::vector<Json>> docs = load_probe(ctx, "device-probe.yaml", {{"NAME", "driver-probe"}});
  if (!docs) return fail(docs.error().message);
  Json pod = docs->front();
  pod["spec"]["nodeName"] = node.name;
  if (Result<void> r = request_accelerator(ctx, acc, pod); !r) return fail(r.error().message);
  ProbeRun run = run_probe(ctx, pod, std::chrono::seconds(300));
  if (run.state == ProbeState::no_output) return skip(SkipReason::simulated_cluster, run.message);
  if (run.state != ProbeState::ran) return fail("the driver probe pod did not run: " + run.message);
  std::string reported = run.reports["probe"]["driver"];
  if (reported.empty() || reported == "none") {
    return fail("a plain container granted an accelerator got no working nvidia-smi: the runtime did not inject the driver");
  }
  if (!versions_agree(reported, version)) {
    return fail("the container's driver " + reported + " differs from the advertised " + version);
  }
  ctx.found("a plain ubuntu container granted an accelerator sees driver " + reported);
  return pass("driver and runtime are advertised and verified in a container (driver " + reported + ")");
}

}  // namespace

CheckDef driver_runtime_management_check() {
  return CheckDef{
      "driver_runtime_management",
      "Driver and runtime management",
      "TestAcceleratorDriverRuntimeManagement",
      {Need::accelerators},
      std::chrono::seconds(420),
      "An accelerator node advertises its driver version (DRA driverVersion attribute or GFD label) and container "
      "runtime; a plain ubuntu container granted one accelerator gets nvidia-smi injected and reports the same "
      "driver version.",
      run,
  };
}

}  // namespace aiplat::conformance

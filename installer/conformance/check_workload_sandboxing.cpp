// workload_sandboxing (SHOULD): a sandbox RuntimeClass (gVisor, Kata) exists and a pod using it
// sees a different kernel (release or boot id) than a plain pod on the same node.
#include <fmt/format.h>

#include "conformance/check.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

bool sandbox_handler(const std::string& handler) {
  for (const char* h : {"runsc", "gvisor", "kata", "kata-qemu", "kata-clh", "kata-fc"}) {
    if (handler == h || handler.rfind("kata", 0) == 0) return true;
  }
  return false;
}

Verdict run(CheckContext& ctx) {
  KubeResult<kube::ObjectList> classes = ctx.api.list(gvk("node.k8s.io/v1", "RuntimeClass"), "");
  std::string rc;
  std::string handler;
  if (classes) {
    for (const Json& c : classes->items) {
      if (sandbox_handler(c.value("handler", ""))) {
        rc = c["metadata"].value("name", "");
        handler = c.value("handler", "");
        break;
      }
    }
  }
  if (rc.empty()) return fail("no sandbox RuntimeClass (handler runsc/gVisor or kata) exists");
  ctx.found("RuntimeClass " + rc + " uses sandbox handler " + handler);

  Result<std::vector<Json>> sandboxed = load_probe(ctx, "sandbox-probe.yaml", {{"NAME", "sandboxed"}});
  if (!sandboxed) return fail(sandboxed.error().message);
  Json pod = sandboxed->front();
  pod["spec"]["runtimeClassName"] = rc;
  ProbeRun in = run_probe(ctx, pod, std::chrono::seconds(240));
  if (in.state == ProbeState::no_output) return skip(SkipReason::simulated_cluster, in.message);
  if (in.state != ProbeState::ran) return fail("a pod with RuntimeClass " + rc + " did not run: " + in.message);
  Result<std::vector<Json>> plain = load_probe(ctx, "sandbox-probe.yaml", {{"NAME", "plain"}});
  if (!plain) return fail(plain.error().message);
  Json host_pod = plain->front();
  host_pod["spec"]["nodeName"] = in.node;
  ProbeRun out = run_probe(ctx, host_pod, std::chrono::seconds(240));
  if (out.state == ProbeState::no_output) return skip(SkipReason::simulated_cluster, out.message);
  if (out.state != ProbeState::ran) return fail("the plain comparison pod did not run: " + out.message);
  auto& a = in.reports["probe"];
  auto& b = out.reports["probe"];
  if (a["kernel"] == b["kernel"] && a["boot"] == b["boot"]) {
    return fail(fmt::format("the sandboxed pod sees the node's kernel ({}, boot id {}): no kernel isolation", a["kernel"],
                            a["boot"]));
  }
  ctx.found(fmt::format("sandboxed pod: kernel {} boot {}; plain pod on {}: kernel {} boot {}", a["kernel"], a["boot"],
                        in.node, b["kernel"], b["boot"]));
  return pass("RuntimeClass " + rc + " runs pods on their own kernel, isolated from the node's");
}

}  // namespace

CheckDef workload_sandboxing_check() {
  return CheckDef{
      "workload_sandboxing",
      "Workload sandboxing",
      "TestWorkloadSandboxing",
      {Need::controller},
      std::chrono::seconds(600),
      "A RuntimeClass with a sandbox handler (gVisor runsc, Kata) exists; a pod using it reports a kernel release or "
      "boot id different from a plain pod on the same node.",
      run,
  };
}

}  // namespace aiplat::conformance

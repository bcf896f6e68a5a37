// secure_accelerator_access: a container sees exactly the devices it was granted through the
// device plugin or DRA, a pod without a request on the same node sees none, and in a two-
// container pod only the container that holds the claim sees the device.
#include <fmt/format.h>

#include "conformance/accelerators.hpp"
#include "conformance/check.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

int devices_of(const ProbeRun& run, const std::string& container) {
  auto it = run.reports.find(container);
  if (it == run.reports.end()) return -1;
  auto d = it->second.find("devices");
  if (d == it->second.end()) return -1;
  try {
    return std::stoi(d->second);
  } catch (...) {
    return -1;
  }
}

Result<Json> probe_pod(CheckContext& ctx, const std::string& name) {
  Result<std::vector<Json>> docs = load_probe(ctx, "device-probe.yaml", {{"NAME", name}});
  if (!docs) return tl::unexpected(docs.error());
  return docs->front();
}

// Maps a probe that did not run to a verdict; nullopt when it ran.
std::optional<Verdict> not_ran(const ProbeRun& run, const std::string& what) {
  switch (run.state) {
    case ProbeState::ran: return std::nullopt;
    case ProbeState::no_output: return skip(SkipReason::simulated_cluster, run.message);
    default: return fail(what + " did not run: " + run.message);
  }
}

Verdict run(CheckContext& ctx) {
  Accelerators acc = find_accelerators(ctx);
  if (!acc.any()) return skip(SkipReason::needs_accelerators, acc.why_none);
  std::string mode = acc.mode == AllocationMode::dra ? "DRA" : "device plugin";

  // Positive: one device requested, exactly one visible.
  Result<Json> granted = probe_pod(ctx, "granted");
  if (!granted) return fail(granted.error().message);
  if (Result<void> r = request_accelerator(ctx, acc, *granted); !r) return fail(r.error().message);
  ProbeRun pos = run_probe(ctx, *granted, std::chrono::seconds(180));
  if (auto v = not_ran(pos, "the pod that requests one accelerator")) return *v;
  int seen = devices_of(pos, "probe");
  if (seen != 1) {
    return fail(fmt::format("a container granted 1 accelerator ({}) sees {} device nodes, expected exactly 1", mode, seen));
  }
  ctx.found(fmt::format("a container granted 1 accelerator through the {} on {} sees exactly 1 device node", mode, pos.node));
  std::string node = pos.node;
  delete_pod_and_wait(ctx, "granted");

  // Negative: no request, pinned to the same accelerator node.
  Result<Json> plain = probe_pod(ctx, "no-request");
  if (!plain) return fail(plain.error().message);
  (*plain)["spec"]["nodeName"] = node;
  ProbeRun neg = run_probe(ctx, *plain, std::chrono::seconds(180));
  if (auto v = not_ran(neg, "the pod without a request")) return *v;
  int leaked = devices_of(neg, "probe");
  if (leaked != 0) {
    return fail(fmt::format("a container without any accelerator request on {} sees {} device nodes", node, leaked));
  }
  ctx.found("a container without a request, on the same node, sees no accelerator device node");
  delete_pod_and_wait(ctx, "no-request");

  // Multi-container: only the container holding the request sees the device.
  Result<Json> multi = probe_pod(ctx, "two-containers");
  if (!multi) return fail(multi.error().message);
  Json second = (*multi)["spec"]["containers"][0];
  second["name"] = "bystander";
  second["env"] = Json::array({{{"name", "CONTAINER"}, {"value", "bystander"}}});
  (*multi)["spec"]["containers"].push_back(second);
  if (Result<void> r = request_accelerator(ctx, acc, *multi, 0); !r) return fail(r.error().message);
  ProbeRun both = run_probe(ctx, *multi, std::chrono::seconds(180));
  if (auto v = not_ran(both, "the two-container pod")) return *v;
  int holder = devices_of(both, "probe");
  int bystander = devices_of(both, "bystander");
  if (holder != 1 || bystander != 0) {
    return fail(fmt::format("in a two-container pod the container with the request sees {} device nodes and the one "
                            "without sees {}; expected 1 and 0", holder, bystander));
  }
  ctx.found("in a two-container pod only the container with the request sees the device");
  delete_pod_and_wait(ctx, "two-containers");
  return pass(fmt::format("accelerator access is mediated by the {}: granted 1 -> sees 1, no request -> sees 0, "
                          "sibling container -> sees 0", mode));
}

}  // namespace

CheckDef secure_accelerator_access_check() {
  return CheckDef{
      "secure_accelerator_access",
      "Secure accelerator access",
      "TestSecureAcceleratorAccess",
      {Need::accelerators},
      std::chrono::seconds(900),
      "A container granted one accelerator (device plugin or DRA claim) sees exactly one device node; a pod without "
      "a request pinned to the same node sees none; in a two-container pod only the container that references the "
      "request sees it. Probe output is read from the pods' logs through the API.",
      run,
  };
}

}  // namespace aiplat::conformance

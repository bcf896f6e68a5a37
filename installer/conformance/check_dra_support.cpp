// dra_support: the DRA API is served with full verbs and round-trips objects. A driver
// publishing devices is exercised when present, but the requirement is API support.
#include <algorithm>

#include <fmt/format.h>

#include "conformance/accelerators.hpp"
#include "conformance/check.hpp"
#include "conformance/probes.hpp"

namespace aiplat::conformance {
namespace {

const std::vector<std::string> k_resources = {"deviceclasses", "resourceclaims", "resourceclaimtemplates",
                                              "resourceslices"};
const std::vector<std::string> k_verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};

// Missing resources or verbs of one version, empty when complete.
std::vector<std::string> missing_in(CheckContext& ctx, const std::string& version) {
  std::vector<std::string> missing;
  for (const std::string& r : k_resources) {
    std::optional<kube::ResourceMapping> m = ctx.api.served("resource.k8s.io", version, r);
    if (!m) {
      missing.push_back(r);
      continue;
    }
    for (const std::string& v : k_verbs) {
      if (std::find(m->verbs.begin(), m->verbs.end(), v) == m->verbs.end()) missing.push_back(r + " verb " + v);
    }
  }
  return missing;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Create, read, patch and delete a DeviceClass and a ResourceClaimTemplate, as the upstream
// [DRA] CRUD conformance tests do. Returns an error message, or empty.
std::string crud(CheckContext& ctx) {
  const GroupVersionKind dc_kind = gvk("resource.k8s.io/v1", "DeviceClass");
  const GroupVersionKind rct_kind = gvk("resource.k8s.io/v1", "ResourceClaimTemplate");
  std::string dc_name = "aiplat-conf-" + ctx.run_id;
  Json dc = {{"apiVersion", "resource.k8s.io/v1"},
             {"kind", "DeviceClass"},
             {"metadata", {{"name", dc_name}}},
             {"spec", {{"selectors", Json::array({{{"cel", {{"expression", "device.driver == 'aiplat.invalid'"}}}}})}}}};
  KubeResult<Json> made = ctx.api.create(dc);
  if (!made) return "creating DeviceClass: " + summarize(made.error());
  ctx.delete_at_cleanup(dc_kind, dc_name);
  Json rct = {{"apiVersion", "resource.k8s.io/v1"},
              {"kind", "ResourceClaimTemplate"},
              {"metadata", {{"name", "aiplat-conf"}, {"namespace", ctx.ns}}},
              {"spec",
               {{"spec",
                 {{"devices",
                   {{"requests", Json::array({{{"name", "dev"}, {"exactly", {{"deviceClassName", dc_name}}}}})}}}}}}}};
  KubeResult<Json> made_rct = ctx.api.create(rct);
  if (!made_rct) return "creating ResourceClaimTemplate: " + summarize(made_rct.error());
  KubeResult<Json> read = ctx.api.get(rct_kind, ctx.ns, "aiplat-conf");
  if (!read) return "reading ResourceClaimTemplate back: " + summarize(read.error());
  Json patch = {{"metadata", {{"labels", {{"aiplat.dev/patched", "yes"}}}}}};
  KubeResult<Json> patched = ctx.api.merge_patch(dc_kind, "", dc_name, patch);
  if (!patched) return "patching DeviceClass: " + summarize(patched.error());
  if ((*patched)["metadata"].value("labels", Json::object()).value("aiplat.dev/patched", "") != "yes") {
    return "the patched DeviceClass does not carry the new label";
  }
  KubeResult<Json> del = ctx.api.remove(rct_kind, ctx.ns, "aiplat-conf");
  if (!del) return "deleting ResourceClaimTemplate: " + summarize(del.error());
  bool gone = ctx.wait_for("ResourceClaimTemplate deletion", std::chrono::seconds(30), [&] {
    KubeResult<Json> g = ctx.api.get(rct_kind, ctx.ns, "aiplat-conf");
    return !g && g.error().not_found();
  });
  if (!gone) return "the deleted ResourceClaimTemplate is still readable after 30s";
  return {};
}

Verdict run(CheckContext& ctx) {
  std::vector<std::string> missing = missing_in(ctx, "v1");
  if (!missing.empty()) {
    // DRA was beta in 1.33, where the requirement is a SHOULD: a beta API is a partial implementation.
    for (const char* beta : {"v1beta2", "v1beta1"}) {
      if (missing_in(ctx, beta).empty()) {
        ctx.found(fmt::format("resource.k8s.io/{} serves all four DRA resources; resource.k8s.io/v1 lacks: {}", beta,
                              join(missing)));
        return pass(fmt::format("DRA is served only as resource.k8s.io/{}", beta), Completeness::partial);
      }
    }
    return fail("resource.k8s.io/v1 is missing: " + join(missing));
  }
  ctx.found("resource.k8s.io/v1 serves deviceclasses, resourceclaims, resourceclaimtemplates and resourceslices "
            "with create, delete, get, list, patch, update and watch");
  if (std::string problem = crud(ctx); !problem.empty()) return fail(problem);
  ctx.found("DeviceClass and ResourceClaimTemplate were created, read, patched and deleted");

  // Functional part, only where a driver publishes devices.
  Accelerators acc = find_accelerators(ctx);
  if (acc.mode != AllocationMode::dra) {
    ctx.found("no DRA driver publishes devices on a Ready node; allocation through a claim was not exercised");
    return pass("DRA API served and objects round-trip (no DRA driver to allocate through)");
  }
  Result<std::vector<Json>> pods = load_probe(ctx, "device-probe.yaml", {{"NAME", "dra-claim"}});
  if (!pods) return fail(pods.error().message);
  Json pod = pods->front();
  if (Result<void> r = request_accelerator(ctx, acc, pod); !r) return fail(r.error().message);
  ProbeRun run = run_probe(ctx, pod, std::chrono::seconds(180));
  if (run.state == ProbeState::no_output) return skip(SkipReason::simulated_cluster, run.message);
  if (run.state != ProbeState::ran) return fail("a pod with a ResourceClaimTemplate did not run: " + run.message);
  if (run.pod["status"].value("resourceClaimStatuses", Json::array()).empty()) {
    return fail("the pod ran but status.resourceClaimStatuses is empty: no claim was generated for it");
  }
  ctx.found("a pod with a ResourceClaimTemplate ran on " + run.node + " with a generated, allocated claim");
  return pass("DRA API served, objects round-trip, and a claim was allocated by driver " + ctx.settings.dra_driver);
}

}  // namespace

CheckDef dra_support_check() {
  return CheckDef{
      "dra_support",
      "Dynamic Resource Allocation API",
      "TestDRASupport",
      {Need::api},
      std::chrono::seconds(300),
      "resource.k8s.io/v1 serves DeviceClass, ResourceClaim, ResourceClaimTemplate and ResourceSlice with all verbs, "
      "and objects can be created, read, patched and deleted; where a DRA driver publishes devices, a pod gets a "
      "claim allocated.",
      run,
  };
}

}  // namespace aiplat::conformance

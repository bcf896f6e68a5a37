// robust_controller: a complex AI operator with CRDs (KubeRay) is installed and works: CRDs
// Established, operator Available, a custom resource reconciled into child objects, and, where the
// operator has a validating webhook, a schema-valid but semantically invalid object denied by it.
#include <fmt/format.h>

#include "conformance/check.hpp"
#include "conformance/gateway_support.hpp"
#include "conformance/probes.hpp"
#include "conformance/webhook_denial.hpp"

namespace aiplat::conformance {
namespace {


Result<Json> ray_cluster(const CheckContext& ctx, const std::string& name, bool duplicate_worker_group) {
  Result<std::vector<Json>> docs = load_probe(ctx, "raycluster.yaml", {{"NAME", name}});
  if (!docs) return tl::unexpected(docs.error());
  Json rc = docs->front();
  if (duplicate_worker_group) rc["spec"]["workerGroupSpecs"].push_back(rc["spec"]["workerGroupSpecs"][0]);
  return rc;
}

// Objects of `kind` in the namespace owned by the RayCluster.
int owned(CheckContext& ctx, const GroupVersionKind& kind, const std::string& owner) {
  KubeResult<kube::ObjectList> list = ctx.api.list(kind, ctx.ns);
  if (!list) return 0;
  int n = 0;
  for (const Json& o : list->items) {
    for (const Json& ref : o["metadata"].value("ownerReferences", Json::array())) {
      if (ref.value("kind", "") == "RayCluster" && ref.value("name", "") == owner) ++n;
    }
  }
  return n;
}

Verdict run(CheckContext& ctx) {
  std::vector<std::string> problems =
      crd_problems(ctx, {"rayclusters.ray.io", "rayjobs.ray.io", "rayservices.ray.io"});
  if (!problems.empty()) {
    return fail("no supported AI operator is installed (aiplat checks KubeRay): " + join_words(problems));
  }
  ctx.found("KubeRay CRDs rayclusters, rayjobs and rayservices.ray.io are Established");
  KubeResult<kube::ObjectList> deps =
      ctx.api.list(gvk("apps/v1", "Deployment"), "", "app.kubernetes.io/name=kuberay-operator");
  if (!deps || deps->items.empty()) {
    return fail("the ray.io CRDs exist but no Deployment labelled app.kubernetes.io/name=kuberay-operator does");
  }
  const Json& dep = deps->items.front();
  if (!condition_true(dep, "Available")) {
    return skip(SkipReason::controller_absent, "Deployment " + object_name(dep) + " is not Available: " + summarize(dep));
  }
  ctx.found("operator Deployment " + object_name(dep) + " is Available");

  // Reconciliation: the operator turns a RayCluster into a head pod and a head Service.
  Result<Json> valid = ray_cluster(ctx, "aiplat-conf", false);
  Result<Json> invalid = ray_cluster(ctx, "aiplat-conf-invalid", true);
  if (!valid || !invalid) return fail(valid ? invalid.error().message : valid.error().message);
  if (KubeResult<Json> made = ctx.api.create(*valid); !made) {
    return fail("creating a valid RayCluster: " + summarize(made.error()));
  }
  int pods = 0;
  int services = 0;
  if (!ctx.wait_for("the operator to create the head pod and Service of RayCluster aiplat-conf",
                    std::chrono::seconds(180), [&] {
                      pods = owned(ctx, gvk("v1", "Pod"), "aiplat-conf");
                      services = owned(ctx, gvk("v1", "Service"), "aiplat-conf");
                      return pods >= 1 && services >= 1;
                    })) {
    return skip(SkipReason::controller_absent,
                fmt::format("the operator Deployment reports Available but did not reconcile RayCluster aiplat-conf "
                            "within 180s ({} owned pods, {} owned Services): the controller is not running (on a "
                            "real cluster, treat this as an operator failure)", pods, services));
  }
  ctx.found(fmt::format("RayCluster reconciled: {} head pod(s) and {} Service(s) owned by it", pods, services));

  // Webhook: a RayCluster with two worker groups of the same name is schema-valid but invalid.
  std::vector<std::string> webhook_problems;
  std::vector<std::string> webhooks = webhooks_for_group(ctx, "ray.io", webhook_problems);
  if (!webhook_problems.empty()) return fail(join_words(webhook_problems));
  if (webhooks.empty()) {
    ctx.found("no validating webhook covers ray.io (the KubeRay Helm chart ships none)");
    return pass("KubeRay runs and reconciles custom resources; it has no admission webhook, so webhook operation is "
                "not shown", Completeness::partial);
  }
  KubeResult<Json> answer = ctx.api.create(*invalid);
  Denial d = classify_denial(answer, webhooks);
  switch (d.kind) {
    case DenialKind::webhook_denied:
      ctx.found("webhook " + d.webhook + " denied a schema-valid RayCluster with duplicate worker group names");
      return pass("KubeRay runs, reconciles custom resources and its webhook denies invalid ones");
    case DenialKind::accepted:
      return fail("the webhook(s) " + join_words(webhooks) + " let a RayCluster with duplicate worker group names in");
    case DenialKind::schema_rejected:
      return fail("the invalid RayCluster was refused by the API server's schema validation, not by a webhook, so "
                  "webhook operation is not shown: " + d.message);
    case DenialKind::webhook_unreachable:
      return fail("webhook " + d.webhook + " is configured but could not be called: " + d.message);
    case DenialKind::other_webhook:
      return fail("the invalid RayCluster was denied by webhook " + d.webhook + ", which is not the operator's (" +
                  join_words(webhooks) + ")");
    case DenialKind::other_error: break;
  }
  return fail("creating the invalid RayCluster failed without a webhook denial: " + d.message);
}

}  // namespace

CheckDef robust_controller_check() {
  return CheckDef{
      "robust_controller",
      "Robust AI operator",
      "TestRobustCRDControllerOperation",
      {Need::controller},
      std::chrono::seconds(420),
      "KubeRay's CRDs are Established and its operator Available; a RayCluster is reconciled into a head pod and a "
      "head Service owned by it; where a validating webhook covers ray.io, a schema-valid RayCluster with duplicate "
      "worker group names must be denied by that webhook (a schema error does not count).",
      run,
  };
}

}  // namespace aiplat::conformance

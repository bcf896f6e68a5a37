#include <gtest/gtest.h>

#include "catalog/layering.hpp"
#include "catalog/solver.hpp"
#include "catalog_fixture.hpp"

namespace aiplat::catalog {
namespace {
using namespace testing;

Result<Plan> plan_for(MemoryFs& fs, const std::string& profile, const std::string& minor = "") {
  LoadReport r = load_catalog(fs, "");
  EXPECT_TRUE(r.ok()) << r.message();
  Result<Profile> p = layer_profiles(r.catalog, {profile}, fs);
  if (!p) return tl::unexpected(p.error());
  SolveOptions o;
  if (!minor.empty()) o.minor = *parse_kube_minor(minor);
  return solve(r.catalog, *p, o);
}

std::vector<std::string> names(const Plan& p) {
  std::vector<std::string> out;
  for (const PlanStep& s : p.steps) out.push_back(s.name + "@" + s.version.to_string());
  return out;
}

std::string error_of(const Result<Plan>& p) { return p ? std::string("(planned)") : p.error().message; }

bool has(const std::string& all, const std::string& needle) { return all.find(needle) != std::string::npos; }

TEST(Solver, PicksTheHighestVersionForTheMinorAndSaysWhy) {
  MemoryFs fs;
  add_addon(fs, "kueue", "0.18.1", "  kubernetes: {min: \"1.32\", max: \"1.35\"}\n");
  add_addon(fs, "kueue", "0.19.2", "  kubernetes: {min: \"1.34\", max: \"1.37\"}\n");
  add_addon(fs, "kueue", "0.20.0", "  kubernetes: {min: \"1.36\"}\n");
  add_profile(fs, "p", "  kubernetes: {default: \"1.35\", min: \"1.33\", max: \"1.37\"}\n  addons:\n    - {name: kueue, version: \">=0.18.0\"}\n");
  Result<Plan> on35 = plan_for(fs, "p");
  ASSERT_TRUE(on35) << error_of(on35);
  EXPECT_EQ(names(*on35), std::vector<std::string>{"kueue@0.19.2"});
  EXPECT_EQ(on35->minor.to_string(), "1.35");
  const auto& reasons = on35->steps[0].reasons;
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_EQ(reasons[0], "profile p asks for kueue \">=0.18.0\"");
  EXPECT_EQ(reasons[1], "0.19.2 is the highest version matching \">=0.18.0\" for Kubernetes 1.35");
  EXPECT_EQ(reasons[2], "0.20.0 not used: supports Kubernetes 1.36+, not 1.35");
  EXPECT_EQ(names(*plan_for(fs, "p", "1.33")), std::vector<std::string>{"kueue@0.18.1"});
  EXPECT_EQ(names(*plan_for(fs, "p", "1.37")), std::vector<std::string>{"kueue@0.20.0"});
}

TEST(Solver, UnsatisfiableExplainsEveryVersion) {
  MemoryFs fs;
  add_addon(fs, "kueue", "0.18.1", "  kubernetes: {min: \"1.32\", max: \"1.35\"}\n");
  add_addon(fs, "kueue", "0.19.2", "  kubernetes: {min: \"1.34\", max: \"1.37\"}\n");
  add_profile(fs, "onprem", "  kubernetes: {min: \"1.33\", max: \"1.37\"}\n  addons:\n    - {name: kueue, version: \">=0.19.0\"}\n");
  Result<Plan> p = plan_for(fs, "onprem", "1.33");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::input);
  EXPECT_TRUE(has(p.error().message, "cannot plan profile onprem for Kubernetes 1.33:")) << p.error().message;
  EXPECT_TRUE(has(p.error().message,
                  "profile onprem: add-on kueue \">=0.19.0\": 0.19.2 supports Kubernetes 1.34-1.37, not 1.33; no other "
                  "version matches (profiles/onprem.yaml:8:7)"))
      << p.error().message;
}

TEST(Solver, ProfileMustSupportTheMinorAndHaveOne) {
  MemoryFs fs;
  add_addon(fs, "a", "1.0.0");
  add_profile(fs, "p", "  kubernetes: {min: \"1.33\", max: \"1.37\"}\n  addons: [{name: a}]\n");
  Result<Plan> p = plan_for(fs, "p", "1.38");
  ASSERT_FALSE(p);
  EXPECT_TRUE(has(p.error().message, "profile p supports Kubernetes 1.33-1.37, not 1.38")) << p.error().message;
  Result<Plan> none = plan_for(fs, "p");
  ASSERT_FALSE(none);
  EXPECT_TRUE(has(none.error().message, "has no spec.kubernetes.default; pass --kubernetes 1.3x")) << none.error().message;
}

TEST(Solver, EntriesOutsideTheirMinorsAreSkippedWithAReason) {
  MemoryFs fs;
  add_addon(fs, "a", "1.0.0");
  add_addon(fs, "dra", "0.4.1");
  add_profile(fs, "p", R"(  kubernetes: {default: "1.33", min: "1.33", max: "1.37"}
  addons:
    - {name: a}
    - {name: dra, kubernetes: {min: "1.34"}}
)");
  Result<Plan> on33 = plan_for(fs, "p");
  ASSERT_TRUE(on33) << error_of(on33);
  EXPECT_EQ(names(*on33), std::vector<std::string>{"a@1.0.0"});
  ASSERT_EQ(on33->skipped.size(), 1u);
  EXPECT_EQ(on33->skipped[0].name, "dra");
  EXPECT_TRUE(has(on33->skipped[0].reason, "profile p lists dra only for Kubernetes 1.34+, not 1.33")) << on33->skipped[0].reason;
  EXPECT_EQ(names(*plan_for(fs, "p", "1.34")), (std::vector<std::string>{"a@1.0.0", "dra@0.4.1"}));
}

TEST(Solver, OrdersByRequiresWithNameTieBreak) {
  MemoryFs fs;
  add_addon(fs, "zeta", "1.0.0");
  add_addon(fs, "alpha", "1.0.0", "  requires: [{addon: zeta}]\n");
  add_addon(fs, "mid", "1.0.0", "  requires: [{capability: metrics, optional: true}]\n");
  add_addon(fs, "prom", "1.0.0", "  capabilities: [metrics]\n");
  add_addon(fs, "beta", "1.0.0");
  add_profile(fs, "p", R"(  kubernetes: {default: "1.35"}
  addons: [{name: mid}, {name: beta}, {name: alpha}, {name: zeta}, {name: prom}]
)");
  Result<Plan> p = plan_for(fs, "p");
  ASSERT_TRUE(p) << error_of(p);
  EXPECT_EQ(names(*p), (std::vector<std::string>{"beta@1.0.0", "prom@1.0.0", "mid@1.0.0", "zeta@1.0.0", "alpha@1.0.0"}));
  EXPECT_EQ(p->steps[4].after, std::vector<std::string>{"zeta"});
  EXPECT_EQ(p->steps[2].after, std::vector<std::string>{"prom"});  // optional requires order when present
  for (int i = 0; i < 5; ++i) EXPECT_EQ(p->steps[i].order, i + 1);
}

TEST(Solver, OptionalRequirementsAreNotDemanded) {
  MemoryFs fs;
  add_addon(fs, "mid", "1.0.0", "  requires: [{capability: metrics, optional: true}, {addon: other, optional: true}]\n");
  add_addon(fs, "other", "1.0.0");
  add_addon(fs, "prom", "1.0.0", "  capabilities: [metrics]\n");
  add_profile(fs, "p", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: mid}]\n");
  Result<Plan> p = plan_for(fs, "p");
  ASSERT_TRUE(p) << error_of(p);
  EXPECT_EQ(names(*p), std::vector<std::string>{"mid@1.0.0"});
}

TEST(Solver, RequiredAddOnsAreAddedWithTheChain) {
  MemoryFs fs;
  add_addon(fs, "jobset", "0.10.0");
  add_addon(fs, "jobset", "0.11.0", "  kubernetes: {min: \"1.34\"}\n");
  add_addon(fs, "kueue", "0.19.2", "  requires: [{addon: jobset, version: \">=0.10.0\"}]\n");
  add_profile(fs, "p", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: kueue}]\n");
  Result<Plan> p = plan_for(fs, "p");
  ASSERT_TRUE(p) << error_of(p);
  EXPECT_EQ(names(*p), (std::vector<std::string>{"jobset@0.11.0", "kueue@0.19.2"}));
  EXPECT_EQ(p->steps[0].reasons[0], "required by kueue 0.19.2 (profile p does not list it)");
  EXPECT_EQ(names(*plan_for(fs, "p", "1.33")), (std::vector<std::string>{"jobset@0.10.0", "kueue@0.19.2"}));
}

TEST(Solver, RequiredVersionMismatchAndUnsatisfiableChain) {
  MemoryFs fs;
  add_addon(fs, "jobset", "0.10.0");
  add_addon(fs, "jobset", "0.11.0", "  kubernetes: {min: \"1.34\"}\n");
  add_addon(fs, "kueue", "0.19.2", "  requires: [{addon: jobset, version: \">=0.11.0\"}]\n");
  add_profile(fs, "pinned", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: kueue}, {name: jobset, version: \"0.10.0\"}]\n");
  add_profile(fs, "old", "  kubernetes: {default: \"1.33\"}\n  addons: [{name: kueue}]\n");
  Result<Plan> pinned = plan_for(fs, "pinned");
  ASSERT_FALSE(pinned);
  EXPECT_TRUE(has(pinned.error().message,
                  "profile pinned -> kueue 0.19.2 requires jobset \">=0.11.0\", but the plan has jobset 0.10.0 "
                  "(profile pinned)"))
      << pinned.error().message;
  Result<Plan> old = plan_for(fs, "old");
  ASSERT_FALSE(old);
  EXPECT_TRUE(has(old.error().message,
                  "profile old -> kueue 0.19.2 requires: add-on jobset \">=0.11.0\": 0.11.0 supports Kubernetes 1.34+, "
                  "not 1.33; no other version matches (addons/kueue/0.19.2/addon.yaml:8:22)"))
      << old.error().message;
}

TEST(Solver, DevicePluginConflictsWithDraCapability) {
  MemoryFs fs;
  add_addon(fs, "gpu-operator", "26.7.0", R"(  modes:
    device-plugin:
      capabilities: [nvidia-device-plugin]
    dra:
      conflicts: [{capability: nvidia-device-plugin, reason: the device plugin and the DRA GPU plugin must not share a node}]
  defaultMode: device-plugin
)");
  add_addon(fs, "nvidia-dra-driver", "0.4.1", R"(  capabilities: [nvidia-dra]
  conflicts: [{capability: nvidia-device-plugin, reason: the device plugin and the DRA GPU plugin must not share a node}]
)");
  add_profile(fs, "bad", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: gpu-operator}, {name: nvidia-dra-driver}]\n");
  add_profile(fs, "good", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: gpu-operator, mode: dra}, {name: nvidia-dra-driver}]\n");
  Result<Plan> bad = plan_for(fs, "bad");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(has(bad.error().message,
                  "nvidia-dra-driver 0.4.1 conflicts with capability \"nvidia-device-plugin\" of gpu-operator 26.7.0: "
                  "the device plugin and the DRA GPU plugin must not share a node; remove one from profile bad or "
                  "change its mode"))
      << bad.error().message;
  Result<Plan> good = plan_for(fs, "good");
  ASSERT_TRUE(good) << error_of(good);
  EXPECT_EQ(good->steps[0].mode, "dra");
}

TEST(Solver, AddOnConflictIsReportedOnce) {
  MemoryFs fs;
  add_addon(fs, "a", "1.0.0", "  conflicts: [{addon: b, reason: both want the port}]\n");
  add_addon(fs, "b", "1.0.0", "  conflicts: [{addon: a}]\n");
  add_profile(fs, "p", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: a}, {name: b}]\n");
  Result<Plan> p = plan_for(fs, "p");
  ASSERT_FALSE(p);
  const std::string& m = p.error().message;
  EXPECT_TRUE(has(m, "a 1.0.0 conflicts with b 1.0.0: both want the port")) << m;
  EXPECT_FALSE(has(m, "b 1.0.0 conflicts with a")) << m;
}

TEST(Solver, OneOwnerPerCrdGroupUnlessDeferred) {
  MemoryFs fs;
  add_addon(fs, "gateway-api", "1.6.1", "  crds: {owns: [gateway.networking.k8s.io]}\n");
  add_addon(fs, "istio", "1.28.0", "  crds: {owns: [gateway.networking.k8s.io, networking.istio.io]}\n");
  add_addon(fs, "envoy", "1.6.0", "  crds: {owns: [gateway.envoyproxy.io], defersTo: [gateway.networking.k8s.io]}\n");
  add_profile(fs, "two", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: gateway-api}, {name: istio}]\n");
  add_profile(fs, "ok", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: envoy}, {name: gateway-api}]\n");
  add_profile(fs, "orphan", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: envoy}]\n");
  Result<Plan> two = plan_for(fs, "two");
  ASSERT_FALSE(two);
  EXPECT_TRUE(has(two.error().message,
                  "CRD group gateway.networking.k8s.io has 2 owners in the plan: gateway-api 1.6.1 and istio 1.28.0; "
                  "all but one must list it under crds.defersTo"))
      << two.error().message;
  Result<Plan> ok = plan_for(fs, "ok");
  ASSERT_TRUE(ok) << error_of(ok);
  EXPECT_EQ(names(*ok), (std::vector<std::string>{"gateway-api@1.6.1", "envoy@1.6.0"}));  // after the owner
  Result<Plan> orphan = plan_for(fs, "orphan");
  ASSERT_FALSE(orphan);
  EXPECT_TRUE(has(orphan.error().message, "envoy 1.6.0 defers CRD group gateway.networking.k8s.io to its owner, but no "
                                          "add-on in the plan owns it"))
      << orphan.error().message;
}

TEST(Solver, CyclesAreNamed) {
  MemoryFs fs;
  add_addon(fs, "a", "1.0.0", "  requires: [{addon: b}]\n");
  add_addon(fs, "b", "1.0.0", "  requires: [{addon: c}]\n");
  add_addon(fs, "c", "1.0.0", "  requires: [{addon: a}]\n");
  add_addon(fs, "d", "1.0.0", "  requires: [{addon: a}]\n");
  add_profile(fs, "p", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: d}]\n");
  Result<Plan> p = plan_for(fs, "p");
  ASSERT_FALSE(p);
  EXPECT_TRUE(has(p.error().message, "dependency cycle: a -> b -> c -> a")) << p.error().message;
}

TEST(Solver, CapabilityAndApiRequirements) {
  MemoryFs fs;
  add_addon(fs, "adapter", "1.0.0", "  requires: [{capability: prometheus-crds}]\n");
  add_addon(fs, "prom-crds", "1.0.0", "  capabilities: [prometheus-crds]\n");
  add_addon(fs, "dra", "0.4.1", "  requires: [{api: resource.k8s.io/v1}]\n");
  add_addon(fs, "beta-user", "1.0.0", "  requires: [{api: resource.k8s.io/v1beta2}]\n");
  add_addon(fs, "crd-user", "1.0.0", "  requires: [{api: monitoring.coreos.com/v1}]\n");
  add_addon(fs, "crd-owner", "1.0.0", "  crds: {owns: [monitoring.coreos.com]}\n");
  add_profile(fs, "nocap", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: adapter}]\n");
  add_profile(fs, "dra", "  kubernetes: {min: \"1.33\"}\n  addons: [{name: dra}]\n");
  add_profile(fs, "beta", "  kubernetes: {min: \"1.33\"}\n  addons: [{name: beta-user}]\n");
  add_profile(fs, "crd", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: crd-user}, {name: crd-owner}]\n");
  Result<Plan> nocap = plan_for(fs, "nocap");
  ASSERT_FALSE(nocap);
  EXPECT_TRUE(has(nocap.error().message, "requires capability \"prometheus-crds\", which no add-on in the plan provides "
                                         "(catalog add-ons that do: prom-crds; add one to the profile)"))
      << nocap.error().message;
  EXPECT_TRUE(plan_for(fs, "dra", "1.34").has_value());
  Result<Plan> dra33 = plan_for(fs, "dra", "1.33");
  ASSERT_FALSE(dra33);
  EXPECT_TRUE(has(dra33.error().message, "requires API resource.k8s.io/v1, which is not available (Kubernetes 1.33: not "
                                         "served)"))
      << dra33.error().message;
  Result<Plan> beta = plan_for(fs, "beta", "1.33");
  ASSERT_FALSE(beta);
  EXPECT_TRUE(has(beta.error().message, "served only when enabled")) << beta.error().message;
  Result<Plan> crd = plan_for(fs, "crd");
  ASSERT_TRUE(crd) << error_of(crd);  // an add-on of the plan owns the group
}

TEST(Solver, LiveClusterApisReplaceTheTable) {
  MemoryFs fs;
  add_addon(fs, "beta-user", "1.0.0", "  requires: [{api: resource.k8s.io/v1beta2}]\n");
  add_profile(fs, "p", "  kubernetes: {default: \"1.33\"}\n  addons: [{name: beta-user}]\n");
  LoadReport r = load_catalog(fs, "");
  Result<Profile> prof = layer_profiles(r.catalog, {"p"}, fs);
  SolveOptions o;
  o.served_apis = std::set<std::string>{"v1", "resource.k8s.io/v1beta2"};
  EXPECT_TRUE(solve(r.catalog, *prof, o).has_value());
  o.served_apis = std::set<std::string>{"v1"};
  Result<Plan> p = solve(r.catalog, *prof, o);
  ASSERT_FALSE(p);
  EXPECT_TRUE(has(p.error().message, "the cluster does not serve it")) << p.error().message;
}

TEST(Solver, ModesValuesFiltersAndSettingsReachThePlan) {
  MemoryFs fs;
  add_addon(fs, "gpu-operator", "26.7.0", R"(  namespace: gpu-operator
  modes:
    dra: {values: {devicePlugin: {enabled: false}, driver: {enabled: false}}, capabilities: [nvidia-gpu-runtime]}
  defaultMode: dra
  capabilities: [gpu-operator]
  sources:
    - {type: helm, chart: gpu-operator, repo: "https://helm.ngc.nvidia.com/nvidia", version: v26.7.0, digest: unknown}
    - {type: url, url: "https://example.com/onprem.yaml", sha256: unknown, profiles: [onprem]}
  images:
    - {ref: "nvcr.io/nvidia/gpu-operator:v26.7.0", digest: unknown}
    - {ref: "nvcr.io/nvidia/driver:580", digest: unknown, operand: true, profiles: [cloud]}
  patches:
    - {target: {kind: Deployment}, profiles: [cloud], patch: {a: 1}}
  provides: [accelerator_metrics]
)");
  add_profile(fs, "onprem", R"(  kubernetes: {default: "1.35"}
  registry: {pullSecret: s}
  autoscaler: none
  addons: [{name: gpu-operator, values: {driver: {enabled: true}}}]
  checklist: {notApplicable: [{id: cluster_autoscaling, reason: fixed pool}]}
)");
  Result<Plan> p = plan_for(fs, "onprem");
  ASSERT_TRUE(p) << error_of(p);
  const PlanStep& s = p->steps[0];
  EXPECT_EQ(s.mode, "dra");
  EXPECT_EQ(s.values, (Json{{"devicePlugin", {{"enabled", false}}}, {"driver", {{"enabled", true}}}}));
  EXPECT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.images.size(), 1u);
  EXPECT_TRUE(s.patches.empty());
  EXPECT_EQ(s.capabilities, (std::vector<std::string>{"gpu-operator", "nvidia-gpu-runtime"}));
  EXPECT_EQ(s.checks, std::vector<std::string>{"accelerator_metrics"});
  EXPECT_EQ(p->registry.pull_secret, "s");
  ASSERT_EQ(p->not_applicable.size(), 1u);
  EXPECT_EQ(p->not_applicable[0].reason, "fixed pool");
  EXPECT_EQ(p->profiles, std::vector<std::string>{"onprem"});
}

TEST(Solver, RegistrySettingsMustBeConsistent) {
  MemoryFs fs;
  add_addon(fs, "a", "1.0.0");
  add_profile(fs, "p", "  kubernetes: {default: \"1.35\"}\n  imageRedirection: rewrite\n  registry: {allowPublicFallback: false}\n  addons: [{name: a}]\n");
  Result<Plan> p = plan_for(fs, "p");
  ASSERT_FALSE(p);
  EXPECT_TRUE(has(p.error().message, "imageRedirection rewrite needs spec.registry.mirror")) << p.error().message;
  EXPECT_TRUE(has(p.error().message, "allowPublicFallback is false but no registry.mirror")) << p.error().message;
}

TEST(Solver, IsDeterministic) {
  MemoryFs fs;
  for (const char* n : {"e", "d", "c", "b", "a"}) add_addon(fs, n, "1.0.0");
  add_profile(fs, "p", "  kubernetes: {default: \"1.35\"}\n  addons: [{name: e}, {name: c}, {name: a}, {name: d}, {name: b}]\n");
  Result<Plan> first = plan_for(fs, "p");
  ASSERT_TRUE(first);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(names(*plan_for(fs, "p")), names(*first));
  EXPECT_EQ(names(*first), (std::vector<std::string>{"a@1.0.0", "b@1.0.0", "c@1.0.0", "d@1.0.0", "e@1.0.0"}));
}

}  // namespace
}  // namespace aiplat::catalog

#include <gtest/gtest.h>

#include "catalog/loader.hpp"
#include "catalog_fixture.hpp"

namespace aiplat::catalog {
namespace {
using namespace testing;

/// Every problem, one per line.
std::string problems_of(MemoryFs& fs) { return load_catalog(fs, "").message(); }

bool has(const std::string& all, const std::string& needle) { return all.find(needle) != std::string::npos; }

TEST(Loader, LoadsAFullAddOn) {
  MemoryFs fs;
  add_addon(fs, "jobset", "0.11.0");
  fs.add("addons/kueue/0.19.2/manifests/queue.yaml", "kind: ConfigMap\n");
  add_addon(fs, "kueue", "0.19.2", R"(  homepage: https://kueue.sigs.k8s.io
  namespace: kueue-system
  kubernetes: {min: "1.34", max: "1.37"}
  requires:
    - {addon: jobset, version: ">=0.11.0"}
    - {capability: prometheus-crds, optional: true}
    - api: resource.k8s.io/v1
  conflicts:
    - {capability: other-queue, reason: one queue manager}
  capabilities: [gang-scheduler]
  crds: {owns: [kueue.x-k8s.io], defersTo: [jobset.x-k8s.io]}
  provides: [gang_scheduling]
  modes:
    strict:
      description: strict
      values: {a: 1}
      capabilities: [strict-queue]
  defaultMode: strict
  sources:
    - {type: files, path: manifests/}
    - type: url
      url: https://example.com/m.yaml
      sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    - type: helm
      chart: kueue
      repo: oci://registry.k8s.io/kueue/charts
      version: 0.19.2
      digest: unknown
      values: {enableCertManager: false}
      valuesByProfile: {airgapped: {x: 1}}
      includeCRDs: false
      profiles: [onprem]
  patches:
    - target: {kind: Deployment, name: kueue-controller-manager, namespace: kueue-system}
      profiles: [onprem]
      patch: {spec: {replicas: 2}}
  images:
    - {ref: "registry.k8s.io/kueue/kueue:v0.19.2", digest: unknown}
    - {ref: "example.com/operand:1", digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", operand: true}
  customResourceImages:
    - {kind: ClusterPolicy, path: /spec/driver/image}
  readiness:
    - {kind: Deployment, name: kueue-controller-manager, namespace: kueue-system, condition: Available}
    - {kind: ClusterPolicy, name: cluster-policy, jsonPath: .status.state, equals: ready}
  timeout: 1h30m
  upgrade:
    from: ">=0.18.0 <0.19.2"
    notes: [WaitForPodsReady is on by default]
    storageMigrations:
      - {group: kueue.x-k8s.io, resource: workloads, from: v1beta1, to: v1beta2}
)");
  LoadReport r = load_catalog(fs, "");
  ASSERT_TRUE(r.ok()) << r.message();
  const AddOn& a = *r.catalog.addons.at("kueue").front();
  EXPECT_EQ(a.version.to_string(), "0.19.2");
  EXPECT_EQ(a.dir, "addons/kueue/0.19.2");
  EXPECT_EQ(a.kubernetes.to_string(), "1.34-1.37");
  ASSERT_EQ(a.requirements.size(), 3u);
  EXPECT_EQ(a.requirements[0].kind, Requirement::Kind::addon);
  EXPECT_EQ(a.requirements[0].version->text, ">=0.11.0");
  EXPECT_TRUE(a.requirements[1].optional);
  EXPECT_EQ(a.requirements[2].name, "resource.k8s.io/v1");
  EXPECT_EQ(a.requirements[0].at.where(), "addons/kueue/0.19.2/addon.yaml:12:15");
  EXPECT_EQ(a.conflicts[0].reason, "one queue manager");
  EXPECT_EQ(a.crds.defers_to, std::vector<std::string>{"jobset.x-k8s.io"});
  EXPECT_EQ(a.checks, a.provides);  // checks default to provides
  EXPECT_EQ(a.modes.at("strict").values["a"], 1);
  ASSERT_EQ(a.sources.size(), 3u);
  EXPECT_EQ(a.sources[2].release_name, "kueue");  // defaults to the add-on name
  EXPECT_FALSE(a.sources[2].include_crds);
  EXPECT_EQ(a.sources[2].values_by_profile.at("airgapped")["x"], 1);
  EXPECT_EQ(a.sources[2].profiles, std::vector<std::string>{"onprem"});
  EXPECT_EQ(a.patches[0].target.namespace_, "kueue-system");
  EXPECT_TRUE(a.images[1].operand);
  EXPECT_EQ(a.readiness[1].equals, "ready");
  EXPECT_EQ(a.timeout, std::chrono::seconds(5400));
  EXPECT_EQ(a.upgrade.storage_migrations[0].to, "v1beta2");
  EXPECT_EQ(r.unpinned.size(), 2u);  // the helm digest and the first image
}

TEST(Loader, UnknownFieldSuggestsTheNearestSpelling) {
  MemoryFs fs;
  add_addon(fs, "kueue", "0.19.2", "  requries:\n    - addon: jobset\n");
  std::string all = problems_of(fs);
  EXPECT_TRUE(has(all, "addons/kueue/0.19.2/addon.yaml:8:3: unknown field \"requries\" in spec (did you mean \"requires\"?)"))
      << all;
}

TEST(Loader, ReportsEveryProblemAtOnceWithPositions) {
  MemoryFs fs;
  add_addon(fs, "jobset", "0.11.0");
  add_addon(fs, "kueue", "0.19.2", R"(  kubernetes: {min: 1.34, max: "1.37"}
  requires:
    - {addon: jobsett, version: ">=0.11.0"}
    - {addon: jobset, version: ">=banana"}
    - {capability: nothing-provides-this}
    - {api: "not a group version"}
  modes: {a: {}}
  defaultMode: b
  sources:
    - {type: files, path: manifests/}
    - {type: url, url: https://example.com/x.yaml, sha256: abc}
    - {type: helm, chart: c, repo: oci://r, version: 1.0.0, digest: "sha256:xyz"}
    - {type: gît}
    - {type: url, url: https://e.com/y.yaml, sha256: unknown, chart: nope}
  images:
    - {ref: "a/b:1", digest: unknown}
    - {ref: "a/b:1", digest: unknown}
  timeout: soon
  provides: yes
)");
  std::string all = problems_of(fs);
  const char* file = "addons/kueue/0.19.2/addon.yaml";
  for (const std::string& expected : std::vector<std::string>{
           std::string(file) + ":8:21: Kubernetes minor \"spec.kubernetes.min\" must be quoted",
           std::string(file) + ":10:15: kueue 0.19.2 requires unknown add-on \"jobsett\" (did you mean \"jobset\"?)",
           std::string(file) + ":11:32: version constraint \">=banana\": \"banana\" is not a version",
           std::string(file) + ":12:20: kueue 0.19.2 requires capability \"nothing-provides-this\"",
           std::string(file) + ":13:13: api \"not a group version\" must be GROUP/VERSION",
           std::string(file) + ":15:16: defaultMode \"b\" is not one of the modes",
           "files source \"manifests/\" does not exist",
           std::string(file) + ":18:60: sha256 \"abc\" must be 64 lowercase hex digits",
           "digest \"sha256:xyz\" must be sha256: followed by 64 lowercase hex digits",
           "\"spec.sources.3.type\" is \"gît\"; it must be one of files, url, helm",
           "unknown field \"chart\" in a url source",
           "image \"a/b:1\" is listed twice",
           "timeout \"soon\" is not a duration",
           "\"spec.provides\" must be a list of strings, not a boolean",
       }) {
    EXPECT_TRUE(has(all, expected)) << "missing: " << expected << "\nall:\n" << all;
  }
}

TEST(Loader, MissingAndWrongTypedFields) {
  MemoryFs fs;
  fs.add("addons/a/1.0.0/addon.yaml", "apiVersion: aiplat.dev/v1alpha1\nkind: AddOn\nmetadata:\n  name: a\n");
  fs.add("addons/b/1.0.0/addon.yaml",
         "apiVersion: aiplat.dev/v1\nkind: Addon\nmetadata: {name: b, version: 1.0.0}\nspec: [1]\n");
  std::string all = problems_of(fs);
  EXPECT_TRUE(has(all, "addons/a/1.0.0/addon.yaml:3:1: missing required field \"metadata.version\"")) << all;
  EXPECT_TRUE(has(all, "addons/a/1.0.0/addon.yaml:1:1: missing required field \"spec\"")) << all;
  EXPECT_TRUE(has(all, "addons/b/1.0.0/addon.yaml:1:13: apiVersion is \"aiplat.dev/v1\"")) << all;
  EXPECT_TRUE(has(all, "kind is \"Addon\"; expected AddOn")) << all;
  EXPECT_TRUE(has(all, "addons/b/1.0.0/addon.yaml:4:7: \"spec\" must be a mapping, not a list")) << all;
}

TEST(Loader, NameAndVersionMustMatchTheirFolders) {
  MemoryFs fs;
  fs.add("addons/kueue/0.19.2/addon.yaml", addon_yaml("queue", "0.19.3"));
  fs.add("addons/jobset/addon.yaml", addon_yaml("jobset", "1.0.0"));
  fs.add("addons/x/1.0.0/values.yaml", "a: 1\n");
  std::string all = problems_of(fs);
  EXPECT_TRUE(has(all, "addons/kueue/0.19.2/addon.yaml:4:9: metadata.name \"queue\" must equal its folder name \"kueue\""))
      << all;
  EXPECT_TRUE(has(all, "metadata.version \"0.19.3\" must equal its folder name \"0.19.2\"")) << all;
  EXPECT_TRUE(has(all, "addons/jobset/addon.yaml: unexpected file")) << all;
  EXPECT_TRUE(has(all, "addons/x/1.0.0: add-on folder without addon.yaml")) << all;
}

TEST(Loader, VersionWithLeadingVIsRejected) {
  MemoryFs fs;
  add_addon(fs, "kueue", "v0.19.2");
  std::string all = problems_of(fs);
  EXPECT_TRUE(has(all, "version \"v0.19.2\": write it without the leading \"v\"")) << all;
}

TEST(Loader, YamlSyntaxErrorsKeepTheirPosition) {
  MemoryFs fs;
  fs.add("addons/a/1.0.0/addon.yaml", "apiVersion: [unclosed\n");
  std::string all = problems_of(fs);
  EXPECT_TRUE(has(all, "addons/a/1.0.0/addon.yaml:")) << all;
  EXPECT_TRUE(has(all, "invalid YAML")) << all;
}

TEST(Loader, ProfileProblems) {
  MemoryFs fs;
  add_addon(fs, "kueue", "0.19.2", "  modes: {m: {}}\n  defaultMode: m\n");
  add_profile(fs, "onprem", R"(  extends: [bsae]
  kubernetes: {default: "1.38", min: "1.33", max: "1.37"}
  accelerator: {vendor: nvdia}
  addons:
    - {name: kueue, version: ">=1.0.0"}
    - {name: kueue, mode: x}
    - {name: kueu}
    - {name: kueue, mode: q, version: "0.19.2"}
  checklist:
    notApplicable:
      - {id: a, reason: r}
      - {id: a, reason: r}
      - {id: b}
)");
  fs.add("profiles/other.yaml", profile_yaml("different", "  description: x\n"));
  std::string all = problems_of(fs);
  for (const std::string& expected : std::vector<std::string>{
           "profiles/onprem.yaml:6:12: profile onprem extends unknown profile \"bsae\"",
           "profiles/onprem.yaml:7:25: default minor 1.38 is outside the profile's range 1.33-1.37",
           "\"spec.accelerator.vendor\" is \"nvdia\"; it must be one of nvidia, none (did you mean \"nvidia\"?)",
           "profiles/onprem.yaml:10:7: profile onprem: add-on kueue \">=1.0.0\" matches no catalog version (it has 0.19.2)",
           "add-on \"kueue\" is listed twice in spec.addons",
           "unknown add-on \"kueu\" (did you mean \"kueue\"?)",
           "profiles/onprem.yaml:11:7: profile onprem: add-on kueue has no mode \"x\" (modes: m)",
           "checklist id \"a\" is marked not applicable twice",
           "missing required field \"spec.checklist.notApplicable.2.reason\"",
           "profiles/other.yaml:4:9: metadata.name \"different\" must equal the file name \"other\"",
       }) {
    EXPECT_TRUE(has(all, expected)) << "missing: " << expected << "\nall:\n" << all;
  }
}

TEST(Loader, ProblemsAreSortedByFileAndLine) {
  MemoryFs fs;
  add_addon(fs, "b", "1.0.0", "  zzz: 1\n  yyy: 2\n");
  add_addon(fs, "a", "1.0.0", "  xxx: 1\n");
  LoadReport r = load_catalog(fs, "");
  ASSERT_EQ(r.problems.size(), 3u) << r.message();
  EXPECT_EQ(r.problems[0].at.file, "addons/a/1.0.0/addon.yaml");
  EXPECT_LT(r.problems[1].at.line, r.problems[2].at.line);
}

TEST(Loader, NotACatalogDirectory) {
  MemoryFs fs;
  fs.add("README.md", "hello");
  std::string all = load_catalog(fs, "").message();
  EXPECT_TRUE(has(all, "no addons/ or profiles/ folder")) << all;
  Result<Catalog> c = load_valid_catalog(fs, "");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::input);
}

TEST(Loader, RootPrefixesFileNames) {
  MemoryFs fs;
  fs.add("site/addons/a/1.0.0/addon.yaml", addon_yaml("a", "1.0.0", "  bogus: 1\n"));
  std::string all = load_catalog(fs, "site").message();
  EXPECT_TRUE(has(all, "site/addons/a/1.0.0/addon.yaml:8:3: unknown field \"bogus\"")) << all;
}

TEST(Loader, VersionsSortHighestFirst) {
  MemoryFs fs;
  add_addon(fs, "a", "0.9.0");
  add_addon(fs, "a", "0.10.0");
  add_addon(fs, "a", "0.10.0-rc.1");
  Catalog c = load_clean(fs);
  const auto& vs = c.addons.at("a");
  ASSERT_EQ(vs.size(), 3u);
  EXPECT_EQ(vs[0]->version.to_string(), "0.10.0");
  EXPECT_EQ(vs[1]->version.to_string(), "0.10.0-rc.1");
  EXPECT_EQ(vs[2]->version.to_string(), "0.9.0");
  EXPECT_NE(c.find("a", *parse_version("0.9.0")), nullptr);
  EXPECT_EQ(c.find("a", *parse_version("0.9.1")), nullptr);
}

}  // namespace
}  // namespace aiplat::catalog

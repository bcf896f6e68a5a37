// The air-gap path end to end with the built binary: a small test catalog whose add-ons use
// synthetic multi-layer, multi-arch images in registry A; `airgap pack --profile` from A;
// verify; tampering refused; install refused while registry B lacks the images (no write
// reaches kubesim); load into B; registry A stopped; `install --bundle --registry B` on
// kubesim with every image reference rewritten to B (digests kept); minor and profile
// mismatches refused.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "airgap/bundle_verify.hpp"
#include "airgap_fixture.hpp"
#include "conformance/probes.hpp"
#include "kube/client.hpp"
#include "kube/kubeconfig.hpp"
#include "support/kubesim_process.hpp"
#include "util/fs.hpp"
#include "util/http.hpp"

namespace aiplat::testing {
namespace {

namespace fs = std::filesystem;

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

/// Profiles airgap-test (both add-ons) and airgap-test-small (CRDs only); add-ons air-crds and
/// air-apps, whose images live under registry.test/air/ (pulled from A through --pull-mirror).
void write_catalog(const std::string& dir, const std::string& server_digest) {
  for (const auto& [name, addons] : std::vector<std::pair<std::string, std::string>>{
           {"airgap-test", "    - name: air-crds\n    - name: air-apps\n"}, {"airgap-test-small", "    - name: air-crds\n"}}) {
    write(dir + "/profiles/" + name + ".yaml",
          "apiVersion: aiplat.dev/v1alpha1\nkind: Profile\nmetadata:\n  name: " + name +
              "\nspec:\n  description: air-gap test platform (written by the airgap integration test)\n"
              "  kubernetes:\n    default: \"1.35\"\n    min: \"1.33\"\n    max: \"1.37\"\n"
              "  accelerator:\n    vendor: none\n  addons:\n" + addons);
  }
  write(dir + "/addons/air-crds/1.0.0/addon.yaml", R"(apiVersion: aiplat.dev/v1alpha1
kind: AddOn
metadata:
  name: air-crds
  version: 1.0.0
spec:
  description: one CRD for the air-gap test
  kubernetes: {min: "1.33", max: "1.37"}
  crds:
    owns: [air.aiplat.test]
  sources:
    - type: files
      path: manifests/
  readiness: []
  timeout: 1m
)");
  write(dir + "/addons/air-crds/1.0.0/manifests/crds.yaml", R"(apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.air.aiplat.test
spec:
  group: air.aiplat.test
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, listKind: GadgetList}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
)");
  write(dir + "/addons/air-apps/2.0.0/addon.yaml", R"(apiVersion: aiplat.dev/v1alpha1
kind: AddOn
metadata:
  name: air-apps
  version: 2.0.0
spec:
  description: workloads with pod, custom-resource and operand images for the air-gap test
  namespace: air-system
  kubernetes: {min: "1.33", max: "1.37"}
  requires:
    - addon: air-crds
  sources:
    - type: files
      path: manifests/
  images:
    - ref: registry.test/air/server:1.0
      digest: )" + server_digest + R"(
    - ref: registry.test/air/init:0.3
      digest: unknown
    - ref: registry.test/air/agent:2.1
      digest: unknown
    - ref: registry.test/air/operand:5
      digest: unknown
      operand: true
  customResourceImages:
    - {kind: Gadget, path: /spec/image}
  readiness:
    - {kind: Deployment, name: air-server, namespace: air-system, condition: Available}
  timeout: 1m
)");
  write(dir + "/addons/air-apps/2.0.0/manifests/apps.yaml", R"(apiVersion: v1
kind: Namespace
metadata:
  name: air-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: air-server
spec:
  replicas: 1
  selector: {matchLabels: {app: air-server}}
  template:
    metadata: {labels: {app: air-server}}
    spec:
      initContainers:
        - name: init
          image: registry.test/air/init:0.3
      containers:
        - name: server
          image: registry.test/air/server:1.0
---
apiVersion: air.aiplat.test/v1
kind: Gadget
metadata:
  name: default
spec:
  image: registry.test/air/agent:2.1
)");
}

std::vector<std::string> writes_in(const std::vector<std::string>& requests) {
  std::vector<std::string> out;
  for (const std::string& line : requests) {
    if (line.starts_with("POST ") || line.starts_with("PUT ") || line.starts_with("PATCH ") ||
        line.starts_with("DELETE ")) {
      out.push_back(line);
    }
  }
  return out;
}

std::unique_ptr<KubesimProcess> start_sim(const std::string& minor) {
  KubesimOptions options;
  options.minor = minor;
  options.extra_args = {"--controller-delay-ms", "20"};
  auto sim = KubesimProcess::start(options);
  EXPECT_TRUE(sim) << (sim ? "" : sim.error().message);
  return sim ? std::move(*sim) : nullptr;
}

nlohmann::json get_object(const std::string& kubeconfig, const kube::ResourceRef& ref) {
  RealFs fs;
  kube::KubeconfigOptions options;
  options.explicit_path = kubeconfig;
  auto config = kube::load_cluster_config(options, fs);
  if (!config) return nlohmann::json();
  kube::Client client(*config, make_curl_transport(2));
  auto object = client.get(ref);
  return object ? *object : nlohmann::json();
}

TEST(AirgapInstall, PackFromProfileVerifyLoadAndInstallFromTheBundle) {
  if (KubesimProcess::default_binary().empty()) GTEST_SKIP() << "kubesim is not built";
  TempDir dir;
  const std::string d = dir.path;
  auto a = RegistryProcess::start({}, d);
  auto b = RegistryProcess::start({}, d);
  ASSERT_TRUE(a && b) << "cannot start registries: " << (a ? b.error().message : a.error().message);
  const std::string reg_a = (*a)->host(), reg_b = (*b)->host();

  // Synthetic images in A, under the paths the catalog and the probes name.
  fs::create_directories(d + "/seed");
  auto layout = airgap::OciLayout::create(d + "/seed");
  ASSERT_TRUE(layout);
  airgap::Descriptor server = build_image(
      *layout, {"air/server", "1.0", {"linux/amd64", "linux/arm64"}, {{11, 60000}, {12, 40000}, {13, 20000}}}, reg_a);
  build_image(*layout, {"air/init", "0.3", {}, {{11, 60000}, {14, 10000}}}, reg_a);
  build_image(*layout, {"air/agent", "2.1", {"linux/amd64", "linux/arm64"}, {{15, 30000}, {16, 10000}}}, reg_a);
  build_image(*layout, {"air/operand", "5", {}, {{17, 20000}}}, reg_a);
  std::vector<std::string> probes = conformance::probe_images();
  ASSERT_FALSE(probes.empty());
  std::uint64_t seed = 100;
  for (const std::string& p : probes) {
    auto ref = parse_image_reference(p);
    ASSERT_TRUE(ref) << p;
    build_image(*layout, {ref->repository, ref->tag, {}, {{++seed, 5000}}}, reg_a);
  }
  seed_registry(*layout, reg_a);

  const std::string catalog = d + "/catalog";
  write_catalog(catalog, server.digest);
  auto aiplat = [&](std::vector<std::string> args, const std::string& kubeconfig = "") {
    std::vector<std::string> argv = {"--catalog", catalog};
    if (!kubeconfig.empty()) argv.insert(argv.end(), {"--kubeconfig", kubeconfig});
    argv.insert(argv.end(), args.begin(), args.end());
    return run_aiplat(argv, {}, {{"XDG_CACHE_HOME", d + "/cache"}, {"NO_COLOR", "1"}});
  };

  // Pack the profile from A and check what the bundle records.
  ASSERT_EQ(aiplat({"airgap", "keygen", "--out", d + "/site"}).exit_code, 0);
  const std::string bundle = d + "/site.aiplat.tar.zst";
  ProcessResult pack = aiplat({"airgap", "pack", "--profile", "airgap-test", "--kubernetes", "1.35", "--pull-mirror",
                               reg_a, "--insecure-registry", reg_a, "--sign-key", d + "/site.key", "-o", bundle});
  ASSERT_EQ(pack.exit_code, 0) << pack.err;
  EXPECT_NE(pack.out.find(std::to_string(4 + probes.size()) + " images"), std::string::npos) << pack.out;

  ProcessResult verify = aiplat({"airgap", "verify", bundle, "--key", d + "/site.pub"});
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("signature: valid"), std::string::npos) << verify.out;
  airgap::NullProgress quiet;
  airgap::VerifyOptions keep;
  keep.keep_manifests = true;
  auto verified = airgap::verify_bundle(bundle, keep, quiet);
  ASSERT_TRUE(verified) << verified.error().message;
  const airgap::BundleManifest& m = verified->manifest;
  EXPECT_EQ(m.profile, "airgap-test");
  EXPECT_EQ(m.kubernetes, "1.35");
  ASSERT_EQ(m.addons.size(), 2u);
  EXPECT_EQ(m.addons[0].name, "air-crds");
  EXPECT_EQ(m.addons[1].name, "air-apps");
  EXPECT_EQ(m.addons[1].version, "2.0.0");
  EXPECT_EQ(m.addons[1].objects, 3u);
  std::set<std::string> sources;
  for (const airgap::BundleImage& i : m.images) sources.insert(i.source);
  EXPECT_TRUE(sources.count("registry.test/air/server:1.0@" + server.digest)) << "the catalog's pin is pulled";
  for (const char* image : {"registry.test/air/init:0.3", "registry.test/air/agent:2.1", "registry.test/air/operand:5"}) {
    EXPECT_TRUE(sources.count(image)) << image << " (pod template, custom-resource field, operand)";
  }
  for (const std::string& p : probes) EXPECT_TRUE(sources.count(parse_image_reference(p)->str())) << p;
  EXPECT_EQ(m.plan["probeImages"].size(), probes.size());
  std::string apps = verified->manifests.at(m.addons[1].path);
  EXPECT_NE(apps.find("image: registry.test/air/server:1.0"), std::string::npos) << "source names in the bundle";

  auto sim = start_sim("1.35");
  ASSERT_TRUE(sim);
  auto install = [&](const std::string& file, const std::string& profile, KubesimProcess& cluster) {
    return aiplat({"install", "--profile", profile, "--bundle", file, "--registry", reg_b, "--key", d + "/site.pub",
                   "--insecure-registry", reg_b, "--skip-verify", "--timeout", "60s"},
                  cluster.kubeconfig());
  };

  // A tampered bundle is refused by verify and by install, before the cluster is touched.
  std::vector<RawEntry> entries = read_raw_archive(bundle);
  for (RawEntry& e : entries) {
    if (e.path == m.addons[1].path) e.data.replace(e.data.find("air-server"), 10, "evil-serve");
  }
  const std::string tampered = d + "/tampered.aiplat.tar.zst";
  write_raw_archive(tampered, entries);
  ProcessResult bad_verify = aiplat({"airgap", "verify", tampered, "--key", d + "/site.pub"});
  EXPECT_NE(bad_verify.exit_code, 0);
  EXPECT_NE(bad_verify.err.find("tampered"), std::string::npos) << bad_verify.err;
  std::size_t requests_before = sim->requests().size();
  ProcessResult bad_install = install(tampered, "airgap-test", *sim);
  EXPECT_NE(bad_install.exit_code, 0);
  EXPECT_NE(bad_install.err.find("tampered"), std::string::npos) << bad_install.err;
  EXPECT_EQ(sim->requests().size(), requests_before) << "a tampered bundle must not reach the API server";

  // B lacks the images: refused with the list and the load command, before any write.
  ProcessResult missing = install(bundle, "airgap-test", *sim);
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("missing from " + reg_b), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find(reg_b + "/air/server:1.0@" + server.digest), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("aiplat airgap load " + bundle + " --registry " + reg_b), std::string::npos);
  EXPECT_TRUE(writes_in(sim->requests()).empty()) << "refused before any write";
  EXPECT_GT(sim->requests().size(), requests_before) << "the cluster was read (minor, plan) before refusing";

  // A bundle for another profile or another minor: refused before any write.
  ProcessResult other_profile = install(bundle, "airgap-test-small", *sim);
  EXPECT_EQ(other_profile.exit_code, 2);
  EXPECT_NE(other_profile.err.find("packed for profile \"airgap-test\""), std::string::npos) << other_profile.err;
  EXPECT_NE(other_profile.err.find("carries air-apps 2.0.0, which the plan does not install"), std::string::npos);
  {
    auto newer = start_sim("1.36");
    ASSERT_TRUE(newer);
    ProcessResult other_minor = install(bundle, "airgap-test", *newer);
    EXPECT_EQ(other_minor.exit_code, 2);
    EXPECT_NE(other_minor.err.find("packed for Kubernetes 1.35 but the cluster runs 1.36"), std::string::npos)
        << other_minor.err;
    EXPECT_TRUE(writes_in(newer->requests()).empty());
  }
  EXPECT_TRUE(writes_in(sim->requests()).empty());

  // Load into B; A goes away: the install talks only to B and the API server.
  ProcessResult load = aiplat({"airgap", "load", bundle, "--registry", reg_b, "--key", d + "/site.pub",
                               "--insecure-registry", reg_b});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  (*a)->kill_now();
  ProcessResult installed = install(bundle, "airgap-test", *sim);
  ASSERT_EQ(installed.exit_code, 0) << installed.err << installed.out;

  nlohmann::json deployment = get_object(sim->kubeconfig(), {{"apps", "v1", "Deployment"}, "air-system", "air-server"});
  ASSERT_TRUE(deployment.is_object());
  const nlohmann::json& pod = deployment["spec"]["template"]["spec"];
  EXPECT_EQ(pod["containers"][0]["image"], reg_b + "/air/server:1.0@" + server.digest) << "digest kept";
  EXPECT_EQ(pod["initContainers"][0]["image"], reg_b + "/air/init:0.3");
  nlohmann::json gadget = get_object(sim->kubeconfig(), {{"air.aiplat.test", "v1", "Gadget"}, "air-system", "default"});
  ASSERT_TRUE(gadget.is_object());
  EXPECT_EQ(gadget["spec"]["image"], reg_b + "/air/agent:2.1");

  // A second run changes nothing.
  std::size_t before = writes_in(sim->requests()).size();
  ProcessResult again = install(bundle, "airgap-test", *sim);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(writes_in(sim->requests()).size(), before) << "an unchanged bundle writes nothing";
}

}  // namespace
}  // namespace aiplat::testing

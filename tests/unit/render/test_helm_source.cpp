#include "render/helm_source.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/fake_runner.hpp"
#include "render/helm_pull.hpp"
#include "step_builder.hpp"
#include "util/sha256.hpp"
#include "util/yaml.hpp"

namespace aiplat::render {
namespace {

const std::string k_archive = "pretend chart archive bytes";
const std::string k_rendered =
    "---\n# Source: demo/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n";

std::string arg_after(const ProcessSpec& spec, const std::string& flag) {
  for (std::size_t i = 0; i + 1 < spec.argv.size(); ++i) {
    if (spec.argv[i] == flag) return spec.argv[i + 1];
  }
  return {};
}

bool has_arg(const ProcessSpec& spec, const std::string& arg) {
  return std::find(spec.argv.begin(), spec.argv.end(), arg) != spec.argv.end();
}

catalog::Source helm_source(const std::string& repo) {
  catalog::Source s;
  s.type = catalog::SourceType::helm;
  s.chart = "demo";
  s.repo = repo;
  s.version = "1.2.3";
  s.digest = "unknown";
  s.release_name = "demo-rel";
  s.values = {{"a", 1}, {"nested", {{"keep", true}, {"over", "source"}}}};
  s.values_files = {"values/site.yaml"};
  s.values_by_profile["onprem"] = {{"nested", {{"over", "profile"}}}, {"b", 2}};
  s.values_by_profile["cloud"] = {{"cloudOnly", true}};
  s.at = catalog::SourceRef{"addons/demo/1.0.0/addon.yaml", 20, 7};
  return s;
}

struct HelmSourceTest : ::testing::Test {
  testing::TempDir cache;
  MemoryFs fs;
  std::shared_ptr<aiplat::testing::FakeRunner> runner = std::make_shared<aiplat::testing::FakeRunner>();
  std::string seen_values;  // the values file as helm template saw it
  std::ostringstream log_stream;
  Logger log{log_stream};

  void SetUp() override {
    fs.add("addons/demo/1.0.0/values/site.yaml", "fromFile: yes\nnested: {over: file}\n");
    runner->on("helm", "pull", [](const ProcessSpec& spec) -> Result<ProcessResult> {
      std::ofstream(arg_after(spec, "--destination") + "/demo-1.2.3.tgz") << k_archive;
      return ProcessResult{0, "", "", false};
    });
    runner->on("helm", "template", [this](const ProcessSpec& spec) -> Result<ProcessResult> {
      std::ifstream in(arg_after(spec, "--values"));
      std::ostringstream ss;
      ss << in.rdbuf();
      seen_values = ss.str();
      return ProcessResult{0, k_rendered, "", false};
    });
  }
  RenderOptions options() {
    RenderOptions o;
    o.profiles = {"onprem"};
    o.minor = *catalog::parse_kube_minor("1.35");
    o.catalog_fs = &fs;
    o.cache_dir = cache.path;
    o.helm = "/opt/bin/helm";
    o.runner = runner;
    o.log = &log;
    return o;
  }
  catalog::PlanStep step(const catalog::Source& source) {
    catalog::PlanStep s = testing::make_step("demo", "1.0.0", "demo-system", {source});
    s.values = {{"fromPlan", "mode"}, {"b", 3}};
    return s;
  }
};

TEST_F(HelmSourceTest, HttpsRepoIsPulledThenTemplatedWithLayeredValues) {
  catalog::Source src = helm_source("https://charts.test/stable");
  Result<SourceOutput> out = render_helm_source(src, step(src), options());
  ASSERT_TRUE(out) << out.error().message;
  std::vector<ProcessSpec> runs = runner->runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].argv[0], "/opt/bin/helm");
  EXPECT_EQ(runs[0].argv[1], "pull");
  EXPECT_EQ(runs[0].argv[2], "demo");
  EXPECT_EQ(arg_after(runs[0], "--repo"), "https://charts.test/stable");
  EXPECT_EQ(arg_after(runs[0], "--version"), "1.2.3");
  EXPECT_EQ(runs[0].env.at("HELM_CACHE_HOME"), cache.path + "/helm/cache");
  const ProcessSpec& t = runs[1];
  EXPECT_EQ(t.argv[1], "template");
  EXPECT_EQ(t.argv[2], "demo-rel");
  EXPECT_TRUE(t.argv[3].starts_with(cache.path + "/charts/")) << t.argv[3];
  EXPECT_EQ(arg_after(t, "--namespace"), "demo-system");
  EXPECT_EQ(arg_after(t, "--kube-version"), "1.35.0");
  EXPECT_TRUE(has_arg(t, "--include-crds"));
  Result<YamlDocument> values = parse_yaml(seen_values, "values");
  ASSERT_TRUE(values);
  // source < valuesFiles < valuesByProfile(onprem) < step values; other profiles' values are absent.
  Json want = {{"a", 1}, {"b", 3}, {"fromFile", true}, {"fromPlan", "mode"},
               {"nested", {{"keep", true}, {"over", "profile"}}}};
  EXPECT_EQ(values->value, want) << seen_values;
  ASSERT_EQ(out->objects.size(), 1u);
  EXPECT_EQ(out->objects[0]["metadata"]["name"], "demo");
  EXPECT_EQ(out->sha256, sha256_hex(k_archive));
  EXPECT_EQ(out->id, "helm:https://charts.test/stable/demo@1.2.3");
  EXPECT_NE(log_stream.str().find("is not pinned (digest: unknown)"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_empty(cache.path + "/tmp")) << "the values file is removed";
}

TEST_F(HelmSourceTest, CachedChartIsNotPulledAgainNorTemplatedWithTheSameInputs) {
  catalog::Source src = helm_source("https://charts.test/stable");
  Result<SourceOutput> first = render_helm_source(src, step(src), options());
  ASSERT_TRUE(first);
  Result<SourceOutput> again = render_helm_source(src, step(src), options());
  ASSERT_TRUE(again);
  std::vector<std::string> lines = runner->command_lines();
  ASSERT_EQ(lines.size(), 2u) << "one pull, one template; the second render comes from the parsed cache";
  EXPECT_NE(lines[1].find(" template "), std::string::npos);
  EXPECT_EQ(again->objects, first->objects);
  EXPECT_EQ(again->sha256, first->sha256);
}

TEST_F(HelmSourceTest, AnyChangedInputTemplatesAgain) {
  catalog::Source src = helm_source("https://charts.test/stable");
  ASSERT_TRUE(render_helm_source(src, step(src), options()));
  auto templates = [&] {
    std::size_t n = 0;
    for (const std::string& l : runner->command_lines()) n += l.find(" template ") != std::string::npos;
    return n;
  };
  ASSERT_EQ(templates(), 1u);
  catalog::Source other_values = src;
  other_values.values["a"] = 2;
  ASSERT_TRUE(render_helm_source(other_values, step(other_values), options()));
  EXPECT_EQ(templates(), 2u) << "values";
  RenderOptions other_minor = options();
  other_minor.minor = *catalog::parse_kube_minor("1.36");
  ASSERT_TRUE(render_helm_source(src, step(src), other_minor));
  EXPECT_EQ(templates(), 3u) << "--kube-version";
  catalog::Source other_release = src;
  other_release.release_name = "renamed";
  ASSERT_TRUE(render_helm_source(other_release, step(other_release), options()));
  EXPECT_EQ(templates(), 4u) << "release name";
  RenderOptions other_profile = options();
  other_profile.profiles = {"cloud"};
  ASSERT_TRUE(render_helm_source(src, step(src), other_profile));
  EXPECT_EQ(templates(), 5u) << "valuesByProfile";
  ASSERT_TRUE(render_helm_source(src, step(src), options()));
  EXPECT_EQ(templates(), 5u) << "the first inputs again: cached";
}

TEST_F(HelmSourceTest, DamagedParsedEntryIsDroppedAndTemplatedAgain) {
  catalog::Source src = helm_source("https://charts.test/stable");
  ASSERT_TRUE(render_helm_source(src, step(src), options()));
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(cache.path + "/parsed")) {
    std::ofstream(e.path(), std::ios::app) << "x";  // no longer matches its recorded sha256
    ++entries;
  }
  ASSERT_EQ(entries, 1u);
  Result<SourceOutput> out = render_helm_source(src, step(src), options());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(runner->runs().size(), 3u) << "pull, template, template again";
  ASSERT_EQ(out->objects.size(), 1u);
  EXPECT_EQ(out->objects[0]["metadata"]["name"], "demo");
}

TEST_F(HelmSourceTest, OciRefThroughTheMirrorAndNoCrdsWhenAsked) {
  catalog::Source src = helm_source("oci://registry.k8s.io/demo/charts");
  src.include_crds = false;
  RenderOptions o = options();
  o.source_mirror = "http://127.0.0.1:5000/up";
  ASSERT_TRUE(render_helm_source(src, step(src), o));
  std::vector<ProcessSpec> runs = runner->runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].argv[2], "oci://127.0.0.1:5000/up/registry.k8s.io/demo/charts/demo");
  EXPECT_FALSE(has_arg(runs[0], "--repo"));
  EXPECT_TRUE(has_arg(runs[0], "--plain-http")) << "an http:// mirror serves OCI without TLS";
  EXPECT_FALSE(has_arg(runs[1], "--include-crds"));
}

TEST_F(HelmSourceTest, PinnedDigestMismatchIsAnError) {
  catalog::Source src = helm_source("https://charts.test/stable");
  src.digest = "sha256:" + std::string(64, 'b');
  Result<SourceOutput> out = render_helm_source(src, step(src), options());
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("digest mismatch for chart demo 1.2.3 from https://charts.test/stable: expected "
                                     "sha256:" + std::string(64, 'b') + ", got sha256:" + sha256_hex(k_archive)),
            std::string::npos)
      << out.error().message;
  EXPECT_EQ(runner->runs().size(), 1u) << "nothing is templated from a wrong archive";
}

TEST_F(HelmSourceTest, PinnedCachedChartIsReverified) {
  catalog::Source src = helm_source("https://charts.test/stable");
  src.digest = "sha256:" + sha256_hex(k_archive);
  ASSERT_TRUE(render_helm_source(src, step(src), options()));
  for (const auto& e : std::filesystem::directory_iterator(cache.path + "/charts")) {
    if (e.path().extension() == ".tgz") std::ofstream(e.path()) << "corrupted";
  }
  ASSERT_TRUE(render_helm_source(src, step(src), options()));
  std::vector<ProcessSpec> runs = runner->runs();
  ASSERT_EQ(runs.size(), 3u) << "a corrupt archive is pulled again (same digest: its parsed objects are cached)";
  EXPECT_EQ(runs[2].argv[1], "pull");
}

TEST_F(HelmSourceTest, UnreachableRepoGivesAdvice) {
  runner->reply("helm", "pull", 1, "",
                "Error: looks like \"https://charts.test/stable\" is not a valid chart repository or cannot be reached\n");
  catalog::Source src = helm_source("https://charts.test/stable");
  Result<SourceOutput> out = render_helm_source(src, step(src), options());
  ASSERT_FALSE(out);
  const std::string& m = out.error().message;
  EXPECT_NE(m.find("addons/demo/1.0.0/addon.yaml:20:7: cannot pull chart demo 1.2.3 from https://charts.test/stable"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("cannot be reached"), std::string::npos) << m;
  EXPECT_NE(m.find("--source-mirror URL"), std::string::npos) << m;
  EXPECT_NE(m.find("aiplat install --bundle FILE"), std::string::npos) << m;
  EXPECT_NE(m.find(cache.path + "/charts/"), std::string::npos) << m;
}

TEST_F(HelmSourceTest, TemplateFailureCarriesHelmsMessage) {
  runner->reply("helm", "template", 1, "", "Error: execution error at (demo/templates/cm.yaml:3:4): need a value\n");
  catalog::Source src = helm_source("https://charts.test/stable");
  Result<SourceOutput> out = render_helm_source(src, step(src), options());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::input);
  EXPECT_EQ(out.error().message,
            "addons/demo/1.0.0/addon.yaml:20:7: helm template of chart demo 1.2.3 failed: Error: execution error at "
            "(demo/templates/cm.yaml:3:4): need a value");
}

TEST_F(HelmSourceTest, MissingHelmBinarySaysHowToProvideIt) {
  aiplat::testing::FakeRunner empty;
  RenderOptions o = options();
  o.runner = std::shared_ptr<ProcessRunner>(&empty, [](ProcessRunner*) {});
  catalog::Source src = helm_source("https://charts.test/stable");
  Result<SourceOutput> out = render_helm_source(src, step(src), o);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("pass --helm PATH or put helm in PATH"), std::string::npos);
}

TEST_F(HelmSourceTest, MissingValuesFileNamesIt) {
  catalog::Source src = helm_source("https://charts.test/stable");
  src.values_files = {"values/missing.yaml"};
  Result<SourceOutput> out = render_helm_source(src, step(src), options());
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("valuesFiles entry addons/demo/1.0.0/values/missing.yaml"), std::string::npos)
      << out.error().message;
  EXPECT_TRUE(runner->runs().empty());
}

}  // namespace
}  // namespace aiplat::render

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "util/fs.hpp"

namespace aiplat {
namespace {
using testing::run_cli;
namespace fsys = std::filesystem;

/// A throwaway catalog directory on disk, removed at the end of the test.
class TempCatalog {
 public:
  TempCatalog() {
    m_dir = fsys::temp_directory_path() / ("aiplat-plan-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fsys::remove_all(m_dir);
  }
  ~TempCatalog() { fsys::remove_all(m_dir); }
  void add(const std::string& rel, const std::string& text) {
    fsys::create_directories((m_dir / rel).parent_path());
    std::ofstream(m_dir / rel) << text;
  }
  [[nodiscard]] std::string dir() const { return m_dir.string(); }

 private:
  fsys::path m_dir;
};

void small_catalog(TempCatalog& c) {
  c.add("addons/jobset/0.11.0/addon.yaml", R"(apiVersion: aiplat.dev/v1alpha1
kind: AddOn
metadata: {name: jobset, version: 0.11.0}
spec:
  kubernetes: {min: "1.33"}
  crds: {owns: [jobset.x-k8s.io]}
  sources:
    - {type: url, url: "https://example.com/jobset.yaml", sha256: unknown}
  images:
    - {ref: "registry.k8s.io/jobset/jobset:v0.11.0", digest: unknown}
)");
  c.add("addons/kueue/0.19.2/addon.yaml", R"(apiVersion: aiplat.dev/v1alpha1
kind: AddOn
metadata: {name: kueue, version: 0.19.2}
spec:
  kubernetes: {min: "1.34", max: "1.37"}
  requires: [{addon: jobset, version: ">=0.11.0"}]
  provides: [gang_scheduling]
  sources:
    - {type: helm, chart: kueue, repo: "oci://registry.k8s.io/kueue/charts", version: 0.19.2, digest: unknown}
    - {type: files, path: queues.yaml}
  images:
    - {ref: "registry.k8s.io/kueue/kueue:v0.19.2", digest: unknown}
)");
  c.add("addons/kueue/0.19.2/queues.yaml", "kind: ClusterQueue\n");
  c.add("profiles/lab.yaml", R"(apiVersion: aiplat.dev/v1alpha1
kind: Profile
metadata: {name: lab}
spec:
  kubernetes: {default: "1.35", min: "1.33", max: "1.37"}
  addons: [{name: kueue, version: "~0.19"}]
)");
}

TEST(PlanCmd, TableShowsOrderVersionsSourcesAndImages) {
  TempCatalog c;
  small_catalog(c);
  testing::CliResult r = run_cli({"--catalog", c.dir(), "plan", "--profile", "lab"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Profile lab, Kubernetes 1.35: 2 add-ons\n"
            "#   ADD-ON   VERSION   MODE   SOURCES      IMAGES   PROVIDES\n"
            "1   jobset   0.11.0    -      url          1        -\n"
            "2   kueue    0.19.2    -      helm,files   1        gang_scheduling\n");
}

TEST(PlanCmd, JsonAndYamlShareOneSchema) {
  TempCatalog c;
  small_catalog(c);
  testing::CliResult j = run_cli({"--catalog", c.dir(), "plan", "--profile", "lab", "--kubernetes", "1.36", "-o", "json"});
  ASSERT_EQ(j.code, 0) << j.err;
  nlohmann::json plan = nlohmann::json::parse(j.out);
  EXPECT_EQ(plan["kind"], "Plan");
  EXPECT_EQ(plan["kubernetes"], "1.36");
  ASSERT_EQ(plan["steps"].size(), 2u);
  EXPECT_EQ(plan["steps"][1]["name"], "kueue");
  EXPECT_EQ(plan["steps"][1]["after"], nlohmann::json::array({"jobset"}));
  EXPECT_EQ(plan["steps"][1]["sources"][0]["chart"], "kueue");
  EXPECT_EQ(plan["steps"][0]["reasons"][0], "required by kueue 0.19.2 (profile lab does not list it)");
  testing::CliResult y = run_cli({"--catalog", c.dir(), "plan", "--profile", "lab", "--kubernetes", "1.36", "-o", "yaml"});
  ASSERT_EQ(y.code, 0) << y.err;
  EXPECT_NE(y.out.find("kind: Plan"), std::string::npos);
}

TEST(PlanCmd, RefusalExitsTwoAndExplains) {
  TempCatalog c;
  small_catalog(c);
  testing::CliResult r = run_cli({"--catalog", c.dir(), "plan", "--profile", "lab", "--kubernetes", "1.33"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("profile lab: add-on kueue \"~0.19\": 0.19.2 supports Kubernetes 1.34-1.37, not 1.33"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("lab.yaml:6:12"), std::string::npos) << r.err;
}

TEST(PlanCmd, InputErrors) {
  TempCatalog c;
  small_catalog(c);
  testing::CliResult unknown = run_cli({"--catalog", c.dir(), "plan", "--profile", "labb"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown profile \"labb\" (did you mean \"lab\"?)"), std::string::npos) << unknown.err;
  testing::CliResult bad_minor = run_cli({"--catalog", c.dir(), "plan", "--profile", "lab", "--kubernetes", "135"});
  EXPECT_EQ(bad_minor.code, 2);
  EXPECT_NE(bad_minor.err.find("--kubernetes: Kubernetes minor \"135\""), std::string::npos) << bad_minor.err;
  testing::CliResult bad_o = run_cli({"--catalog", c.dir(), "-o", "xml", "plan", "--profile", "lab"});
  EXPECT_EQ(bad_o.code, 2);
  EXPECT_NE(bad_o.err.find("plan: -o xml is not supported"), std::string::npos) << bad_o.err;
  testing::CliResult no_profile = run_cli({"--catalog", c.dir(), "plan"});
  EXPECT_EQ(no_profile.code, 2);
  c.add("addons/kueue/0.19.2/addon.yaml", "apiVersion: aiplat.dev/v1alpha1\nkind: AddOn\nmetadata: {name: kueue}\n");
  testing::CliResult broken = run_cli({"--catalog", c.dir(), "plan", "--profile", "lab"});
  EXPECT_EQ(broken.code, 2);
  EXPECT_NE(broken.err.find("addons/kueue/0.19.2/addon.yaml:3:1: missing required field \"metadata.version\""),
            std::string::npos)
      << broken.err;
  // The profile's reference to the broken add-on is not reported a second time.
  EXPECT_EQ(broken.err.find("unknown add-on"), std::string::npos) << broken.err;
}

TEST(PlanCmd, LayersAProfileFile) {
  TempCatalog c;
  small_catalog(c);
  c.add("site.yaml", R"(apiVersion: aiplat.dev/v1alpha1
kind: Profile
metadata: {name: site}
spec:
  kubernetes: {default: "1.37"}
  registry: {mirror: registry.site.local, allowPublicFallback: false}
  imageRedirection: rewrite
)");
  testing::CliResult r = run_cli(
      {"--catalog", c.dir(), "plan", "--profile", "lab", "--profile", c.dir() + "/site.yaml", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json plan = nlohmann::json::parse(r.out);
  EXPECT_EQ(plan["profile"], "lab+site");
  EXPECT_EQ(plan["kubernetes"], "1.37");
  EXPECT_EQ(plan["registry"]["mirror"], "registry.site.local");
  EXPECT_EQ(plan["imageRedirection"], "rewrite");
}

TEST(PlanCmd, TheExampleSiteLayerPlansOverAirgappedOnEveryMinor) {
  std::string site = std::string(AIPLAT_SOURCE_DIR) + "/airgap/site.example.yaml";
  for (const char* minor : {"1.33", "1.35", "1.37"}) {
    testing::CliResult r =
        run_cli({"plan", "--profile", "airgapped", "--profile", site, "--kubernetes", minor, "-o", "json"});
    ASSERT_EQ(r.code, 0) << minor << ": " << r.err;
    nlohmann::json plan = nlohmann::json::parse(r.out);
    EXPECT_EQ(plan["registry"]["mirror"], "registry.example.internal:5000");
    EXPECT_EQ(plan["imageRedirection"], "rewrite");
    EXPECT_NE(plan["profile"].get<std::string>().find("site"), std::string::npos);
  }
}

// ---------------------------------------------------------------- goldens

/// The shipped profiles and the minors 1.33..1.37 each one declares.
std::vector<std::pair<std::string, std::string>> shipped_cases() {
  std::vector<std::pair<std::string, std::string>> out;
  testing::CliResult list = run_cli({"catalog", "list", "-o", "json"});
  if (list.code != 0) return out;
  nlohmann::json j = nlohmann::json::parse(list.out);
  for (const auto& p : j["profiles"]) {
    // As `catalog lint` does: min..max when both are set (within 1.33-1.37), else the default.
    const nlohmann::json& k = p["kubernetes"];
    auto minor_of = [](const nlohmann::json& v) { return std::stoi(v.get<std::string>().substr(2)); };
    if (k.contains("min") && k.contains("max")) {
      for (int m = std::max(33, minor_of(k["min"])); m <= std::min(37, minor_of(k["max"])); ++m) {
        out.emplace_back(p["name"].get<std::string>(), "1." + std::to_string(m));
      }
    } else if (k.contains("default")) {
      out.emplace_back(p["name"].get<std::string>(), k["default"].get<std::string>());
    }
  }
  return out;
}

std::string read_text(const fsys::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Regenerate with scripts/update-golden (sets AIPLAT_UPDATE_GOLDEN=1).
TEST(PlanGolden, EveryShippedProfileAndMinor) {
  fsys::path dir = fsys::path(AIPLAT_SOURCE_DIR) / "tests/golden/plan";
  bool update = std::getenv("AIPLAT_UPDATE_GOLDEN") != nullptr;
  std::vector<std::pair<std::string, std::string>> cases = shipped_cases();
  if (cases.empty()) GTEST_SKIP() << "the built-in catalog has no profiles yet";
  std::set<std::string> expected_files;
  for (const auto& [profile, minor] : cases) {
    std::string name = profile + "-" + minor + ".json";
    expected_files.insert(name);
    testing::CliResult r = run_cli({"plan", "--profile", profile, "--kubernetes", minor, "-o", "json"});
    ASSERT_EQ(r.code, 0) << profile << " " << minor << ": " << r.err;
    if (update) {
      ASSERT_TRUE(write_file_atomic(dir / name, r.out).has_value());
      continue;
    }
    ASSERT_TRUE(fsys::exists(dir / name)) << "missing golden " << name << ": run scripts/update-golden";
    EXPECT_EQ(r.out, read_text(dir / name)) << "plan of " << profile << " on " << minor
                                             << " changed; if intended, run scripts/update-golden and review the diff";
  }
  for (const auto& entry : fsys::directory_iterator(dir)) {
    std::string file = entry.path().filename().string();
    if (expected_files.count(file)) continue;
    if (update) fsys::remove(entry.path());
    else ADD_FAILURE() << "stale golden " << file << " (no such profile/minor): run scripts/update-golden";
  }
}

}  // namespace
}  // namespace aiplat

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace aiplat {
namespace {
using testing::run_cli;
namespace fsys = std::filesystem;

class CatalogDir {
 public:
  CatalogDir() {
    m_dir = fsys::temp_directory_path() / ("aiplat-catalog-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fsys::remove_all(m_dir);
    add("addons/a/1.0.0/addon.yaml", addon("a", "1.0.0", "unknown"));
    add("addons/a/1.1.0/addon.yaml", addon("a", "1.1.0", "unknown"));
    add("profiles/p.yaml",
        "apiVersion: aiplat.dev/v1alpha1\nkind: Profile\nmetadata: {name: p}\nspec:\n  description: test profile\n"
        "  kubernetes: {default: \"1.35\", min: \"1.34\", max: \"1.35\"}\n  addons: [{name: a}]\n");
  }
  ~CatalogDir() { fsys::remove_all(m_dir); }
  static std::string addon(const std::string& name, const std::string& version, const std::string& digest) {
    return "apiVersion: aiplat.dev/v1alpha1\nkind: AddOn\nmetadata: {name: " + name + ", version: " + version +
           "}\nspec:\n  description: add-on " + name + "\n  provides: [x]\n  images:\n    - {ref: \"r/" + name +
           ":1\", digest: " + digest + "}\n";
  }
  void add(const std::string& rel, const std::string& text) {
    fsys::create_directories((m_dir / rel).parent_path());
    std::ofstream(m_dir / rel) << text;
  }
  [[nodiscard]] std::string dir() const { return m_dir.string(); }

 private:
  fsys::path m_dir;
};

TEST(CatalogCmd, ListTableAndJson) {
  CatalogDir c;
  testing::CliResult t = run_cli({"--catalog", c.dir(), "catalog", "list"});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_EQ(t.out,
            "ADD-ON   VERSIONS      KUBERNETES   PROVIDES   DESCRIPTION\n"
            "a        1.1.0,1.0.0   any          x          add-on a\n"
            "\n"
            "PROFILE   KUBERNETES   DEFAULT   ADD-ONS   DESCRIPTION\n"
            "p         1.34-1.35    1.35      1         test profile\n");
  testing::CliResult j = run_cli({"--catalog", c.dir(), "catalog", "list", "-o", "json"});
  ASSERT_EQ(j.code, 0) << j.err;
  nlohmann::json list = nlohmann::json::parse(j.out);
  EXPECT_EQ(list["addons"][0]["versions"][0]["version"], "1.1.0");
  EXPECT_EQ(list["profiles"][0]["kubernetes"]["default"], "1.35");
}

TEST(CatalogCmd, ShowPicksTheHighestOrTheNamedVersion) {
  CatalogDir c;
  testing::CliResult y = run_cli({"--catalog", c.dir(), "catalog", "show", "a"});
  ASSERT_EQ(y.code, 0) << y.err;
  EXPECT_NE(y.out.find("version: 1.1.0"), std::string::npos) << y.out;
  testing::CliResult j = run_cli({"--catalog", c.dir(), "-o", "json", "catalog", "show", "a@1.0.0"});
  ASSERT_EQ(j.code, 0) << j.err;
  EXPECT_EQ(nlohmann::json::parse(j.out)["metadata"]["version"], "1.0.0");
  testing::CliResult missing = run_cli({"--catalog", c.dir(), "catalog", "show", "a@2.0.0"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("a has no version 2.0.0 (versions: 1.1.0, 1.0.0)"), std::string::npos) << missing.err;
  testing::CliResult typo = run_cli({"--catalog", c.dir(), "catalog", "show", "b"});
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("no add-on \"b\""), std::string::npos) << typo.err;
}

TEST(CatalogCmd, LintCleanNotesUnpinnedAndRequirePinnedFails) {
  CatalogDir c;
  testing::CliResult clean = run_cli({"--catalog", c.dir(), "catalog", "lint"});
  EXPECT_EQ(clean.code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("1 add-ons (2 versions), 1 profiles: no problems"), std::string::npos) << clean.out;
  EXPECT_NE(clean.out.find("note: 2 sha256/digest values are \"unknown\""), std::string::npos) << clean.out;
  testing::CliResult strict = run_cli({"--catalog", c.dir(), "catalog", "lint", "--require-pinned"});
  EXPECT_EQ(strict.code, 2);
  EXPECT_NE(strict.out.find("addons/a/1.0.0/addon.yaml:8:30: image r/a:1 is not pinned (digest: unknown)"),
            std::string::npos)
      << strict.out;
}

TEST(CatalogCmd, LintReportsEveryProblemAndUnplannableProfiles) {
  CatalogDir c;
  c.add("addons/a/1.0.0/addon.yaml", CatalogDir::addon("a", "1.0.0", "sha256:abc") + "  requries: []\n");
  c.add("addons/a/1.1.0/addon.yaml", CatalogDir::addon("a", "1.1.0", "unknown") + "  kubernetes: {min: \"1.36\"}\n");
  testing::CliResult r = run_cli({"--catalog", c.dir(), "catalog", "lint"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unknown field \"requries\" in spec (did you mean \"requires\"?)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("digest \"sha256:abc\" must be sha256: followed by 64 lowercase hex digits"), std::string::npos)
      << r.out;
  // With the file errors fixed, the profile that cannot plan is reported by lint too.
  c.add("addons/a/1.0.0/addon.yaml", CatalogDir::addon("a", "1.0.0", "unknown") + "  kubernetes: {min: \"1.36\"}\n");
  testing::CliResult plan = run_cli({"--catalog", c.dir(), "catalog", "lint"});
  EXPECT_EQ(plan.code, 2);
  EXPECT_NE(plan.out.find("cannot plan profile p for Kubernetes 1.34"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("cannot plan profile p for Kubernetes 1.35"), std::string::npos) << plan.out;
}

TEST(CatalogCmd, NeedsASubcommand) {
  testing::CliResult r = run_cli({"catalog"});
  EXPECT_EQ(r.code, 2);
}

}  // namespace
}  // namespace aiplat

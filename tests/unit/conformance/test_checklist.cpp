#include "conformance/checklist.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "util/yaml.hpp"

namespace aiplat::conformance {
namespace {

std::string upstream_dir() { return std::string(AIPLAT_SOURCE_DIR) + "/../shared/upstream/ai-conformance"; }

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Checklist, AgreesWithEveryOfficialTemplate) {
  if (!std::filesystem::exists(upstream_dir())) GTEST_SKIP() << "no upstream templates at " << upstream_dir();
  for (const Checklist& c : all_checklists()) {
    std::string file = upstream_dir() + "/AIConformance-" + std::string(c.version) + ".yaml";
    Result<YamlDocument> doc = parse_yaml(read(file), file);
    ASSERT_TRUE(doc) << doc.error().message;
    EXPECT_EQ(doc->value["metadata"]["kubernetesVersion"], "v" + std::string(c.version));
    std::vector<std::tuple<std::string, std::string, std::string>> theirs;
    // Template order: sections as written (yaml.hpp sorts keys, so compare as sets per section).
    for (const auto& [section, items] : doc->value["spec"].items()) {
      for (const Json& item : items) theirs.emplace_back(section, item["id"], item["level"]);
    }
    std::vector<std::tuple<std::string, std::string, std::string>> ours;
    for (const Requirement& r : c.requirements) {
      ours.emplace_back(std::string(r.section), std::string(r.id), std::string(to_string(r.level)));
    }
    std::sort(theirs.begin(), theirs.end());
    std::sort(ours.begin(), ours.end());
    EXPECT_EQ(ours, theirs) << "checklist " << c.version;
  }
}

TEST(Checklist, OrderFollowsTheTemplateText) {
  if (!std::filesystem::exists(upstream_dir())) GTEST_SKIP() << "no upstream templates";
  for (const Checklist& c : all_checklists()) {
    std::string text = read(upstream_dir() + "/AIConformance-" + std::string(c.version) + ".yaml");
    std::size_t last = 0;
    for (const Requirement& r : c.requirements) {
      std::size_t at = text.find("- id: " + std::string(r.id) + "\n");
      ASSERT_NE(at, std::string::npos) << r.id;
      EXPECT_GT(at, last) << r.id << " out of order in " << c.version;
      last = at;
    }
  }
}

TEST(Checklist, LevelsPerMinor) {
  EXPECT_EQ(checklist_for("1.33")->find("dra_support")->level, Level::should);
  EXPECT_EQ(checklist_for("1.34")->find("dra_support")->level, Level::must);
  EXPECT_EQ(checklist_for("1.36")->find("dra_support"), nullptr);
  EXPECT_NE(checklist_for("1.37")->find("workload_sandboxing"), nullptr);
  EXPECT_EQ(checklist_for("1.35")->requirements.size(), 12u);
}

TEST(Checklist, ChosenFromServerVersion) {
  EXPECT_EQ(checklist_for_server("v1.35.2+k3s1")->version, "1.35");
  EXPECT_EQ(checklist_for_server("v1.36.0-gke.100")->version, "1.36");
  EXPECT_EQ(checklist_for("1.37")->version, "1.37");
  Result<Checklist> old = checklist_for_server("v1.32.4");
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().kind, ErrorKind::input);
  EXPECT_NE(old.error().message.find("1.33, 1.34, 1.35, 1.36, 1.37"), std::string::npos);
  EXPECT_FALSE(checklist_for("banana"));
  EXPECT_FALSE(checklist_for("1.3"));
}

}  // namespace
}  // namespace aiplat::conformance

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "conformance/report.hpp"

namespace aiplat::conformance {
namespace {

std::string upstream(const std::string& minor) {
  return std::string(AIPLAT_SOURCE_DIR) + "/../shared/upstream/ai-conformance/AIConformance-" + minor + ".yaml";
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CheckResult result(const std::string& id, Level level, Outcome o, SkipReason reason = SkipReason::none,
                   std::vector<std::string> findings = {}) {
  CheckResult r;
  r.id = id;
  r.level = level;
  r.outcome = o;
  r.reason = reason;
  r.message = "because \"quoted\" # not a comment";
  r.findings = std::move(findings);
  return r;
}

// Every checklist id gets a result with a different outcome in turn.
Report full_report(const std::string& minor) {
  Report rep;
  rep.checklist = minor;
  int i = 0;
  const Checklist list = *checklist_for(minor);
  for (const Requirement& r : list.requirements) {
    Outcome o = static_cast<Outcome>(i++ % 4);
    SkipReason reason = o == Outcome::skip ? SkipReason::simulated_cluster : SkipReason::none;
    rep.results.push_back(result(std::string(r.id), r.level, o, reason, {"API served"}));
  }
  return rep;
}

TEST(ProductYaml, UnchangedTemplateWhenNothingRan) {
  for (const Checklist& c : all_checklists()) {
    std::string file = upstream(std::string(c.version));
    if (!std::filesystem::exists(file)) GTEST_SKIP() << "no upstream template " << file;
    std::string text = read(file);
    Report empty;
    empty.checklist = std::string(c.version);
    Result<ProductYaml> out = fill_product_yaml(text, file, nullptr, "", empty);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->text, text) << "the template must survive byte for byte: " << c.version;
  }
}

TEST(ProductYaml, RoundTripsEveryTemplate) {
  for (const Checklist& c : all_checklists()) {
    std::string minor(c.version);
    std::string file = upstream(minor);
    if (!std::filesystem::exists(file)) GTEST_SKIP() << "no upstream template " << file;
    std::string text = read(file);
    Json product = {{"platformName", "aiplat"}, {"vendor_name", "Example Corp"},
                    {"k8s_conformance_url", "https://github.com/cncf/k8s-conformance/tree/main/v" + minor + "/aiplat"}};
    Report rep = full_report(minor);
    Result<ProductYaml> out = fill_product_yaml(text, file, product, "product.yaml", rep);
    ASSERT_TRUE(out) << out.error().message;
    Result<YamlDocument> tmpl = parse_yaml(text, file);
    Result<YamlDocument> back = parse_yaml(out->text, "PRODUCT.yaml");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->value["metadata"]["platformName"], "aiplat");
    EXPECT_EQ(back->value["metadata"]["vendorName"], "Example Corp");
    EXPECT_EQ(back->value["metadata"]["k8sConformanceUrl"].get<std::string>().substr(0, 19), "https://github.com/");
    EXPECT_EQ(back->value["metadata"]["kubernetesVersion"], "v" + minor);
    // Same sections, ids, descriptions, levels; statuses from the results.
    ASSERT_EQ(back->value["spec"].size(), tmpl->value["spec"].size());
    for (const auto& [section, items] : tmpl->value["spec"].items()) {
      ASSERT_EQ(back->value["spec"][section].size(), items.size());
      for (std::size_t i = 0; i < items.size(); ++i) {
        const Json& a = items[i];
        const Json& b = back->value["spec"][section][i];
        EXPECT_EQ(a["id"], b["id"]);
        EXPECT_EQ(a["description"], b["description"]);
        EXPECT_EQ(a["level"], b["level"]);
        const CheckResult* r = nullptr;
        for (const CheckResult& x : rep.results) {
          if (x.id == a["id"]) r = &x;
        }
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(b["status"], product_status(*r)) << a["id"];
        EXPECT_EQ(b["notes"], product_notes(*r));
        if (!product_status(*r).empty()) {
          EXPECT_EQ(b["evidence"], Json::array({"evidence/" + r->id + "/README.md", "evidence/" + r->id + "/transcript.log"}));
        }
      }
    }
    // Key order and comments of the template survive: the comment of the first status line is still there.
    const std::string comment = "# Implemented, Not Implemented, Partially Implemented, N/A";
    if (text.find(comment) != std::string::npos) {
      EXPECT_NE(out->text.find(comment), std::string::npos);
    }
    EXPECT_LT(out->text.find("platformName"), out->text.find("vendorName"));
    EXPECT_LT(out->text.find("metadata:"), out->text.find("spec:"));
  }
}

TEST(ProductYaml, StatusMapping) {
  EXPECT_EQ(product_status(result("x", Level::must, Outcome::pass)), "Implemented");
  CheckResult partial = result("x", Level::must, Outcome::pass);
  partial.completeness = Completeness::partial;
  EXPECT_EQ(product_status(partial), "Partially Implemented");
  EXPECT_EQ(product_status(result("x", Level::must, Outcome::fail)), "Not Implemented");
  EXPECT_EQ(product_status(result("x", Level::must, Outcome::not_applicable)), "N/A");
  EXPECT_EQ(product_status(result("x", Level::must, Outcome::skip, SkipReason::not_configured)), "N/A");
  EXPECT_EQ(product_status(result("x", Level::should, Outcome::skip, SkipReason::no_check)), "");
  EXPECT_EQ(product_status(result("x", Level::must, Outcome::skip, SkipReason::needs_accelerators)), "Not Implemented");
  EXPECT_EQ(product_status(result("x", Level::must, Outcome::skip, SkipReason::controller_absent, {"CRDs installed"})),
            "Partially Implemented");
}

TEST(ProductYaml, WarnsWhereTheValidatorIsStricter) {
  std::string file = upstream("1.36");
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no upstream template";
  Report rep;
  rep.checklist = "1.36";
  rep.results.push_back(result("cluster_autoscaling", Level::must, Outcome::not_applicable));
  Result<ProductYaml> out = fill_product_yaml(read(file), file, nullptr, "", rep);
  ASSERT_TRUE(out);
  auto has = [&](const std::string& text) {
    for (const std::string& w : out->warnings) {
      if (w.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("cluster_autoscaling (MUST) is N/A"));
  EXPECT_TRUE(has("metadata.k8sConformanceUrl is missing"));
  EXPECT_TRUE(has("metadata.productLogoUrl is a placeholder"));
  EXPECT_FALSE(has("metadata.repoUrl"));
}

TEST(ProductYaml, RejectsMismatchedTemplateAndBadProduct) {
  std::string file = upstream("1.35");
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "no upstream template";
  Report rep;
  rep.checklist = "1.36";
  Result<ProductYaml> wrong = fill_product_yaml(read(file), file, nullptr, "", rep);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::input);
  EXPECT_NE(wrong.error().message.find("v1.35"), std::string::npos);
  rep.checklist = "1.35";
  Result<ProductYaml> bad = fill_product_yaml(read(file), file, Json{{"platfromName", "x"}, {"vendorName", 3}},
                                              "product.yaml", rep);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("unknown metadata field \"platfromName\""), std::string::npos);
  EXPECT_NE(bad.error().message.find("\"vendorName\" must be a string"), std::string::npos);
  // An edited template (a level changed) is refused.
  std::string edited = read(file);
  edited.replace(edited.find("level: SHOULD"), 13, "level: MUST  ");
  Result<ProductYaml> tampered = fill_product_yaml(edited, file, nullptr, "", rep);
  ASSERT_FALSE(tampered);
  EXPECT_NE(tampered.error().message.find("driver_runtime_management"), std::string::npos);
}

}  // namespace
}  // namespace aiplat::conformance

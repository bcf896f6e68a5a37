#include <gtest/gtest.h>

#include "catalog/version.hpp"

namespace aiplat::catalog {
namespace {

Version v(const std::string& s) {
  Result<Version> r = parse_version(s);
  EXPECT_TRUE(r.has_value()) << s << ": " << (r ? "" : r.error().message);
  return r ? *r : Version{};
}

bool matches(const std::string& constraint, const std::string& version) {
  Result<VersionConstraint> c = parse_constraint(constraint);
  EXPECT_TRUE(c.has_value()) << constraint << ": " << (c ? "" : c.error().message);
  return c && c->matches(v(version));
}

TEST(Version, ParsesAndPrints) {
  EXPECT_EQ(v("0.19.2").to_string(), "0.19.2");
  EXPECT_EQ(v("1.0.0-rc.1+build.5").to_string(), "1.0.0-rc.1+build.5");
  EXPECT_EQ(v("26.7.0").major, 26u);
}

TEST(Version, RejectsBadVersionsWithClearMessages) {
  EXPECT_NE(parse_version("v0.19.2").error().message.find("without the leading \"v\""), std::string::npos);
  EXPECT_NE(parse_version("0.19").error().message.find("MAJOR.MINOR.PATCH"), std::string::npos);
  EXPECT_FALSE(parse_version("01.2.3"));
  EXPECT_FALSE(parse_version("1.2.3-"));
  EXPECT_FALSE(parse_version("1.2.x"));
  EXPECT_FALSE(parse_version(""));
}

TEST(Version, OrdersLikeSemver) {
  // The precedence example list of semver.org, in order.
  std::vector<std::string> ordered = {"1.0.0-alpha",      "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                                      "1.0.0-beta.2",     "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0",
                                      "1.0.1",            "1.1.0",         "2.0.0"};
  for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
    EXPECT_LT(v(ordered[i]), v(ordered[i + 1])) << ordered[i] << " < " << ordered[i + 1];
  }
  EXPECT_EQ(v("1.0.0+a"), v("1.0.0+b"));
  EXPECT_LT(v("0.9.0"), v("0.10.0"));
}

TEST(Constraint, Comparisons) {
  EXPECT_TRUE(matches(">=0.19.0", "0.19.0"));
  EXPECT_FALSE(matches(">=0.19.0", "0.18.9"));
  EXPECT_TRUE(matches("<0.20.0", "0.19.9"));
  EXPECT_FALSE(matches("<0.20.0", "0.20.0"));
  EXPECT_TRUE(matches("<=0.20.0", "0.20.0"));
  EXPECT_TRUE(matches(">0.19.2", "0.19.3"));
  EXPECT_FALSE(matches(">0.19.2", "0.19.2"));
  EXPECT_TRUE(matches("=0.19.2", "0.19.2"));
  EXPECT_TRUE(matches("0.19.2", "0.19.2"));
  EXPECT_FALSE(matches("0.19.2", "0.19.3"));
}

TEST(Constraint, SpaceIsAndBarsAreOr) {
  EXPECT_TRUE(matches(">=0.18.0 <0.20.0", "0.19.5"));
  EXPECT_FALSE(matches(">=0.18.0 <0.20.0", "0.20.0"));
  EXPECT_TRUE(matches(">= 0.18.0  < 0.20.0", "0.18.0"));  // operator apart from its version
  EXPECT_TRUE(matches("0.18.1 || >=1.0.0", "0.18.1"));
  EXPECT_TRUE(matches("0.18.1 || >=1.0.0", "1.2.0"));
  EXPECT_FALSE(matches("0.18.1 || >=1.0.0", "0.19.0"));
}

TEST(Constraint, TildeCaretStarAndPartials) {
  EXPECT_TRUE(matches("~0.19", "0.19.7"));
  EXPECT_FALSE(matches("~0.19", "0.20.0"));
  EXPECT_TRUE(matches("~26.7", "26.7.1"));
  EXPECT_FALSE(matches("~26.7", "26.8.0"));
  EXPECT_TRUE(matches("~1.2.3", "1.2.9"));
  EXPECT_FALSE(matches("~1.2.3", "1.2.2"));
  EXPECT_TRUE(matches("^1.6", "1.9.0"));
  EXPECT_FALSE(matches("^1.6", "2.0.0"));
  EXPECT_FALSE(matches("^1.6", "1.5.9"));
  EXPECT_TRUE(matches("^0.4.1", "0.4.9"));
  EXPECT_FALSE(matches("^0.4.1", "0.5.0"));
  EXPECT_TRUE(matches("^0.0.3", "0.0.3"));
  EXPECT_FALSE(matches("^0.0.3", "0.0.4"));
  EXPECT_TRUE(matches("*", "123.4.5"));
  EXPECT_TRUE(matches("0.19", "0.19.4"));
  EXPECT_TRUE(matches("1.x", "1.4.0"));
  EXPECT_FALSE(matches("1.x", "2.0.0"));
  EXPECT_TRUE(matches(">0.19", "0.20.0"));
  EXPECT_FALSE(matches(">0.19", "0.19.9"));
  EXPECT_TRUE(matches("<=0.19", "0.19.9"));
  EXPECT_EQ(parse_constraint("~0.19")->expanded(), ">=0.19.0 <0.20.0");
  EXPECT_EQ(parse_constraint("^1.6")->expanded(), ">=1.6.0 <2.0.0");
}

TEST(Constraint, PrereleasesOnlyWhenNamed) {
  EXPECT_FALSE(matches(">=1.0.0", "1.1.0-rc.1"));
  EXPECT_FALSE(matches("*", "1.0.0-rc.1"));
  EXPECT_TRUE(matches(">=1.1.0-rc.0", "1.1.0-rc.1"));
  EXPECT_FALSE(matches(">=1.1.0-rc.0", "1.2.0-rc.1"));  // another release's pre-release
  EXPECT_TRUE(matches(">=1.1.0-rc.0", "1.2.0"));
}

TEST(Constraint, BadConstraintsSayWhy) {
  EXPECT_NE(parse_constraint("").error().message.find("empty"), std::string::npos);
  EXPECT_NE(parse_constraint(">=").error().message.find("no version after"), std::string::npos);
  EXPECT_NE(parse_constraint(">=v1.0.0").error().message.find("leading \"v\""), std::string::npos);
  EXPECT_NE(parse_constraint("1.2.3.4").error().message.find("more than three"), std::string::npos);
  EXPECT_NE(parse_constraint(">=abc").error().message.find("not a version"), std::string::npos);
  EXPECT_NE(parse_constraint("1.0.0 ||").error().message.find("empty alternative"), std::string::npos);
  EXPECT_FALSE(parse_constraint("<*"));
}

TEST(KubeMinor, ParsesAndCompares) {
  EXPECT_EQ(parse_kube_minor("1.35")->minor, 35);
  EXPECT_EQ(parse_kube_minor("v1.33.4")->minor, 33);
  EXPECT_EQ(parse_kube_minor("1.36.0-rc.1")->minor, 36);
  EXPECT_EQ(parse_kube_minor("v1.35.2+k3s1")->minor, 35);
  EXPECT_FALSE(parse_kube_minor("1"));
  EXPECT_FALSE(parse_kube_minor("2.1"));
  EXPECT_FALSE(parse_kube_minor("one.two"));
  EXPECT_LT(*parse_kube_minor("1.9"), *parse_kube_minor("1.33"));
  MinorRange r{KubeMinor{1, 34}, KubeMinor{1, 37}};
  EXPECT_FALSE(r.contains({1, 33}));
  EXPECT_TRUE(r.contains({1, 34}));
  EXPECT_TRUE(r.contains({1, 37}));
  EXPECT_EQ(r.to_string(), "1.34-1.37");
  EXPECT_EQ((MinorRange{KubeMinor{1, 34}, std::nullopt}).to_string(), "1.34+");
  EXPECT_TRUE(MinorRange{}.contains({1, 99}));
}

}  // namespace
}  // namespace aiplat::catalog

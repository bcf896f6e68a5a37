// Label and field selectors as kubectl sends them (-l, --field-selector).
#include <gtest/gtest.h>

#include "selectors.hpp"

namespace kubesim {
namespace {

using Op = Requirement::Op;
using Json = nlohmann::json;

Json labeled(Json labels) {
  return {{"metadata", {{"name", "x"}, {"namespace", "ns"}, {"labels", std::move(labels)}}}};
}

Selector labels(const std::string& text) {
  Selector s;
  auto error = parse_label_selector(text, s);
  EXPECT_FALSE(error) << text << ": " << error.value_or("");
  return s;
}

std::string label_error(const std::string& text) {
  Selector s;
  return parse_label_selector(text, s).value_or("");
}

TEST(LabelSelector, ParsesEveryOperator) {
  Selector s = labels("app=web,tier==front,env!=prod,zone in (a, b),team notin (x),gpu,!legacy");
  ASSERT_EQ(s.requirements.size(), 7u);
  EXPECT_EQ(s.requirements[0].op, Op::equals);
  EXPECT_EQ(s.requirements[0].key, "app");
  EXPECT_EQ(s.requirements[0].values, std::vector<std::string>{"web"});
  EXPECT_EQ(s.requirements[1].op, Op::equals);
  EXPECT_EQ(s.requirements[1].values, std::vector<std::string>{"front"});
  EXPECT_EQ(s.requirements[2].op, Op::not_equals);
  EXPECT_EQ(s.requirements[3].op, Op::in);
  EXPECT_EQ(s.requirements[3].key, "zone");
  EXPECT_EQ(s.requirements[3].values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.requirements[4].op, Op::not_in);
  EXPECT_EQ(s.requirements[5].op, Op::exists);
  EXPECT_EQ(s.requirements[5].key, "gpu");
  EXPECT_EQ(s.requirements[6].op, Op::not_exists);
  EXPECT_EQ(s.requirements[6].key, "legacy");
}

TEST(LabelSelector, AcceptsPrefixedKeysAndSpaces) {
  Selector s = labels(" app.kubernetes.io/name = web , applyset.kubernetes.io/part-of ");
  ASSERT_EQ(s.requirements.size(), 2u);
  EXPECT_EQ(s.requirements[0].key, "app.kubernetes.io/name");
  EXPECT_EQ(s.requirements[0].values, std::vector<std::string>{"web"});
  EXPECT_EQ(s.requirements[1].key, "applyset.kubernetes.io/part-of");
  EXPECT_EQ(s.requirements[1].op, Op::exists);
}

TEST(LabelSelector, EmptySelectsEverything) {
  Selector s = labels("");
  EXPECT_TRUE(s.requirements.empty());
  EXPECT_TRUE(matches_labels(s, labeled(Json::object())));
  EXPECT_TRUE(matches_labels(s, Json{{"metadata", {{"name", "no-labels"}}}}));
}

TEST(LabelSelector, RejectsMalformedTerms) {
  EXPECT_NE(label_error("app=web,"), "");
  EXPECT_NE(label_error(",app"), "");
  EXPECT_NE(label_error("bad key=1").find("invalid label key"), std::string::npos);
  EXPECT_NE(label_error("-app=1").find("\"-app\""), std::string::npos);
  EXPECT_NE(label_error("zone in ()"), "");
  EXPECT_NE(label_error("app=a b"), "");
  EXPECT_NE(label_error("app=web=1"), "");
}

TEST(LabelSelector, EqualityAndInequality) {
  Json web = labeled({{"app", "web"}, {"env", "dev"}});
  Json db = labeled({{"app", "db"}});
  EXPECT_TRUE(matches_labels(labels("app=web"), web));
  EXPECT_FALSE(matches_labels(labels("app=web"), db));
  EXPECT_TRUE(matches_labels(labels("app=web,env=dev"), web));
  EXPECT_FALSE(matches_labels(labels("app=web,env=prod"), web));
  // != and notin also select objects without the label, as in Kubernetes.
  EXPECT_TRUE(matches_labels(labels("env!=prod"), db));
  EXPECT_FALSE(matches_labels(labels("env!=dev"), web));
  EXPECT_TRUE(matches_labels(labels("env notin (dev)"), db));
  EXPECT_FALSE(matches_labels(labels("env notin (dev,prod)"), web));
}

TEST(LabelSelector, SetsAndExistence) {
  Json web = labeled({{"app", "web"}, {"gpu", ""}});
  Json db = labeled({{"app", "db"}});
  EXPECT_TRUE(matches_labels(labels("app in (web,api)"), web));
  EXPECT_FALSE(matches_labels(labels("app in (web,api)"), db));
  EXPECT_FALSE(matches_labels(labels("missing in (x)"), db));
  EXPECT_TRUE(matches_labels(labels("gpu"), web));  // an empty value still exists
  EXPECT_FALSE(matches_labels(labels("gpu"), db));
  EXPECT_TRUE(matches_labels(labels("!gpu"), db));
  EXPECT_FALSE(matches_labels(labels("!gpu"), web));
  EXPECT_TRUE(matches_labels(labels("gpu="), web));  // "key=" selects the empty value
  EXPECT_FALSE(matches_labels(labels("gpu="), db));
}

Selector fields(const std::string& text) {
  Selector s;
  auto error = parse_field_selector(text, s);
  EXPECT_FALSE(error) << text << ": " << error.value_or("");
  return s;
}

TEST(FieldSelector, ParsesEqualityAndInequality) {
  Selector s = fields("metadata.name=web,metadata.namespace==prod,status.phase!=Running");
  ASSERT_EQ(s.requirements.size(), 3u);
  EXPECT_EQ(s.requirements[0].key, "metadata.name");
  EXPECT_EQ(s.requirements[0].op, Op::equals);
  EXPECT_EQ(s.requirements[1].values, std::vector<std::string>{"prod"});
  EXPECT_EQ(s.requirements[2].op, Op::not_equals);
  EXPECT_EQ(s.requirements[2].values, std::vector<std::string>{"Running"});
}

TEST(FieldSelector, RejectsTermsWithoutOperator) {
  Selector s;
  auto error = parse_field_selector("metadata.name", s);
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("metadata.name"), std::string::npos);
  EXPECT_TRUE(parse_field_selector("=web", s).has_value());
}

TEST(FieldSelector, MatchesDottedPaths) {
  Json pod = {{"metadata", {{"name", "web-1"}, {"namespace", "prod"}}},
              {"spec", {{"nodeName", "gpu-0"}}},
              {"status", {{"phase", "Running"}}}};
  EXPECT_TRUE(matches_fields(fields("metadata.name=web-1"), pod));
  EXPECT_FALSE(matches_fields(fields("metadata.name=web-2"), pod));
  EXPECT_TRUE(matches_fields(fields("metadata.namespace=prod,spec.nodeName=gpu-0"), pod));
  EXPECT_TRUE(matches_fields(fields("status.phase!=Pending"), pod));
  EXPECT_FALSE(matches_fields(fields("status.phase!=Running"), pod));
  // An absent field reads as empty: kubectl's "spec.nodeName=" finds unscheduled pods.
  Json pending = {{"metadata", {{"name", "p"}}}, {"spec", Json::object()}};
  EXPECT_TRUE(matches_fields(fields("spec.nodeName="), pending));
  EXPECT_FALSE(matches_fields(fields("spec.nodeName="), pod));
}

}  // namespace
}  // namespace kubesim

#include <gtest/gtest.h>

#include "util/yaml.hpp"

namespace aiplat {
namespace {

Json one(const std::string& text) {
  auto doc = parse_yaml(text, "t.yaml");
  EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message);
  return doc ? doc->value : Json();
}

TEST(Yaml, PlainScalarsFollowKubernetesRules) {
  Json v = one("a: on\nb: yes\nc: 'on'\nd: 0755\ne: 1e3\nf: ~\ng: 1.5\nh: \"0755\"\ni: off\nj: 0x1F\nk: -7\nl: null\nm: abc\n");
  EXPECT_EQ(v["a"], true);
  EXPECT_EQ(v["b"], true);
  EXPECT_EQ(v["c"], "on");
  EXPECT_EQ(v["d"], 493);
  EXPECT_EQ(v["e"], 1000);
  EXPECT_TRUE(v["f"].is_null());
  EXPECT_DOUBLE_EQ(v["g"].get<double>(), 1.5);
  EXPECT_EQ(v["h"], "0755");
  EXPECT_EQ(v["i"], false);
  EXPECT_EQ(v["j"], 31);
  EXPECT_EQ(v["k"], -7);
  EXPECT_TRUE(v["l"].is_null());
  EXPECT_EQ(v["m"], "abc");
}

TEST(Yaml, ExplicitStringTagKeepsText) {
  Json v = one("a: !!str yes\n");
  EXPECT_EQ(v["a"], "yes");
}

TEST(Yaml, MultiDocumentSkipsEmptyDocuments) {
  auto docs = parse_yaml_documents("a: 1\n---\n---\nb: 2\n", "m.yaml");
  ASSERT_TRUE(docs.has_value());
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ(docs->at(1).value["b"], 2);
}

TEST(Yaml, PositionsAreOneBasedAndKeyedByPointer) {
  auto doc = parse_yaml("spec:\n  versions:\n    - name: v1\n", "p.yaml");
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->where("/spec/versions/0/name"), "p.yaml:3:7");
  EXPECT_EQ(doc->position("/spec/missing/deeper").line, 1);
}

TEST(Yaml, SyntaxErrorNamesFileAndLine) {
  auto doc = parse_yaml("a: [1, 2\nb: 3\n", "bad.yaml");
  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error().message.find("bad.yaml:"), std::string::npos);
  EXPECT_EQ(doc.error().kind, ErrorKind::input);
}

TEST(Yaml, DuplicateKeyIsAnError) {
  auto doc = parse_yaml("a: 1\na: 2\n", "dup.yaml");
  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error().message.find("dup.yaml:2:1: duplicate key \"a\""), std::string::npos);
}

TEST(Yaml, EmitQuotesStringsThatWouldChangeType) {
  Json v = {{"a", "on"}, {"b", "0755"}, {"c", "plain"}, {"d", ""}, {"e", "x: y"}, {"f", 3}, {"g", nullptr}};
  std::string out = to_yaml(v);
  auto back = parse_yaml(out, "round.yaml");
  ASSERT_TRUE(back.has_value()) << out;
  EXPECT_EQ(back->value, v) << out;
  EXPECT_NE(out.find("c: plain"), std::string::npos);
}

TEST(Yaml, EmitRoundTripsNestedAndMultiline) {
  Json v = Json::parse(R"({"kind":"ConfigMap","data":{"script":"line1\nline2\n","x":"a\n b"},
    "list":[{"name":"a","ports":[1,2]},[],{},[[1],[2]],"s"]})");
  std::string out = to_yaml(v);
  auto back = parse_yaml(out, "round.yaml");
  ASSERT_TRUE(back.has_value()) << out;
  EXPECT_EQ(back->value, v) << out;
}

}  // namespace
}  // namespace aiplat

// junit.xml must be well-formed XML with the JUnit structure CI tools read; a small parser
// here reads it back (the project has no XML library, and the test must not trust the writer).
#include <gtest/gtest.h>

#include "conformance/report.hpp"

namespace aiplat::conformance {
namespace {

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<Element> children;
  std::string text;
};

class XmlReader {
 public:
  explicit XmlReader(std::string text) : m_text(std::move(text)) {}
  Element document() {
    skip_space();
    if (m_text.compare(m_pos, 5, "<?xml") == 0) m_pos = m_text.find("?>", m_pos) + 2;
    skip_space();
    Element root = element();
    skip_space();
    if (m_pos != m_text.size()) throw std::runtime_error("content after the root element");
    return root;
  }

 private:
  void skip_space() {
    while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos]))) ++m_pos;
  }
  std::string unescape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '<') throw std::runtime_error("raw < in text");
      if (s[i] != '&') {
        out += s[i];
        continue;
      }
      std::size_t semi = s.find(';', i);
      if (semi == std::string::npos) throw std::runtime_error("unterminated entity");
      std::string e = s.substr(i + 1, semi - i - 1);
      static const std::map<std::string, char> k = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
      if (k.count(e) == 0) throw std::runtime_error("unknown entity " + e);
      out += k.at(e);
      i = semi;
    }
    return out;
  }
  std::string name() {
    std::size_t start = m_pos;
    while (m_pos < m_text.size() && (std::isalnum(static_cast<unsigned char>(m_text[m_pos])) || m_text[m_pos] == '-' ||
                                      m_text[m_pos] == '_' || m_text[m_pos] == ':')) {
      ++m_pos;
    }
    if (start == m_pos) throw std::runtime_error("expected a name at " + std::to_string(m_pos));
    return m_text.substr(start, m_pos - start);
  }
  Element element() {
    if (m_text[m_pos] != '<') throw std::runtime_error("expected <");
    ++m_pos;
    Element e;
    e.name = name();
    while (true) {
      skip_space();
      if (m_text.compare(m_pos, 2, "/>") == 0) {
        m_pos += 2;
        return e;
      }
      if (m_text[m_pos] == '>') {
        ++m_pos;
        break;
      }
      std::string attr = name();
      if (m_text[m_pos] != '=' || m_text[m_pos + 1] != '"') throw std::runtime_error("bad attribute " + attr);
      std::size_t end = m_text.find('"', m_pos + 2);
      if (e.attrs.count(attr) != 0) throw std::runtime_error("duplicate attribute " + attr);
      e.attrs[attr] = unescape(m_text.substr(m_pos + 2, end - m_pos - 2));
      m_pos = end + 1;
    }
    while (true) {
      std::size_t lt = m_text.find('<', m_pos);
      if (lt == std::string::npos) throw std::runtime_error("unclosed " + e.name);
      e.text += unescape(m_text.substr(m_pos, lt - m_pos));
      m_pos = lt;
      if (m_text.compare(m_pos, 2, "</") == 0) {
        m_pos += 2;
        if (name() != e.name) throw std::runtime_error("mismatched close of " + e.name);
        if (m_text[m_pos] != '>') throw std::runtime_error("bad close tag");
        ++m_pos;
        return e;
      }
      e.children.push_back(element());
    }
  }
  std::string m_text;
  std::size_t m_pos = 0;
};

Report sample() {
  Report rep;
  rep.checklist = "1.35";
  rep.server_version = "v1.35.0";
  rep.started_at = "2026-01-01T00:00:00.000Z";
  auto add = [&](const std::string& id, Outcome o, SkipReason reason, const std::string& msg) {
    CheckResult r;
    r.id = id;
    r.outcome = o;
    r.reason = reason;
    r.message = msg;
    r.duration = std::chrono::milliseconds(1500);
    r.transcript = {"2026-01-01T00:00:00.000Z > GET Pod.v1 ns/a <&> \"x\"", "2026-01-01T00:00:01.000Z < ok"};
    rep.results.push_back(r);
  };
  add("gang_scheduling", Outcome::pass, SkipReason::none, "ok");
  add("secure_accelerator_access", Outcome::skip, SkipReason::needs_accelerators, "no GPUs <here>");
  add("robust_controller", Outcome::fail, SkipReason::none, "schema error \"x\" & more");
  add("cluster_autoscaling", Outcome::not_applicable, SkipReason::none, "on-prem, fixed nodes");
  add("ai_inference", Outcome::pass, SkipReason::none, "ok");
  add("virtualized_accelerator", Outcome::skip, SkipReason::no_check, "manual");
  return rep;
}

TEST(Junit, ParsesBackWithJunitStructure) {
  Element root = XmlReader(junit_xml(sample())).document();
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.attrs["tests"], "6");
  EXPECT_EQ(root.attrs["failures"], "1");
  EXPECT_EQ(root.attrs["skipped"], "3");
  ASSERT_EQ(root.children.size(), 1u);
  Element& suite = root.children[0];
  EXPECT_EQ(suite.name, "testsuite");
  EXPECT_EQ(suite.attrs["name"], "ai-conformance-1.35");
  std::map<std::string, Element> cases;
  for (Element& c : suite.children) {
    if (c.name == "testcase") cases[c.attrs["name"]] = c;
  }
  ASSERT_EQ(cases.size(), 6u);
  // Upstream names where a test exists, ours for the rest.
  ASSERT_TRUE(cases.count("TestGangScheduling"));
  ASSERT_TRUE(cases.count("TestSecureAcceleratorAccess"));
  ASSERT_TRUE(cases.count("TestRobustCRDControllerOperation"));
  ASSERT_TRUE(cases.count("TestAcceleratorClusterAutoscaling"));
  ASSERT_TRUE(cases.count("TestAIInferenceGateway"));
  ASSERT_TRUE(cases.count("TestVirtualizedAccelerator"));
  EXPECT_EQ(cases["TestGangScheduling"].attrs["time"], "1.500");
  auto child = [](const Element& e, const std::string& name) -> const Element* {
    for (const Element& c : e.children) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  EXPECT_EQ(child(cases["TestGangScheduling"], "failure"), nullptr);
  EXPECT_EQ(child(cases["TestGangScheduling"], "skipped"), nullptr);
  const Element* skipped = child(cases["TestSecureAcceleratorAccess"], "skipped");
  ASSERT_NE(skipped, nullptr);
  EXPECT_EQ(skipped->attrs.at("message"), "needs-accelerators: no GPUs <here>");
  const Element* failure = child(cases["TestRobustCRDControllerOperation"], "failure");
  ASSERT_NE(failure, nullptr);
  EXPECT_EQ(failure->attrs.at("message"), "schema error \"x\" & more");
  EXPECT_EQ(child(cases["TestAcceleratorClusterAutoscaling"], "skipped")->attrs.at("message"), "N/A: on-prem, fixed nodes");
  const Element* out = child(cases["TestGangScheduling"], "system-out");
  ASSERT_NE(out, nullptr);
  EXPECT_NE(out->text.find("GET Pod.v1 ns/a <&> \"x\""), std::string::npos);
}

TEST(Junit, ReaderRejectsBrokenXml) {
  EXPECT_THROW(XmlReader("<a><b></a>").document(), std::runtime_error);
  EXPECT_THROW(XmlReader("<a x=\"1\">&bogus;</a>").document(), std::runtime_error);
}

TEST(Summary, CountsAndMustFailed) {
  Json s = summary_json(sample());
  EXPECT_EQ(s["totals"]["pass"], 2);
  EXPECT_EQ(s["totals"]["fail"], 1);
  EXPECT_EQ(s["totals"]["skip"], 2);
  EXPECT_EQ(s["totals"]["notApplicable"], 1);
  EXPECT_TRUE(s["mustFailed"]);
  EXPECT_EQ(s["results"][1]["skipReason"], "needs-accelerators");
  EXPECT_EQ(s["results"][2]["productStatus"], "Not Implemented");
}

}  // namespace
}  // namespace aiplat::conformance

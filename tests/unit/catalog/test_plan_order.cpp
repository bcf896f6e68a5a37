#include <gtest/gtest.h>

#include "catalog/plan_order.hpp"

namespace aiplat::catalog {
namespace {

TEST(PlanOrder, DependenciesFirstThenByName) {
  std::map<std::string, std::set<std::string>> edges{
      {"kueue", {"jobset", "cert-manager"}}, {"jobset", {"cert-manager"}}, {"cert-manager", {}}, {"alpha", {}}};
  Result<std::vector<std::string>> order = topological_order(edges);
  ASSERT_TRUE(order);
  EXPECT_EQ(*order, (std::vector<std::string>{"alpha", "cert-manager", "jobset", "kueue"}));
}

TEST(PlanOrder, IgnoresEdgesToNodesOutsideTheSetAndSelfEdges) {
  std::map<std::string, std::set<std::string>> edges{{"a", {"missing", "a"}}, {"b", {"a"}}};
  EXPECT_EQ(*topological_order(edges), (std::vector<std::string>{"a", "b"}));
}

TEST(PlanOrder, NamesTheCycle) {
  std::map<std::string, std::set<std::string>> edges{{"a", {"b"}}, {"b", {"c"}}, {"c", {"b"}}, {"d", {}}};
  Result<std::vector<std::string>> order = topological_order(edges);
  ASSERT_FALSE(order);
  EXPECT_EQ(order.error().kind, ErrorKind::input);
  EXPECT_NE(order.error().message.find("dependency cycle: b -> c -> b"), std::string::npos) << order.error().message;
}

}  // namespace
}  // namespace aiplat::catalog

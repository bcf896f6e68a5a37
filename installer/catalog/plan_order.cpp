#include "catalog/plan_order.hpp"

#include <algorithm>

namespace aiplat::catalog {
namespace {

/// Follows edges from `start` among `left` until a node repeats; returns that loop.
std::vector<std::string> find_cycle(const std::map<std::string, std::set<std::string>>& edges,
                                    const std::set<std::string>& left, const std::string& start) {
  std::vector<std::string> path{start};
  std::string at = start;
  // Every node left has a predecessor that is also left, so the walk must loop within |left| steps.
  for (std::size_t guard = 0; guard <= left.size(); ++guard) {
    const std::set<std::string>& deps = edges.at(at);
    auto next = std::find_if(deps.begin(), deps.end(), [&](const std::string& d) { return left.count(d) > 0; });
    if (next == deps.end()) break;
    auto seen = std::find(path.begin(), path.end(), *next);
    if (seen != path.end()) {
      std::vector<std::string> loop(seen, path.end());
      loop.push_back(*next);
      return loop;
    }
    path.push_back(*next);
    at = *next;
  }
  return path;
}

}  // namespace

Result<std::vector<std::string>> topological_order(const std::map<std::string, std::set<std::string>>& edges) {
  std::map<std::string, std::size_t> waiting;
  std::map<std::string, std::set<std::string>> dependents;
  for (const auto& [node, deps] : edges) {
    waiting[node] += 0;
    for (const std::string& d : deps) {
      if (!edges.count(d) || d == node) continue;
      if (dependents[d].insert(node).second) ++waiting[node];
    }
  }
  std::set<std::string> ready;
  for (const auto& [node, n] : waiting) {
    if (n == 0) ready.insert(node);
  }
  std::vector<std::string> out;
  while (!ready.empty()) {
    std::string node = *ready.begin();
    ready.erase(ready.begin());
    out.push_back(node);
    for (const std::string& d : dependents[node]) {
      if (--waiting[d] == 0) ready.insert(d);
    }
  }
  if (out.size() == edges.size()) return out;
  std::set<std::string> left;
  for (const auto& [node, deps] : edges) {
    if (std::find(out.begin(), out.end(), node) == out.end()) left.insert(node);
  }
  // Walk backwards along "comes after" edges: the reported loop reads "a needs b needs a".
  std::vector<std::string> loop = find_cycle(edges, left, *left.begin());
  std::string text;
  for (const std::string& n : loop) text += (text.empty() ? "" : " -> ") + n;
  return input_error("dependency cycle: " + text + " (each requires the next; break one requires entry)");
}

}  // namespace aiplat::catalog

#pragma once
// Topological order of plan steps with a stable tie-break (name), and cycle naming.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace aiplat::catalog {

/// `edges[a]` holds what `a` must come after. Returns every node, dependencies first and
/// otherwise by name; a cycle is an input error naming it ("a -> b -> a").
Result<std::vector<std::string>> topological_order(const std::map<std::string, std::set<std::string>>& edges);

}  // namespace aiplat::catalog

#pragma once
// Label selectors (=, ==, !=, in, notin, exists, !key) and field selectors
// (metadata.name, metadata.namespace and other plain dotted paths, = == !=).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kubesim {

struct Requirement {
  enum class Op { equals, not_equals, in, not_in, exists, not_exists } op = Op::exists;
  std::string key;
  std::vector<std::string> values;
};

/// A parsed selector; an empty one matches everything.
struct Selector {
  std::vector<Requirement> requirements;
};

/// Parses a label selector; the error names the bad term.
std::optional<std::string> parse_label_selector(const std::string& text, Selector& out);

/// Parses a field selector (only equality and inequality).
std::optional<std::string> parse_field_selector(const std::string& text, Selector& out);

/// Whether the object's metadata.labels satisfy every requirement.
bool matches_labels(const Selector& selector, const nlohmann::json& object);

/// Whether the object's fields (dotted paths) satisfy every requirement.
bool matches_fields(const Selector& selector, const nlohmann::json& object);

}  // namespace kubesim

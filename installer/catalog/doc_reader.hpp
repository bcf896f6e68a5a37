#pragma once
// Typed, position-aware access to one YAML document that records every problem
// (unknown field with the nearest valid spelling, wrong type, missing field)
// instead of stopping at the first, so `catalog lint` reports them all at once.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/model.hpp"
#include "util/yaml.hpp"

namespace aiplat::catalog {

/// One validation finding, printed "file:line:column: message".
struct Problem {
  SourceRef at;
  std::string message;
  /// "file:line:column: message"; a message that already carries its position (YAML syntax errors) has an empty `at`.
  [[nodiscard]] std::string to_string() const { return at.file.empty() ? message : at.where() + ": " + message; }
};

enum class Need { optional, required };

/// The closest of `candidates` to `word` when it is a plausible typo, else "".
std::string nearest_spelling(std::string_view word, const std::vector<std::string>& candidates);

/// Reads fields of one document; pointers are JSON pointers ("/spec/requires/0/addon").
class DocReader {
 public:
  DocReader(const YamlDocument& doc, std::vector<Problem>& problems) : m_doc(doc), m_problems(problems) {}

  /// Position of a key (or node) at `pointer`.
  [[nodiscard]] SourceRef at(const std::string& pointer) const;
  /// Position of the value at `pointer` (differs from the key for mapping entries).
  [[nodiscard]] SourceRef value_at(const std::string& pointer) const;
  void error(const std::string& pointer, std::string message);
  void error_at_value(const std::string& pointer, std::string message);

  /// The node at `pointer`, or null when absent.
  [[nodiscard]] const Json* node(const std::string& pointer) const;
  /// Checks that `pointer` is a mapping whose keys are all in `allowed`; false when it is absent or not a mapping.
  bool object(const std::string& pointer, std::initializer_list<std::string_view> allowed, Need need);
  /// A string field; a number or bool is a type error (quote it).
  std::string string(const std::string& pointer, Need need);
  std::optional<bool> boolean(const std::string& pointer);
  /// A list of strings.
  std::vector<std::string> strings(const std::string& pointer);
  /// Any mapping (helm values, patches); absent gives {}.
  Json mapping(const std::string& pointer);
  /// The number of entries of a list (0 when absent or not a list).
  std::size_t list(const std::string& pointer);
  /// A Kubernetes minor written as a quoted string.
  std::optional<KubeMinor> minor(const std::string& pointer, Need need);
  /// `{min, max}` of minors.
  MinorRange minor_range(const std::string& pointer);
  /// A version constraint string.
  std::optional<VersionConstraint> constraint(const std::string& pointer, Need need);
  /// A string that must be one of `choices`.
  std::string choice(const std::string& pointer, std::initializer_list<std::string_view> choices, Need need);

  [[nodiscard]] const YamlDocument& document() const { return m_doc; }

 private:
  const YamlDocument& m_doc;
  std::vector<Problem>& m_problems;
};

/// JSON pointer of `parent` plus one key or index.
std::string child(const std::string& parent, std::string_view key);
std::string child(const std::string& parent, std::size_t index);

/// "a string", "a list", ... for type errors.
std::string json_type_name(const Json& value);

}  // namespace aiplat::catalog

#pragma once
// YAML <-> JSON following Kubernetes' scalar rules (sigs.k8s.io/yaml over YAML 1.1):
// plain `yes/no/on/off/y/n/true/false` are booleans, quoted scalars stay strings,
// `0755` is octal, `1e3` a number, `~` and `null` are null. Positions of every
// node are kept so errors can name file:line:column.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace aiplat {

using Json = nlohmann::json;

/// A place in a source file, 1-based.
struct SourcePos {
  int line = 0;
  int column = 0;
};

/// One YAML document converted to JSON, with the position of every node keyed by
/// its JSON pointer ("" is the root, "/spec/versions/0/name" a leaf).
struct YamlDocument {
  Json value;
  std::map<std::string, SourcePos> positions;
  std::string file;

  /// The position of the node at `pointer`, or of its nearest ancestor that has one.
  [[nodiscard]] SourcePos position(const std::string& pointer) const;
  /// "file:line:column" for the node at `pointer`.
  [[nodiscard]] std::string where(const std::string& pointer) const;
};

/// Parses every document of a multi-document YAML text. Empty documents are skipped.
/// `file` names the source in errors ("file:line:column: message").
Result<std::vector<YamlDocument>> parse_yaml_documents(std::string_view text, const std::string& file);

/// Parses exactly one document (an empty text yields null).
Result<YamlDocument> parse_yaml(std::string_view text, const std::string& file);

/// Converts one plain or quoted scalar the way Kubernetes would.
Json yaml_scalar_to_json(const std::string& text, bool quoted);

/// Emits JSON as block-style YAML, quoting strings that would otherwise change type.
std::string to_yaml(const Json& value);

/// Emits several documents separated by "---".
std::string to_yaml_documents(const std::vector<Json>& docs);

/// Escapes one JSON pointer reference token ("~" -> "~0", "/" -> "~1").
std::string json_pointer_token(std::string_view token);

}  // namespace aiplat

#pragma once
// Field sets as server-side apply tracks them: a path is a list of elements
// "f:name" (map field), "k:{...}" (list item by key), "v:..." (set value),
// "i:N" (index, never produced for applied lists). FieldsV1 is the nested JSON form.
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kubesim {

using Json = nlohmann::json;
using FieldPath = std::vector<std::string>;
using FieldSet = std::set<FieldPath>;

/// How a list merges; decided by the schema (CRDs) or the built-in hints.
struct ListType {
  enum class Kind { atomic, map, set } kind = Kind::atomic;
  std::vector<std::string> keys;  ///< for Kind::map
};

/// Answers the list type of the list at a field path (elements "f:..", with "k:"/"v:" dropped).
class ListTypeOracle {
 public:
  virtual ~ListTypeOracle() = default;
  /// `field_names` holds only map field names from the root, e.g. {"spec","template","spec","containers"}.
  [[nodiscard]] virtual ListType list_type(const std::vector<std::string>& field_names) const = 0;
};

/// Which top-level parts of an object a field set covers.
enum class FieldScope { main_resource, status_only, everything };

/// Every member path of `object` (leaves, list items, empty maps); metadata identity fields,
/// apiVersion and kind are never tracked, status only as `scope` says.
FieldSet fields_of(const Json& object, const ListTypeOracle& oracle, FieldScope scope);

/// The value at `path`, or nullptr when absent.
const Json* value_at(const Json& object, const FieldPath& path);

/// Removes the value at `path`; false when absent.
bool remove_at(Json& object, const FieldPath& path);

/// Nested FieldsV1 JSON for a set.
Json to_fields_v1(const FieldSet& set);

/// Parses FieldsV1 JSON.
FieldSet from_fields_v1(const Json& fields);

/// Human form of a path for conflict messages: ".spec.replicas", ".spec.containers[name=\"c\"].image".
std::string describe_path(const FieldPath& path);

/// Merges `applied` into `live` the way apply does: maps by field, keyed lists by key, sets by value,
/// everything else replaced.
Json merge_applied(const Json& live, const Json& applied, const ListTypeOracle& oracle,
                   std::vector<std::string> field_names = {});

}  // namespace kubesim

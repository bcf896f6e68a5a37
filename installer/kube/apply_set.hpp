#pragma once
// The ApplySet convention (KEP-3659), as kubectl implements it: a parent object carries
// the set's id as a label plus annotations naming the tool, the group-kinds and the extra
// namespaces of its members; every member carries the part-of label. Pruning lists only
// objects with that label, so nothing outside the set can ever be deleted.
#include <set>
#include <string>
#include <vector>

#include "kube/object.hpp"
#include "util/yaml.hpp"

namespace aiplat::kube {

inline constexpr const char* k_applyset_id_label = "applyset.kubernetes.io/id";
inline constexpr const char* k_applyset_part_of_label = "applyset.kubernetes.io/part-of";
inline constexpr const char* k_applyset_tooling = "applyset.kubernetes.io/tooling";
inline constexpr const char* k_applyset_group_kinds = "applyset.kubernetes.io/contains-group-kinds";
inline constexpr const char* k_applyset_namespaces = "applyset.kubernetes.io/additional-namespaces";

/// kubectl's id: "applyset-" + base64url(sha256("<name>.<namespace>.<Kind>.<group>")) + "-v1".
std::string applyset_id(const std::string& name, const std::string& ns, const std::string& kind,
                        const std::string& group);

/// "Deployment.apps", or "Namespace" for the core group (the annotation's spelling).
std::string group_kind_of(const GroupVersionKind& gvk);

/// What a parent says about its members.
struct ApplySetParent {
  std::string name;
  std::string ns;
  std::string id;                     ///< applyset_id of a ConfigMap parent
  std::string tooling;                ///< "aiplat/0.1.0"
  std::set<std::string> group_kinds;  ///< "Deployment.apps", "Namespace", ...
  std::set<std::string> namespaces;   ///< member namespaces other than the parent's

  /// A ConfigMap parent named `name` in `ns`, with its id computed.
  static ApplySetParent config_map(const std::string& name, const std::string& ns, const std::string& tooling);
  /// Reads group-kinds and namespaces from a live parent; unknown annotations are ignored.
  void merge_from(const Json& live_parent);
  /// Adds the group-kind and namespace of every member.
  void add_members(const std::vector<Json>& members);
  /// The parent's metadata (labels and annotations) as an apply body, with `data` as its data.
  [[nodiscard]] Json to_object(const Json& data) const;
};

/// Puts the part-of label on a member (a copy).
Json with_part_of(const Json& object, const std::string& id);

/// Splits "Deployment.apps" into kind and group ("Namespace" -> {"Namespace", ""}).
std::pair<std::string, std::string> split_group_kind(const std::string& group_kind);

}  // namespace aiplat::kube

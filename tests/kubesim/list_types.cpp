#include "list_types.hpp"

#include <map>

namespace kubesim {

ListType BuiltinListTypes::list_type(const std::vector<std::string>& names) const {
  using K = ListType::Kind;
  if (names.empty()) {
    return {};
  }
  const std::string& last = names.back();
  const std::string parent = names.size() >= 2 ? names[names.size() - 2] : "";
  if (names.size() == 2 && names[0] == "metadata") {
    if (last == "finalizers") {
      return {K::set, {}};
    }
    if (last == "ownerReferences") {
      return {K::map, {"uid"}};
    }
    return {};
  }
  if (last == "ports") {
    if (parent == "containers" || parent == "initContainers" || parent == "ephemeralContainers") {
      return {K::map, {"containerPort", "protocol"}};
    }
    if (parent == "spec") {
      return {K::map, {"port", "protocol"}};
    }
    return {};
  }
  static const std::map<std::string, std::vector<std::string>> k_keyed = {
      {"containers", {"name"}},     {"initContainers", {"name"}}, {"ephemeralContainers", {"name"}},
      {"env", {"name"}},            {"volumes", {"name"}},        {"volumeMounts", {"mountPath"}},
      {"volumeDevices", {"devicePath"}}, {"imagePullSecrets", {"name"}}, {"conditions", {"type"}},
      {"hostAliases", {"ip"}},      {"topologySpreadConstraints", {"topologyKey", "whenUnsatisfiable"}},
      {"resourceClaims", {"name"}}, {"schedulingGates", {"name"}}, {"taints", {"key", "effect"}},
  };
  auto it = k_keyed.find(last);
  if (it != k_keyed.end()) {
    return {K::map, it->second};
  }
  return {};
}

ListType SchemaListTypes::list_type(const std::vector<std::string>& names) const {
  using K = ListType::Kind;
  if (!names.empty() && names[0] == "metadata") {
    return BuiltinListTypes().list_type(names);
  }
  const Json* node = &m_schema;
  for (const std::string& name : names) {
    if (node->is_object() && node->value("type", "") == "array" && node->contains("items")) {
      node = &(*node)["items"];
    }
    if (!node->is_object()) {
      return {};
    }
    if (node->contains("properties") && (*node)["properties"].contains(name)) {
      node = &(*node)["properties"][name];
    } else if (node->contains("additionalProperties") && (*node)["additionalProperties"].is_object()) {
      node = &(*node)["additionalProperties"];
    } else {
      return {};
    }
  }
  if (!node->is_object()) {
    return {};
  }
  std::string type = node->value("x-kubernetes-list-type", "atomic");
  if (type == "map" && node->contains("x-kubernetes-list-map-keys")) {
    return {K::map, (*node)["x-kubernetes-list-map-keys"].get<std::vector<std::string>>()};
  }
  if (type == "set") {
    return {K::set, {}};
  }
  return {};
}

}  // namespace kubesim

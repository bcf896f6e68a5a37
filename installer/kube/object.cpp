#include "kube/object.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace aiplat::kube {

std::string GroupVersionKind::api_version() const { return group.empty() ? version : group + "/" + version; }

std::string GroupVersionKind::to_string() const {
  return group.empty() ? fmt::format("{}.{}", kind, version) : fmt::format("{}.{}.{}", kind, version, group);
}

GroupVersionKind GroupVersionKind::from(const std::string& api_version, const std::string& kind) {
  std::size_t slash = api_version.find('/');
  if (slash == std::string::npos) return GroupVersionKind{"", api_version, kind};
  return GroupVersionKind{api_version.substr(0, slash), api_version.substr(slash + 1), kind};
}

std::string GroupVersionResource::to_string() const {
  return group.empty() ? fmt::format("{}.{}", resource, version) : fmt::format("{}.{}.{}", resource, version, group);
}

bool ResourceMapping::has_subresource(const std::string& name) const {
  return std::find(subresources.begin(), subresources.end(), name) != subresources.end();
}

std::string ResourceRef::to_string() const {
  if (ns.empty()) return fmt::format("{} {}", gvk.to_string(), name);
  return fmt::format("{} {}/{}", gvk.to_string(), ns, name);
}

Result<ResourceRef> ResourceRef::of(const Json& object) {
  if (!object.is_object()) return input_error("a Kubernetes object must be a map");
  std::vector<std::string> missing;
  auto text = [&](const Json& parent, const char* key, const char* label) -> std::string {
    auto it = parent.find(key);
    if (it == parent.end() || !it->is_string() || it->get<std::string>().empty()) {
      if (label) missing.emplace_back(label);
      return {};
    }
    return it->get<std::string>();
  };
  ResourceRef ref;
  std::string api_version = text(object, "apiVersion", "apiVersion");
  std::string kind = text(object, "kind", "kind");
  ref.gvk = GroupVersionKind::from(api_version, kind);
  static const Json k_empty = Json::object();
  auto meta = object.find("metadata");
  const Json& metadata = (meta != object.end() && meta->is_object()) ? *meta : k_empty;
  ref.name = text(metadata, "name", "metadata.name");
  ref.ns = text(metadata, "namespace", nullptr);
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    std::string who = kind.empty() ? std::string("object") : kind;
    if (!ref.name.empty()) who += " " + ref.name;
    return input_error(fmt::format("{} has no {}", who, list));
  }
  return ref;
}

}  // namespace aiplat::kube

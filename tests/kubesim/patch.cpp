// PATCH: JSON patch, JSON merge patch, strategic merge patch and apply.
#include <fmt/format.h>

#include "cluster.hpp"
#include "list_types.hpp"
#include "strategic_merge.hpp"

namespace kubesim {

Reply Cluster::patch_locked(const ResourceInfo& info, const std::string& ns, const std::string& name,
                            const std::string& content_type, const std::string& body, Subresource sub,
                            const WriteOptions& options) {
  std::string type = content_type.substr(0, content_type.find(';'));
  if (type == "application/apply-patch+yaml" || type == "application/apply-patch+cbor") {
    return apply_locked(info, ns, name, body, sub, options);
  }
  Reply current = get_locked(info, ns, name);
  if (current.status != 200) {
    return current;
  }
  Json patch = Json::parse(body, nullptr, false);
  if (patch.is_discarded()) {
    return status_error(400, "BadRequest", "error decoding patch: the body is not valid JSON");
  }
  Json next;
  if (type == "application/json-patch+json") {
    try {
      next = current.body.patch(patch);
    } catch (const std::exception& e) {
      return status_error(422, "Invalid", fmt::format("the JSON patch could not be applied: {}", e.what()));
    }
  } else if (type == "application/merge-patch+json") {
    next = current.body;
    next.merge_patch(patch);
  } else if (type == "application/strategic-merge-patch+json") {
    if (crd_for_locked(info) != nullptr) {
      return status_error(415, "UnsupportedMediaType",
                          "strategic merge patch format is not supported for custom resources");
    }
    next = strategic_merge(current.body, patch, BuiltinListTypes());
  } else {
    return status_error(415, "UnsupportedMediaType", fmt::format("the patch type {} is not supported", type));
  }
  if (!next.is_object()) {
    return status_error(422, "Invalid", "the patched object is not a JSON object");
  }
  std::string wanted_rv = next["metadata"].value("resourceVersion", "");
  if (!wanted_rv.empty() && wanted_rv != current.body["metadata"].value("resourceVersion", "")) {
    return status_error(409, "Conflict",
                        fmt::format("Operation cannot be fulfilled on {} \"{}\": the object has been modified; please "
                                    "apply your changes to the latest version and try again",
                                    info.resource, name));
  }
  return commit_locked(info, info.scope == Scope::namespaced ? ns : "", name, &current.body, std::move(next), sub,
                       options, "patch");
}

}  // namespace kubesim

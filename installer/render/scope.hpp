#pragma once
// Namespace defaulting: namespaced objects without a namespace get the add-on's. Whether a
// kind is namespaced is decided by, in order: the CRDs rendered in the same add-on, the
// caller's knowledge (RenderOptions::namespaced_kinds, e.g. from discovery or the CRDs of
// earlier add-ons), then a built-in table of Kubernetes' own kinds. Unknown kinds are an error.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace aiplat::render {

using Json = nlohmann::json;

/// "group/Kind" ("/Kind" for the core group) of an object or an apiVersion + kind.
std::string group_kind(const std::string& api_version, const std::string& kind);

/// Scope of each kind defined by the CustomResourceDefinitions among `objects`.
std::map<std::string, bool> crd_scopes(const std::vector<Json>& objects);

/// Whether Kubernetes' own kind `group_kind` is namespaced; nullopt when the table does not know it.
std::optional<bool> builtin_scope(const std::string& group_kind);

/// Sets metadata.namespace of namespaced objects that have none to `ns`, and removes it from
/// cluster-scoped ones (helm --namespace adds it to some). Unknown kinds are reported together.
Result<void> default_namespaces(std::vector<Json>& objects, const std::string& ns,
                                const std::map<std::string, bool>& known);

}  // namespace aiplat::render

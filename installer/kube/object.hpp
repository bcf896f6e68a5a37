#pragma once
// Names of Kubernetes things: group/version/kind, group/version/resource, a
// reference to one object, and the mapping discovery gives between them.
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/yaml.hpp"

namespace aiplat::kube {

/// apiVersion + kind; group is empty for the core ("v1") group.
struct GroupVersionKind {
  std::string group;
  std::string version;
  std::string kind;

  /// "apps/v1" or "v1".
  [[nodiscard]] std::string api_version() const;
  /// "Deployment.v1.apps" (kubectl's spelling), for messages.
  [[nodiscard]] std::string to_string() const;
  /// Splits "apps/v1" into group and version.
  static GroupVersionKind from(const std::string& api_version, const std::string& kind);
  friend bool operator==(const GroupVersionKind&, const GroupVersionKind&) = default;
  friend auto operator<=>(const GroupVersionKind&, const GroupVersionKind&) = default;
};

/// A REST resource: the plural in the URL ("deployments").
struct GroupVersionResource {
  std::string group;
  std::string version;
  std::string resource;

  [[nodiscard]] std::string to_string() const;  ///< "deployments.v1.apps"
  friend bool operator==(const GroupVersionResource&, const GroupVersionResource&) = default;
};

/// Whether objects of a kind live in a namespace.
enum class Scope { namespaced, cluster };

/// What discovery says about one kind: its resource, scope, verbs and subresources.
struct ResourceMapping {
  GroupVersionKind gvk;
  GroupVersionResource gvr;
  Scope scope = Scope::namespaced;
  std::vector<std::string> verbs;
  std::vector<std::string> short_names;
  std::vector<std::string> subresources;  ///< "status", "scale", ...
  std::string singular;

  [[nodiscard]] bool namespaced() const { return scope == Scope::namespaced; }
  [[nodiscard]] bool has_subresource(const std::string& name) const;
};

/// One object: its kind, namespace (empty for cluster-scoped) and name.
struct ResourceRef {
  GroupVersionKind gvk;
  std::string ns;
  std::string name;

  /// "Deployment.v1.apps ns/name" or "Namespace.v1 name", for messages.
  [[nodiscard]] std::string to_string() const;
  /// Reads apiVersion, kind, metadata.namespace and metadata.name; fails naming what is missing.
  static Result<ResourceRef> of(const Json& object);
};

}  // namespace aiplat::kube

#pragma once
// The built-in API groups each Kubernetes minor serves, in one table, plus the
// resources CRDs add at run time.
#include <optional>
#include <string>
#include <vector>

namespace kubesim {

/// Whether objects live in a namespace.
enum class Scope { namespaced, cluster };

/// One served resource of one group version.
struct ResourceInfo {
  std::string group;     ///< "" for the core group
  std::string version;
  std::string resource;  ///< plural, e.g. "deployments"
  std::string kind;
  Scope scope = Scope::namespaced;
  bool has_status = false;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
  std::string singular;  ///< lower-case kind unless a CRD says otherwise

  /// "apps/v1" or "v1".
  [[nodiscard]] std::string group_version() const { return group.empty() ? version : group + "/" + version; }
};

/// What the simulated server was told to serve.
struct ServeOptions {
  int minor = 35;
  bool enable_dra = false;              ///< resource.k8s.io on 1.33 (beta versions)
  bool enable_scheduling_alpha = false; ///< scheduling.k8s.io/v1alpha2 on 1.36+
};

/// First and last minors kubesim can simulate.
inline constexpr int k_min_minor = 31;
inline constexpr int k_max_minor = 37;

/// The built-in resources the minor serves, in discovery order (groups, then versions by preference).
std::vector<ResourceInfo> builtin_resources(const ServeOptions& options);

/// The versions of `group` in preference order, as served by the minor (empty if not served).
std::vector<std::string> builtin_group_versions(const ServeOptions& options, const std::string& group);

}  // namespace kubesim

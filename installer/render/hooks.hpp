#pragma once
// Helm hooks (docs/install.md "Helm hooks"): objects a chart annotates with `helm.sh/hook` are
// not part of the release. Render sets them apart from the objects to apply; install runs the
// pre-/post-install and -upgrade ones around the add-on, uninstall the delete ones, and no
// command ever applies test or rollback hooks.
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/yaml.hpp"

namespace aiplat::render {

inline constexpr const char* k_hook_annotation = "helm.sh/hook";
inline constexpr const char* k_hook_weight_annotation = "helm.sh/hook-weight";
inline constexpr const char* k_hook_delete_policy_annotation = "helm.sh/hook-delete-policy";
inline constexpr const char* k_resource_policy_annotation = "helm.sh/resource-policy";

enum class HookEvent {
  pre_install,
  post_install,
  pre_upgrade,
  post_upgrade,
  pre_delete,
  post_delete,
  pre_rollback,
  post_rollback,
  test,
};

enum class DeletePolicy { before_hook_creation, hook_succeeded, hook_failed };

/// One hook object and what its annotations say.
struct Hook {
  Json object;
  std::vector<HookEvent> events;
  int weight = 0;
  std::vector<DeletePolicy> delete_policies;  ///< before-hook-creation when the chart names none

  [[nodiscard]] bool runs_on(HookEvent event) const;
  [[nodiscard]] bool has_policy(DeletePolicy policy) const;
};

/// Helm's spelling of an event ("pre-install", ...).
std::string to_string(HookEvent event);

/// Whether `object` is a hook (carries a non-empty helm.sh/hook annotation).
bool is_hook(const Json& object);

/// Reads a hook's annotations. Input error, naming the object, for an unknown event or policy
/// or a weight that is not an integer: helm refuses those charts too.
Result<Hook> parse_hook(const Json& object);

/// The hooks of `hooks` that run on `event`, in Helm's order: weight, then kind (Helm's install
/// order), then name.
Result<std::vector<Hook>> hooks_for(const std::vector<Json>& hooks, HookEvent event);

/// Moves the hooks out of `objects` (which keeps its order) and returns them in source order.
std::vector<Json> set_hooks_apart(std::vector<Json>& objects);

/// Whether `object` asks to be kept when it leaves the release (helm.sh/resource-policy: keep).
bool keeps_on_delete(const Json& object);

/// Counts of hooks by kind of use, for plan, diff and render summaries.
struct HookCounts {
  std::size_t install = 0;     ///< run by install or upgrade
  std::size_t set_aside = 0;   ///< delete, rollback and test hooks: never applied by install
};
HookCounts count_hooks(const std::vector<Json>& hooks);

}  // namespace aiplat::render

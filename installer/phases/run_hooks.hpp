#pragma once
// Running an add-on's Helm hooks for one event as Helm does (docs/install.md "Helm hooks"):
// in weight order, one at a time; the live copy of a before-hook-creation hook deleted first;
// Jobs waited for until Complete, Pods until Succeeded, other kinds taken as done once created;
// hook-succeeded and hook-failed hooks deleted after. Hooks are never ApplySet members.
#include <chrono>
#include <string>
#include <vector>

#include "kube/client.hpp"
#include "phases/phase.hpp"
#include "render/hooks.hpp"

namespace aiplat {

struct HookRunOptions {
  kube::Force force = kube::Force::no;
  std::chrono::milliseconds timeout{600000};  ///< each hook's wait, and each wait for a deleted hook to go
};

/// Runs `due`, the hooks of `event` in their order (render::hooks_for); returns how many ran. A
/// failed hook stops the run with the Job's condition, its pods' states and their last log lines.
Result<std::size_t> run_hooks(kube::Client& client, PhaseContext& ctx, const std::vector<render::Hook>& due,
                              render::HookEvent event, const HookRunOptions& options, const std::string& addon);

/// What the pods of a failed Job (or a failed Pod) say: phase, container states and the last
/// log lines; best effort, empty when the API gives nothing.
std::string hook_failure_detail(kube::Client& client, const kube::ResourceRef& ref);

}  // namespace aiplat

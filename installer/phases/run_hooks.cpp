#include "phases/run_hooks.hpp"

#include <thread>

#include <fmt/format.h>

#include "phases/pod_diagnosis.hpp"
#include "phases/wait_ready.hpp"

namespace aiplat {
namespace {

using kube::ResourceRef;
using render::DeletePolicy;
using render::Hook;

bool waits_for(const ResourceRef& ref) {
  return (ref.gvk.group == "batch" && ref.gvk.kind == "Job") || (ref.gvk.group.empty() && ref.gvk.kind == "Pod");
}

/// Deletes a hook and waits until it is gone, so that creating it again does not meet the old one.
Result<void> delete_hook(kube::Client& client, PhaseContext& ctx, const ResourceRef& ref, const std::string& why,
                         std::chrono::milliseconds timeout, bool wait_gone) {
  kube::DeleteOptions options;
  options.dry_run = ctx.dry_run() == DryRun::server ? kube::DryRun::all : kube::DryRun::none;
  return ctx.wet(fmt::format("delete hook {} ({})", ref.to_string(), why), [&]() -> Result<void> {
    auto removed = client.remove(ref, options);
    if (!removed) {
      if (removed.error().not_found()) return {};
      return tl::unexpected(removed.error().with_context("deleting hook " + ref.to_string()).to_error());
    }
    if (!wait_gone || ctx.dry_run() != DryRun::none) return {};
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::chrono::milliseconds interval{20};
    while (true) {
      if (ctx.cancelled()) return cancelled("interrupted while deleting hook " + ref.to_string());
      auto live = client.get_metadata(ref);
      if (!live && live.error().not_found()) return {};
      if (!live && live.error().persistent()) return tl::unexpected(live.error().to_error());
      if (std::chrono::steady_clock::now() >= deadline) {
        return failure(fmt::format("hook {} is still there {}s after it was deleted (finalizers: {})", ref.to_string(),
                                   std::chrono::duration_cast<std::chrono::seconds>(timeout).count(),
                                   live ? live->value("/metadata/finalizers"_json_pointer, Json::array()).dump()
                                        : live.error().message));
      }
      std::this_thread::sleep_for(interval);
      interval = std::min(std::chrono::milliseconds(500), interval * 2);
    }
  });
}

/// Applies one hook, then waits for it when it is a Job or a Pod.
Result<void> run_one(kube::Client& client, PhaseContext& ctx, const Hook& hook, const ResourceRef& ref,
                     const std::string& what, const HookRunOptions& options) {
  kube::ApplyOptions apply_options;
  apply_options.force = options.force;
  apply_options.dry_run = ctx.dry_run() == DryRun::server ? kube::DryRun::all : kube::DryRun::none;
  auto applied = ctx.wet(fmt::format("apply {} hook {}", what, ref.to_string()), [&]() -> Result<void> {
    auto r = client.apply(hook.object, apply_options);
    if (!r) return tl::unexpected(r.error().with_context(fmt::format("applying {} hook {}", what, ref.to_string())).to_error());
    return {};
  });
  if (!applied) return applied;
  if (ctx.dry_run() != DryRun::none || !waits_for(ref)) return {};
  return wait_ready(client, {WaitTarget{ref, {}}}, options.timeout, ctx, what + " hook");
}

}  // namespace

std::string hook_failure_detail(kube::Client& client, const ResourceRef& ref) {
  if (ref.gvk.group.empty() && ref.gvk.kind == "Pod") {
    auto pod = client.get(ref);
    return pod ? describe_pod(client, *pod, "  ", true) : std::string();
  }
  kube::ListOptions list_options;
  list_options.label_selector = "batch.kubernetes.io/job-name=" + ref.name;
  auto pods = client.list(kube::GroupVersionKind{"", "v1", "Pod"}, ref.ns, list_options);
  if (!pods) return "";
  std::string out;
  for (const Json& pod : pods->items) out += describe_pod(client, pod, "  ", true);
  return out;
}

Result<std::size_t> run_hooks(kube::Client& client, PhaseContext& ctx, const std::vector<render::Hook>& due,
                              render::HookEvent event, const HookRunOptions& options, const std::string& addon) {
  const std::string what = addon + ": " + render::to_string(event);
  std::vector<std::pair<const Hook*, ResourceRef>> succeeded;
  for (const Hook& hook : due) {
    if (ctx.cancelled()) return cancelled(what + ": interrupted before the next hook");
    auto ref = ResourceRef::of(hook.object);
    if (!ref) return tl::unexpected(ref.error().with_context(what));
    if (hook.has_policy(DeletePolicy::before_hook_creation)) {
      auto gone = delete_hook(client, ctx, *ref, "before-hook-creation", options.timeout, true);
      if (!gone) return tl::unexpected(gone.error().with_context(what));
    }
    auto ran = run_one(client, ctx, hook, *ref, what, options);
    if (!ran) {
      if (ran.error().kind == ErrorKind::cancelled) return tl::unexpected(ran.error());
      Error error = ran.error();
      error.message += hook_failure_detail(client, *ref);
      if (hook.has_policy(DeletePolicy::hook_failed)) {
        // Like Helm, the failed hook is removed only after its pods were read for the message.
        if (auto d = delete_hook(client, ctx, *ref, "hook-failed", options.timeout, false); !d) {
          error.message += "\n  (and deleting it failed: " + d.error().message + ")";
        }
      }
      return tl::unexpected(error);
    }
    succeeded.emplace_back(&hook, *ref);
  }
  for (const auto& [hook, ref] : succeeded) {
    if (!hook->has_policy(DeletePolicy::hook_succeeded)) continue;
    auto d = delete_hook(client, ctx, ref, "hook-succeeded", options.timeout, false);
    if (!d) return tl::unexpected(d.error().with_context(what));
  }
  return succeeded.size();
}

}  // namespace aiplat

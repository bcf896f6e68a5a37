#include "phases/wait_ready.hpp"

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "kube/apply_tiers.hpp"
#include "phases/pod_diagnosis.hpp"

namespace aiplat {
namespace {

using State = Readiness::State;

Readiness ready(std::string condition) { return Readiness{State::ready, std::move(condition), "ready"}; }

Readiness waiting(std::string condition, std::string seen) {
  return Readiness{State::waiting, std::move(condition), std::move(seen)};
}

/// The condition `type` of status.conditions, or null.
const Json* find_condition(const Json& live, const std::string& type) {
  const Json* conditions = nullptr;
  if (auto s = live.find("status"); s != live.end() && s->is_object()) {
    if (auto c = s->find("conditions"); c != s->end() && c->is_array()) conditions = &*c;
  }
  if (conditions == nullptr) return nullptr;
  for (const Json& c : *conditions) {
    if (c.is_object() && c.value("type", "") == type) return &c;
  }
  return nullptr;
}

std::string describe_condition(const Json* c, const std::string& type) {
  if (c == nullptr) return type + " not reported yet";
  std::string out = type + "=" + c->value("status", "?");
  std::string reason = c->value("reason", "");
  if (!reason.empty()) out += " (" + reason + ")";
  return out;
}

Readiness condition_true(const Json& live, const std::string& type) {
  const Json* c = find_condition(live, type);
  std::string want = "condition " + type + "=True";
  if (c != nullptr && c->value("status", "") == "True") return ready(want);
  return waiting(want, describe_condition(c, type));
}

long long int_at(const Json& live, const char* status_field) {
  const Json& status = live.contains("status") && live["status"].is_object() ? live["status"] : Json::object();
  auto it = status.find(status_field);
  return it != status.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

/// observedGeneration has caught up with generation (when the object reports one).
bool generation_observed(const Json& live, std::string& seen) {
  long long generation = live.value("/metadata/generation"_json_pointer, 0LL);
  const Json& status = live.contains("status") && live["status"].is_object() ? live["status"] : Json::object();
  if (!status.contains("observedGeneration")) {
    seen = "status not reported yet";
    return false;
  }
  long long observed = int_at(live, "observedGeneration");
  if (observed < generation) {
    seen = fmt::format("observedGeneration {} < generation {}", observed, generation);
    return false;
  }
  return true;
}

Readiness deployment(const Json& live) {
  std::string want = "observedGeneration=generation, all replicas updated, condition Available=True";
  std::string seen;
  if (!generation_observed(live, seen)) return waiting(want, seen);
  long long replicas = live.value("/spec/replicas"_json_pointer, 1LL);
  long long updated = int_at(live, "updatedReplicas");
  if (updated < replicas) return waiting(want, fmt::format("{}/{} replicas updated", updated, replicas));
  const Json* progressing = find_condition(live, "Progressing");
  if (progressing != nullptr && progressing->value("reason", "") == "ProgressDeadlineExceeded") {
    return Readiness{State::failed, want, "Progressing=False (ProgressDeadlineExceeded)"};
  }
  Readiness available = condition_true(live, "Available");
  available.condition = want;
  return available;
}

Readiness daemon_set(const Json& live) {
  std::string want = "observedGeneration=generation, every scheduled pod updated and available";
  std::string seen;
  if (!generation_observed(live, seen)) return waiting(want, seen);
  long long desired = int_at(live, "desiredNumberScheduled");
  long long updated = int_at(live, "updatedNumberScheduled");
  long long available = int_at(live, "numberAvailable");
  if (updated < desired || available < desired) {
    return waiting(want, fmt::format("{}/{} updated, {}/{} available", updated, desired, available, desired));
  }
  return ready(want);
}

Readiness stateful_set(const Json& live) {
  std::string want = "observedGeneration=generation, every replica ready on the update revision";
  std::string seen;
  if (!generation_observed(live, seen)) return waiting(want, seen);
  long long replicas = live.value("/spec/replicas"_json_pointer, 1LL);
  long long ready_replicas = int_at(live, "readyReplicas");
  long long updated = int_at(live, "updatedReplicas");
  const Json& status = live["status"];
  std::string current = status.value("currentRevision", "");
  std::string update = status.value("updateRevision", "");
  if (ready_replicas < replicas || updated < replicas || current != update) {
    return waiting(want, fmt::format("{}/{} ready, {}/{} updated, revision {} -> {}", ready_replicas, replicas, updated,
                                     replicas, current, update));
  }
  return ready(want);
}

Readiness job(const Json& live) {
  const Json* failed = find_condition(live, "Failed");
  if (failed != nullptr && failed->value("status", "") == "True") {
    return Readiness{State::failed, "condition Complete=True", describe_condition(failed, "Failed") + ": " +
                                                                    failed->value("message", "")};
  }
  return condition_true(live, "Complete");
}

// A bare Pod (a Helm hook) has done its work once it Succeeded.
Readiness pod(const Json& live) {
  std::string phase = live.value("/status/phase"_json_pointer, std::string());
  if (phase == "Succeeded") return ready("phase Succeeded");
  if (phase == "Failed") return Readiness{State::failed, "phase Succeeded", "phase Failed"};
  return waiting("phase Succeeded", phase.empty() ? "no phase reported" : "phase " + phase);
}

std::string dump_short(const Json& v) {
  if (v.is_null()) return "nothing";
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

}  // namespace

bool has_builtin_readiness(const kube::GroupVersionKind& gvk) {
  if (gvk.group == "apps") return gvk.kind == "Deployment" || gvk.kind == "DaemonSet" || gvk.kind == "StatefulSet";
  if (gvk.group == "batch") return gvk.kind == "Job";
  if (gvk.group == "apiextensions.k8s.io") return gvk.kind == "CustomResourceDefinition";
  if (gvk.group == "apiregistration.k8s.io") return gvk.kind == "APIService";
  return false;
}

Readiness builtin_readiness(const Json& live) {
  kube::GroupVersionKind gvk = kube::GroupVersionKind::from(live.value("apiVersion", ""), live.value("kind", ""));
  if (gvk.group == "apps" && gvk.kind == "Deployment") return deployment(live);
  if (gvk.group == "apps" && gvk.kind == "DaemonSet") return daemon_set(live);
  if (gvk.group == "apps" && gvk.kind == "StatefulSet") return stateful_set(live);
  if (gvk.group == "batch" && gvk.kind == "Job") return job(live);
  if (gvk.group.empty() && gvk.kind == "Pod") return pod(live);
  if (gvk.kind == "CustomResourceDefinition") return condition_true(live, "Established");
  if (gvk.kind == "APIService") return condition_true(live, "Available");
  return ready("exists");
}

Json value_at_path(const Json& object, const std::string& path) {
  const Json* cur = &object;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      std::size_t close = path.find(']', i);
      if (close == std::string::npos || !cur->is_array()) return nullptr;
      std::size_t index = std::stoul(path.substr(i + 1, close - i - 1));
      if (index >= cur->size()) return nullptr;
      cur = &(*cur)[index];
      i = close + 1;
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    std::string key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (!cur->is_object() || !cur->contains(key)) return nullptr;
    cur = &(*cur)[key];
    i = end == std::string::npos ? path.size() : end;
  }
  return *cur;
}

Readiness rule_readiness(const catalog::ReadinessRule& rule, const Json& live) {
  if (!rule.condition.empty()) return condition_true(live, rule.condition);
  Json value = value_at_path(live, rule.json_path);
  std::string want = rule.json_path + " = " + dump_short(rule.equals);
  if (value == rule.equals) return ready(want);
  return waiting(want, rule.json_path + " is " + dump_short(value));
}

namespace {

/// apiVersion for a rule that leaves it out: the rendered object of that kind, a well-known
/// built-in kind, or discovery's preferred version.
Result<std::string> api_version_for(kube::Client& client, const catalog::ReadinessRule& rule,
                                    const std::vector<Json>& applied) {
  if (!rule.api_version.empty()) return rule.api_version;
  for (const Json& o : applied) {
    if (o.value("kind", "") == rule.kind) return o.value("apiVersion", "");
  }
  static const std::map<std::string, std::string> k_builtin = {{"Deployment", "apps/v1"},   {"DaemonSet", "apps/v1"},
                                                               {"StatefulSet", "apps/v1"},  {"Job", "batch/v1"},
                                                               {"Service", "v1"},           {"ConfigMap", "v1"}};
  if (auto it = k_builtin.find(rule.kind); it != k_builtin.end()) return it->second;
  auto disc = client.discovery();
  if (!disc) return tl::unexpected(disc.error().to_error());
  for (const kube::ResourceMapping& m : disc->resources) {
    if (m.gvk.kind == rule.kind) return m.gvk.api_version();
  }
  return input_error(fmt::format("{}: readiness rule names kind {}, which the cluster does not serve",
                                 rule.at.where(), rule.kind));
}

/// For a workload that is not ready: its pods and what holds them (phases/pod_diagnosis).
std::string blocking_pods(kube::Client& client, const kube::ResourceRef& ref) {
  static const std::set<std::string> k_workloads = {"Deployment", "DaemonSet", "StatefulSet", "Job"};
  if (k_workloads.count(ref.gvk.kind) == 0) return "";
  auto live = client.get(ref);
  if (!live) return "";
  return describe_pods(client, ref.ns, pod_selector_of(*live), "    ");
}

}  // namespace

Result<std::vector<WaitTarget>> wait_targets(kube::Client& client, const std::vector<Json>& applied,
                                             const std::vector<catalog::ReadinessRule>& rules) {
  std::vector<WaitTarget> targets;
  for (const Json& o : applied) {
    auto ref = kube::ResourceRef::of(o);
    if (!ref) return tl::unexpected(ref.error());
    if (has_builtin_readiness(ref->gvk)) targets.push_back(WaitTarget{*ref, {}});
  }
  for (const catalog::ReadinessRule& rule : rules) {
    auto api_version = api_version_for(client, rule, applied);
    if (!api_version) return tl::unexpected(api_version.error());
    kube::ResourceRef ref{kube::GroupVersionKind::from(*api_version, rule.kind), rule.namespace_, rule.name};
    auto same = std::find_if(targets.begin(), targets.end(), [&](const WaitTarget& t) {
      return t.ref.gvk.group == ref.gvk.group && t.ref.gvk.kind == ref.gvk.kind && t.ref.ns == ref.ns &&
             t.ref.name == ref.name;
    });
    if (same != targets.end()) same->rules.push_back(rule);
    else targets.push_back(WaitTarget{ref, {rule}});
  }
  return targets;
}

Result<void> wait_ready(kube::Client& client, const std::vector<WaitTarget>& targets, std::chrono::milliseconds timeout,
                        const PhaseContext& ctx, const std::string& what) {
  using Steady = std::chrono::steady_clock;
  Steady::time_point deadline = Steady::now() + timeout;
  std::vector<Readiness> last(targets.size());
  std::vector<bool> done(targets.size(), false);
  std::chrono::milliseconds interval{25};
  std::mutex mutex;
  std::string failure_message;
  while (true) {
    if (ctx.cancelled()) return cancelled(what + ": interrupted while waiting for readiness");
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (!done[i]) pending.push_back(i);
    }
    if (pending.empty()) return {};
    kube::run_bounded(pending.size(), 8, [&](std::size_t k) {
      std::size_t i = pending[k];
      const WaitTarget& t = targets[i];
      auto live = client.get(t.ref);
      Readiness r;
      if (!live && live.error().persistent()) {
        r = Readiness{State::failed, "exists", live.error().message};
      } else if (!live) {
        r = waiting("exists", live.error().not_found() ? "not found" : live.error().message);
      } else if (t.rules.empty()) {
        r = builtin_readiness(*live);
      } else {
        r = ready("");
        for (const catalog::ReadinessRule& rule : t.rules) {
          r = rule_readiness(rule, *live);
          if (r.state != State::ready) break;
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      last[i] = r;
      if (r.state == State::ready) done[i] = true;
      if (r.state == State::failed && failure_message.empty()) {
        failure_message = fmt::format("{}: {} failed: wanted {}, saw {}", what, t.ref.to_string(), r.condition, r.seen);
      }
    });
    if (!failure_message.empty()) return failure(failure_message);
    if (std::all_of(done.begin(), done.end(), [](bool b) { return b; })) return {};
    if (Steady::now() >= deadline) {
      std::string message = fmt::format("{}: not ready after {}s:", what,
                                        std::chrono::duration_cast<std::chrono::seconds>(timeout).count());
      for (std::size_t i = 0; i < targets.size(); ++i) {
        if (done[i]) continue;
        message += fmt::format("\n  {}: waiting for {}; last seen: {}", targets[i].ref.to_string(),
                               last[i].condition, last[i].seen);
        message += blocking_pods(client, targets[i].ref);
      }
      return failure(message);
    }
    std::chrono::milliseconds left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now());
    // Bounded sleep between polls; the cancel flag is checked at the top of every round.
    std::this_thread::sleep_for(std::min(interval, std::max(left, std::chrono::milliseconds(1))));
    interval = std::min(std::chrono::milliseconds(1000), interval * 3 / 2);
  }
}

}  // namespace aiplat

#include "conformance/check.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace aiplat::conformance {

std::string_view to_string(Need need) {
  switch (need) {
    case Need::api: return "api";
    case Need::controller: return "controller";
    case Need::accelerators: return "accelerators";
    case Need::elastic_pool: return "elastic-node-pool";
  }
  return "unknown";
}

Verdict pass(std::string message, Completeness completeness) {
  return Verdict{Outcome::pass, SkipReason::none, std::move(message), completeness};
}
Verdict fail(std::string message) { return Verdict{Outcome::fail, SkipReason::none, std::move(message)}; }
Verdict skip(SkipReason reason, std::string message) { return Verdict{Outcome::skip, reason, std::move(message)}; }

CheckContext::CheckContext(Api& api_, Clock& clock_, const Settings& settings_, std::string ns_, std::string run_id_,
                           std::chrono::milliseconds timeout)
    : api(api_),
      clock(clock_),
      settings(settings_),
      ns(std::move(ns_)),
      run_id(std::move(run_id_)),
      m_deadline(clock_.now() + timeout) {}

void CheckContext::found(const std::string& finding) {
  m_findings.push_back(finding);
  api.note("found: " + finding);
}

std::chrono::milliseconds CheckContext::remaining() {
  if (cancelled()) return std::chrono::milliseconds(0);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - clock.now());
  return std::max(left, std::chrono::milliseconds(0));
}

bool CheckContext::wait_for(const std::string& what, std::chrono::milliseconds timeout,
                            const std::function<bool()>& done, std::chrono::milliseconds interval) {
  std::chrono::milliseconds budget = std::min(timeout, remaining());
  Clock::Steady start = clock.now();
  Clock::Steady until = start + budget;
  api.note(fmt::format("waiting up to {}s for {}", budget.count() / 1000, what));
  // The condition is always evaluated at least once, even with no budget left.
  while (true) {
    if (done()) {
      auto took = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
      api.note(fmt::format("reached after {:.1f}s: {}", took.count() / 1000.0, what));
      return true;
    }
    if (clock.now() >= until) break;
    if (cancelled()) {
      api.note("interrupted while waiting for " + what);
      return false;
    }
    clock.sleep_for(std::min(interval, std::chrono::duration_cast<std::chrono::milliseconds>(until - clock.now())));
  }
  api.note(fmt::format("gave up after {}s: {}", budget.count() / 1000, what));
  return false;
}

void CheckContext::on_cleanup(std::function<void()> action) { m_cleanups.push_back(std::move(action)); }

void CheckContext::delete_at_cleanup(const GroupVersionKind& g, const std::string& name) {
  on_cleanup([this, g, name] { (void)api.remove(g, "", name); });
}

void CheckContext::run_cleanups() {
  for (auto it = m_cleanups.rbegin(); it != m_cleanups.rend(); ++it) (*it)();
  m_cleanups.clear();
}

const std::vector<CheckDef>& all_checks() {
  static const std::vector<CheckDef> k_checks = {
      dra_support_check(),       driver_runtime_management_check(), gpu_sharing_check(),
      ai_inference_check(),      advanced_inference_ingress_check(), gang_scheduling_check(),
      cluster_autoscaling_check(), pod_autoscaling_check(),         accelerator_metrics_check(),
      ai_service_metrics_check(), secure_accelerator_access_check(), workload_sandboxing_check(),
      robust_controller_check(),
  };
  return k_checks;
}

const CheckDef* find_check(std::string_view id) {
  for (const CheckDef& c : all_checks()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

}  // namespace aiplat::conformance

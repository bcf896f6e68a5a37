#include "phases/manager.hpp"

namespace aiplat {

Result<void> PhaseContext::wet(const std::string& message, const std::function<Result<void>()>& mutate) {
  if (m_dry_run == DryRun::client) {
    m_dry_run_log.push_back(message);
    m_log.debug(2, "dry run: " + message);
    return {};
  }
  m_log.debug(2, message);
  return mutate();
}

Result<void> PhaseManager::run(PhaseContext& ctx) {
  std::vector<Phase*> started;
  Result<void> outcome;
  for (const auto& phase : m_phases) {
    if (ctx.cancelled()) {
      outcome = cancelled("interrupted before " + phase->title());
      break;
    }
    if (!phase->should_run(ctx)) {
      ctx.log().debug(1, "==> " + phase->title() + " (skipped)");
      continue;
    }
    ctx.log().debug(1, "==> " + phase->title());
    started.push_back(phase.get());
    outcome = phase->run(ctx);
    if (!outcome) break;
    if (ctx.cancelled()) {
      outcome = cancelled("interrupted during " + phase->title());
      break;
    }
  }
  if (!outcome) {
    for (auto it = started.rbegin(); it != started.rend(); ++it) (*it)->cleanup(ctx);
  }
  return outcome;
}

}  // namespace aiplat

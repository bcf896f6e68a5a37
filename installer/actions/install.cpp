#include "actions/install.hpp"

#include <chrono>

#include "actions/install_steps.hpp"
#include "phases/manager.hpp"

namespace aiplat::actions {

Result<void> run_install(const InstallOptions& options, Logger& log, InstallObserver& observer,
                         const std::atomic<bool>& cancel, InstallSummary& summary) {
  auto started = std::chrono::steady_clock::now();
  summary.profile = options.profile.name;
  InstallRun run{options, log, observer, summary, nullptr, {}, {}, {}, std::nullopt, &cancel};
  PhaseContext ctx(log, options.dry_run, cancel);

  PhaseManager before;
  before.add(make_cluster_phase(run));
  Result<void> outcome = before.run(ctx);
  if (outcome) {
    summary.addons.resize(run.addons.size());
    PhaseManager addons;
    bool any_work = false;
    for (const PreparedAddon& a : run.addons) any_work = any_work || !a.up_to_date;
    if (any_work) addons.add(make_system_namespace_phase(run));
    for (std::size_t i = 0; i < run.addons.size(); ++i) {
      AddonSummary& s = summary.addons[i];
      s.name = run.addons[i].rendered.name;
      s.version = run.addons[i].rendered.version;
      s.mode = run.addons[i].rendered.mode;
      s.objects = run.addons[i].members.size();
      addons.add(make_addon_phase(run, run.addons[i], s));
    }
    addons.add(make_verify_phase(run));
    outcome = addons.run(ctx);
  }
  summary.dry_run_log = ctx.dry_run_log();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  InstallEvent done{"done", "", outcome ? "ok" : "failed", outcome ? "" : outcome.error().message, 0, summary.seconds};
  observer.event(done);
  return outcome;
}

}  // namespace aiplat::actions

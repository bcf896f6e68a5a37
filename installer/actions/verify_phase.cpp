// The checks of an install: the shared runner call (one event per result, Ctrl-C honoured)
// and the last phase, which runs the full checklist of the cluster's minor once every add-on
// is applied, for the report.
#include <fmt/format.h>

#include "actions/addon_source.hpp"
#include "actions/install_checks.hpp"
#include "actions/install_steps.hpp"
#include "conformance/runner.hpp"
#include "conformance/transcript.hpp"

namespace aiplat::actions {

Result<std::vector<conformance::CheckResult>> run_install_checks(InstallRun& run, const std::vector<std::string>& ids,
                                                                 const std::string& phase, const std::string& addon) {
  conformance::RunOptions ro;
  ro.checklist = *run.checklist;
  ro.only = ids;
  ro.not_applicable = not_applicable_for(run.plan, *run.checklist);
  ro.secrets = run.client->config().secrets();
  ro.cancel = run.cancel;
  // Probe pods pull from where the add-ons' images went: the bundle's registry, or the profile's mirror.
  ro.settings.image_registry = run.options.addon_source ? run.options.addon_source->image_registry() : "";
  if (ro.settings.image_registry.empty() && run.plan.image_redirection == "rewrite") {
    ro.settings.image_registry = run.plan.registry.mirror;
  }
  return conformance::run_checks(*run.client, ro, [&](const conformance::CheckResult& r) {
    InstallEvent e{phase, addon, "progress", r.message, 0, static_cast<double>(r.duration.count()) / 1000.0};
    e.check = r.id;
    e.outcome = std::string(conformance::to_string(r.outcome));
    e.reason = std::string(conformance::to_string(r.reason));
    run.observer.event(e);
    if (!r.cleanup_warning.empty()) run.log.warn(r.id + ": " + r.cleanup_warning);
  });
}

namespace {

class VerifyPhase final : public Phase {
 public:
  explicit VerifyPhase(InstallRun& run) : m_run(run) {}
  [[nodiscard]] std::string title() const override { return "verify"; }

  Result<void> run(PhaseContext& ctx) override {
    const InstallOptions& o = m_run.options;
    bool any_applied = false;
    for (const AddonSummary& a : m_run.summary.addons) any_applied = any_applied || a.state == "installed";
    FinalVerify decision = final_verify_decision(o.verify, ctx.dry_run(), o.final_checks, any_applied,
                                                 m_run.checklist.has_value());
    if (decision != FinalVerify::run) {
      m_run.summary.verification_skipped = describe(decision);
      m_run.observer.event(InstallEvent{"verify", "", "skipped", m_run.summary.verification_skipped});
      return {};
    }
    auto t0 = std::chrono::steady_clock::now();
    conformance::Report report;
    report.checklist = std::string(m_run.checklist->version);
    report.server_version = m_run.facts.version.git_version;
    report.started_at = conformance::format_rfc3339(std::chrono::system_clock::now());
    m_run.observer.event(InstallEvent{"verify", "", "started",
                                      fmt::format("the AI conformance {} checklist ({} requirements)",
                                                  report.checklist, m_run.checklist->requirements.size())});
    auto results = run_install_checks(m_run, {}, "verify", "");
    if (!results) {
      m_run.observer.event(InstallEvent{"verify", "", "failed", results.error().message});
      return tl::unexpected(results.error());
    }
    report.results = std::move(*results);
    int counts[4] = {0, 0, 0, 0};
    for (const conformance::CheckResult& r : report.results) ++counts[static_cast<int>(r.outcome)];
    bool must_failed = conformance::any_must_failed(report.results);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    m_run.observer.event(InstallEvent{"verify", "", must_failed ? "failed" : "ok",
                                      fmt::format("checklist {}: {} passed, {} failed, {} skipped, {} n/a",
                                                  report.checklist, counts[0], counts[1], counts[2], counts[3]),
                                      static_cast<int>(report.results.size()), seconds});
    m_run.summary.verification = std::move(report);
    return {};
  }

 private:
  InstallRun& m_run;
};

}  // namespace

std::unique_ptr<Phase> make_verify_phase(InstallRun& run) { return std::make_unique<VerifyPhase>(run); }

}  // namespace aiplat::actions

#pragma once
// One step of a workflow (k0sctl's phase): a title, whether it applies, what it
// does, and how it undoes a half-done run. Actions list phases; the Manager runs them.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/log.hpp"

namespace aiplat {

enum class DryRun { none, client, server };

/// What every phase of one run shares: logging, dry-run mode and the cancellation flag.
class PhaseContext {
 public:
  PhaseContext(Logger& log, DryRun dry_run, const std::atomic<bool>& cancel) : m_log(log), m_dry_run(dry_run), m_cancel(cancel) {}

  [[nodiscard]] Logger& log() const { return m_log; }
  [[nodiscard]] DryRun dry_run() const { return m_dry_run; }
  [[nodiscard]] bool cancelled() const { return m_cancel.load(); }

  /// Every mutation goes through here (k0sctl's Wet): in client dry-run the message is
  /// recorded instead, so a dry run prints what a real run would do.
  Result<void> wet(const std::string& message, const std::function<Result<void>()>& mutate);
  /// What wet() skipped during a client dry run, in order.
  [[nodiscard]] const std::vector<std::string>& dry_run_log() const { return m_dry_run_log; }

 private:
  Logger& m_log;
  DryRun m_dry_run;
  const std::atomic<bool>& m_cancel;
  std::vector<std::string> m_dry_run_log;
};

class Phase {
 public:
  virtual ~Phase() = default;
  [[nodiscard]] virtual std::string title() const = 0;
  /// False when the phase has nothing to do this run (it is logged as skipped).
  [[nodiscard]] virtual bool should_run(PhaseContext&) { return true; }
  virtual Result<void> run(PhaseContext& ctx) = 0;
  /// Undo what a failed or cancelled run left half done; must be safe to call twice.
  virtual void cleanup(PhaseContext&) {}
};

}  // namespace aiplat

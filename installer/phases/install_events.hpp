#pragma once
// What an install reports while it runs. The CLI makes one observer (smart tty, plain
// lines or NDJSON) and passes it down; phases only describe state changes.
#include <string>

namespace aiplat {

/// One state change of the run or of one add-on.
struct InstallEvent {
  std::string phase;   ///< "preflight", "plan", "render", "apply", "wait", "check", "prune", "record", "done", ...
  std::string addon;   ///< empty for run-wide events
  std::string state;   ///< "started", "progress", "ok", "skipped", "failed"
  std::string detail;  ///< one human line
  int objects = 0;     ///< objects in the add-on (render) or touched (apply, prune)
  double seconds = 0;  ///< duration of the phase when it ended
  std::string check = {};    ///< phases "check"/"verify", one result: the requirement id
  std::string outcome = {};  ///< with `check`: pass | fail | skip | n/a
  std::string reason = {};   ///< with outcome skip: why, e.g. "controller-absent"
};

class InstallObserver {
 public:
  virtual ~InstallObserver() = default;
  /// Called from the run's thread; never from a worker.
  virtual void event(const InstallEvent& e) = 0;
};

/// Drops every event (library callers and tests that do not care).
class NullObserver final : public InstallObserver {
 public:
  void event(const InstallEvent&) override {}
};

}  // namespace aiplat

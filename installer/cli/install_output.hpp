#pragma once
// How `aiplat install` shows progress: on a smart terminal one status line per add-on with a
// spinner, ending in a check or a cross (elided to the width); otherwise one plain line per
// state change; with -o json one NDJSON event per line on stdout.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "actions/install.hpp"
#include "phases/install_events.hpp"
#include "util/terminal.hpp"

namespace aiplat {

enum class ProgressStyle { smart, plain, json };

class InstallOutput final : public InstallObserver {
 public:
  InstallOutput(ProgressStyle style, const Terminal& terminal, std::ostream& out, std::ostream& err, bool quiet);
  ~InstallOutput() override;
  InstallOutput(const InstallOutput&) = delete;
  InstallOutput& operator=(const InstallOutput&) = delete;

  void event(const InstallEvent& e) override;
  /// Stops the spinner; call before printing anything else.
  void finish();

 private:
  void spin();
  void draw_locked();

  ProgressStyle m_style;
  Terminal m_terminal;
  std::ostream& m_out;
  std::ostream& m_err;
  bool m_quiet;
  std::mutex m_mutex;
  std::string m_active;  ///< the line being animated, without the spinner
  std::map<std::string, std::pair<std::string, bool>> m_checks;  ///< add-on -> its checks line, a MUST failed
  int m_frame = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_spinner;
};

/// The summary table (and warnings) printed after the run.
std::string summary_table(const actions::InstallSummary& summary, const Terminal& terminal);

/// The summary as one JSON object (the last NDJSON line with -o json); `report_dir` "" when
/// no report was written.
std::string summary_json(const actions::InstallSummary& summary, const std::string& report_dir = "");

}  // namespace aiplat

#include "cli/install_output.hpp"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "actions/install_checks.hpp"
#include "conformance/runner.hpp"
#include "util/table.hpp"

namespace aiplat {
namespace {

const char* k_frames[] = {"|", "/", "-", "\\"};

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

/// "gang_scheduling skip (controller-absent)"
std::string check_outcome(const InstallEvent& e) {
  return e.check + " " + e.outcome + (e.reason.empty() ? "" : " (" + e.reason + ")");
}

/// "kueue: apply 42 objects applied (0.8s)"; one check result: "kueue: check gang_scheduling pass: ...".
std::string describe(const InstallEvent& e) {
  std::string subject = e.addon.empty() ? e.phase : e.addon + ": " + e.phase;
  if (!e.check.empty()) {
    std::string line = subject + " " + check_outcome(e);
    if (!e.detail.empty()) line += ": " + first_line(e.detail);
    return line;
  }
  std::string line = subject + (e.state == "started" || e.state == "ok" ? "" : " " + e.state);
  if (!e.detail.empty()) line += (e.state == "started" ? " " : ": ") + first_line(e.detail);
  if (e.seconds > 0) line += fmt::format(" ({:.1f}s)", e.seconds);
  return line;
}

}  // namespace

InstallOutput::InstallOutput(ProgressStyle style, const Terminal& terminal, std::ostream& out, std::ostream& err,
                             bool quiet)
    : m_style(style), m_terminal(terminal), m_out(out), m_err(err), m_quiet(quiet) {
  if (m_style == ProgressStyle::smart && !m_quiet) m_spinner = std::thread([this] { spin(); });
}

InstallOutput::~InstallOutput() { finish(); }

void InstallOutput::finish() {
  m_stop = true;
  if (m_spinner.joinable()) m_spinner.join();
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_active.empty()) {
    m_err << "\r\x1b[K";
    m_err.flush();
    m_active.clear();
  }
}

void InstallOutput::spin() {
  // Bounded by m_stop, which finish() sets; one frame every 100 ms.
  while (!m_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_active.empty()) continue;
    ++m_frame;
    draw_locked();
  }
}

void InstallOutput::draw_locked() {
  std::string line = m_terminal.elide(std::string(k_frames[m_frame % 4]) + " " + m_active);
  m_err << "\r\x1b[K" << line;
  m_err.flush();
}

void InstallOutput::event(const InstallEvent& e) {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (m_style == ProgressStyle::json) {
    nlohmann::json j = {{"phase", e.phase}, {"addon", e.addon},     {"state", e.state},
                        {"detail", e.detail}, {"objects", e.objects}, {"seconds", e.seconds}};
    if (!e.check.empty()) {
      j["check"] = e.check;
      j["outcome"] = e.outcome;
      if (!e.reason.empty()) j["reason"] = e.reason;
    }
    m_out << j.dump() << "\n";
    m_out.flush();
    return;
  }
  if (m_quiet) return;
  if (m_style == ProgressStyle::plain) {
    m_err << describe(e) << "\n";
    return;
  }
  // The add-on's final line repeats its check results (the spinner line showed them one by one).
  // (objects = results; an error of the check phase has none and ends the line below).
  if (e.phase == "check" && !e.addon.empty() && e.objects > 0 && (e.state == "ok" || e.state == "failed")) {
    m_checks[e.addon] = {e.detail, e.state == "failed"};
    return;
  }
  // Smart terminal: the add-on's line spins while it works and ends in a check or a cross.
  bool final = e.state == "ok" || e.state == "skipped" || e.state == "failed";
  bool addon_done = e.phase == "record" || e.state == "skipped" || e.state == "failed" ||
                    (e.addon.empty() && final) || (e.phase == "render" && e.state == "ok") || e.phase == "plan";
  if (e.phase == "plan") return;  // the table at the end lists the plan
  if (e.phase == "render") {
    if (e.state == "failed") {
      m_err << "\r\x1b[K" << m_terminal.paint("x", "red") << " " << m_terminal.elide(describe(e)) << "\n";
      m_active.clear();
    } else {
      m_active = "rendering " + e.addon;
      draw_locked();
      if (addon_done) m_active.clear();
    }
    return;
  }
  if (!addon_done) {
    m_active = describe(e);
    draw_locked();
    return;
  }
  auto checks = m_checks.find(e.addon);
  bool check_failed = checks != m_checks.end() && checks->second.second;
  std::string mark = e.state == "failed" || check_failed ? m_terminal.paint("x", "red")
                     : e.state == "skipped" ? m_terminal.paint("-", "dim")
                                            : m_terminal.paint("v", "green");
  std::string text = e.addon.empty() ? describe(e)
                     : e.state == "skipped" ? e.addon + " unchanged"
                     : e.state == "failed"  ? e.addon + ": " + e.phase + " failed: " + first_line(e.detail)
                                            : fmt::format("{} {} ({} objects, {:.1f}s)", e.addon, e.detail, e.objects,
                                                          e.seconds);
  if (checks != m_checks.end() && e.state != "failed") text += "; checks: " + checks->second.first;
  m_err << "\r\x1b[K" << mark << " " << m_terminal.elide(text) << "\n";
  m_err.flush();
  m_active.clear();
}

std::string summary_table(const actions::InstallSummary& s, const Terminal& terminal) {
  std::string out;
  Table t({"ADD-ON", "VERSION", "MODE", "RESULT", "OBJECTS", "APPLIED", "PRUNED", "TIME", "CHECKS", "DETAIL"});
  for (const actions::AddonSummary& a : s.addons) {
    std::string checks = a.checks.empty() ? "-" : actions::checks_line(a.checks);
    if (a.checks_from_record) checks = "last run: " + checks;
    t.add_row({a.name, a.version, a.mode.empty() ? "-" : a.mode, a.state, std::to_string(a.objects),
               std::to_string(a.applied), std::to_string(a.pruned), fmt::format("{:.1f}s", a.seconds), checks,
               terminal.elide(a.detail.empty() ? "-" : first_line(a.detail))});
  }
  out += t.render();
  out += fmt::format("profile {} on Kubernetes {} ({}): {:.1f}s\n", s.profile, s.minor.empty() ? "?" : s.minor,
                     s.server.empty() ? "no cluster" : s.server, s.seconds);
  return out;
}

std::string summary_json(const actions::InstallSummary& s, const std::string& report_dir) {
  nlohmann::json addons = nlohmann::json::array();
  for (const actions::AddonSummary& a : s.addons) {
    nlohmann::json checks = nlohmann::json::array();
    for (const RecordedCheck& c : a.checks) {
      checks.push_back({{"id", c.id}, {"level", c.level}, {"outcome", c.outcome}, {"reason", c.reason},
                        {"message", c.message}});
    }
    addons.push_back({{"name", a.name},       {"version", a.version}, {"mode", a.mode},
                      {"state", a.state},     {"detail", a.detail},   {"objects", a.objects},
                      {"applied", a.applied}, {"pruned", a.pruned},   {"seconds", a.seconds},
                      {"checksFailed", a.checks_failed}, {"checks", checks},
                      {"checksFromRecord", a.checks_from_record}, {"readiness", a.readiness}});
  }
  nlohmann::json j = {{"phase", "summary"}, {"profile", s.profile},   {"kubernetes", s.minor},
                      {"server", s.server}, {"addons", addons},       {"warnings", s.warnings},
                      {"dryRunLog", s.dry_run_log}, {"seconds", s.seconds}, {"checklist", s.checklist}};
  // The full checklist's totals (the report folder has the rest), or why it did not run.
  if (s.verification) {
    j["verification"] = conformance::summary_json(*s.verification)["totals"];
    j["verification"]["mustFailed"] = conformance::any_must_failed(s.verification->results);
  } else {
    j["verification"] = nullptr;
  }
  j["verificationSkipped"] = s.verification_skipped;
  j["reportDir"] = report_dir;
  return j.dump();
}

}  // namespace aiplat

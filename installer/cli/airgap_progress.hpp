#pragma once
// Progress for airgap transfers as the terminal allows: one overprinted bar with
// bytes, rate and ETA on a smart tty; one plain line per state change otherwise;
// NDJSON events on stdout with -o json.
#include <chrono>
#include <mutex>
#include <ostream>
#include <string>

#include "airgap/progress.hpp"
#include "util/terminal.hpp"

namespace aiplat {

/// How transfer progress is shown (bars on a tty, plain lines, NDJSON, nothing).
enum class TransferStyle { bars, plain, ndjson, quiet };

class CliProgress final : public airgap::Progress {
 public:
  CliProgress(TransferStyle style, const Terminal& terminal, std::ostream& err, std::ostream& out)
      : m_style(style), m_terminal(terminal), m_err(err), m_out(out) {}
  void phase(const std::string& name, std::size_t items, std::uint64_t bytes) override;
  void advance(std::uint64_t bytes) override;
  void item(const std::string& name, std::uint64_t bytes, std::string_view status) override;
  void note(const std::string& message) override;
  void phase_done() override;

 private:
  void draw(bool force);
  void clear_bar();
  std::string summary_line() const;
  TransferStyle m_style;
  const Terminal& m_terminal;
  std::ostream& m_err;
  std::ostream& m_out;
  std::mutex m_mutex;
  std::string m_phase;
  std::size_t m_items_total = 0;
  std::size_t m_items_done = 0;
  std::uint64_t m_bytes_total = 0;
  std::uint64_t m_bytes_done = 0;
  std::chrono::steady_clock::time_point m_started;
  std::chrono::steady_clock::time_point m_last_draw;
  bool m_bar_shown = false;
};

/// "1.5 GiB", "12.0 MiB", "512 B".
std::string human_bytes(double bytes);

}  // namespace aiplat

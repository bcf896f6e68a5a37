#include "cli/airgap_progress.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace aiplat {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} {}", bytes, units[u]) : fmt::format("{:.1f} {}", bytes, units[u]);
}

void CliProgress::phase(const std::string& name, std::size_t items, std::uint64_t bytes) {
  std::lock_guard lock(m_mutex);
  m_phase = name;
  m_items_total = items;
  m_items_done = 0;
  m_bytes_total = bytes;
  m_bytes_done = 0;
  m_started = m_last_draw = std::chrono::steady_clock::now();
  switch (m_style) {
    case TransferStyle::ndjson:
      m_out << nlohmann::json{{"event", "phase"}, {"phase", name}, {"items", items}, {"bytes", bytes}}.dump() << "\n";
      break;
    case TransferStyle::plain:
      m_err << fmt::format("==> {}: {} items, {}\n", name, items, human_bytes(static_cast<double>(bytes)));
      break;
    case TransferStyle::bars:
      draw(true);
      break;
    case TransferStyle::quiet:
      break;
  }
}

void CliProgress::advance(std::uint64_t bytes) {
  std::lock_guard lock(m_mutex);
  m_bytes_done += bytes;
  if (m_style == TransferStyle::bars) draw(false);
}

void CliProgress::item(const std::string& name, std::uint64_t bytes, std::string_view status) {
  std::lock_guard lock(m_mutex);
  ++m_items_done;
  switch (m_style) {
    case TransferStyle::ndjson:
      m_out << nlohmann::json{{"event", "item"}, {"phase", m_phase}, {"item", name}, {"bytes", bytes},
                              {"status", std::string(status)}}
                   .dump()
            << "\n";
      break;
    case TransferStyle::plain:
      m_err << fmt::format("{} {} {}\n", status, name, bytes ? "(" + human_bytes(static_cast<double>(bytes)) + ")" : "");
      break;
    case TransferStyle::bars:
      draw(false);
      break;
    case TransferStyle::quiet:
      break;
  }
}

void CliProgress::note(const std::string& message) {
  std::lock_guard lock(m_mutex);
  switch (m_style) {
    case TransferStyle::ndjson:
      m_out << nlohmann::json{{"event", "note"}, {"phase", m_phase}, {"message", message}}.dump() << "\n";
      break;
    case TransferStyle::bars:
      clear_bar();
      m_err << m_terminal.paint("note: ", "yellow") << message << "\n";
      draw(true);
      break;
    case TransferStyle::plain:
      m_err << "note: " << message << "\n";
      break;
    case TransferStyle::quiet:
      break;
  }
}

void CliProgress::phase_done() {
  std::lock_guard lock(m_mutex);
  double secs = seconds_since(m_started);
  switch (m_style) {
    case TransferStyle::ndjson:
      m_out << nlohmann::json{{"event", "phase_done"}, {"phase", m_phase}, {"items", m_items_done},
                              {"bytes", m_bytes_done}, {"seconds", secs}}
                   .dump()
            << "\n";
      break;
    case TransferStyle::bars:
      clear_bar();
      [[fallthrough]];
    case TransferStyle::plain:
      m_err << fmt::format("{}: {} items, {} in {:.1f}s ({}/s)\n", m_phase, m_items_done,
                           human_bytes(static_cast<double>(m_bytes_done)), secs,
                           human_bytes(secs > 0 ? static_cast<double>(m_bytes_done) / secs : 0));
      break;
    case TransferStyle::quiet:
      break;
  }
}

std::string CliProgress::summary_line() const {
  double secs = seconds_since(m_started);
  double rate = secs > 0 ? static_cast<double>(m_bytes_done) / secs : 0;
  std::uint64_t done = std::min(m_bytes_done, m_bytes_total);
  double fraction = m_bytes_total ? static_cast<double>(done) / static_cast<double>(m_bytes_total)
                                  : (m_items_total ? static_cast<double>(m_items_done) / static_cast<double>(m_items_total) : 0);
  int width = 24;
  int filled = static_cast<int>(fraction * width);
  std::string bar = std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '.');
  std::string eta = "--";
  if (rate > 0 && m_bytes_total > done) eta = fmt::format("{:.0f}s", static_cast<double>(m_bytes_total - done) / rate);
  return fmt::format("{:<9} [{}] {} / {}  {}/s  ETA {}  ({}/{})", m_phase, bar, human_bytes(static_cast<double>(done)),
                     human_bytes(static_cast<double>(m_bytes_total)), human_bytes(rate), eta, m_items_done, m_items_total);
}

void CliProgress::draw(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - m_last_draw < std::chrono::milliseconds(100)) return;
  m_last_draw = now;
  m_err << "\r\x1b[K" << m_terminal.elide(summary_line()) << std::flush;
  m_bar_shown = true;
}

void CliProgress::clear_bar() {
  if (!m_bar_shown) return;
  m_err << "\r\x1b[K";
  m_bar_shown = false;
}

}  // namespace aiplat

#include "conformance/transcript.hpp"

#include <ctime>

#include <fmt/format.h>

namespace aiplat::conformance {

std::string format_rfc3339(Clock::Wall when) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

void Transcript::add_secrets(const std::vector<std::string>& secrets) {
  std::lock_guard lock(m_mutex);
  for (const std::string& s : secrets) {
    // Very short values would mask ordinary words; kubeconfig secrets are never that short.
    if (s.size() >= 4) m_secrets.push_back(s);
  }
}

void Transcript::request(const std::string& line) { add('>', line); }
void Transcript::response(const std::string& line) { add('<', line); }
void Transcript::observe(const std::string& line) { add('=', line); }

std::vector<std::string> Transcript::lines() const {
  std::lock_guard lock(m_mutex);
  return m_lines;
}

void Transcript::add(char marker, const std::string& text) {
  std::string line = format_rfc3339(m_clock.wall_now()) + " " + marker + " " + text;
  // One line per entry: newlines inside server messages would break the log format.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::lock_guard lock(m_mutex);
  for (const std::string& secret : m_secrets) {
    for (std::size_t pos = line.find(secret); pos != std::string::npos; pos = line.find(secret, pos + 3)) {
      line.replace(pos, secret.size(), "***");
    }
  }
  m_lines.push_back(std::move(line));
}

}  // namespace aiplat::conformance

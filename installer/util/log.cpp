#include "util/log.hpp"

namespace aiplat {

void Logger::add_secret(const std::string& secret) {
  if (secret.size() < 4) return;  // masking tiny strings would garble ordinary text
  std::lock_guard lock(m_mutex);
  m_secrets.push_back(secret);
}

std::string Logger::mask(std::string text) const {
  std::lock_guard lock(m_mutex);
  for (const std::string& s : m_secrets) {
    std::size_t pos = 0;
    while ((pos = text.find(s, pos)) != std::string::npos) {
      text.replace(pos, s.size(), "***");
      pos += 3;
    }
  }
  return text;
}

void Logger::write(const std::string& line) {
  std::string masked = mask(line);
  std::lock_guard lock(m_mutex);
  m_err << masked << '\n';
  m_err.flush();
}

void Logger::write_raw(const std::string& text) {
  std::string masked = mask(text);
  std::lock_guard lock(m_mutex);
  m_err << masked;
  m_err.flush();
}

void Logger::info(const std::string& message) {
  if (!m_quiet) write(message);
}

void Logger::warn(const std::string& message) { write("warning: " + message); }

void Logger::error(const std::string& message) { write("error: " + message); }

void Logger::debug(int level, const std::string& message) {
  if (m_verbosity >= level) write(message);
}

}  // namespace aiplat

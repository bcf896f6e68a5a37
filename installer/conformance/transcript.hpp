#pragma once
// The evidence of a check: every request with a one-line summary of its answer, and
// every observation, timestamped. Secrets (tokens, passwords, Secret data) never reach it.
#include <mutex>
#include <string>
#include <vector>

#include "util/clock.hpp"

namespace aiplat::conformance {

class Transcript {
 public:
  explicit Transcript(Clock& clock) : m_clock(clock) {}

  /// Values to replace by "***" wherever they appear (credentials of the kubeconfig).
  void add_secrets(const std::vector<std::string>& secrets);
  /// "> GET Pod.v1 ns/name"
  void request(const std::string& line);
  /// "< 200 Pod ns/name phase=Running"
  void response(const std::string& line);
  /// "= all 3 pods Running at once"
  void observe(const std::string& line);

  [[nodiscard]] std::vector<std::string> lines() const;

 private:
  void add(char marker, const std::string& text);
  Clock& m_clock;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_secrets;
  std::vector<std::string> m_lines;
};

/// "2026-01-01T00:00:00.000Z".
std::string format_rfc3339(Clock::Wall when);

}  // namespace aiplat::conformance

#pragma once
// Logging to stderr on the klog scale (-v N). Every registered secret is masked
// before a line is written, at every verbosity.
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace aiplat {

class Logger {
 public:
  explicit Logger(std::ostream& err, int verbosity = 0, bool quiet = false)
      : m_err(err), m_verbosity(verbosity), m_quiet(quiet) {}

  /// Never print `secret` (a token, a password, a key): it is replaced by "***".
  void add_secret(const std::string& secret);
  [[nodiscard]] std::string mask(std::string text) const;

  void info(const std::string& message);            ///< shown unless -q
  void warn(const std::string& message);            ///< always shown, "warning: "
  void error(const std::string& message);           ///< always shown, "error: "
  void debug(int level, const std::string& message);///< shown when -v >= level
  [[nodiscard]] bool enabled(int level) const { return m_verbosity >= level; }
  [[nodiscard]] int verbosity() const { return m_verbosity; }
  [[nodiscard]] bool quiet() const { return m_quiet; }
  /// Writes raw text (already formatted by a terminal object), masked.
  void write_raw(const std::string& text);

 private:
  void write(const std::string& line);
  std::ostream& m_err;
  int m_verbosity;
  bool m_quiet;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_secrets;
};

}  // namespace aiplat

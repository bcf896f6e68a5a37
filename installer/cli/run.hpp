#pragma once
// The whole program as a function, so tests run it in-process with their own streams.
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace aiplat {

struct Streams {
  std::istream& in;
  std::ostream& out;  ///< data (tables, JSON, YAML)
  std::ostream& err;  ///< progress, logs, errors
  bool stdin_is_tty = false;
};

/// Runs aiplat with `args` (without argv[0]); returns the exit code:
/// 0 ok, 1 failed operation, 2 usage or input error, 130 interrupted.
int run(const std::vector<std::string>& args, Streams& streams, const std::map<std::string, std::string>& env);

}  // namespace aiplat

#pragma once
// The process edge: helm, exec credential plugins and git run through a
// ProcessRunner so tests can record and script them.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace aiplat {

struct ProcessSpec {
  std::vector<std::string> argv;  ///< argv[0] is looked up in PATH when it has no '/'
  /// Variables added to (or replacing those of) the parent's environment.
  std::map<std::string, std::string> env;
  std::string stdin_data;
  std::string cwd;
  std::chrono::milliseconds timeout{0};  ///< 0: none; on expiry the child is killed
};

struct ProcessResult {
  int exit_code = 0;  ///< -1 when killed by a signal or the timeout
  std::string out;
  std::string err;
  bool timed_out = false;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs to completion. Fails only when the process cannot be started.
  virtual Result<ProcessResult> run(const ProcessSpec& spec) = 0;
};

/// posix_spawn with pipes for stdin, stdout and stderr.
std::shared_ptr<ProcessRunner> make_posix_runner();

/// Finds an executable in PATH; empty when none.
std::string find_in_path(const std::string& name);

}  // namespace aiplat

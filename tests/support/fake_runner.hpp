#pragma once
// A scripted, recording ProcessRunner for unit tests: rules match argv[0]'s base name
// and the first argument ("helm pull") and run a handler; every spec is recorded so
// tests can assert on the exact command lines and environment.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "util/process.hpp"

namespace aiplat::testing {

class FakeRunner final : public ProcessRunner {
 public:
  using Handler = std::function<Result<ProcessResult>(const ProcessSpec&)>;

  /// Answers runs of `program` (base name of argv[0]) whose argv[1] is `subcommand` ("" = any).
  /// Later rules win over earlier ones.
  void on(const std::string& program, const std::string& subcommand, Handler handler);
  /// Shorthand: exit code, stdout and stderr.
  void reply(const std::string& program, const std::string& subcommand, int exit_code, std::string out,
             std::string err = "");

  /// Runs the matching handler; a run nothing matches fails the way a missing binary does.
  Result<ProcessResult> run(const ProcessSpec& spec) override;

  /// Every spec seen so far, in order.
  std::vector<ProcessSpec> runs() const;
  /// argv joined by spaces, one per run.
  std::vector<std::string> command_lines() const;

 private:
  struct Rule {
    std::string program;
    std::string subcommand;
    Handler handler;
  };
  mutable std::mutex m_mutex;
  std::vector<Rule> m_rules;
  std::vector<ProcessSpec> m_runs;
};

}  // namespace aiplat::testing

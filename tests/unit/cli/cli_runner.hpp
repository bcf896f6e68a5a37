#pragma once
// Runs aiplat in-process with captured streams, for CLI tests.
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/run.hpp"

namespace aiplat::testing {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline CliResult run_cli(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) {
  std::istringstream in;
  std::ostringstream out, err;
  Streams streams{in, out, err, false};
  if (!env.count("TERM")) env["TERM"] = "dumb";
  CliResult r;
  r.code = run(args, streams, env);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace aiplat::testing

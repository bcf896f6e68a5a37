#pragma once
// What every command gets: the global flags, the streams, the environment, and the
// logger and terminal decided once for the whole run.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/run.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/terminal.hpp"

namespace CLI {
class App;
}

namespace aiplat {

/// Flags every command accepts (kubectl's names).
struct GlobalOptions {
  std::string kubeconfig;
  std::string context;
  std::string certificate_authority;     ///< --certificate-authority: CA file, as kubectl's flag
  bool insecure_skip_tls_verify = false;  ///< --insecure-skip-tls-verify, as kubectl's flag
  int verbosity = 0;
  bool quiet = false;
  std::string color = "auto";
  std::string output;       ///< -o; each command checks the formats it supports
  std::string catalog_dir;  ///< --catalog: use this directory instead of the embedded catalog
};

struct CliContext {
  Streams& streams;
  std::map<std::string, std::string> env;
  GlobalOptions global;
  std::unique_ptr<Logger> log;  ///< made after parsing, from -v and -q
  Terminal terminal;
  /// Set by the chosen subcommand; runs after all flags are parsed. Returns the exit code.
  std::function<Result<int>()> action;

  /// The value of an environment variable, or empty.
  [[nodiscard]] std::string getenv(const std::string& name) const {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  }
};

/// Each command file registers itself on the root app.
void add_version_command(CLI::App& app, CliContext& ctx);
void add_render_command(CLI::App& app, CliContext& ctx);
void add_catalog_command(CLI::App& app, CliContext& ctx);
void add_plan_command(CLI::App& app, CliContext& ctx);
void add_install_command(CLI::App& app, CliContext& ctx);
void add_status_command(CLI::App& app, CliContext& ctx);
void add_diff_command(CLI::App& app, CliContext& ctx);
void add_airgap_command(CLI::App& app, CliContext& ctx);
void add_verify_command(CLI::App& app, CliContext& ctx);

}  // namespace aiplat

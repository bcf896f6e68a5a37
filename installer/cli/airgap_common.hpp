#pragma once
// Flags and helpers shared by the airgap subcommands.
#include <memory>
#include <string>
#include <vector>

#include "airgap/registry_pool.hpp"
#include "cli/airgap_progress.hpp"
#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace aiplat {

/// Registry access flags: credentials, TLS, plain HTTP, parallelism.
struct RegistryFlags {
  std::string username;
  bool password_stdin = false;
  std::vector<std::string> insecure;
  std::string ca_file;
  int parallel = 8;
  int retries = 5;

  void add_to(CLI::App& cmd);
  /// Builds the access settings; explicit credentials go to `credentials_for`.
  Result<airgap::RegistryAccess> access(CliContext& ctx, const std::string& credentials_for) const;
};

/// The progress style the global flags ask for (-o json, -q, tty or not).
ProgressStyle progress_style(const CliContext& ctx);

/// Reads a whole file or fails with a message naming it.
Result<std::string> read_text_file(const std::string& path, const std::string& what);

void add_airgap_pack_command(CLI::App& airgap, CliContext& ctx);

}  // namespace aiplat

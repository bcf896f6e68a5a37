#pragma once
// Flags and helpers shared by the airgap subcommands.
#include <memory>
#include <string>
#include <vector>

#include "cli/airgap_progress.hpp"
#include "cli/context.hpp"
#include "cli/registry_flags.hpp"

namespace CLI {
class App;
}

namespace aiplat {

/// The progress style the global flags ask for (-o json, -q, tty or not).
TransferStyle progress_style(const CliContext& ctx);

/// Reads a whole file or fails with a message naming it.
Result<std::string> read_text_file(const std::string& path, const std::string& what);

void add_airgap_pack_command(CLI::App& airgap, CliContext& ctx);

}  // namespace aiplat

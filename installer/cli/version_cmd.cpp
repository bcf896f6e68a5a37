#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/context.hpp"

namespace aiplat {

void add_version_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("version", "Print the aiplat version");
  cmd->callback([&ctx] {
    ctx.action = [&ctx]() -> Result<int> {
      if (ctx.global.output == "json") {
        ctx.streams.out << nlohmann::json{{"aiplat", AIPLAT_VERSION}}.dump(2) << "\n";
      } else if (ctx.global.output.empty()) {
        ctx.streams.out << "aiplat " << AIPLAT_VERSION << "\n";
      } else {
        return input_error("version: -o must be json (or omitted)");
      }
      return 0;
    };
  });
}

}  // namespace aiplat

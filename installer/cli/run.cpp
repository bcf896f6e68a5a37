#include "cli/run.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace aiplat {
namespace {

int exit_code_for(const Error& e) {
  switch (e.kind) {
    case ErrorKind::input: return 2;
    case ErrorKind::failed: return 1;
    case ErrorKind::cancelled: return 130;
  }
  return 1;
}

/// The first argument that is neither a flag nor a global option's value, when it names no
/// command ("aiplat bogus"); "" otherwise. CLI11's own text for this case is generic.
std::string first_command_word(const std::vector<std::string>& args, CLI::App& app) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") return "";
    if (a.starts_with("-")) {
      if (a.find('=') != std::string::npos) continue;
      const CLI::Option* opt = app.get_option_no_throw(a);
      if (opt != nullptr && opt->get_type_size() > 0 && i + 1 < args.size()) ++i;  // skip the option's value
      continue;
    }
    std::vector<CLI::App*> known = app.get_subcommands([&a](CLI::App* sub) { return sub->check_name(a); });
    return known.empty() ? a : "";
  }
  return "";
}

ColorMode parse_color(const std::string& s) {
  if (s == "always") return ColorMode::always;
  if (s == "never") return ColorMode::never;
  return ColorMode::automatic;
}

}  // namespace

int run(const std::vector<std::string>& args, Streams& streams, const std::map<std::string, std::string>& env) {
  CliContext ctx{streams, env, {}, nullptr, {}, {}};
  CLI::App app{"aiplat installs and verifies a Kubernetes AI platform", "aiplat"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  GlobalOptions& g = ctx.global;
  app.add_option("--kubeconfig", g.kubeconfig, "Path to the kubeconfig file (default: $KUBECONFIG, ~/.kube/config)");
  app.add_option("--context", g.context, "The kubeconfig context to use");
  app.add_option("--certificate-authority", g.certificate_authority,
                 "Path to a CA file to verify the API server with, instead of the kubeconfig's");
  app.add_flag("--insecure-skip-tls-verify", g.insecure_skip_tls_verify,
               "Do not verify the API server's certificate (insecure; as kubectl's flag)");
  app.add_option("-v,--v", g.verbosity, "Log level on the klog scale (secrets are masked at every level)")
      ->check(CLI::Range(0, 10));
  app.add_flag("-q,--quiet", g.quiet, "Print only data and errors");
  app.add_option("--color", g.color, "Colour: auto, always or never (auto honours NO_COLOR and TERM=dumb)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("-o,--output", g.output, "Output format (table, json or yaml, as the command supports)");
  app.add_option("--catalog", g.catalog_dir, "Catalog directory (addons/, profiles/) instead of the built-in one");

  add_version_command(app, ctx);
  add_render_command(app, ctx);
  add_catalog_command(app, ctx);
  add_plan_command(app, ctx);
  add_install_command(app, ctx);
  add_status_command(app, ctx);
  add_diff_command(app, ctx);
  add_airgap_command(app, ctx);
  add_verify_command(app, ctx);

  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    streams.out << app.help();
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    streams.out << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::ParseError& e) {
    // CLI11 raises CallForHelp from subcommands too; print that subcommand's help.
    if (e.get_exit_code() == 0) {
      for (CLI::App* sub : app.get_subcommands()) streams.out << sub->help();
      if (app.get_subcommands().empty()) streams.out << app.help();
      return 0;
    }
    if (app.get_subcommands().empty()) {
      std::string unknown = first_command_word(args, app);
      if (!unknown.empty()) {
        streams.err << "error: unknown command \"" << unknown << "\"\n";
        streams.err << "Run 'aiplat --help' for usage.\n";
        return 2;
      }
    }
    streams.err << "error: " << e.what() << "\n";
    streams.err << "Run 'aiplat --help' for usage.\n";
    return 2;
  }
  ctx.terminal = Terminal::detect(parse_color(g.color), env);
  ctx.log = std::make_unique<Logger>(streams.err, g.verbosity, g.quiet);
  if (!ctx.action) {
    streams.err << "error: no command given\n";
    return 2;
  }
  Result<int> code = ctx.action();
  if (!code) {
    ctx.log->error(code.error().message);
    return exit_code_for(code.error());
  }
  return *code;
}

}  // namespace aiplat

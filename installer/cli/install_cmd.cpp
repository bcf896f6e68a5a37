// `aiplat install --profile P [--profile P2] [--dry-run=client|server] [--yes] [--source-mirror URL]
//  [--helm PATH] [--timeout D] [--wait=all|workloads] [--force-conflicts] [--skip-verify] [--always-verify]
//  [--checklist V] [--report-dir DIR] [--template FILE] [--product FILE] [-o json]
//  [--bundle FILE --registry REG [--key PUB]]` (the bundle part: cli/install_bundle.cpp).
#include <cctype>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "actions/install.hpp"
#include "catalog/layering.hpp"
#include "cli/catalog_access.hpp"
#include "cli/context.hpp"
#include "cli/install_bundle.hpp"
#include "cli/install_output.hpp"
#include "cli/install_verify.hpp"
#include "cli/interrupt.hpp"

namespace aiplat {
namespace {

/// "90s", "10m", "1h", "500ms" or a plain number of seconds.
Result<std::chrono::milliseconds> parse_duration(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  std::string unit = text.substr(digits);
  if (digits == 0 || digits > 9) return input_error("\"" + text + "\" is not a duration (use e.g. 90s, 10m, 1h)");
  long long n = std::stoll(text.substr(0, digits));
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit == "m") return std::chrono::milliseconds(n * 60000);
  if (unit == "h") return std::chrono::milliseconds(n * 3600000);
  return input_error("\"" + text + "\" has an unknown unit (use ms, s, m or h)");
}

struct InstallFlags {
  std::vector<std::string> profiles;
  std::string dry_run;
  bool yes = false;
  std::string source_mirror;
  std::string helm;
  std::string timeout;
  bool force_conflicts = false;
  InstallVerifyFlags verify;
  InstallBundleFlags bundle;
  std::string wait = "all";
};

Result<int> install(CliContext& ctx, const InstallFlags& flags) {
  Result<std::string> format = output_format(ctx, "install", {"table", "json"}, "table");
  if (!format) return tl::unexpected(format.error());
  actions::InstallOptions options;
  if (flags.dry_run == "client") options.dry_run = DryRun::client;
  else if (flags.dry_run == "server") options.dry_run = DryRun::server;
  if (!flags.timeout.empty()) {
    auto d = parse_duration(flags.timeout);
    if (!d) return tl::unexpected(d.error().with_context("--timeout"));
    options.timeout = *d;
  }
  Result<ReportInputs> report_inputs = prepare_install_verify(flags.verify, options);
  if (!report_inputs) return tl::unexpected(report_inputs.error());
  Result<catalog::Catalog> cat = load_cli_catalog(ctx);
  if (!cat) return tl::unexpected(cat.error());
  RealFs fs;
  Result<catalog::Profile> profile = catalog::layer_profiles(*cat, flags.profiles, fs);
  if (!profile) return tl::unexpected(profile.error());
  CatalogFiles catalog_files(ctx);
  options.catalog_fs = catalog_files.fs();
  options.catalog_root = catalog_files.root();
  options.catalog = &*cat;
  options.profile = std::move(*profile);
  bool source_flags = !flags.source_mirror.empty() || !flags.helm.empty();
  if (auto b = prepare_bundle_install(ctx, flags.bundle, source_flags, options); !b) return tl::unexpected(b.error());
  options.adopt.kubeconfig = ctx.global.kubeconfig;
  options.adopt.context = ctx.global.context;
  options.adopt.certificate_authority = ctx.global.certificate_authority;
  options.adopt.insecure_skip_tls_verify = ctx.global.insecure_skip_tls_verify;
  options.adopt.env = ctx.env;
  options.adopt.log = ctx.log.get();
  options.adopt.stdin_terminal = ctx.streams.stdin_is_tty ? kube::StdinTerminal::yes : kube::StdinTerminal::no;
  options.force = flags.force_conflicts ? kube::Force::yes : kube::Force::no;
  options.wait = flags.wait == "workloads" ? actions::WaitFor::workloads : actions::WaitFor::all;
  options.source_mirror = flags.source_mirror;
  options.helm = flags.helm;
  options.tooling = std::string("aiplat/") + AIPLAT_VERSION;
  bool yes = flags.yes;
  options.confirm_prune = [&ctx, yes](const std::string& addon, const std::vector<std::string>& victims) -> Result<bool> {
    if (yes) return true;
    if (!ctx.streams.stdin_is_tty) return false;  // --yes is required for destructive steps without a tty
    ctx.streams.err << fmt::format("{}: {} object(s) are no longer part of the add-on:\n", addon, victims.size());
    for (const std::string& v : victims) ctx.streams.err << "  " << v << "\n";
    ctx.streams.err << "Delete them? [y/N] ";
    std::string answer;
    std::getline(ctx.streams.in, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
  };

  ProgressStyle style = *format == "json"        ? ProgressStyle::json
                        : ctx.terminal.smart     ? ProgressStyle::smart
                                                 : ProgressStyle::plain;
  InstallOutput output(style, ctx.terminal, ctx.streams.out, ctx.streams.err, ctx.global.quiet);
  actions::InstallSummary summary;
  Result<void> outcome;
  {
    InterruptGuard guard;
    outcome = actions::run_install(options, *ctx.log, output, guard.flag(), summary);
  }
  output.finish();
  Result<std::string> report = write_install_report(ctx, *report_inputs, summary);
  std::string report_dir = report ? *report : "";
  if (*format == "json") {
    ctx.streams.out << summary_json(summary, report_dir) << "\n";
  } else {
    if (options.dry_run == DryRun::client) {
      ctx.streams.out << "Dry run (client): nothing was sent to the cluster. A real run would:\n";
      for (const std::string& line : summary.dry_run_log) ctx.streams.out << "  " << line << "\n";
    } else if (options.dry_run == DryRun::server) {
      ctx.streams.out << "Dry run (server): every object went through the API server with dryRun=All; nothing "
                         "was persisted.\n";
    }
    if (!summary.addons.empty()) ctx.streams.out << summary_table(summary, ctx.terminal);
    ctx.streams.out << install_verification_text(ctx, summary, report_dir);
  }
  if (!outcome) {
    if (outcome.error().kind == ErrorKind::cancelled) {
      return tl::unexpected(Error{ErrorKind::cancelled, outcome.error().message +
                                                            "\ninterrupted; run the same command again to resume"});
    }
    return tl::unexpected(outcome.error());
  }
  if (!report) return tl::unexpected(report.error());
  return install_checks_exit_code(ctx, summary, report_dir);
}

}  // namespace

void add_install_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<InstallFlags>();
  CLI::App* cmd = app.add_subcommand("install", "Install the platform of a profile on the cluster, add-on by add-on");
  cmd->add_option("--profile", flags->profiles,
                  "Profile name from the catalog, or a path to a profile file; repeat to layer (later wins)")
      ->required()
      ->expected(1)
      ->take_all();
  cmd->add_option("--dry-run", flags->dry_run,
                  "client: print what would be done and write nothing; server: send every write with dryRun=All")
      ->check(CLI::IsMember({"none", "client", "server"}));
  cmd->add_flag("--yes", flags->yes, "Allow destructive steps (pruning) without asking; required when stdin is not a tty");
  cmd->add_option("--source-mirror", flags->source_mirror, "Fetch upstream URLs and charts through this mirror prefix");
  cmd->add_option("--helm", flags->helm, "The helm binary to render charts with (default: helm from PATH)");
  cmd->add_option("--timeout", flags->timeout, "Per add-on readiness timeout, e.g. 90s or 10m (default: the add-on's)");
  cmd->add_flag("--force-conflicts", flags->force_conflicts,
                "Take over fields other field managers own (server-side apply force)");
  cmd->add_option("--wait", flags->wait,
                  "Readiness to wait for: all (built-in workload rules and the add-on's own rules) or workloads "
                  "(built-in rules only, for clusters that run no add-on controllers); default all")
      ->check(CLI::IsMember({"all", "workloads"}));
  add_install_verify_flags(*cmd, flags->verify);
  flags->bundle.add_to(*cmd);
  cmd->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return install(ctx, *flags); }; });
}

}  // namespace aiplat

// `aiplat verify`: runs the AI conformance checks of one checklist against the cluster, prints
// a table (or -o json), optionally writes the report folder and PRODUCT.yaml; exit 1 when a
// MUST fails.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/catalog_access.hpp"
#include "cli/conformance_report.hpp"
#include "cli/context.hpp"
#include "cli/interrupt.hpp"
#include "conformance/report.hpp"
#include "conformance/runner.hpp"
#include "provision/adopt.hpp"
#include "util/image_ref.hpp"

namespace aiplat {
namespace {

namespace conf = conformance;

struct VerifyFlags {
  std::string checklist = "auto";
  std::vector<std::string> only;
  std::string report_dir;
  std::string template_file;
  std::string product_file;
  std::vector<std::string> profiles;
  std::vector<std::string> not_applicable;  ///< ID=REASON
  std::string node_pool_label;
  std::string registry;  ///< rewrite probe images to this registry
};

Result<int> verify(CliContext& ctx, const VerifyFlags& flags) {
  Result<std::string> format = output_format(ctx, "verify", {"table", "json"}, "table");
  if (!format) return tl::unexpected(format.error());
  RealFs fs;
  // Read the inputs first: a bad template or product file should not cost a cluster run.
  Result<ReportInputs> report_inputs = read_report_inputs(fs, flags.report_dir, flags.template_file, flags.product_file);
  if (!report_inputs) return tl::unexpected(report_inputs.error());
  if (!flags.template_file.empty() && flags.report_dir.empty()) {
    return input_error("--template writes PRODUCT.yaml into the report folder; add --report-dir DIR");
  }

  provision::AdoptOptions adopt;
  adopt.kubeconfig = ctx.global.kubeconfig;
  adopt.context = ctx.global.context;
  adopt.certificate_authority = ctx.global.certificate_authority;
  adopt.insecure_skip_tls_verify = ctx.global.insecure_skip_tls_verify;
  adopt.env = ctx.env;
  adopt.log = ctx.log.get();
  adopt.stdin_terminal = ctx.streams.stdin_is_tty ? kube::StdinTerminal::yes : kube::StdinTerminal::no;
  auto client = provision::connect(adopt, fs);
  if (!client) return tl::unexpected(client.error());
  kube::Client& kc = **client;
  auto version = kc.server_version();
  if (!version) return tl::unexpected(Error(version.error()).with_context("reading the server version"));

  conf::RunOptions options;
  Result<conf::Checklist> checklist = flags.checklist == "auto" ? conf::checklist_for_server(version->git_version)
                                                                : conf::checklist_for(flags.checklist);
  if (!checklist) return tl::unexpected(checklist.error());
  options.checklist = *checklist;
  for (const std::string& list : flags.only) {
    for (std::size_t start = 0; start <= list.size();) {
      std::size_t comma = list.find(',', start);
      std::string id = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!id.empty()) options.only.push_back(id);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (!flags.profiles.empty()) {
    Result<catalog::Catalog> cat = load_cli_catalog(ctx);
    if (!cat) return tl::unexpected(cat.error());
    Result<catalog::Plan> plan = plan_from_flags(ctx, *cat, flags.profiles, std::string(checklist->version));
    if (!plan) return tl::unexpected(plan.error());
    for (const catalog::NotApplicable& n : plan->not_applicable) options.not_applicable[n.id] = n.reason;
  }
  for (const std::string& na : flags.not_applicable) {
    std::size_t eq = na.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == na.size()) {
      return input_error("--not-applicable \"" + na + "\": expected ID=JUSTIFICATION");
    }
    options.not_applicable[na.substr(0, eq)] = na.substr(eq + 1);
  }
  options.settings.autoscaler_node_pool_label = flags.node_pool_label;
  if (!flags.registry.empty()) {
    // The same check as every image reference gets: "REG/x" must parse.
    if (Result<ImageReference> r = parse_image_reference(flags.registry + "/probe:check"); !r) {
      return input_error("--registry \"" + flags.registry + "\": expected host[:port][/path]: " + r.error().message);
    }
    options.settings.image_registry = flags.registry;
  }
  options.secrets = kc.config().secrets();

  ctx.log->info(fmt::format("verifying {} against the AI conformance {} checklist", kc.config().server,
                            checklist->version));
  conf::Report report;
  report.checklist = std::string(checklist->version);
  report.server_version = version->git_version;
  report.started_at = conf::format_rfc3339(std::chrono::system_clock::now());
  InterruptGuard interrupt;  // Ctrl-C: the running check stops and deletes its namespace; exit 130
  options.cancel = &interrupt.flag();
  auto results = conf::run_checks(kc, options, [&](const conf::CheckResult& r) {
    std::string line = fmt::format("{} {}: {}", r.id, conf::to_string(r.outcome), r.message);
    if (r.outcome == conf::Outcome::skip) line = fmt::format("{} skip ({}): {}", r.id, conf::to_string(r.reason), r.message);
    ctx.log->info(line);
    if (!r.cleanup_warning.empty()) ctx.log->warn(r.id + ": " + r.cleanup_warning);
  });
  if (!results) return tl::unexpected(results.error());
  report.results = *results;

  if (!flags.report_dir.empty()) {
    if (Result<void> w = write_report_folder(ctx, fs, *report_inputs, report); !w) return tl::unexpected(w.error());
  }

  if (*format == "json") {
    ctx.streams.out << conf::summary_json(report).dump(2) << "\n";
  } else {
    ctx.streams.out << results_text(ctx, report);
  }
  return conf::any_must_failed(report.results) ? 1 : 0;
}

}  // namespace

void add_verify_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<VerifyFlags>();
  CLI::App* cmd = app.add_subcommand("verify", "Run the Kubernetes AI conformance checks against the cluster");
  cmd->add_option("--checklist", flags->checklist, "Checklist: auto (the server's minor) or 1.33 .. 1.37");
  cmd->add_option("--only", flags->only, "Only these requirement ids (comma-separated or repeated)");
  cmd->add_option("--report-dir", flags->report_dir, "Write summary.json, junit.xml and evidence/ into DIR");
  cmd->add_option("--template", flags->template_file, "Official AIConformance-1.NN.yaml to fill in as PRODUCT.yaml");
  cmd->add_option("--product", flags->product_file, "YAML with the vendor metadata for PRODUCT.yaml");
  cmd->add_option("--profile", flags->profiles, "Take N/A decisions (with justifications) from these profiles");
  cmd->add_option("--not-applicable", flags->not_applicable, "ID=JUSTIFICATION: report this requirement N/A");
  cmd->add_option("--autoscaler-node-pool-label", flags->node_pool_label,
                  "KEY=VALUE selecting the elastic accelerator pool for cluster_autoscaling");
  cmd->add_option("--registry", flags->registry,
                  "Pull probe images from this registry (air-gapped sites: where `aiplat airgap load` put them)");
  cmd->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return verify(ctx, *flags); }; });
}

}  // namespace aiplat

#include "cli/install_verify.hpp"

#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "conformance/runner.hpp"

namespace aiplat {

void add_install_verify_flags(CLI::App& cmd, InstallVerifyFlags& flags) {
  cmd.add_flag("--skip-verify", flags.skip,
               "Run no conformance checks: neither each add-on's after it is ready nor the checklist at the end");
  cmd.add_flag("--always-verify", flags.always,
               "Run the checklist at the end even when every add-on was unchanged (a no-op re-run runs none)");
  cmd.add_option("--checklist", flags.checklist, "Checklist: auto (the cluster's minor) or 1.33 .. 1.37");
  cmd.add_option("--report-dir", flags.report_dir,
                 fmt::format("Write summary.json, junit.xml and evidence/ into DIR (default: ./{})",
                             k_default_install_report_dir));
  cmd.add_option("--template", flags.template_file, "Official AIConformance-1.NN.yaml to fill in as PRODUCT.yaml");
  cmd.add_option("--product", flags.product_file, "YAML with the vendor metadata for PRODUCT.yaml");
}

Result<ReportInputs> prepare_install_verify(const InstallVerifyFlags& flags, actions::InstallOptions& options) {
  if (flags.skip) {
    std::vector<std::string> conflicting;
    if (flags.always) conflicting.emplace_back("--always-verify");
    if (flags.checklist != "auto") conflicting.emplace_back("--checklist");
    if (!flags.report_dir.empty()) conflicting.emplace_back("--report-dir");
    if (!flags.template_file.empty()) conflicting.emplace_back("--template");
    if (!flags.product_file.empty()) conflicting.emplace_back("--product");
    if (!conflicting.empty()) {
      return input_error(fmt::format("--skip-verify runs no checks, so {} cannot be used with it; drop one of them",
                                     fmt::join(conflicting, ", ")));
    }
  }
  if (flags.checklist != "auto") {
    if (auto c = conformance::checklist_for(flags.checklist); !c) return tl::unexpected(c.error().with_context("--checklist"));
  }
  RealFs fs;
  std::string dir = flags.report_dir.empty() ? k_default_install_report_dir : flags.report_dir;
  Result<ReportInputs> inputs = read_report_inputs(fs, dir, flags.template_file, flags.product_file);
  if (!inputs) return tl::unexpected(inputs.error());
  options.verify = flags.skip ? actions::Verify::no : actions::Verify::yes;
  options.final_checks = flags.always ? actions::FinalChecks::always : actions::FinalChecks::when_changed;
  options.checklist = flags.checklist;
  return inputs;
}

Result<std::string> write_install_report(CliContext& ctx, const ReportInputs& inputs,
                                         const actions::InstallSummary& summary) {
  if (!summary.verification) return std::string();
  RealFs fs;
  if (Result<void> w = write_report_folder(ctx, fs, inputs, *summary.verification); !w) {
    return tl::unexpected(w.error().with_context("every add-on was applied, but the report could not be written"));
  }
  return inputs.dir;
}

std::string install_verification_text(const CliContext& ctx, const actions::InstallSummary& summary,
                                      const std::string& report_dir) {
  if (!summary.verification) {
    return summary.verification_skipped.empty() ? "" : "Conformance: " + summary.verification_skipped + "\n";
  }
  std::string out = "\nAI conformance checklist " + summary.verification->checklist + " after the install:\n";
  out += results_text(ctx, *summary.verification);
  if (!report_dir.empty()) out += "Report: " + report_dir + " (summary.json, junit.xml, evidence/)\n";
  return out;
}

int install_checks_exit_code(CliContext& ctx, const actions::InstallSummary& summary, const std::string& report_dir) {
  std::set<std::string> failed;
  for (const actions::AddonSummary& a : summary.addons) {
    if (a.checks_from_record) continue;
    for (const RecordedCheck& c : a.checks) {
      if (c.outcome == "fail" && c.level == "MUST") failed.insert(c.id);
    }
  }
  if (summary.verification) {
    for (const conformance::CheckResult& r : summary.verification->results) {
      if (r.outcome == conformance::Outcome::fail && r.level == conformance::Level::must) failed.insert(r.id);
    }
  }
  if (failed.empty()) return 0;
  ctx.log->error(fmt::format("every add-on was applied, but {} MUST check{} failed: {}{}", failed.size(),
                             failed.size() == 1 ? "" : "s", fmt::join(failed, ", "),
                             report_dir.empty() ? " (see aiplat status)" : " (evidence in " + report_dir + ")"));
  return 1;
}

}  // namespace aiplat

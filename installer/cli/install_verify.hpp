#pragma once
// The verification flags of `aiplat install` (--report-dir, --template, --product,
// --checklist, --always-verify, with --skip-verify) and what happens with the results at the
// end: the report folder (the writer `aiplat verify` uses), the results table, and exit 1 when
// a MUST check failed although every add-on was applied.
#include <string>

#include "actions/install.hpp"
#include "cli/conformance_report.hpp"
#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace aiplat {

/// Where install writes the report when --report-dir is not given (relative to the working directory).
inline constexpr const char* k_default_install_report_dir = "aiplat-report";

struct InstallVerifyFlags {
  bool skip = false;          ///< --skip-verify
  bool always = false;        ///< --always-verify
  std::string checklist = "auto";
  std::string report_dir;     ///< "" = k_default_install_report_dir
  std::string template_file;
  std::string product_file;
};

void add_install_verify_flags(CLI::App& cmd, InstallVerifyFlags& flags);

/// Checks the flags and reads --template/--product before anything touches the cluster, and
/// sets the verification options of the install.
Result<ReportInputs> prepare_install_verify(const InstallVerifyFlags& flags, actions::InstallOptions& options);

/// Writes the report folder when the full checklist ran; returns the folder ("" when none).
Result<std::string> write_install_report(CliContext& ctx, const ReportInputs& inputs,
                                         const actions::InstallSummary& summary);

/// The verification part of the table output: the results, or why no checks ran.
std::string install_verification_text(const CliContext& ctx, const actions::InstallSummary& summary,
                                       const std::string& report_dir);

/// 1 (with a message naming the failed MUST ids) when any MUST check failed, else 0.
int install_checks_exit_code(CliContext& ctx, const actions::InstallSummary& summary, const std::string& report_dir);

}  // namespace aiplat

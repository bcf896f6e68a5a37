#pragma once
// What `aiplat verify` and `aiplat install` share about conformance reports: reading
// --template and --product before any cluster work, writing the report folder with the one
// writer (conformance::write_report), and the results table with its list of skips.
#include <string>

#include "cli/context.hpp"
#include "conformance/report.hpp"
#include "util/fs.hpp"
#include "util/yaml.hpp"

namespace aiplat {

/// The report folder and the PRODUCT.yaml inputs, read and checked.
struct ReportInputs {
  std::string dir;            ///< where the folder goes
  std::string template_file;  ///< "" = no PRODUCT.yaml
  std::string template_text;
  std::string product_file;
  Json product = nullptr;     ///< vendor metadata, or null
};

/// Reads --template and --product; input errors name the flag. --product needs --template.
Result<ReportInputs> read_report_inputs(Fs& fs, const std::string& dir, const std::string& template_file,
                                        const std::string& product_file);

/// Writes the folder and logs what was written and what the CNCF validator would reject.
Result<void> write_report_folder(CliContext& ctx, Fs& fs, const ReportInputs& inputs,
                                 const conformance::Report& report);

/// The results table, the totals line and the skips with their reasons.
std::string results_text(const CliContext& ctx, const conformance::Report& report);

}  // namespace aiplat

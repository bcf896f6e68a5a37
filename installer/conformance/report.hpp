#pragma once
// Report writers: summary.json, junit.xml, evidence/<id>/{README.md,transcript.log,result.json}
// and PRODUCT.yaml filled from the official template. Each returns text so tests can check it
// without a file system; write_report puts them in a folder.
#include <string>
#include <vector>

#include "conformance/checklist.hpp"
#include "conformance/result.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/yaml.hpp"

namespace aiplat::conformance {

/// One verification run, as the reports see it.
struct Report {
  std::string checklist;       ///< "1.35"
  std::string server_version;  ///< gitVersion of the cluster, or empty
  std::string started_at;      ///< RFC 3339
  std::vector<CheckResult> results;
};

/// The test name in junit.xml: the upstream suite's name where one exists.
std::string junit_name(std::string_view id);
/// The `-o json` / summary.json document (a stable schema, apiVersion aiplat.dev/v1alpha1).
Json summary_json(const Report& report);
/// JUnit XML; skips and n/a become <skipped message=...>, failures <failure>.
std::string junit_xml(const Report& report);
/// evidence/<id>/README.md for one result.
std::string evidence_readme(const Report& report, const CheckResult& result);
/// The status PRODUCT.yaml gets for a result ("" when aiplat cannot say).
std::string product_status(const CheckResult& result);
/// The notes PRODUCT.yaml gets for a result.
std::string product_notes(const CheckResult& result);

/// PRODUCT.yaml output plus what the CNCF validator would still reject.
struct ProductYaml {
  std::string text;
  std::vector<std::string> warnings;
};

/// Fills the official template text (kept line for line: order, comments, id/description/level)
/// with the results and with vendor metadata (`product`, may be null). Input errors name the
/// template or product file; ids of the template with no result keep their empty fields.
Result<ProductYaml> fill_product_yaml(const std::string& template_text, const std::string& template_file,
                                      const Json& product, const std::string& product_file, const Report& report);

/// What write_report wrote and what to warn about.
struct WrittenReport {
  std::vector<std::string> files;     ///< relative to the report folder
  std::vector<std::string> warnings;  ///< validator-stricter-than-FAQ notes
};

/// Writes the folder. `template_text` empty: no PRODUCT.yaml.
Result<WrittenReport> write_report(Fs& fs, const std::string& dir, const Report& report,
                                   const std::string& template_text = {}, const std::string& template_file = {},
                                   const Json& product = nullptr, const std::string& product_file = {});

}  // namespace aiplat::conformance

#include <fmt/format.h>

#include "conformance/check.hpp"
#include "conformance/report.hpp"

namespace aiplat::conformance {
namespace {

Json result_json(const CheckResult& r) {
  Json j = summary_json(Report{"", "", "", {r}})["results"][0];
  j["transcriptLines"] = r.transcript.size();
  return j;
}

}  // namespace

std::string evidence_readme(const Report& report, const CheckResult& r) {
  const CheckDef* def = find_check(r.id);
  std::string out = fmt::format("# {} ({})\n\n", r.id, to_string(r.level));
  out += fmt::format("Checklist: Kubernetes AI Conformance {}", report.checklist);
  if (!report.server_version.empty()) out += fmt::format(", cluster {}", report.server_version);
  out += fmt::format(". Run by `aiplat verify` at {}.\n\n", r.started_at);
  std::string outcome(to_string(r.outcome));
  if (r.outcome == Outcome::skip) outcome += " (" + std::string(to_string(r.reason)) + ")";
  if (r.outcome == Outcome::pass && r.completeness == Completeness::partial) outcome += " (partial)";
  out += fmt::format("**Result: {}** - {}\n\n", outcome, r.message);
  out += fmt::format("PRODUCT.yaml status: {}\n\n", product_status(r).empty() ? "(left for the vendor)" : product_status(r));
  if (def != nullptr) {
    out += "## What the check proves\n\n" + std::string(def->proves) + "\n\n";
    std::string needs;
    for (Need n : def->needs) needs += (needs.empty() ? "" : ", ") + std::string(to_string(n));
    out += fmt::format("Needs: {}. Time limit: {} s. Upstream test name: {}.\n\n", needs, def->timeout.count(),
                       def->junit_name);
  }
  out += "## Findings\n\n";
  if (r.findings.empty()) out += "(none)\n";
  for (const std::string& f : r.findings) out += "- " + f + "\n";
  if (!r.cleanup_warning.empty()) out += "\nCleanup: " + r.cleanup_warning + "\n";
  out += "\n## Files\n\n- `transcript.log`: every request, answer summary and observation, timestamped\n"
         "- `result.json`: this result as data\n";
  return out;
}

Result<WrittenReport> write_report(Fs& fs, const std::string& dir, const Report& report,
                                   const std::string& template_text, const std::string& template_file,
                                   const Json& product, const std::string& product_file) {
  WrittenReport written;
  auto put = [&](const std::string& rel, const std::string& content) -> Result<void> {
    Result<void> w = fs.write_file(dir + "/" + rel, content);
    if (!w) return tl::unexpected(w.error().with_context("writing report " + dir));
    written.files.push_back(rel);
    return {};
  };
  if (Result<void> d = fs.create_directories(dir); !d) return tl::unexpected(d.error());
  if (!template_text.empty()) {
    // Fill PRODUCT.yaml first: a bad template or product file must fail before anything is written.
    Result<ProductYaml> product_yaml = fill_product_yaml(template_text, template_file, product, product_file, report);
    if (!product_yaml) return tl::unexpected(product_yaml.error());
    if (Result<void> w = put("PRODUCT.yaml", product_yaml->text); !w) return tl::unexpected(w.error());
    written.warnings = product_yaml->warnings;
  }
  if (Result<void> w = put("summary.json", summary_json(report).dump(2) + "\n"); !w) return tl::unexpected(w.error());
  if (Result<void> w = put("junit.xml", junit_xml(report)); !w) return tl::unexpected(w.error());
  for (const CheckResult& r : report.results) {
    std::string base = "evidence/" + r.id + "/";
    if (Result<void> d = fs.create_directories(dir + "/" + base); !d) return tl::unexpected(d.error());
    std::string log;
    for (const std::string& line : r.transcript) log += line + "\n";
    for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
             {"README.md", evidence_readme(report, r)},
             {"transcript.log", log},
             {"result.json", result_json(r).dump(2) + "\n"}}) {
      if (Result<void> w = put(base + name, content); !w) return tl::unexpected(w.error());
    }
  }
  return written;
}

}  // namespace aiplat::conformance

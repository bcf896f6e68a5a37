#include "cli/conformance_report.hpp"

#include <fmt/format.h>

#include "util/table.hpp"

namespace aiplat {
namespace {

namespace conf = conformance;

std::string outcome_cell(const CliContext& ctx, const conf::CheckResult& r) {
  std::string text(conf::to_string(r.outcome));
  if (r.outcome == conf::Outcome::pass && r.completeness == conf::Completeness::partial) text += " (partial)";
  if (r.outcome == conf::Outcome::skip) text += " (" + std::string(conf::to_string(r.reason)) + ")";
  const char* style = r.outcome == conf::Outcome::pass ? "green" : r.outcome == conf::Outcome::fail ? "red" : "yellow";
  return ctx.terminal.paint(text, style);
}

}  // namespace

Result<ReportInputs> read_report_inputs(Fs& fs, const std::string& dir, const std::string& template_file,
                                        const std::string& product_file) {
  ReportInputs in;
  in.dir = dir;
  in.template_file = template_file;
  in.product_file = product_file;
  if (!template_file.empty()) {
    Result<std::string> t = fs.read_file(template_file);
    if (!t) return input_error("--template: " + t.error().message);
    in.template_text = *t;
  }
  if (!product_file.empty()) {
    if (template_file.empty()) return input_error("--product needs --template (the checklist to fill in)");
    Result<std::string> p = fs.read_file(product_file);
    if (!p) return input_error("--product: " + p.error().message);
    Result<YamlDocument> doc = parse_yaml(*p, product_file);
    if (!doc) return input_error(doc.error().message);
    in.product = doc->value;
  }
  return in;
}

Result<void> write_report_folder(CliContext& ctx, Fs& fs, const ReportInputs& in, const conformance::Report& report) {
  Result<conf::WrittenReport> written =
      conf::write_report(fs, in.dir, report, in.template_text, in.template_file, in.product, in.product_file);
  if (!written) return tl::unexpected(written.error());
  for (const std::string& w : written->warnings) ctx.log->warn("PRODUCT.yaml: " + w);
  ctx.log->info(fmt::format("report written to {} ({} files)", in.dir, written->files.size()));
  return {};
}

std::string results_text(const CliContext& ctx, const conformance::Report& report) {
  Table t({"REQUIREMENT", "LEVEL", "RESULT", "TIME", "DETAIL"});
  for (const conf::CheckResult& r : report.results) {
    t.add_row({r.id, std::string(conf::to_string(r.level)), outcome_cell(ctx, r),
               fmt::format("{}s", r.duration.count() / 1000), r.message});
  }
  std::string out = t.render();
  Json s = conf::summary_json(report);
  out += fmt::format("checklist {} on {}: {} passed, {} failed, {} skipped, {} n/a\n", report.checklist,
                     report.server_version, s["totals"]["pass"].get<int>(), s["totals"]["fail"].get<int>(),
                     s["totals"]["skip"].get<int>(), s["totals"]["notApplicable"].get<int>());
  if (s["totals"]["skip"].get<int>() > 0) {
    out += "Skipped (not proven on this cluster):\n";
    for (const conf::CheckResult& r : report.results) {
      if (r.outcome != conf::Outcome::skip) continue;
      out += fmt::format("  {} ({}): {}\n", r.id, conf::describe(r.reason), r.message);
    }
  }
  return out;
}

}  // namespace aiplat

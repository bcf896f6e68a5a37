#include <fmt/format.h>

#include "conformance/report.hpp"

namespace aiplat::conformance {
namespace {

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even when escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string seconds(std::chrono::milliseconds d) { return fmt::format("{:.3f}", static_cast<double>(d.count()) / 1000.0); }

}  // namespace

std::string junit_xml(const Report& report) {
  int failures = 0;
  int skipped = 0;
  std::chrono::milliseconds total{0};
  for (const CheckResult& r : report.results) {
    failures += r.outcome == Outcome::fail ? 1 : 0;
    skipped += (r.outcome == Outcome::skip || r.outcome == Outcome::not_applicable) ? 1 : 0;
    total += r.duration;
  }
  std::string suite = "ai-conformance-" + report.checklist;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"aiplat verify\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
                     "time=\"{}\">\n", report.results.size(), failures, skipped, seconds(total));
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\" "
                     "timestamp=\"{}\">\n", xml_escape(suite), report.results.size(), failures, skipped, seconds(total),
                     xml_escape(report.started_at));
  out += "    <properties>\n";
  out += fmt::format("      <property name=\"checklist\" value=\"{}\"/>\n", xml_escape(report.checklist));
  out += fmt::format("      <property name=\"serverVersion\" value=\"{}\"/>\n", xml_escape(report.server_version));
  out += "    </properties>\n";
  for (const CheckResult& r : report.results) {
    out += fmt::format("    <testcase name=\"{}\" classname=\"aiplat.conformance.{}\" time=\"{}\">\n",
                       xml_escape(junit_name(r.id)), xml_escape(r.id), seconds(r.duration));
    std::string level(to_string(r.level));
    if (r.outcome == Outcome::fail) {
      out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_escape(r.message), level,
                         xml_escape(r.id + " (" + level + "): " + r.message));
    } else if (r.outcome == Outcome::skip) {
      out += fmt::format("      <skipped message=\"{}\"/>\n",
                         xml_escape(std::string(to_string(r.reason)) + ": " + r.message));
    } else if (r.outcome == Outcome::not_applicable) {
      out += fmt::format("      <skipped message=\"{}\"/>\n", xml_escape("N/A: " + r.message));
    }
    std::string log;
    for (const std::string& line : r.transcript) log += line + "\n";
    out += "      <system-out>" + xml_escape(log) + "</system-out>\n";
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace aiplat::conformance

#pragma once
// A small reader of the Prometheus text exposition format: enough to find metric families,
// their series and labels in an exporter's /metrics answer.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace aiplat::conformance {

struct Series {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::vector<Series> series;
  int help_lines = 0;
  int type_lines = 0;
};

/// Parses exposition text; malformed sample lines are skipped.
Exposition parse_exposition(std::string_view text);

}  // namespace aiplat::conformance

#include "conformance/prometheus_text.hpp"

#include <cstdlib>

namespace aiplat::conformance {
namespace {

// Parses `{a="x",b="y"}` starting at text[i] == '{'; returns the index after '}'.
std::size_t parse_labels(std::string_view text, std::size_t i, std::map<std::string, std::string>& out) {
  ++i;
  while (i < text.size() && text[i] != '}') {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    std::size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) return std::string_view::npos;
    std::string key(text.substr(i, eq - i));
    i = eq + 1;
    if (i >= text.size() || text[i] != '"') return std::string_view::npos;
    ++i;
    std::string value;
    while (i < text.size() && text[i] != '"') {
      if (text[i] == '\\' && i + 1 < text.size()) {
        char n = text[i + 1];
        value += n == 'n' ? '\n' : n;
        i += 2;
        continue;
      }
      value += text[i++];
    }
    ++i;
    out[key] = value;
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
  }
  return i < text.size() ? i + 1 : std::string_view::npos;
}

}  // namespace

Exposition parse_exposition(std::string_view text) {
  Exposition out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0) {
      ++out.help_lines;
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      ++out.type_lines;
      continue;
    }
    if (line.front() == '#') continue;
    Series s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = std::string(line.substr(0, i));
    if (i < line.size() && line[i] == '{') {
      i = parse_labels(line, i, s.labels);
      if (i == std::string_view::npos) continue;
    }
    while (i < line.size() && line[i] == ' ') ++i;
    std::string value(line.substr(i, line.find(' ', i) == std::string_view::npos ? std::string_view::npos
                                                                                 : line.find(' ', i) - i));
    char* endp = nullptr;
    s.value = std::strtod(value.c_str(), &endp);
    if (value.empty() || endp == value.c_str()) continue;
    out.series.push_back(std::move(s));
  }
  return out;
}

}  // namespace aiplat::conformance

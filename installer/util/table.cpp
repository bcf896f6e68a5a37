#include "util/table.hpp"

#include <algorithm>

namespace aiplat {

std::size_t display_width(const std::string& text) {
  // Count lead bytes only, so "–" and "é" take one column like ASCII.
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(std::max(cells.size(), m_headers.size()));
  m_rows.push_back(std::move(cells));
}

std::string Table::render() const {
  std::size_t columns = m_headers.size();
  for (const auto& row : m_rows) columns = std::max(columns, row.size());
  std::vector<std::size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
  };
  measure(m_headers);
  for (const auto& row : m_rows) measure(row);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < columns; ++i) {
      std::string cell = i < row.size() ? row[i] : "";
      line += cell;
      if (i + 1 < columns) line += std::string(widths[i] - display_width(cell) + 3, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(m_headers);
  for (const auto& row : m_rows) emit(row);
  return out;
}

}  // namespace aiplat

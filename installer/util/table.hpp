#pragma once
// Aligned plain-text tables for `-o table` output (kubectl style: upper-case headers,
// columns separated by three spaces, no borders), so every command prints alike.
#include <string>
#include <vector>

namespace aiplat {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : m_headers(std::move(headers)) {}

  /// Adds one row; missing cells are left empty, extra cells widen the table.
  void add_row(std::vector<std::string> cells);
  [[nodiscard]] std::size_t rows() const { return m_rows.size(); }
  /// The table as text, one line per row, each ending in '\n'; trailing spaces are trimmed.
  [[nodiscard]] std::string render() const;

 private:
  std::vector<std::string> m_headers;
  std::vector<std::vector<std::string>> m_rows;
};

/// Display width of UTF-8 text (code points; aiplat prints no wide characters).
std::size_t display_width(const std::string& text);

}  // namespace aiplat

#pragma once
// Decides once how output looks: a smart terminal (colour, one overprinted status
// line elided to the width) or plain lines, from --color, NO_COLOR, TERM and isatty.
#include <map>
#include <string>

namespace aiplat {

enum class ColorMode { automatic, always, never };

struct Terminal {
  bool smart = false;  ///< stderr is a tty and TERM is not dumb: status lines may overprint
  bool color = false;
  int width = 80;

  /// `env` is the process environment; `stderr_fd` is checked with isatty.
  static Terminal detect(ColorMode mode, const std::map<std::string, std::string>& env, int stderr_fd = 2);

  /// Wraps text in an ANSI colour when colour is on ("green", "red", "yellow", "bold", "dim").
  [[nodiscard]] std::string paint(const std::string& text, const std::string& style) const;
  /// Cuts text to the terminal width with "..." in the middle when smart.
  [[nodiscard]] std::string elide(const std::string& text) const;
};

}  // namespace aiplat

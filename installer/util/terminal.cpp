#include "util/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

namespace aiplat {

Terminal Terminal::detect(ColorMode mode, const std::map<std::string, std::string>& env, int stderr_fd) {
  Terminal t;
  auto term = env.find("TERM");
  bool dumb = term == env.end() || term->second == "dumb" || term->second.empty();
  bool tty = ::isatty(stderr_fd) == 1;
  t.smart = tty && !dumb;
  bool no_color = env.count("NO_COLOR") && !env.at("NO_COLOR").empty();
  switch (mode) {
    case ColorMode::always: t.color = true; break;
    case ColorMode::never: t.color = false; break;
    case ColorMode::automatic: t.color = t.smart && !no_color; break;
  }
  winsize ws{};
  if (tty && ::ioctl(stderr_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) t.width = ws.ws_col;
  else if (auto cols = env.find("COLUMNS"); cols != env.end()) t.width = std::max(20, std::atoi(cols->second.c_str()));
  return t;
}

std::string Terminal::paint(const std::string& text, const std::string& style) const {
  if (!color) return text;
  const char* code = style == "green" ? "32" : style == "red" ? "31" : style == "yellow" ? "33"
                   : style == "bold" ? "1" : style == "dim" ? "2" : style == "cyan" ? "36" : "0";
  return std::string("\x1b[") + code + "m" + text + "\x1b[0m";
}

std::string Terminal::elide(const std::string& text) const {
  if (!smart || width < 10 || static_cast<int>(text.size()) <= width) return text;
  std::size_t keep = static_cast<std::size_t>(width - 3);
  std::size_t head = keep / 2;
  return text.substr(0, head) + "..." + text.substr(text.size() - (keep - head));
}

}  // namespace aiplat

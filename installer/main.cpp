// Thin on purpose: everything lives in the library that the tests link too.
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <unistd.h>

#include "cli/run.hpp"

extern char** environ;

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    std::size_t eq = entry.find('=');
    if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  aiplat::Streams streams{std::cin, std::cout, std::cerr, ::isatty(0) == 1};
  return aiplat::run(args, streams, env);
}

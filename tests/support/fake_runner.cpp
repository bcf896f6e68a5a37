#include "fake_runner.hpp"

namespace aiplat::testing {
namespace {

std::string base_name(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

void FakeRunner::on(const std::string& program, const std::string& subcommand, Handler handler) {
  std::lock_guard lock(m_mutex);
  m_rules.push_back(Rule{program, subcommand, std::move(handler)});
}

void FakeRunner::reply(const std::string& program, const std::string& subcommand, int exit_code, std::string out,
                       std::string err) {
  on(program, subcommand, [=](const ProcessSpec&) -> Result<ProcessResult> {
    return ProcessResult{exit_code, out, err, false};
  });
}

Result<ProcessResult> FakeRunner::run(const ProcessSpec& spec) {
  Handler handler;
  {
    std::lock_guard lock(m_mutex);
    m_runs.push_back(spec);
    for (auto it = m_rules.rbegin(); it != m_rules.rend(); ++it) {
      if (spec.argv.empty() || base_name(spec.argv[0]) != it->program) continue;
      if (!it->subcommand.empty() && (spec.argv.size() < 2 || spec.argv[1] != it->subcommand)) continue;
      handler = it->handler;
      break;
    }
  }
  if (!handler) {
    return failure("cannot start " + (spec.argv.empty() ? std::string("(empty argv)") : spec.argv[0]) +
                   ": no such file or directory");
  }
  return handler(spec);
}

std::vector<ProcessSpec> FakeRunner::runs() const {
  std::lock_guard lock(m_mutex);
  return m_runs;
}

std::vector<std::string> FakeRunner::command_lines() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> out;
  for (const ProcessSpec& s : m_runs) {
    std::string line;
    for (const std::string& a : s.argv) line += (line.empty() ? "" : " ") + a;
    out.push_back(line);
  }
  return out;
}

}  // namespace aiplat::testing

// `aiplat status [-o table|json|yaml]`: the install records in aiplat-system.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/catalog_access.hpp"
#include "cli/context.hpp"
#include "phases/record.hpp"
#include "provision/adopt.hpp"
#include "util/table.hpp"
#include "util/yaml.hpp"

namespace aiplat {
namespace {

/// The add-on's own readiness rules: "2 met", "2 not waited" or "-" (none, or a record older than the field).
std::string rules_cell(const InstallRecord& r) {
  if (r.rules_not_waited > 0) return fmt::format("{} not waited", r.rules_not_waited);
  if (r.readiness.empty()) return "-";
  return r.readiness.substr(0, r.readiness.find(" add-on")) + " met";
}

std::string checks_cell(const InstallRecord& r) {
  if (r.checks.empty()) return "-";
  std::string out;
  for (const RecordedCheck& c : r.checks) out += (out.empty() ? "" : ", ") + c.id + " " + c.outcome;
  return out;
}

Result<int> status(CliContext& ctx) {
  Result<std::string> format = output_format(ctx, "status", {"table", "json", "yaml"}, "table");
  if (!format) return tl::unexpected(format.error());
  provision::AdoptOptions adopt;
  adopt.kubeconfig = ctx.global.kubeconfig;
  adopt.context = ctx.global.context;
  adopt.certificate_authority = ctx.global.certificate_authority;
  adopt.insecure_skip_tls_verify = ctx.global.insecure_skip_tls_verify;
  adopt.env = ctx.env;
  adopt.log = ctx.log.get();
  adopt.stdin_terminal = ctx.streams.stdin_is_tty ? kube::StdinTerminal::yes : kube::StdinTerminal::no;
  RealFs fs;
  auto client = provision::connect(adopt, fs);
  if (!client) return tl::unexpected(client.error());
  auto records = read_records(**client);
  if (!records) return tl::unexpected(records.error().with_context((*client)->config().server));
  Json all = Json::array();
  for (const InstallRecord& r : *records) all.push_back(to_json(r));
  if (*format == "json") {
    ctx.streams.out << all.dump(2) << "\n";
    return 0;
  }
  if (*format == "yaml") {
    ctx.streams.out << to_yaml(all);
    return 0;
  }
  if (records->empty()) {
    ctx.streams.out << "No add-ons installed by aiplat on " << (*client)->config().server
                    << " (no records in namespace aiplat-system).\n";
    return 0;
  }
  Table t({"ADD-ON", "VERSION", "MODE", "STATE", "OBJECTS", "IMAGES", "RULES", "CHECKS", "FINISHED"});
  int not_waited = 0;
  for (const InstallRecord& r : *records) {
    not_waited += r.rules_not_waited;
    t.add_row({r.name, r.version, r.mode.empty() ? "-" : r.mode, r.state, std::to_string(r.inventory.size()),
               std::to_string(r.images.size()), rules_cell(r), checks_cell(r),
               r.finished_at.empty() ? "-" : r.finished_at});
  }
  ctx.streams.out << t.render();
  if (not_waited > 0) {
    ctx.streams.out << fmt::format("{} add-on readiness rule(s) not waited (--wait=workloads); install again with "
                                   "--wait=all to wait for them\n",
                                   not_waited);
  }
  std::string profile = records->front().profile;
  ctx.streams.out << fmt::format("{} add-on{} recorded in aiplat-system on {} (profile {})\n", records->size(),
                                 records->size() == 1 ? "" : "s", (*client)->config().server, profile);
  return 0;
}

}  // namespace

void add_status_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("status", "Show what aiplat installed on the cluster: versions, objects, checks");
  cmd->callback([&ctx] { ctx.action = [&ctx] { return status(ctx); }; });
}

}  // namespace aiplat

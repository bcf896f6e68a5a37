// `aiplat plan --profile P [--profile P2] [--kubernetes 1.3x] [-o table|json|yaml]`.
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catalog/plan_json.hpp"
#include "cli/catalog_access.hpp"
#include "cli/context.hpp"
#include "util/table.hpp"
#include "util/yaml.hpp"

namespace aiplat {
namespace {

struct PlanFlags {
  std::vector<std::string> profiles;
  std::string kubernetes;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string print_table(const catalog::Plan& plan) {
  std::string out = fmt::format("Profile {}, Kubernetes {}: {} add-on{}\n", plan.profile, plan.minor.to_string(),
                                plan.steps.size(), plan.steps.size() == 1 ? "" : "s");
  Table t({"#", "ADD-ON", "VERSION", "MODE", "SOURCES", "IMAGES", "PROVIDES"});
  for (const catalog::PlanStep& s : plan.steps) {
    std::vector<std::string> kinds;
    for (const catalog::Source& src : s.sources) {
      std::string k = catalog::to_string(src.type);
      if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
    }
    t.add_row({std::to_string(s.order), s.name, s.version.to_string(), s.mode.empty() ? "-" : s.mode,
               kinds.empty() ? "-" : join(kinds), std::to_string(s.images.size()),
               s.provides.empty() ? "-" : join(s.provides)});
  }
  out += t.render();
  for (const catalog::SkippedEntry& s : plan.skipped) out += fmt::format("skipped {}: {}\n", s.name, s.reason);
  for (const catalog::NotApplicable& n : plan.not_applicable) {
    out += fmt::format("not applicable {}: {}\n", n.id, n.reason);
  }
  return out;
}

Result<int> plan(CliContext& ctx, const PlanFlags& flags) {
  Result<std::string> format = output_format(ctx, "plan", {"table", "json", "yaml"}, "table");
  if (!format) return tl::unexpected(format.error());
  Result<catalog::Catalog> cat = load_cli_catalog(ctx);
  if (!cat) return tl::unexpected(cat.error());
  Result<catalog::Plan> p = plan_from_flags(ctx, *cat, flags.profiles, flags.kubernetes);
  if (!p) return tl::unexpected(p.error());
  if (*format == "json") ctx.streams.out << catalog::plan_to_json(*p).dump(2) << "\n";
  else if (*format == "yaml") ctx.streams.out << to_yaml(catalog::plan_to_json(*p));
  else ctx.streams.out << print_table(*p);
  return 0;
}

}  // namespace

void add_plan_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<PlanFlags>();
  CLI::App* cmd = app.add_subcommand("plan", "Show what would be installed, in order, and why (no cluster needed)");
  cmd->add_option("--profile", flags->profiles,
                  "Profile name from the catalog, or a path to a profile file; repeat to layer (later wins)")
      ->required()
      ->expected(1)
      ->take_all();
  cmd->add_option("--kubernetes", flags->kubernetes, "Kubernetes minor to plan for, e.g. 1.35 (default: the profile's)");
  cmd->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return plan(ctx, *flags); }; });
}

}  // namespace aiplat

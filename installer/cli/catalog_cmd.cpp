// `aiplat catalog list | show NAME[@VERSION] | lint [--strict [--source-mirror URL]] [--require-pinned]`.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "actions/catalog_lint.hpp"
#include "catalog/doc_reader.hpp"
#include "catalog/layering.hpp"
#include "catalog/lint.hpp"
#include "cli/catalog_access.hpp"
#include "cli/context.hpp"
#include "util/fs.hpp"
#include "util/table.hpp"
#include "util/yaml.hpp"

namespace aiplat {
namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep = ",") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

Json range_json(const catalog::MinorRange& r) {
  Json j = Json::object();
  if (r.min) j["min"] = r.min->to_string();
  if (r.max) j["max"] = r.max->to_string();
  return j;
}

/// Each catalog profile with its `extends` applied, so list shows what a plan would use.
std::map<std::string, catalog::Profile> layered_profiles(const catalog::Catalog& cat) {
  std::map<std::string, catalog::Profile> out;
  MemoryFs no_files;  // catalog names only: nothing is read from disk
  for (const auto& [name, p] : cat.profiles) {
    Result<catalog::Profile> layered = catalog::layer_profiles(cat, {name}, no_files);
    out.emplace(name, layered ? *layered : p);
  }
  return out;
}

Json list_json(const catalog::Catalog& cat) {
  Json addons = Json::array();
  for (const auto& [name, versions] : cat.addons) {
    Json vs = Json::array();
    for (const auto& a : versions) {
      Json modes = Json::array();
      for (const auto& [m, unused] : a->modes) modes.push_back(m);
      vs.push_back(Json{{"version", a->version.to_string()},
                        {"kubernetes", range_json(a->kubernetes)},
                        {"capabilities", a->capabilities},
                        {"provides", a->provides},
                        {"modes", modes},
                        {"defaultMode", a->default_mode}});
    }
    addons.push_back(Json{{"name", name}, {"description", versions.front()->description}, {"versions", vs}});
  }
  Json profiles = Json::array();
  for (const auto& [name, p] : layered_profiles(cat)) {
    Json entries = Json::array();
    for (const auto& e : p.addons) entries.push_back(e.name);
    Json k = range_json(p.kubernetes);
    if (p.kubernetes_default) k["default"] = p.kubernetes_default->to_string();
    profiles.push_back(Json{{"name", name},
                            {"description", p.description},
                            {"extends", p.layers.size() > 1 ? Json(std::vector<std::string>(p.layers.begin(), p.layers.end() - 1))
                                                            : Json::array()},
                            {"kubernetes", k},
                            {"addons", entries}});
  }
  return Json{{"addons", addons}, {"profiles", profiles}};
}

Result<int> list(CliContext& ctx) {
  Result<std::string> format = output_format(ctx, "catalog list", {"table", "json", "yaml"}, "table");
  if (!format) return tl::unexpected(format.error());
  Result<catalog::Catalog> cat = load_cli_catalog(ctx);
  if (!cat) return tl::unexpected(cat.error());
  if (*format == "json") {
    ctx.streams.out << list_json(*cat).dump(2) << "\n";
    return 0;
  }
  if (*format == "yaml") {
    ctx.streams.out << to_yaml(list_json(*cat));
    return 0;
  }
  Table addons({"ADD-ON", "VERSIONS", "KUBERNETES", "PROVIDES", "DESCRIPTION"});
  for (const auto& [name, versions] : cat->addons) {
    std::vector<std::string> vs;
    for (const auto& a : versions) vs.push_back(a->version.to_string());
    addons.add_row({name, join(vs), versions.front()->kubernetes.to_string(), join(versions.front()->provides),
                    versions.front()->description});
  }
  Table profiles({"PROFILE", "KUBERNETES", "DEFAULT", "ADD-ONS", "DESCRIPTION"});
  for (const auto& [name, p] : layered_profiles(*cat)) {
    profiles.add_row({name, p.kubernetes.to_string(), p.kubernetes_default ? p.kubernetes_default->to_string() : "-",
                      std::to_string(p.addons.size()), p.description});
  }
  ctx.streams.out << addons.render() << "\n" << profiles.render();
  return 0;
}

Result<int> show(CliContext& ctx, const std::string& what) {
  Result<std::string> format = output_format(ctx, "catalog show", {"json", "yaml"}, "yaml");
  if (!format) return tl::unexpected(format.error());
  Result<catalog::Catalog> cat = load_cli_catalog(ctx);
  if (!cat) return tl::unexpected(cat.error());
  std::string name = what.substr(0, what.find('@'));
  std::string version = what.find('@') == std::string::npos ? "" : what.substr(what.find('@') + 1);
  auto it = cat->addons.find(name);
  if (it == cat->addons.end()) {
    std::vector<std::string> names;
    for (const auto& [n, unused] : cat->addons) names.push_back(n);
    std::string hint = catalog::nearest_spelling(name, names);
    return input_error(fmt::format("catalog show: no add-on \"{}\"{} (see `aiplat catalog list`)", name,
                                   hint.empty() ? "" : fmt::format("; did you mean \"{}\"?", hint)));
  }
  std::shared_ptr<const catalog::AddOn> chosen = it->second.front();
  if (!version.empty()) {
    Result<catalog::Version> v = catalog::parse_version(version);
    if (!v) return tl::unexpected(v.error().with_context("catalog show " + what));
    chosen = cat->find(name, *v);
    if (!chosen) {
      std::vector<std::string> vs;
      for (const auto& a : it->second) vs.push_back(a->version.to_string());
      return input_error(fmt::format("catalog show: {} has no version {} (versions: {})", name, version, join(vs, ", ")));
    }
  }
  if (*format == "json") ctx.streams.out << chosen->document.dump(2) << "\n";
  else ctx.streams.out << to_yaml(chosen->document);
  return 0;
}

struct LintFlags {
  bool strict = false;         ///< render every plan and compare the catalog with the renders
  bool require_pinned = false; ///< unknown digests are problems, not notes
  std::string source_mirror;
  std::string helm;
};

/// The render comparison of --strict (actions/catalog_lint): every profile at every minor it declares.
Result<std::vector<catalog::Problem>> render_problems(CliContext& ctx, const catalog::Catalog& cat,
                                                      const LintFlags& flags) {
  actions::RenderLintOptions options;
  CatalogFiles catalog_files(ctx);
  options.render.catalog_fs = catalog_files.fs();
  options.render.catalog_root = catalog_files.root();
  options.render.source_mirror = flags.source_mirror;
  options.render.cache_dir = render::default_cache_dir(ctx.env);
  options.render.helm = flags.helm;
  options.render.log = ctx.log.get();
  options.progress = [&ctx](const std::string& what) {
    if (!ctx.global.quiet) ctx.streams.err << "rendering " << what << "\n";
  };
  Result<actions::RenderLintResult> result = actions::lint_renders(cat, options);
  if (!result) return tl::unexpected(result.error());
  ctx.streams.out << fmt::format("rendered {} plans ({} add-on renders){}\n", result->plans, result->renders,
                                 flags.source_mirror.empty() ? "" : " through " + flags.source_mirror);
  return result->problems;
}

Result<int> lint(CliContext& ctx, const LintFlags& flags) {
  catalog::LoadReport report = load_cli_catalog_report(ctx);
  std::vector<catalog::Problem> problems = report.problems;
  if (report.ok()) {
    std::vector<catalog::Problem> plans = catalog::check_profiles_plan(report.catalog);
    problems.insert(problems.end(), plans.begin(), plans.end());
    if (flags.strict && plans.empty()) {
      Result<std::vector<catalog::Problem>> rendered = render_problems(ctx, report.catalog, flags);
      if (!rendered) return tl::unexpected(rendered.error());
      problems.insert(problems.end(), rendered->begin(), rendered->end());
    }
  }
  if (flags.require_pinned) problems.insert(problems.end(), report.unpinned.begin(), report.unpinned.end());
  std::size_t versions = 0;
  for (const auto& [name, vs] : report.catalog.addons) versions += vs.size();
  for (const catalog::Problem& p : problems) ctx.streams.out << p.to_string() << "\n";
  std::string which = ctx.global.catalog_dir.empty() ? "built-in catalog" : "catalog " + ctx.global.catalog_dir;
  ctx.streams.out << fmt::format("{}: {} add-ons ({} versions), {} profiles: {}\n", which, report.catalog.addons.size(),
                                 versions, report.catalog.profiles.size(),
                                 problems.empty() ? "no problems" : fmt::format("{} problem{}", problems.size(),
                                                                                problems.size() == 1 ? "" : "s"));
  if (!flags.require_pinned && !report.unpinned.empty()) {
    ctx.streams.out << fmt::format("note: {} sha256/digest value{} are \"unknown\" (not pinned); "
                                   "`aiplat catalog lint --require-pinned` lists them as problems\n",
                                   report.unpinned.size(), report.unpinned.size() == 1 ? "" : "s");
  }
  return problems.empty() ? 0 : 2;
}

}  // namespace

void add_catalog_command(CLI::App& app, CliContext& ctx) {
  CLI::App* cmd = app.add_subcommand("catalog", "List, show and lint the catalog of add-ons and profiles");
  cmd->require_subcommand(1);
  CLI::App* list_cmd = cmd->add_subcommand("list", "List add-ons with their versions, and profiles (-o table|json|yaml)");
  list_cmd->callback([&ctx] { ctx.action = [&ctx] { return list(ctx); }; });

  auto what = std::make_shared<std::string>();
  CLI::App* show_cmd = cmd->add_subcommand("show", "Print one add-on version as YAML or JSON (-o json)");
  show_cmd->add_option("addon", *what, "NAME or NAME@VERSION (default: the highest version)")->required();
  show_cmd->callback([&ctx, what] { ctx.action = [&ctx, what] { return show(ctx, *what); }; });

  auto lint_flags = std::make_shared<LintFlags>();
  CLI::App* lint_cmd = cmd->add_subcommand("lint", "Validate the whole catalog; exit 2 when anything is wrong");
  lint_cmd->add_flag("--strict", lint_flags->strict,
                     "Also render every profile at every minor it declares and check the catalog against the renders "
                     "(images, value keys, readiness rules); needs the sources (internet or --source-mirror)");
  lint_cmd->add_flag("--require-pinned", lint_flags->require_pinned,
                     "Report every sha256/digest that is \"unknown\" as a problem");
  lint_cmd->add_option("--source-mirror", lint_flags->source_mirror,
                       "Prefix for upstream URLs and chart repositories (docs/render.md), for --strict");
  lint_cmd->add_option("--helm", lint_flags->helm, "helm binary for --strict (default: helm from PATH)");
  lint_cmd->callback([&ctx, lint_flags] { ctx.action = [&ctx, lint_flags] { return lint(ctx, *lint_flags); }; });
  for (CLI::App* sub : cmd->get_subcommands({})) sub->fallthrough();
}

}  // namespace aiplat

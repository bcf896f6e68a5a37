#include "actions/catalog_lint.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "catalog/layering.hpp"
#include "catalog/lint.hpp"
#include "catalog/solver.hpp"
#include "render/chart_values.hpp"
#include "render/helm_pull.hpp"
#include "render/values.hpp"
#include "util/image_ref.hpp"

namespace aiplat::actions {
namespace {

using Json = nlohmann::json;

/// One disagreement and the plans ("onprem@1.35") it was seen in, so a problem common to every
/// plan is reported once.
struct Finding {
  catalog::SourceRef at;
  std::string message;
  std::vector<std::string> seen_in;
};

class Findings {
 public:
  void add(const catalog::SourceRef& at, const std::string& message, const std::string& plan) {
    std::string key = at.where() + "\n" + message;
    auto [it, fresh] = m_index.emplace(key, m_items.size());
    if (fresh) m_items.push_back(Finding{at, message, {}});
    Finding& f = m_items[it->second];
    if (std::find(f.seen_in.begin(), f.seen_in.end(), plan) == f.seen_in.end()) f.seen_in.push_back(plan);
  }

  std::vector<catalog::Problem> problems() const {
    std::vector<catalog::Problem> out;
    for (const Finding& f : m_items) {
      std::string plans;
      for (const std::string& p : f.seen_in) plans += (plans.empty() ? "" : ", ") + p;
      out.push_back(catalog::Problem{f.at, fmt::format("{} (rendered for {})", f.message, plans)});
    }
    return out;
  }

 private:
  std::vector<Finding> m_items;
  std::map<std::string, std::size_t> m_index;
};

/// What the renders of one add-on version used, across every plan that rendered it.
struct AddonUse {
  std::shared_ptr<const catalog::AddOn> addon;
  std::vector<ImageReference> images;  ///< rendered image closure (operands included)
  std::set<std::string> profiles;      ///< every profile layer of the plans that rendered it
};

bool same_image(const ImageReference& listed, const ImageReference& used) {
  if (listed.name() != used.name()) return false;
  if (!used.tag.empty() && (used.tag == listed.tag || listed.tag.starts_with(used.tag + "-"))) return true;
  return !used.digest.empty() && used.digest == listed.digest;
}

bool rule_matches(const catalog::ReadinessRule& rule, const Json& o) {
  if (o.value("kind", "") != rule.kind) return false;
  if (o.value("/metadata/name"_json_pointer, std::string()) != rule.name) return false;
  if (!rule.namespace_.empty() && o.value("/metadata/namespace"_json_pointer, std::string()) != rule.namespace_) {
    return false;
  }
  if (rule.api_version.empty()) return true;
  // The group must agree; the version may be another served one of the same group.
  auto group = [](const std::string& av) { return av.find('/') == std::string::npos ? "" : av.substr(0, av.find('/')); };
  return group(o.value("apiVersion", "")) == group(rule.api_version);
}

class RenderLint {
 public:
  RenderLint(const catalog::Catalog& catalog, const RenderLintOptions& options) : m_catalog(catalog), m_options(options) {}

  RenderLintResult run() {
    RenderLintResult result;
    for (const auto& [name, unused] : m_catalog.profiles) {
      RealFs fs;  // catalog profiles only: nothing is read from it
      Result<catalog::Profile> layered = catalog::layer_profiles(m_catalog, {name}, fs);
      if (!layered) continue;  // reported by the catalog's own checks
      for (const catalog::KubeMinor& minor : catalog::declared_minors(*layered)) {
        catalog::SolveOptions solve_options;
        solve_options.minor = minor;
        Result<catalog::Plan> plan = catalog::solve(m_catalog, *layered, solve_options);
        if (!plan) continue;  // reported by check_profiles_plan
        render_plan(*plan, result);
      }
    }
    compare_images();
    result.problems = m_findings.problems();
    return result;
  }

 private:
  void render_plan(const catalog::Plan& plan, RenderLintResult& result) {
    const std::string label = fmt::format("{}@{}", plan.profile, plan.minor.to_string());
    if (m_options.progress) m_options.progress(fmt::format("{} on Kubernetes {}", plan.profile, plan.minor.to_string()));
    ++result.plans;
    render::RenderOptions options = m_options.render;
    options.profiles = plan.profiles;
    options.minor = plan.minor;
    for (const catalog::PlanStep& step : plan.steps) {
      ++result.renders;
      check_values(step, plan, label);
      Result<render::RenderedAddon> r = render::render_step(step, options);
      if (!r) {
        m_findings.add(step.addon->at, r.error().message, label);
        continue;
      }
      for (const auto& [kind, namespaced] : r->crd_scopes) options.namespaced_kinds.emplace(kind, namespaced);
      AddonUse& use = m_use[step.addon->at.file];
      use.addon = step.addon;
      use.profiles.insert(plan.profiles.begin(), plan.profiles.end());
      for (const std::string& text : r->images) {
        if (Result<ImageReference> ref = parse_image_reference(text)) use.images.push_back(*ref);
      }
      for (const catalog::ReadinessRule& rule : step.addon->readiness) {
        bool found = std::any_of(r->objects.begin(), r->objects.end(), [&](const Json& o) { return rule_matches(rule, o); });
        if (!found) {
          m_findings.add(rule.at,
                         fmt::format("readiness rule names {} {}{}, which the render does not contain", rule.kind,
                                     rule.namespace_.empty() ? "" : rule.namespace_ + "/", rule.name),
                         label);
        }
      }
    }
  }

  /// Value keys of every helm source that its chart does not know.
  void check_values(const catalog::PlanStep& step, const catalog::Plan& plan, const std::string& label) {
    for (const catalog::Source& source : step.sources) {
      if (source.type != catalog::SourceType::helm) continue;
      Result<Json> values = render::helm_values(source, step, plan.profiles, *m_options.render.catalog_fs,
                                                m_options.render.catalog_root);
      if (!values) continue;  // the render reports it
      const render::ChartValues* chart = chart_values(source);
      if (chart == nullptr) continue;
      for (const std::string& key : render::unknown_value_keys(*values, *chart)) {
        m_findings.add(source.at,
                       fmt::format("value key {} is not in chart {} {} (values.yaml, values.schema.json or a "
                                   "subchart's): helm ignores it",
                                   key, source.chart, source.version),
                       label);
      }
    }
  }

  const render::ChartValues* chart_values(const catalog::Source& source) {
    const std::string id = source.repo + "/" + source.chart + "@" + source.version;
    if (auto it = m_charts.find(id); it != m_charts.end()) return it->second ? &*it->second : nullptr;
    std::optional<render::ChartValues> loaded;
    // A chart that cannot be pulled or read is reported by the render itself.
    if (Result<render::PulledChart> pulled = render::pull_chart(source, m_options.render)) {
      if (Result<render::ChartValues> v = render::read_chart_values(pulled->path)) loaded = std::move(*v);
    }
    auto [it, unused] = m_charts.emplace(id, std::move(loaded));
    return it->second ? &*it->second : nullptr;
  }

  /// Listed images that no render of their add-on version uses (operands are declared, not rendered).
  void compare_images() {
    for (const auto& [file, use] : m_use) {
      for (const catalog::Image& image : use.addon->images) {
        if (image.operand) continue;
        bool exercised = image.profiles.empty() || std::any_of(image.profiles.begin(), image.profiles.end(),
                                                               [&](const std::string& p) { return use.profiles.count(p); });
        if (!exercised) continue;  // no plan of those profiles rendered this version
        Result<ImageReference> listed = parse_image_reference(image.ref);
        if (!listed) continue;  // the catalog's own checks report it
        bool used = std::any_of(use.images.begin(), use.images.end(),
                                [&](const ImageReference& u) { return same_image(*listed, u); });
        if (!used) {
          m_findings.add(image.at,
                         fmt::format("image {} is listed but no render uses it; remove it, or mark it `operand: true` "
                                     "if the operator starts it",
                                     image.ref),
                         "every plan");
        }
      }
    }
  }

  const catalog::Catalog& m_catalog;
  const RenderLintOptions& m_options;
  Findings m_findings;
  std::map<std::string, AddonUse> m_use;  // by add-on file
  std::map<std::string, std::optional<render::ChartValues>> m_charts;
};

}  // namespace

Result<RenderLintResult> lint_renders(const catalog::Catalog& catalog, const RenderLintOptions& options) {
  if (options.render.catalog_fs == nullptr) return failure("catalog lint: no catalog file system given");
  if (options.render.cache_dir.empty()) return failure("catalog lint: no cache directory given");
  return RenderLint(catalog, options).run();
}

}  // namespace aiplat::actions

#include "catalog/solver.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "catalog/layering.hpp"
#include "catalog/plan_order.hpp"
#include "catalog/select.hpp"
#include "catalog/served_apis.hpp"

namespace aiplat::catalog {
namespace {

/// An add-on picked for the plan, before ordering.
struct Chosen {
  std::shared_ptr<const AddOn> addon;
  std::string mode;
  Json values = Json::object();
  std::vector<std::string> reasons;
  std::string via;  ///< "profile onprem" or "profile onprem -> kueue 0.19.2", for explanations
};

std::string label(const AddOn& a) { return a.name + " " + a.version.to_string(); }

bool applies(const std::vector<std::string>& filter, const std::vector<std::string>& layers) {
  if (filter.empty()) return true;
  return std::any_of(filter.begin(), filter.end(),
                     [&](const std::string& p) { return std::find(layers.begin(), layers.end(), p) != layers.end(); });
}

class Solver {
 public:
  Solver(const Catalog& catalog, const Profile& profile, KubeMinor minor, const SolveOptions& options)
      : m_catalog(catalog), m_profile(profile), m_minor(minor), m_options(options) {
    m_who = "profile " + display_name();
  }

  Result<Plan> run() {
    if (!m_profile.kubernetes.contains(m_minor)) {
      return input_error(fmt::format("{} supports Kubernetes {}, not {} (choose --kubernetes within that range; {})",
                                     m_who, m_profile.kubernetes.to_string(), m_minor.to_string(),
                                     m_profile.at.file));
    }
    check_registry();
    pick_entries();
    pull_in_requirements();
    check_capabilities_and_apis();
    check_conflicts();
    std::map<std::string, std::set<std::string>> edges = order_edges();
    check_crd_owners(edges);
    if (!m_errors.empty()) return refusal();
    Result<std::vector<std::string>> order = topological_order(edges);
    if (!order) {
      m_errors.push_back(order.error().message);
      return refusal();
    }
    return build_plan(*order, edges);
  }

 private:
  std::string display_name() const {
    std::string name;
    for (const std::string& l : m_profile.layers) name += (name.empty() ? "" : "+") + l;
    return name.empty() ? m_profile.name : name;
  }

  tl::unexpected<Error> refusal() const {
    std::string text = fmt::format("cannot plan {} for Kubernetes {}:", m_who, m_minor.to_string());
    for (const std::string& e : m_errors) text += "\n  " + e;
    return input_error(text);
  }

  void check_registry() {
    if (m_profile.image_redirection != "none" && m_profile.registry.mirror.empty()) {
      m_errors.push_back(fmt::format("{}: imageRedirection {} needs spec.registry.mirror ({})", m_who,
                                     m_profile.image_redirection, m_profile.at.file));
    }
    if (!m_profile.registry.allow_public_fallback && m_profile.registry.mirror.empty()) {
      m_errors.push_back(fmt::format("{}: registry.allowPublicFallback is false but no registry.mirror is set ({})",
                                     m_who, m_profile.at.file));
    }
  }

  void pick_entries() {
    for (const ProfileAddOn& e : m_profile.addons) {
      if (!e.kubernetes.contains(m_minor)) {
        m_skipped.push_back({e.name, fmt::format("{} lists {} only for Kubernetes {}, not {} ({})", m_who, e.name,
                                                 e.kubernetes.to_string(), m_minor.to_string(), e.at.where())});
        continue;
      }
      Result<Selection> s = select_version(m_catalog, m_who, e.name, e.version, m_minor, e.mode);
      if (!s) {
        m_errors.push_back(s.error().message + " (" + e.at.where() + ")");
        continue;
      }
      Chosen c;
      c.addon = s->addon;
      c.mode = s->mode;
      c.via = m_who;
      c.reasons.push_back(fmt::format("{} asks for {} \"{}\"", m_who, e.name, e.version.text));
      c.reasons.insert(c.reasons.end(), s->reasons.begin(), s->reasons.end());
      if (!c.mode.empty()) c.values = c.addon->modes.at(c.mode).values;
      c.values.merge_patch(e.values);
      m_order.push_back(e.name);
      m_chosen[e.name] = std::move(c);
    }
  }

  std::vector<const Requirement*> requirements(const Chosen& c) const {
    std::vector<const Requirement*> out;
    for (const Requirement& r : c.addon->requirements) out.push_back(&r);
    if (!c.mode.empty()) {
      for (const Requirement& r : c.addon->modes.at(c.mode).requirements) out.push_back(&r);
    }
    return out;
  }

  std::vector<std::string> capabilities(const Chosen& c) const {
    std::vector<std::string> out = c.addon->capabilities;
    if (!c.mode.empty()) {
      const auto& extra = c.addon->modes.at(c.mode).capabilities;
      out.insert(out.end(), extra.begin(), extra.end());
    }
    return out;
  }

  bool skipped(const std::string& name) const {
    return std::any_of(m_skipped.begin(), m_skipped.end(), [&](const SkippedEntry& s) { return s.name == name; });
  }

  /// Adds required add-ons the profile does not list, until nothing new is needed.
  void pull_in_requirements() {
    for (std::size_t i = 0; i < m_order.size(); ++i) {
      // std::map keeps references valid while the loop below inserts new entries.
      const Chosen& c = m_chosen.at(m_order[i]);
      std::shared_ptr<const AddOn> a = c.addon;
      std::string via = c.via;
      for (const Requirement* r : requirements(c)) {
        if (r->kind != Requirement::Kind::addon) continue;
        std::string needs = r->version ? fmt::format("{} \"{}\"", r->name, r->version->text) : r->name;
        auto have = m_chosen.find(r->name);
        if (have != m_chosen.end()) {
          if (r->version && !r->version->matches(have->second.addon->version)) {
            m_errors.push_back(fmt::format("{} -> {} requires {}, but the plan has {} ({}) ({})", via, label(*a), needs,
                                           label(*have->second.addon), have->second.via, r->at.where()));
          }
          continue;
        }
        if (r->optional) continue;
        if (skipped(r->name)) {
          m_errors.push_back(fmt::format("{} -> {} requires {}, which {} leaves out on Kubernetes {} ({})", via,
                                         label(*a), needs, m_who, m_minor.to_string(), r->at.where()));
          continue;
        }
        VersionConstraint any = r->version ? *r->version : *parse_constraint("*");
        std::string chain = fmt::format("{} -> {} requires", via, label(*a));
        Result<Selection> s = select_version(m_catalog, chain, r->name, any, m_minor, "");
        if (!s) {
          m_errors.push_back(s.error().message + " (" + r->at.where() + ")");
          continue;
        }
        Chosen dep;
        dep.addon = s->addon;
        dep.mode = s->mode;
        dep.via = fmt::format("{} -> {}", via, label(*a));
        dep.reasons.push_back(fmt::format("required by {} ({} does not list it)", label(*a), m_who));
        dep.reasons.insert(dep.reasons.end(), s->reasons.begin(), s->reasons.end());
        if (!dep.mode.empty()) dep.values = dep.addon->modes.at(dep.mode).values;
        m_order.push_back(r->name);
        m_chosen[r->name] = std::move(dep);
      }
    }
  }

  std::vector<std::string> providers(const std::string& capability) const {
    std::vector<std::string> out;
    for (const auto& [name, c] : m_chosen) {
      std::vector<std::string> caps = capabilities(c);
      if (std::find(caps.begin(), caps.end(), capability) != caps.end()) out.push_back(name);
    }
    return out;
  }

  std::string catalog_providers(const std::string& capability) const {
    std::set<std::string> names;
    for (const auto& [name, versions] : m_catalog.addons) {
      for (const auto& a : versions) {
        bool has = std::find(a->capabilities.begin(), a->capabilities.end(), capability) != a->capabilities.end();
        for (const auto& [mode_name, mode] : a->modes) {
          if (std::find(mode.capabilities.begin(), mode.capabilities.end(), capability) != mode.capabilities.end()) {
            names.insert(name + " (mode " + mode_name + ")");
          }
        }
        if (has) names.insert(name);
      }
    }
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
  }

  bool api_served(const std::string& gv, std::string& why) const {
    std::string group = gv.find('/') == std::string::npos ? "" : gv.substr(0, gv.find('/'));
    for (const auto& [name, c] : m_chosen) {
      const auto& owns = c.addon->crds.owns;
      std::vector<std::string> caps = capabilities(c);
      if ((!group.empty() && std::find(owns.begin(), owns.end(), group) != owns.end()) ||
          std::find(caps.begin(), caps.end(), gv) != caps.end()) {
        return true;  // an add-on of the plan serves it (CRDs or an aggregated API)
      }
    }
    if (m_options.served_apis) {
      why = "the cluster does not serve it";
      return m_options.served_apis->count(gv) > 0;
    }
    Served s = built_in_api(gv, m_minor);
    why = fmt::format("Kubernetes {}: {}", m_minor.to_string(), to_string(s));
    return s == Served::by_default;
  }

  void check_capabilities_and_apis() {
    for (const auto& [name, c] : m_chosen) {
      for (const Requirement* r : requirements(c)) {
        if (r->kind == Requirement::Kind::capability && !r->optional && providers(r->name).empty()) {
          m_errors.push_back(fmt::format(
              "{} -> {} requires capability \"{}\", which no add-on in the plan provides (catalog add-ons that do: {}; "
              "add one to the profile) ({})",
              c.via, label(*c.addon), r->name, catalog_providers(r->name), r->at.where()));
        }
        std::string why;
        if (r->kind == Requirement::Kind::api && !r->optional && !api_served(r->name, why)) {
          m_errors.push_back(fmt::format("{} -> {} requires API {}, which is not available ({}) ({})", c.via,
                                         label(*c.addon), r->name, why, r->at.where()));
        }
      }
    }
  }

  void check_conflicts() {
    std::set<std::pair<std::string, std::string>> reported;
    for (const auto& [name, c] : m_chosen) {
      std::vector<const Conflict*> all;
      for (const Conflict& x : c.addon->conflicts) all.push_back(&x);
      if (!c.mode.empty()) {
        for (const Conflict& x : c.addon->modes.at(c.mode).conflicts) all.push_back(&x);
      }
      for (const Conflict* x : all) {
        std::vector<std::string> others;
        if (x->kind == Conflict::Kind::addon && m_chosen.count(x->name) && x->name != name) others.push_back(x->name);
        if (x->kind == Conflict::Kind::capability) {
          for (const std::string& p : providers(x->name)) {
            if (p != name) others.push_back(p);
          }
        }
        for (const std::string& other : others) {
          auto key = std::minmax(name, other);
          if (!reported.insert({key.first, key.second}).second) continue;
          const Chosen& o = m_chosen.at(other);
          std::string what = x->kind == Conflict::Kind::capability
                                 ? fmt::format("capability \"{}\" of {}", x->name, label(*o.addon))
                                 : label(*o.addon);
          std::string mode = c.mode.empty() ? "" : fmt::format(" (mode {})", c.mode);
          m_errors.push_back(fmt::format("{}{} conflicts with {}{}; remove one from {} or change its mode ({})",
                                         label(*c.addon), mode, what,
                                         x->reason.empty() ? "" : ": " + x->reason, m_who, x->at.where()));
        }
      }
    }
  }

  std::map<std::string, std::set<std::string>> order_edges() const {
    std::map<std::string, std::set<std::string>> edges;
    for (const auto& [name, c] : m_chosen) {
      std::set<std::string>& deps = edges[name];
      for (const Requirement* r : requirements(c)) {
        if (r->kind == Requirement::Kind::addon && m_chosen.count(r->name)) deps.insert(r->name);
        if (r->kind == Requirement::Kind::capability) {
          for (const std::string& p : providers(r->name)) {
            if (p != name) deps.insert(p);
          }
        }
      }
    }
    return edges;
  }

  /// One owner per CRD group; an add-on that defers a group comes after its owner.
  void check_crd_owners(std::map<std::string, std::set<std::string>>& edges) {
    std::map<std::string, std::vector<std::string>> owners;
    for (const auto& [name, c] : m_chosen) {
      const CrdOwnership& crds = c.addon->crds;
      for (const std::string& g : crds.owns) {
        if (std::find(crds.defers_to.begin(), crds.defers_to.end(), g) == crds.defers_to.end()) owners[g].push_back(name);
      }
    }
    for (const auto& [group, names] : owners) {
      if (names.size() < 2) continue;
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : " and ") + label(*m_chosen.at(n).addon);
      m_errors.push_back(fmt::format("CRD group {} has {} owners in the plan: {}; all but one must list it under "
                                     "crds.defersTo",
                                     group, names.size(), list));
    }
    for (const auto& [name, c] : m_chosen) {
      for (const std::string& g : c.addon->crds.defers_to) {
        auto it = owners.find(g);
        if (it == owners.end()) {
          m_errors.push_back(fmt::format("{} defers CRD group {} to its owner, but no add-on in the plan owns it; add "
                                         "the owner to {} ({})",
                                         label(*c.addon), g, m_who, c.addon->at.where()));
          continue;
        }
        for (const std::string& owner : it->second) {
          if (owner != name) edges[name].insert(owner);
        }
      }
    }
  }

  Result<Plan> build_plan(const std::vector<std::string>& order, const std::map<std::string, std::set<std::string>>& edges) {
    Plan plan;
    plan.profile = display_name();
    plan.profiles = m_profile.layers;
    plan.minor = m_minor;
    plan.skipped = m_skipped;
    plan.not_applicable = m_profile.not_applicable;
    plan.registry = m_profile.registry;
    plan.image_redirection = m_profile.image_redirection;
    plan.source_mirror = m_profile.source_mirror;
    plan.cluster_source = m_profile.cluster_source;
    plan.autoscaler = m_profile.autoscaler;
    plan.accelerator = m_profile.accelerator;
    int n = 0;
    for (const std::string& name : order) {
      const Chosen& c = m_chosen.at(name);
      const AddOn& a = *c.addon;
      PlanStep s;
      s.order = ++n;
      s.addon = c.addon;
      s.name = a.name;
      s.version = a.version;
      s.mode = c.mode;
      s.values = c.values;
      for (const Source& src : a.sources) {
        if (applies(src.profiles, plan.profiles)) s.sources.push_back(src);
      }
      for (const Patch& p : a.patches) {
        if (applies(p.profiles, plan.profiles)) s.patches.push_back(p);
      }
      for (const Image& img : a.images) {
        if (applies(img.profiles, plan.profiles)) s.images.push_back(img);
      }
      s.capabilities = capabilities(c);
      s.provides = a.provides;
      s.checks = a.checks;
      const std::set<std::string>& deps = edges.at(name);
      s.after.assign(deps.begin(), deps.end());
      s.reasons = c.reasons;
      plan.steps.push_back(std::move(s));
    }
    return plan;
  }

  const Catalog& m_catalog;
  const Profile& m_profile;
  KubeMinor m_minor;
  const SolveOptions& m_options;
  std::string m_who;
  std::map<std::string, Chosen> m_chosen;
  std::vector<std::string> m_order;  ///< names in the order they were chosen (profile order, then pulled in)
  std::vector<SkippedEntry> m_skipped;
  std::vector<std::string> m_errors;
};

}  // namespace

Result<Plan> solve(const Catalog& catalog, const Profile& profile, const SolveOptions& options) {
  std::optional<KubeMinor> minor = options.minor ? options.minor : profile.kubernetes_default;
  if (!minor) {
    return input_error(fmt::format("profile {} has no spec.kubernetes.default; pass --kubernetes 1.3x ({})",
                                   profile.name, profile.at.file));
  }
  Result<Profile> effective = profile_for_minor(catalog, profile, *minor);
  if (!effective) return tl::unexpected(effective.error());
  Solver solver(catalog, *effective, *minor, options);
  return solver.run();
}

}  // namespace aiplat::catalog

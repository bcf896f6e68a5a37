#include "catalog/cross_checks.hpp"

#include <set>

#include <fmt/format.h>

#include "catalog/layering.hpp"
#include "catalog/loader.hpp"

namespace aiplat::catalog {
namespace {

std::string suggestion(const std::string& word, const std::vector<std::string>& names) {
  std::string hint = nearest_spelling(word, names);
  return hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint);
}

std::string version_list(const std::vector<std::shared_ptr<const AddOn>>& versions) {
  std::string out;
  for (const auto& a : versions) out += (out.empty() ? "" : ", ") + a->version.to_string();
  return out;
}

struct Checker {
  const Catalog& catalog;
  Fs& fs;
  std::vector<Problem>& problems;
  const std::set<std::string>& unloadable;
  std::vector<std::string> addon_names;
  std::set<std::string> capabilities;

  void add(const SourceRef& at, std::string message) { problems.push_back(Problem{at, std::move(message)}); }

  void requirement(const AddOn& a, const Requirement& req) {
    if (req.kind == Requirement::Kind::capability) {
      if (!req.optional && !capabilities.count(req.name)) {
        std::vector<std::string> caps(capabilities.begin(), capabilities.end());
        add(req.at, fmt::format("{} {} requires capability \"{}\", which no add-on of the catalog provides{}", a.name,
                                a.version.to_string(), req.name, suggestion(req.name, caps)));
      }
      return;
    }
    if (req.kind != Requirement::Kind::addon) return;
    auto it = catalog.addons.find(req.name);
    if (it == catalog.addons.end()) {
      if (unloadable.count(req.name)) return;
      add(req.at, fmt::format("{} {} requires unknown add-on \"{}\"{}", a.name, a.version.to_string(), req.name,
                              suggestion(req.name, addon_names)));
      return;
    }
    if (req.name == a.name) add(req.at, fmt::format("{} requires itself", a.name));
    if (!req.version) return;
    bool any = false;
    for (const auto& v : it->second) any = any || req.version->matches(v->version);
    if (!any) {
      add(req.at, fmt::format("{} {} requires {} \"{}\", but the catalog has no such version (it has {})", a.name,
                              a.version.to_string(), req.name, req.version->text, version_list(it->second)));
    }
  }

  void conflict(const AddOn& a, const Conflict& c) {
    if (c.kind == Conflict::Kind::addon && !catalog.addons.count(c.name) && !unloadable.count(c.name)) {
      add(c.at, fmt::format("{} conflicts with unknown add-on \"{}\"{}", a.name, c.name, suggestion(c.name, addon_names)));
    }
  }

  void addon(const AddOn& a) {
    for (const Requirement& req : a.requirements) requirement(a, req);
    for (const Conflict& c : a.conflicts) conflict(a, c);
    for (const auto& [name, mode] : a.modes) {
      for (const Requirement& req : mode.requirements) requirement(a, req);
      for (const Conflict& c : mode.conflicts) conflict(a, c);
    }
    for (const Source& s : a.sources) {
      if (s.type == SourceType::files && !s.path.empty()) {
        std::string path = catalog_path(catalog.root, a.dir + "/" + s.path);
        if (!fs.exists(path)) {
          add(s.at, fmt::format("files source \"{}\" does not exist (looked for {})", s.path, path));
        }
      }
      for (const std::string& values : s.values_files) {
        std::string path = catalog_path(catalog.root, a.dir + "/" + values);
        if (!fs.exists(path)) add(s.at, fmt::format("values file \"{}\" does not exist (looked for {})", values, path));
      }
    }
    for (const std::string& g : a.crds.owns) {
      if (std::find(a.crds.defers_to.begin(), a.crds.defers_to.end(), g) != a.crds.defers_to.end()) {
        add(a.at, fmt::format("{} {} both owns and defers CRD group {}; pick one", a.name, a.version.to_string(), g));
      }
    }
  }

  void profile_entry(const Profile& p, const ProfileAddOn& e) {
    auto it = catalog.addons.find(e.name);
    if (it == catalog.addons.end()) {
      if (unloadable.count(e.name)) return;
      add(e.at, fmt::format("profile {}: unknown add-on \"{}\"{}", p.name, e.name, suggestion(e.name, addon_names)));
      return;
    }
    std::vector<std::shared_ptr<const AddOn>> matching;
    for (const auto& v : it->second) {
      if (e.version.matches(v->version)) matching.push_back(v);
    }
    if (matching.empty()) {
      add(e.at, fmt::format("profile {}: add-on {} \"{}\" matches no catalog version (it has {})", p.name, e.name,
                            e.version.text, version_list(it->second)));
      return;
    }
    if (e.mode.empty()) return;
    bool any = false;
    std::vector<std::string> modes;
    for (const auto& v : matching) {
      any = any || v->modes.count(e.mode);
      for (const auto& [name, m] : v->modes) modes.push_back(name);
    }
    if (!any) {
      std::string valid;
      for (const std::string& m : std::set<std::string>(modes.begin(), modes.end())) valid += (valid.empty() ? "" : ", ") + m;
      add(e.at, fmt::format("profile {}: add-on {} has no mode \"{}\"{}{}", p.name, e.name, e.mode,
                            valid.empty() ? " (it has no modes)" : " (modes: " + valid + ")",
                            suggestion(e.mode, modes)));
    }
  }
};

}  // namespace

void check_references(const Catalog& catalog, Fs& fs, std::vector<Problem>& problems,
                      const std::set<std::string>& unloadable) {
  Checker c{catalog, fs, problems, unloadable, {}, {}};
  for (const auto& [name, versions] : catalog.addons) {
    c.addon_names.push_back(name);
    for (const auto& a : versions) {
      c.capabilities.insert(a->capabilities.begin(), a->capabilities.end());
      for (const auto& [mode_name, mode] : a->modes) c.capabilities.insert(mode.capabilities.begin(), mode.capabilities.end());
    }
  }
  for (const auto& [name, versions] : catalog.addons) {
    for (const auto& a : versions) c.addon(*a);
  }
  for (const auto& [name, profile] : catalog.profiles) {
    for (const ProfileAddOn& e : profile.addons) c.profile_entry(profile, e);
    Result<std::vector<const Profile*>> order = extends_order(catalog, profile);
    if (!order) problems.push_back(Problem{profile.extends_at, order.error().message});
    for (const MinorLayer& layer : profile.minor_layers) {
      if (catalog.profiles.count(layer.profile) != 0) continue;
      std::vector<std::string> names;
      for (const auto& [n, unused] : catalog.profiles) names.push_back(n);
      std::string hint = nearest_spelling(layer.profile, names);
      problems.push_back(Problem{layer.at, fmt::format("minor layer names unknown profile \"{}\"{}", layer.profile,
                                                       hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint))});
    }
  }
}

}  // namespace aiplat::catalog

#include "catalog/layering.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "catalog/doc_reader.hpp"
#include "catalog/profile_parser.hpp"

namespace aiplat::catalog {
namespace {

void deep_merge(Json& base, const Json& over) {
  if (!base.is_object() || !over.is_object()) {
    base = over;
    return;
  }
  for (auto it = over.begin(); it != over.end(); ++it) {
    if (base.contains(it.key())) deep_merge(base[it.key()], it.value());
    else base[it.key()] = it.value();
  }
}

/// Merges two lists of mappings by the string field `key`: entries with the same key merge,
/// new ones are appended, so the base order is kept.
Json merge_by_key(const Json& base, const Json& over, const std::string& key) {
  Json out = base.is_array() ? base : Json::array();
  if (!over.is_array()) return out;
  for (const Json& entry : over) {
    auto same = std::find_if(out.begin(), out.end(), [&](const Json& e) {
      return e.is_object() && entry.is_object() && e.contains(key) && entry.contains(key) && e[key] == entry[key];
    });
    if (same != out.end()) deep_merge(*same, entry);
    else out.push_back(entry);
  }
  return out;
}

Result<void> visit(const Catalog& catalog, const Profile& p, std::vector<std::string>& stack,
                   std::vector<const Profile*>& out) {
  if (std::find(stack.begin(), stack.end(), p.name) != stack.end()) {
    std::string cycle;
    auto from = std::find(stack.begin(), stack.end(), p.name);
    for (auto it = from; it != stack.end(); ++it) cycle += *it + " -> ";
    return input_error(fmt::format("profile {}: extends forms a cycle: {}{}", stack.front(), cycle, p.name));
  }
  stack.push_back(p.name);
  for (const std::string& base : p.extends) {
    auto it = catalog.profiles.find(base);
    if (it == catalog.profiles.end()) {
      std::vector<std::string> names;
      for (const auto& [n, unused] : catalog.profiles) names.push_back(n);
      std::string hint = nearest_spelling(base, names);
      return input_error(fmt::format("profile {} extends unknown profile \"{}\"{}", p.name, base,
                                     hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
    }
    Result<void> r = visit(catalog, it->second, stack, out);
    if (!r) return r;
  }
  stack.pop_back();
  if (std::find(out.begin(), out.end(), &p) == out.end()) out.push_back(&p);
  return {};
}

}  // namespace

Result<std::vector<const Profile*>> extends_order(const Catalog& catalog, const Profile& top) {
  std::vector<std::string> stack;
  std::vector<const Profile*> out;
  Result<void> r = visit(catalog, top, stack, out);
  if (!r) return tl::unexpected(r.error());
  return out;
}

Profile merge_profiles(const Profile& base, const Profile& over) {
  Json doc = base.document.is_object() ? base.document : Json::object();
  Json spec = doc.value("spec", Json::object());
  Json over_spec = over.document.is_object() ? over.document.value("spec", Json::object()) : Json::object();
  Json addons = merge_by_key(spec.value("addons", Json::array()), over_spec.value("addons", Json::array()), "name");
  Json na = merge_by_key(spec.contains("checklist") ? spec["checklist"].value("notApplicable", Json::array()) : Json::array(),
                         over_spec.contains("checklist") && over_spec["checklist"].is_object()
                             ? over_spec["checklist"].value("notApplicable", Json::array())
                             : Json::array(),
                         "id");
  deep_merge(spec, over_spec);
  spec["addons"] = addons;
  if (!na.empty()) spec["checklist"]["notApplicable"] = na;
  spec.erase("extends");  // already applied; keeping it would re-layer on a second merge
  doc["spec"] = spec;
  doc["metadata"] = Json{{"name", over.name}};

  YamlDocument merged;
  merged.value = doc;
  merged.file = over.at.file;
  ParseFindings findings;
  Profile out = parse_profile(merged, findings);
  // Each layer was validated on its own; positions now come from the layer that last set an entry.
  std::map<std::string, SourceRef> entry_at, na_at;
  for (const Profile* p : {&base, &over}) {
    for (const ProfileAddOn& e : p->addons) entry_at[e.name] = e.at;
    for (const NotApplicable& n : p->not_applicable) na_at[n.id] = n.at;
  }
  for (ProfileAddOn& e : out.addons) e.at = entry_at[e.name];
  for (NotApplicable& n : out.not_applicable) n.at = na_at[n.id];
  out.at = over.at;
  out.extends.clear();
  out.layers = base.layers;
  for (const std::string& l : over.layers) {
    if (std::find(out.layers.begin(), out.layers.end(), l) == out.layers.end()) out.layers.push_back(l);
  }
  return out;
}

Result<Profile> profile_for_minor(const Catalog& catalog, const Profile& profile, const KubeMinor& minor) {
  Profile out = profile;
  out.minor_layers.clear();
  if (out.document.is_object() && out.document.contains("spec") && out.document["spec"].is_object()) {
    out.document["spec"].erase("minorLayers");
  }
  for (const MinorLayer& layer : profile.minor_layers) {
    if (!layer.kubernetes.contains(minor)) continue;
    auto it = catalog.profiles.find(layer.profile);
    if (it == catalog.profiles.end()) {
      return input_error(fmt::format("{}: profile {} layers unknown profile \"{}\" on Kubernetes {}", layer.at.where(),
                                     profile.name, layer.profile, layer.kubernetes.to_string()));
    }
    Result<std::vector<const Profile*>> order = extends_order(catalog, it->second);
    if (!order) return tl::unexpected(order.error());
    for (const Profile* p : *order) {
      std::string name = out.name;
      out = merge_profiles(out, *p);
      out.name = name;  // still the profile the user named; the layer shows in `layers`
      out.document["metadata"]["name"] = name;
    }
  }
  return out;
}

bool is_profile_path(const std::string& spec) {
  return spec.find('/') != std::string::npos || spec.ends_with(".yaml") || spec.ends_with(".yml");
}

Result<Profile> read_profile_file(Fs& fs, const std::string& path) {
  Result<std::string> text = fs.read_file(path);
  if (!text) return tl::unexpected(text.error().with_context("reading profile"));
  Result<YamlDocument> doc = parse_yaml(*text, path);
  if (!doc) return tl::unexpected(doc.error());
  ParseFindings findings;
  Profile p = parse_profile(*doc, findings);
  if (!findings.problems.empty()) {
    std::string all;
    for (const Problem& pr : findings.problems) all += "\n" + pr.to_string();
    return input_error(fmt::format("profile {} has {} problem{}:{}", path, findings.problems.size(),
                                   findings.problems.size() == 1 ? "" : "s", all));
  }
  return p;
}

Result<Profile> layer_profiles(const Catalog& catalog, const std::vector<std::string>& specs, Fs& fs) {
  if (specs.empty()) {
    std::string names;
    for (const auto& [n, unused] : catalog.profiles) names += (names.empty() ? "" : ", ") + n;
    return input_error(fmt::format("no profile given: pass --profile NAME (catalog profiles: {})",
                                   names.empty() ? "none" : names));
  }
  std::vector<Profile> from_files;  // owns profiles read from disk while layering
  from_files.reserve(specs.size());
  std::vector<const Profile*> order;
  for (const std::string& spec : specs) {
    const Profile* top = nullptr;
    if (is_profile_path(spec)) {
      Result<Profile> p = read_profile_file(fs, spec);
      if (!p) return tl::unexpected(p.error());
      from_files.push_back(std::move(*p));
      top = &from_files.back();
    } else {
      auto it = catalog.profiles.find(spec);
      if (it == catalog.profiles.end()) {
        std::vector<std::string> names;
        for (const auto& [n, unused] : catalog.profiles) names.push_back(n);
        std::string hint = nearest_spelling(spec, names);
        std::string all;
        for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
        return input_error(fmt::format("unknown profile \"{}\"{}; catalog profiles: {} (a file path needs a / or .yaml)",
                                       spec, hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint),
                                       all.empty() ? "none" : all));
      }
      top = &it->second;
    }
    Result<std::vector<const Profile*>> layers = extends_order(catalog, *top);
    if (!layers) return tl::unexpected(layers.error());
    for (const Profile* p : *layers) {
      if (std::find(order.begin(), order.end(), p) == order.end()) order.push_back(p);
    }
  }
  Profile result = *order.front();
  result.extends.clear();
  for (std::size_t i = 1; i < order.size(); ++i) result = merge_profiles(result, *order[i]);
  return result;
}

}  // namespace aiplat::catalog

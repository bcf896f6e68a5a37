#include "catalog/select.hpp"

#include <fmt/format.h>

#include "catalog/doc_reader.hpp"

namespace aiplat::catalog {
namespace {

/// Why `a` cannot be used, or "" when it can.
std::string rejection(const AddOn& a, const KubeMinor& minor, const std::string& mode) {
  if (!a.kubernetes.contains(minor)) {
    return fmt::format("supports Kubernetes {}, not {}", a.kubernetes.to_string(), minor.to_string());
  }
  if (!mode.empty() && !a.modes.count(mode)) {
    if (a.modes.empty()) return fmt::format("has no modes (asked for mode \"{}\")", mode);
    return fmt::format("has no mode \"{}\"", mode);
  }
  return "";
}

}  // namespace

Result<Selection> select_version(const Catalog& catalog, const std::string& who, const std::string& name,
                                 const VersionConstraint& constraint, const KubeMinor& minor, const std::string& mode) {
  std::string subject = fmt::format("{}: add-on {} \"{}\"", who, name, constraint.text);
  auto it = catalog.addons.find(name);
  if (it == catalog.addons.end()) {
    std::vector<std::string> names;
    for (const auto& [n, unused] : catalog.addons) names.push_back(n);
    std::string hint = nearest_spelling(name, names);
    return input_error(fmt::format("{}: no such add-on in the catalog{}", subject,
                                   hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
  }
  const auto& versions = it->second;  // highest first
  std::vector<std::string> turned_down;
  std::size_t outside = 0;
  for (const auto& a : versions) {
    if (!constraint.matches(a->version)) {
      ++outside;
      continue;
    }
    std::string why = rejection(*a, minor, mode);
    if (!why.empty()) {
      turned_down.push_back(a->version.to_string() + " " + why);
      continue;
    }
    Selection s;
    s.addon = a;
    s.mode = mode.empty() ? a->default_mode : mode;
    s.reasons.push_back(fmt::format("{} is the highest version matching \"{}\" for Kubernetes {}",
                                    a->version.to_string(), constraint.text, minor.to_string()));
    for (const auto& higher : versions) {
      if (higher == a) break;
      std::string no = constraint.matches(higher->version) ? rejection(*higher, minor, mode)
                                                           : fmt::format("outside \"{}\"", constraint.text);
      s.reasons.push_back(fmt::format("{} not used: {}", higher->version.to_string(), no));
    }
    return s;
  }
  if (turned_down.empty()) {
    std::string all;
    for (const auto& a : versions) all += (all.empty() ? "" : ", ") + a->version.to_string();
    return input_error(fmt::format("{}: no catalog version matches (the catalog has {})", subject, all));
  }
  std::string text;
  for (const std::string& t : turned_down) text += (text.empty() ? "" : "; ") + t;
  if (outside > 0) text += "; no other version matches";
  return input_error(fmt::format("{}: {}", subject, text));
}

}  // namespace aiplat::catalog

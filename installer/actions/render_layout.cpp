#include "actions/render_layout.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "util/yaml.hpp"

namespace aiplat::actions {
namespace {

std::string safe(const std::string& text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (std::isalnum(u) || c == '.' || c == '-') ? static_cast<char>(std::tolower(u)) : '-';
  }
  return out;
}

std::string str(const nlohmann::json& o, const char* pointer) {
  nlohmann::json::json_pointer p(pointer);
  return o.contains(p) && o.at(p).is_string() ? o.at(p).get<std::string>() : std::string();
}

}  // namespace

std::string addon_folder_name(int order, std::size_t count, const std::string& name) {
  int width = std::max<int>(2, static_cast<int>(std::to_string(count).size()));
  return fmt::format("{:0{}}-{}", order, width, safe(name));
}

std::vector<std::string> object_file_names(const std::vector<nlohmann::json>& objects) {
  std::vector<std::string> out;
  std::set<std::string> used;
  for (const nlohmann::json& o : objects) {
    std::string api = str(o, "/apiVersion");
    std::size_t slash = api.find('/');
    std::string base = safe(str(o, "/kind"));
    if (slash != std::string::npos) base += "." + safe(api.substr(0, slash));
    base += "_";
    if (std::string ns = str(o, "/metadata/namespace"); !ns.empty()) base += safe(ns) + "_";
    base += safe(str(o, "/metadata/name"));
    std::string name = base + ".yaml";
    // Names that differ only in characters made safe (":" vs "-") still get their own file.
    for (int n = 2; used.contains(name); ++n) name = fmt::format("{}-{}.yaml", base, n);
    used.insert(name);
    out.push_back(name);
  }
  return out;
}

std::string kustomization(const std::vector<std::string>& resources) {
  nlohmann::json k = {{"apiVersion", "kustomize.config.k8s.io/v1beta1"}, {"kind", "Kustomization"},
                      {"resources", resources}};
  return "# Written by aiplat render; re-rendering replaces this file.\n" + to_yaml(k);
}

bool is_addon_folder_name(const std::string& name) {
  std::size_t dash = name.find('-');
  if (dash == std::string::npos || dash < 2 || dash + 1 == name.size()) return false;
  return std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(dash),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace aiplat::actions

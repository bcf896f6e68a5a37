#include "catalog/loader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "catalog/addon_parser.hpp"
#include "catalog/cross_checks.hpp"
#include "catalog/profile_parser.hpp"

namespace aiplat::catalog {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

bool is_yaml(const std::string& name) { return name.ends_with(".yaml") || name.ends_with(".yml"); }

void load_addons(Fs& fs, const std::string& root, LoadReport& report, std::set<std::string>& unloadable) {
  std::string dir = catalog_path(root, "addons");
  if (!fs.is_directory(dir)) return;
  Result<std::vector<std::string>> files = fs.list_files(dir);
  if (!files) {
    report.problems.push_back(Problem{{}, files.error().message});
    return;
  }
  std::set<std::string> folders;       // addons/<name>/<version> that hold any file
  std::set<std::string> with_manifest;  // ... that hold addon.yaml
  for (const std::string& rel : *files) {
    std::vector<std::string> parts = split_path(rel);
    std::string file = catalog_path(root, "addons/" + rel);
    if (parts.size() < 3) {
      report.problems.push_back(Problem{SourceRef{file, 0, 0},
                                        "unexpected file: an add-on lives in addons/<name>/<version>/addon.yaml"});
      continue;
    }
    std::string folder = "addons/" + parts[0] + "/" + parts[1];
    folders.insert(folder);
    if (parts.size() != 3 || parts[2] != "addon.yaml") continue;
    with_manifest.insert(folder);
    unloadable.insert(parts[0]);  // until it loads; erased below
    Result<std::string> text = fs.read_file(file);
    if (!text) {
      report.problems.push_back(Problem{SourceRef{file, 0, 0}, text.error().message});
      continue;
    }
    Result<YamlDocument> doc = parse_yaml(*text, file);
    if (!doc) {
      report.problems.push_back(Problem{{}, doc.error().message});
      continue;
    }
    ParseFindings findings;
    AddOn addon = parse_addon(*doc, findings);
    DocReader r(*doc, findings.problems);
    if (!addon.name.empty() && addon.name != parts[0]) {
      r.error_at_value("/metadata/name", fmt::format("metadata.name \"{}\" must equal its folder name \"{}\"",
                                                     addon.name, parts[0]));
    }
    std::string written = doc->value.value("/metadata/version"_json_pointer, Json()).is_string()
                              ? doc->value.at("/metadata/version"_json_pointer).get<std::string>()
                              : std::string();
    if (!written.empty() && written != parts[1]) {
      r.error_at_value("/metadata/version", fmt::format("metadata.version \"{}\" must equal its folder name \"{}\"",
                                                        written, parts[1]));
    }
    addon.dir = folder;
    report.problems.insert(report.problems.end(), findings.problems.begin(), findings.problems.end());
    report.unpinned.insert(report.unpinned.end(), findings.unpinned.begin(), findings.unpinned.end());
    if (addon.name != parts[0] || written != parts[1]) continue;  // a mismatch would make the catalog ambiguous
    report.catalog.addons[addon.name].push_back(std::make_shared<const AddOn>(std::move(addon)));
  }
  for (const auto& [name, versions] : report.catalog.addons) unloadable.erase(name);
  for (const std::string& folder : folders) {
    if (!with_manifest.count(folder)) {
      report.problems.push_back(Problem{SourceRef{catalog_path(root, folder), 0, 0},
                                        "add-on folder without addon.yaml (expected " + folder + "/addon.yaml)"});
    }
  }
  for (auto& [name, versions] : report.catalog.addons) {
    std::sort(versions.begin(), versions.end(),
              [](const auto& a, const auto& b) { return compare(a->version, b->version) > 0; });
  }
}

void load_profiles(Fs& fs, const std::string& root, LoadReport& report) {
  std::string dir = catalog_path(root, "profiles");
  if (!fs.is_directory(dir)) return;
  Result<std::vector<std::string>> files = fs.list_files(dir);
  if (!files) {
    report.problems.push_back(Problem{{}, files.error().message});
    return;
  }
  for (const std::string& rel : *files) {
    std::string file = catalog_path(root, "profiles/" + rel);
    if (!is_yaml(rel)) continue;  // READMEs and the like may sit beside profiles
    if (rel.find('/') != std::string::npos) {
      report.problems.push_back(Problem{SourceRef{file, 0, 0}, "profiles live directly in profiles/<name>.yaml"});
      continue;
    }
    Result<std::string> text = fs.read_file(file);
    if (!text) {
      report.problems.push_back(Problem{SourceRef{file, 0, 0}, text.error().message});
      continue;
    }
    Result<YamlDocument> doc = parse_yaml(*text, file);
    if (!doc) {
      report.problems.push_back(Problem{{}, doc.error().message});
      continue;
    }
    ParseFindings findings;
    Profile profile = parse_profile(*doc, findings);
    std::string stem = rel.substr(0, rel.rfind('.'));
    if (!profile.name.empty() && profile.name != stem) {
      DocReader r(*doc, findings.problems);
      r.error_at_value("/metadata/name",
                       fmt::format("metadata.name \"{}\" must equal the file name \"{}\"", profile.name, stem));
    }
    report.problems.insert(report.problems.end(), findings.problems.begin(), findings.problems.end());
    report.unpinned.insert(report.unpinned.end(), findings.unpinned.begin(), findings.unpinned.end());
    if (profile.name.empty() || profile.name != stem) continue;
    report.catalog.profiles[profile.name] = std::move(profile);
  }
}

/// Orders problems by file, then line and column, so output is stable and reads top-down.
void sort_problems(std::vector<Problem>& problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.at.file, a.at.line, a.at.column) < std::tie(b.at.file, b.at.line, b.at.column);
  });
}

}  // namespace

std::string catalog_path(const std::string& root, const std::string& relative) {
  if (root.empty()) return relative;
  if (root.ends_with('/')) return root + relative;
  return root + "/" + relative;
}

std::string LoadReport::message() const {
  std::string out;
  for (const Problem& p : problems) out += (out.empty() ? "" : "\n") + p.to_string();
  return out;
}

LoadReport load_catalog(Fs& fs, const std::string& root) {
  LoadReport report;
  report.catalog.root = root;
  if (!fs.is_directory(catalog_path(root, "addons")) && !fs.is_directory(catalog_path(root, "profiles"))) {
    report.problems.push_back(Problem{SourceRef{root.empty() ? "catalog" : root, 0, 0},
                                      "no addons/ or profiles/ folder: not a catalog directory"});
    return report;
  }
  std::set<std::string> unloadable;  // add-on names none of whose versions loaded
  load_addons(fs, root, report, unloadable);
  load_profiles(fs, root, report);
  check_references(report.catalog, fs, report.problems, unloadable);
  sort_problems(report.problems);
  sort_problems(report.unpinned);
  return report;
}

Result<Catalog> load_valid_catalog(Fs& fs, const std::string& root) {
  LoadReport report = load_catalog(fs, root);
  if (!report.ok()) {
    return input_error(fmt::format("the catalog has {} problem{} (run `aiplat catalog lint` after fixing):\n{}",
                                   report.problems.size(), report.problems.size() == 1 ? "" : "s", report.message()));
  }
  return std::move(report.catalog);
}

std::shared_ptr<const AddOn> Catalog::find(const std::string& name, const Version& version) const {
  auto it = addons.find(name);
  if (it == addons.end()) return nullptr;
  for (const auto& a : it->second) {
    if (a->version == version) return a;
  }
  return nullptr;
}

}  // namespace aiplat::catalog

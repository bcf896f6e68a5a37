#include "catalog/addon_parser.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

namespace aiplat::catalog {
namespace {

constexpr std::string_view k_api_version = "aiplat.dev/v1alpha1";

void check_header(DocReader& r, std::string_view kind) {
  std::string api = r.string("/apiVersion", Need::required);
  if (!api.empty() && api != k_api_version) {
    r.error_at_value("/apiVersion", fmt::format("apiVersion is \"{}\"; this aiplat reads {}", api, k_api_version));
  }
  std::string k = r.string("/kind", Need::required);
  if (!k.empty() && k != kind) r.error_at_value("/kind", fmt::format("kind is \"{}\"; expected {}", k, kind));
}

std::vector<Requirement> parse_requirements(DocReader& r, const std::string& ptr) {
  std::vector<Requirement> out;
  std::size_t n = r.list(ptr);
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = child(ptr, i);
    if (!r.object(p, {"addon", "capability", "api", "version", "optional"}, Need::required)) continue;
    Requirement req;
    req.at = r.at(p);
    int kinds = 0;
    for (auto [key, kind] : {std::pair{"addon", Requirement::Kind::addon},
                             std::pair{"capability", Requirement::Kind::capability},
                             std::pair{"api", Requirement::Kind::api}}) {
      if (r.node(child(p, key)) == nullptr) continue;
      ++kinds;
      req.kind = kind;
      req.name = r.string(child(p, key), Need::required);
      req.at = r.value_at(child(p, key));
    }
    if (kinds != 1) {
      r.error(p, "a requires entry names exactly one of addon, capability or api");
      continue;
    }
    if (r.node(child(p, "version")) != nullptr) {
      if (req.kind != Requirement::Kind::addon) {
        r.error(child(p, "version"), "\"version\" applies only to an addon requirement");
      } else {
        req.version = r.constraint(child(p, "version"), Need::required);
      }
    }
    req.optional = r.boolean(child(p, "optional")).value_or(false);
    if (req.kind == Requirement::Kind::api && !req.name.empty()) {
      std::size_t slash = req.name.find('/');
      bool core = req.name == "v1";
      if (!core && (slash == std::string::npos || slash == 0 || slash + 1 == req.name.size() ||
                    req.name.find('/', slash + 1) != std::string::npos)) {
        r.error_at_value(child(p, "api"),
                         fmt::format("api \"{}\" must be GROUP/VERSION (resource.k8s.io/v1), or v1 for the core group",
                                     req.name));
      }
    }
    if (!req.name.empty()) out.push_back(std::move(req));
  }
  return out;
}

std::vector<Conflict> parse_conflicts(DocReader& r, const std::string& ptr) {
  std::vector<Conflict> out;
  std::size_t n = r.list(ptr);
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = child(ptr, i);
    if (!r.object(p, {"addon", "capability", "reason"}, Need::required)) continue;
    Conflict c;
    bool has_addon = r.node(child(p, "addon")) != nullptr;
    bool has_cap = r.node(child(p, "capability")) != nullptr;
    if (has_addon == has_cap) {
      r.error(p, "a conflicts entry names exactly one of addon or capability");
      continue;
    }
    c.kind = has_addon ? Conflict::Kind::addon : Conflict::Kind::capability;
    std::string key = has_addon ? "addon" : "capability";
    c.name = r.string(child(p, key), Need::required);
    c.at = r.value_at(child(p, key));
    c.reason = r.string(child(p, "reason"), Need::optional);
    if (!c.name.empty()) out.push_back(std::move(c));
  }
  return out;
}

void check_sha256(DocReader& r, ParseFindings& f, const std::string& ptr, const std::string& value, const std::string& what) {
  if (value == "unknown") {
    f.unpinned.push_back(Problem{r.value_at(ptr), fmt::format("{} is not pinned (sha256: unknown)", what)});
  } else if (!value.empty() && !is_sha256_hex(value)) {
    r.error_at_value(ptr, fmt::format("sha256 \"{}\" must be 64 lowercase hex digits, or \"unknown\"", value));
  }
}

void check_digest(DocReader& r, ParseFindings& f, const std::string& ptr, const std::string& value, const std::string& what) {
  if (value == "unknown") {
    f.unpinned.push_back(Problem{r.value_at(ptr), fmt::format("{} is not pinned (digest: unknown)", what)});
  } else if (!value.empty() && !(value.starts_with("sha256:") && is_sha256_hex(std::string_view(value).substr(7)))) {
    r.error_at_value(ptr, fmt::format("digest \"{}\" must be sha256: followed by 64 lowercase hex digits, or \"unknown\"",
                                      value));
  }
}

Source parse_source(DocReader& r, ParseFindings& f, const std::string& p) {
  Source s;
  s.at = r.at(p);
  std::string type = r.choice(child(p, "type"), {"files", "url", "helm"}, Need::required);
  std::initializer_list<std::string_view> common = {"type", "profiles"};
  std::vector<std::string_view> allowed(common);
  if (type == "files") {
    allowed.insert(allowed.end(), {"path"});
  } else if (type == "url") {
    allowed.insert(allowed.end(), {"url", "sha256"});
  } else if (type == "helm") {
    allowed.insert(allowed.end(), {"chart", "repo", "version", "digest", "releaseName", "values", "valuesFiles",
                                   "valuesByProfile", "includeCRDs"});
  } else {
    return s;  // the type error is already recorded; other fields cannot be judged
  }
  const Json* n = r.node(p);
  for (auto it = n->begin(); it != n->end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    std::string hint = nearest_spelling(it.key(), names);
    r.error(child(p, it.key()), fmt::format("unknown field \"{}\" in a {} source{}", it.key(), type,
                                            hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
  }
  s.profiles = r.strings(child(p, "profiles"));
  if (type == "files") {
    s.type = SourceType::files;
    s.path = r.string(child(p, "path"), Need::required);
    if (s.path.starts_with("/") || s.path.find("..") != std::string::npos) {
      r.error_at_value(child(p, "path"), fmt::format("path \"{}\" must stay inside the add-on folder", s.path));
    }
  } else if (type == "url") {
    s.type = SourceType::url;
    s.url = r.string(child(p, "url"), Need::required);
    if (!s.url.empty() && !s.url.starts_with("https://") && !s.url.starts_with("http://")) {
      r.error_at_value(child(p, "url"), fmt::format("url \"{}\" must start with https://", s.url));
    }
    s.sha256 = r.string(child(p, "sha256"), Need::required);
    check_sha256(r, f, child(p, "sha256"), s.sha256, fmt::format("url source {}", s.url));
  } else {
    s.type = SourceType::helm;
    s.chart = r.string(child(p, "chart"), Need::required);
    s.repo = r.string(child(p, "repo"), Need::required);
    if (!s.repo.empty() && !s.repo.starts_with("oci://") && !s.repo.starts_with("https://") &&
        !s.repo.starts_with("http://")) {
      r.error_at_value(child(p, "repo"), fmt::format("repo \"{}\" must be an oci:// reference or an https:// URL", s.repo));
    }
    s.version = r.string(child(p, "version"), Need::required);
    s.digest = r.string(child(p, "digest"), Need::required);
    check_digest(r, f, child(p, "digest"), s.digest, fmt::format("helm chart {} {}", s.chart, s.version));
    s.release_name = r.string(child(p, "releaseName"), Need::optional);
    s.values = r.mapping(child(p, "values"));
    s.values_files = r.strings(child(p, "valuesFiles"));
    Json by_profile = r.mapping(child(p, "valuesByProfile"));
    for (auto it = by_profile.begin(); it != by_profile.end(); ++it) {
      s.values_by_profile[it.key()] = r.mapping(child(child(p, "valuesByProfile"), it.key()));
    }
    s.include_crds = r.boolean(child(p, "includeCRDs")).value_or(true);
  }
  return s;
}

Mode parse_mode(DocReader& r, const std::string& p, const std::string& name) {
  Mode m;
  m.name = name;
  m.at = r.at(p);
  if (!r.object(p, {"description", "values", "capabilities", "conflicts", "requires"}, Need::optional)) return m;
  m.description = r.string(child(p, "description"), Need::optional);
  m.values = r.mapping(child(p, "values"));
  m.capabilities = r.strings(child(p, "capabilities"));
  m.conflicts = parse_conflicts(r, child(p, "conflicts"));
  m.requirements = parse_requirements(r, child(p, "requires"));
  return m;
}

void parse_lists(DocReader& r, ParseFindings& f, AddOn& a) {
  std::size_t n = r.list("/spec/patches");
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = child("/spec/patches", i);
    if (!r.object(p, {"target", "profiles", "patch"}, Need::required)) continue;
    Patch patch;
    patch.at = r.at(p);
    std::string t = child(p, "target");
    if (r.object(t, {"apiVersion", "kind", "name", "namespace"}, Need::required)) {
      patch.target.api_version = r.string(child(t, "apiVersion"), Need::optional);
      patch.target.kind = r.string(child(t, "kind"), Need::required);
      patch.target.name = r.string(child(t, "name"), Need::optional);
      patch.target.namespace_ = r.string(child(t, "namespace"), Need::optional);
    }
    patch.profiles = r.strings(child(p, "profiles"));
    if (r.node(child(p, "patch")) == nullptr) r.error(p, "missing required field \"patch\"");
    patch.patch = r.mapping(child(p, "patch"));
    a.patches.push_back(std::move(patch));
  }
  std::set<std::string> refs;
  n = r.list("/spec/images");
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = child("/spec/images", i);
    if (!r.object(p, {"ref", "digest", "operand", "profiles"}, Need::required)) continue;
    Image img;
    img.at = r.at(p);
    img.ref = r.string(child(p, "ref"), Need::required);
    if (!img.ref.empty() && img.ref.find('@') != std::string::npos) {
      r.error_at_value(child(p, "ref"), fmt::format("image \"{}\": put the digest in \"digest\", not in ref", img.ref));
    }
    if (!img.ref.empty() && !refs.insert(img.ref).second) {
      r.error_at_value(child(p, "ref"), fmt::format("image \"{}\" is listed twice", img.ref));
    }
    img.digest = r.string(child(p, "digest"), Need::required);
    check_digest(r, f, child(p, "digest"), img.digest, fmt::format("image {}", img.ref));
    img.operand = r.boolean(child(p, "operand")).value_or(false);
    img.profiles = r.strings(child(p, "profiles"));
    a.images.push_back(std::move(img));
  }
  n = r.list("/spec/customResourceImages");
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = child("/spec/customResourceImages", i);
    if (!r.object(p, {"apiVersion", "kind", "path"}, Need::required)) continue;
    CustomResourceImage c;
    c.at = r.at(p);
    c.api_version = r.string(child(p, "apiVersion"), Need::optional);
    c.kind = r.string(child(p, "kind"), Need::required);
    c.path = r.string(child(p, "path"), Need::required);
    if (!c.path.empty() && !c.path.starts_with("/")) {
      r.error_at_value(child(p, "path"), fmt::format("path \"{}\" must be a JSON pointer starting with /", c.path));
    }
    a.custom_resource_images.push_back(std::move(c));
  }
  n = r.list("/spec/readiness");
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = child("/spec/readiness", i);
    if (!r.object(p, {"apiVersion", "kind", "name", "namespace", "condition", "jsonPath", "equals"}, Need::required)) {
      continue;
    }
    ReadinessRule rule;
    rule.at = r.at(p);
    rule.api_version = r.string(child(p, "apiVersion"), Need::optional);
    rule.kind = r.string(child(p, "kind"), Need::required);
    rule.name = r.string(child(p, "name"), Need::required);
    rule.namespace_ = r.string(child(p, "namespace"), Need::optional);
    rule.condition = r.string(child(p, "condition"), Need::optional);
    rule.json_path = r.string(child(p, "jsonPath"), Need::optional);
    if (const Json* eq = r.node(child(p, "equals"))) rule.equals = *eq;
    bool has_condition = !rule.condition.empty();
    bool has_path = !rule.json_path.empty();
    if (has_condition == has_path) {
      r.error(p, "a readiness rule gives either condition, or jsonPath with equals");
    } else if (has_path && rule.equals.is_null()) {
      r.error(p, "a readiness rule with jsonPath needs \"equals\"");
    }
    a.readiness.push_back(std::move(rule));
  }
}

void parse_upgrade(DocReader& r, AddOn& a) {
  if (!r.object("/spec/upgrade", {"from", "notes", "storageMigrations"}, Need::optional)) return;
  a.upgrade.from = r.constraint("/spec/upgrade/from", Need::optional);
  a.upgrade.notes = r.strings("/spec/upgrade/notes");
  std::size_t n = r.list("/spec/upgrade/storageMigrations");
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = child("/spec/upgrade/storageMigrations", i);
    if (!r.object(p, {"group", "resource", "from", "to"}, Need::required)) continue;
    StorageMigration m;
    m.group = r.string(child(p, "group"), Need::required);
    m.resource = r.string(child(p, "resource"), Need::required);
    m.from = r.string(child(p, "from"), Need::required);
    m.to = r.string(child(p, "to"), Need::required);
    a.upgrade.storage_migrations.push_back(std::move(m));
  }
}

}  // namespace

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long long total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    long long n = 0;
    auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc() || ptr == text.data() + i) return std::nullopt;
    i = static_cast<std::size_t>(ptr - text.data());
    if (i >= text.size()) return std::nullopt;
    char unit = text[i++];
    if (unit == 'h') total += n * 3600;
    else if (unit == 'm') total += n * 60;
    else if (unit == 's') total += n;
    else return std::nullopt;
  }
  if (total <= 0) return std::nullopt;
  return std::chrono::seconds(total);
}

AddOn parse_addon(const YamlDocument& doc, ParseFindings& f) {
  AddOn a;
  a.document = doc.value;
  a.at = SourceRef{doc.file, 1, 1};
  DocReader r(doc, f.problems);
  if (!r.object("", {"apiVersion", "kind", "metadata", "spec"}, Need::required)) return a;
  check_header(r, "AddOn");
  if (r.object("/metadata", {"name", "version"}, Need::required)) {
    a.name = r.string("/metadata/name", Need::required);
    std::string v = r.string("/metadata/version", Need::required);
    if (!v.empty()) {
      Result<Version> parsed = parse_version(v);
      if (parsed) a.version = *parsed;
      else r.error_at_value("/metadata/version", parsed.error().message);
    }
  }
  if (!r.object("/spec",
                {"description", "homepage", "namespace", "kubernetes", "requires", "conflicts", "capabilities", "crds",
                 "provides", "checks", "modes", "defaultMode", "sources", "patches", "images", "customResourceImages",
                 "readiness", "timeout", "upgrade"},
                Need::required)) {
    return a;
  }
  a.description = r.string("/spec/description", Need::optional);
  a.homepage = r.string("/spec/homepage", Need::optional);
  a.namespace_ = r.string("/spec/namespace", Need::optional);
  a.kubernetes = r.minor_range("/spec/kubernetes");
  a.requirements = parse_requirements(r, "/spec/requires");
  a.conflicts = parse_conflicts(r, "/spec/conflicts");
  a.capabilities = r.strings("/spec/capabilities");
  if (r.object("/spec/crds", {"owns", "defersTo"}, Need::optional)) {
    a.crds.owns = r.strings("/spec/crds/owns");
    a.crds.defers_to = r.strings("/spec/crds/defersTo");
  }
  a.provides = r.strings("/spec/provides");
  a.checks = r.node("/spec/checks") != nullptr ? r.strings("/spec/checks") : a.provides;
  // Mode names are free (any key), so the mapping is walked without a field list.
  Json modes = r.mapping("/spec/modes");
  for (auto it = modes.begin(); it != modes.end(); ++it) {
    a.modes[it.key()] = parse_mode(r, child("/spec/modes", it.key()), it.key());
  }
  a.default_mode = r.string("/spec/defaultMode", Need::optional);
  if (!a.default_mode.empty() && !a.modes.count(a.default_mode)) {
    std::vector<std::string> names;
    for (const auto& [name, mode] : a.modes) names.push_back(name);
    std::string hint = nearest_spelling(a.default_mode, names);
    r.error_at_value("/spec/defaultMode", fmt::format("defaultMode \"{}\" is not one of the modes{}", a.default_mode,
                                                      hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
  }
  if (a.default_mode.empty() && !a.modes.empty()) {
    r.error("/spec/modes", "an add-on with modes must name its defaultMode");
  }
  std::size_t n = r.list("/spec/sources");
  for (std::size_t i = 0; i < n; ++i) {
    std::string p = child("/spec/sources", i);
    if (!r.object(p, {"type", "profiles", "path", "url", "sha256", "chart", "repo", "version", "digest", "releaseName",
                      "values", "valuesFiles", "valuesByProfile", "includeCRDs"},
                  Need::required)) {
      continue;
    }
    Source s = parse_source(r, f, p);
    if (s.type == SourceType::helm && s.release_name.empty()) s.release_name = a.name;
    a.sources.push_back(std::move(s));
  }
  parse_lists(r, f, a);
  std::string timeout = r.string("/spec/timeout", Need::optional);
  if (!timeout.empty()) {
    if (std::optional<std::chrono::seconds> d = parse_duration(timeout)) {
      a.timeout = *d;
    } else {
      r.error_at_value("/spec/timeout", fmt::format("timeout \"{}\" is not a duration such as 10m, 90s or 1h30m", timeout));
    }
  }
  parse_upgrade(r, a);
  return a;
}

}  // namespace aiplat::catalog

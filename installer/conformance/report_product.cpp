// PRODUCT.yaml is edited as text, line by line, so the official template's key order, comments
// and id/description/level lines stay exactly as published; only the values of status,
// evidence, notes and the vendor metadata change. The result is parsed back and compared.
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "conformance/report.hpp"

namespace aiplat::conformance {
namespace {

const std::vector<std::string> k_metadata_keys = {
    "kubernetesVersion", "platformName",      "platformVersion", "vendorName",       "websiteUrl", "repoUrl",
    "documentationUrl",  "productLogoUrl",    "description",     "contactEmailAddress", "k8sConformanceUrl"};
const std::set<std::string> k_statuses = {"Implemented", "Not Implemented", "Partially Implemented", "N/A"};

// "website_url" -> "websiteUrl"; camelCase names pass through.
std::string camel(const std::string& key) {
  std::string out;
  bool upper = false;
  for (char c : key) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  // The validator spells the acronym "k8s"; snake_case "k8s_conformance_url" maps onto it.
  return out;
}

bool placeholder(const std::string& value) {
  return value.empty() || (value.front() == '[' && value.back() == ']');
}

std::string yaml_quoted(const std::string& value) { return Json(value).dump(); }

// Splits the value part of "key: value   # comment" into value and the trailing comment (with spaces).
std::pair<std::string, std::string> split_value(const std::string& rest) {
  std::size_t i = 0;
  while (i < rest.size() && rest[i] == ' ') ++i;
  std::size_t end = i;
  if (end < rest.size() && (rest[end] == '"' || rest[end] == '\'')) {
    char q = rest[end++];
    while (end < rest.size() && rest[end] != q) end += (rest[end] == '\\' && q == '"') ? 2 : 1;
    end = std::min(end + 1, rest.size());
  } else if (end < rest.size() && rest[end] == '[') {
    end = rest.find(']', end);
    end = end == std::string::npos ? rest.size() : end + 1;
  } else {
    std::size_t hash = rest.find(" #", end);
    end = hash == std::string::npos ? rest.size() : hash;
  }
  return {rest.substr(i, end - i), rest.substr(end)};
}

struct TemplateItem {
  std::string section;
  std::string id;
  std::string description;
  std::string level;
};

Result<std::vector<TemplateItem>> template_items(const Json& doc, const std::string& where) {
  std::vector<TemplateItem> items;
  if (!doc.is_object() || !doc.contains("spec") || !doc["spec"].is_object()) {
    return input_error(where + ": not an AI conformance checklist (no spec: mapping)");
  }
  for (const auto& [section, list] : doc["spec"].items()) {
    if (!list.is_array()) return input_error(fmt::format("{}: spec.{} is not a list", where, section));
    for (const Json& item : list) {
      if (!item.is_object() || !item.contains("id")) {
        return input_error(fmt::format("{}: spec.{} has an item without id", where, section));
      }
      items.push_back({section, item.value("id", ""), item.value("description", ""), item.value("level", "")});
    }
  }
  return items;
}

}  // namespace

Result<ProductYaml> fill_product_yaml(const std::string& template_text, const std::string& template_file,
                                      const Json& product, const std::string& product_file, const Report& report) {
  Result<YamlDocument> parsed = parse_yaml(template_text, template_file);
  if (!parsed) return tl::unexpected(parsed.error());
  Result<std::vector<TemplateItem>> items = template_items(parsed->value, template_file);
  if (!items) return tl::unexpected(items.error());
  std::string version = parsed->value.value("metadata", Json::object()).value("kubernetesVersion", std::string());
  if (version != "v" + report.checklist) {
    return input_error(fmt::format("{}: the template is for Kubernetes {} but the checks ran the {} checklist; pass "
                                   "the template of the same minor (or --checklist {})",
                                   template_file, version.empty() ? "(no metadata.kubernetesVersion)" : version,
                                   report.checklist, version.empty() ? "..." : version.substr(1)));
  }
  // The template and our checklist must agree; a mismatch means a wrong or edited template.
  Result<Checklist> ours = checklist_for(report.checklist);
  if (!ours) return tl::unexpected(ours.error());
  std::vector<std::string> problems;
  for (const TemplateItem& t : *items) {
    const Requirement* r = ours->find(t.id);
    if (r == nullptr) {
      problems.push_back(fmt::format("template lists \"{}\", which the {} checklist does not", t.id, report.checklist));
    } else if (r->section != t.section || to_string(r->level) != t.level) {
      problems.push_back(fmt::format("template has {} in {} as {}, the checklist in {} as {}", t.id, t.section, t.level,
                                     r->section, to_string(r->level)));
    }
  }
  for (const Requirement& r : ours->requirements) {
    bool present = std::any_of(items->begin(), items->end(), [&](const TemplateItem& t) { return t.id == r.id; });
    if (!present) problems.push_back(fmt::format("template lacks \"{}\"", r.id));
  }
  // Vendor metadata: known keys only, string values.
  std::map<std::string, std::string> meta;
  if (!product.is_null()) {
    const Json& m = product.contains("metadata") ? product["metadata"] : product;
    if (!m.is_object()) {
      problems.push_back(product_file + ": expected a mapping of metadata fields (platformName, vendorName, ...)");
    } else {
      for (const auto& [key, value] : m.items()) {
        std::string k = camel(key);
        if (std::find(k_metadata_keys.begin(), k_metadata_keys.end(), k) == k_metadata_keys.end()) {
          problems.push_back(fmt::format("{}: unknown metadata field \"{}\" (known: {})", product_file, key,
                                         fmt::join(k_metadata_keys, ", ")));
        } else if (!value.is_string()) {
          problems.push_back(fmt::format("{}: metadata field \"{}\" must be a string", product_file, key));
        } else {
          meta[k] = value.get<std::string>();
        }
      }
    }
  }
  if (!problems.empty()) {
    std::string msg = "cannot fill PRODUCT.yaml:";
    for (const std::string& p : problems) msg += "\n  " + p;
    return input_error(msg);
  }

  std::map<std::string, const CheckResult*> by_id;
  for (const CheckResult& r : report.results) by_id[r.id] = &r;

  static const std::regex k_key_line(R"(^(\s+)([A-Za-z0-9_]+):(.*)$)");
  static const std::regex k_id_line(R"re(^(\s*)- id:\s*"?([A-Za-z0-9_]+)"?\s*(#.*)?$)re");
  std::string out;
  std::string block;      // top-level key we are in
  std::string current_id;
  std::string meta_indent = "  ";
  std::set<std::string> meta_written;
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < template_text.size();) {
    std::size_t end = template_text.find('\n', start);
    lines.push_back(template_text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    start = end == std::string::npos ? template_text.size() : end + 1;
  }
  auto flush_missing_metadata = [&] {
    for (const auto& [k, v] : meta) {
      if (meta_written.count(k) == 0) out += meta_indent + k + ": " + yaml_quoted(v) + "\n";
      meta_written.insert(k);
    }
  };
  for (const std::string& line : lines) {
    std::smatch m;
    bool top = !line.empty() && line[0] != ' ' && line[0] != '#' && line.find(':') != std::string::npos;
    if (top) {
      if (block == "metadata") flush_missing_metadata();
      block = line.substr(0, line.find(':'));
      out += line + "\n";
      continue;
    }
    if (block == "metadata" && std::regex_match(line, m, k_key_line)) {
      std::string key = m[2].str();
      meta_indent = m[1].str();
      auto it = meta.find(key);
      if (it != meta.end()) {
        auto [value, comment] = split_value(m[3].str());
        out += m[1].str() + key + ": " + yaml_quoted(it->second) + comment + "\n";
        meta_written.insert(key);
        continue;
      }
      meta_written.insert(key);
    } else if (block == "spec" && std::regex_match(line, m, k_id_line)) {
      current_id = m[2].str();
    } else if (block == "spec" && std::regex_match(line, m, k_key_line)) {
      std::string key = m[2].str();
      auto it = by_id.find(current_id);
      if (it != by_id.end() && (key == "status" || key == "evidence" || key == "notes")) {
        const CheckResult& r = *it->second;
        std::string status = product_status(r);
        auto [value, comment] = split_value(m[3].str());
        std::string filled;
        if (key == "status") {
          filled = yaml_quoted(status);
        } else if (key == "notes") {
          filled = yaml_quoted(product_notes(r));
        } else if (status.empty()) {
          filled = "[]";  // nothing verified: an empty SHOULD is skipped by the validator
        } else {
          filled = "[" + yaml_quoted("evidence/" + r.id + "/README.md") + ", " + yaml_quoted("evidence/" + r.id + "/transcript.log") + "]";
        }
        out += m[1].str() + key + ": " + filled + comment + "\n";
        continue;
      }
    }
    out += line + "\n";
  }
  if (block == "metadata") flush_missing_metadata();
  if (!template_text.empty() && template_text.back() != '\n' && !out.empty()) out.pop_back();

  // Parse the result back: the fixed fields must be untouched and every status allowed.
  Result<YamlDocument> back = parse_yaml(out, "PRODUCT.yaml");
  if (!back) return failure("the generated PRODUCT.yaml does not parse: " + back.error().message);
  Result<std::vector<TemplateItem>> back_items = template_items(back->value, "PRODUCT.yaml");
  if (!back_items || back_items->size() != items->size()) return failure("the generated PRODUCT.yaml lost requirements");
  for (std::size_t i = 0; i < items->size(); ++i) {
    const TemplateItem& a = (*items)[i];
    const TemplateItem& b = (*back_items)[i];
    if (a.id != b.id || a.description != b.description || a.level != b.level || a.section != b.section) {
      return failure("the generated PRODUCT.yaml changed the fixed fields of " + a.id);
    }
  }

  ProductYaml result;
  result.text = out;
  const Json& out_meta = back->value.value("metadata", Json::object());
  for (const std::string& k : k_metadata_keys) {
    if (k == "repoUrl") continue;  // optional for the validator
    std::string v = out_meta.contains(k) && out_meta[k].is_string() ? out_meta[k].get<std::string>() : std::string();
    if (placeholder(v)) {
      result.warnings.push_back(fmt::format("metadata.{} is {}; the CNCF validator requires it{}", k,
                                            v.empty() ? "missing" : "a placeholder",
                                            k == "k8sConformanceUrl" ? " for every version, even where the template "
                                                                       "omits it"
                                                                     : ""));
    }
  }
  if (auto logo = meta.find("productLogoUrl"); logo != meta.end()) {
    std::string l = logo->second;
    std::transform(l.begin(), l.end(), l.begin(), ::tolower);
    if (!l.ends_with(".svg") && !l.ends_with(".eps") && !l.ends_with(".ai")) {
      result.warnings.push_back("metadata.productLogoUrl should be an SVG, EPS or AI file showing the product name");
    }
  }
  if (auto url = meta.find("k8sConformanceUrl"); url != meta.end()) {
    static const std::regex k_url(R"(^https://github\.com/cncf/k8s-conformance/tree/(master|main)/v1\.[0-9]+/[^/]+/?$)");
    if (!std::regex_match(url->second, k_url)) {
      result.warnings.push_back("metadata.k8sConformanceUrl should look like "
                                "https://github.com/cncf/k8s-conformance/tree/main/vX.Y/<product>");
    }
  }
  for (const TemplateItem& t : *items) {
    auto it = by_id.find(t.id);
    std::string status = it == by_id.end() ? std::string() : product_status(*it->second);
    if (!status.empty() && k_statuses.count(status) == 0) return failure("internal: unknown status " + status);
    if (t.level != "MUST") continue;
    if (status.empty()) {
      result.warnings.push_back(fmt::format("{} (MUST) has no status; the validator requires Implemented", t.id));
    } else if (status == "N/A") {
      result.warnings.push_back(fmt::format("{} (MUST) is N/A: the FAQ allows N/A with a justification, but the CNCF "
                                            "validator accepts only Implemented for a MUST; expect manual review",
                                            t.id));
    } else if (status != "Implemented") {
      result.warnings.push_back(fmt::format("{} (MUST) is {}; the CNCF validator accepts only Implemented", t.id, status));
    }
  }
  return result;
}

}  // namespace aiplat::conformance

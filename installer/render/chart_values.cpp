#include "render/chart_values.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <regex>
#include <set>

#include <fmt/format.h>

#include "util/yaml.hpp"

namespace aiplat::render {
namespace {

using Json = nlohmann::json;

constexpr std::size_t k_max_file = 64u << 20;  // a values file or nested chart larger than this is refused

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The files a values check needs, by path inside the archive.
Result<std::map<std::string, std::string>> read_entries(const void* data, std::size_t size, const std::string& path,
                                                         const std::string& what) {
  struct Reader {
    archive* a = archive_read_new();
    ~Reader() { archive_read_free(a); }
  } reader;
  archive_read_support_filter_all(reader.a);
  archive_read_support_format_tar(reader.a);
  int opened = data != nullptr ? archive_read_open_memory(reader.a, data, size)
                               : archive_read_open_filename(reader.a, path.c_str(), 1 << 16);
  if (opened != ARCHIVE_OK) {
    return input_error(fmt::format("{}: not a chart archive: {}", what, archive_error_string(reader.a)));
  }
  std::map<std::string, std::string> out;
  archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(reader.a, &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK) return input_error(fmt::format("{}: damaged chart archive: {}", what, archive_error_string(reader.a)));
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    std::string name = archive_entry_pathname(entry);
    bool wanted = ends_with(name, "/Chart.yaml") || ends_with(name, "/values.yaml") ||
                  ends_with(name, "/values.schema.json") || name.find("/templates/") != std::string::npos ||
                  (ends_with(name, ".tgz") && name.find("/charts/") != std::string::npos);
    if (!wanted) continue;
    la_int64_t length = archive_entry_size(entry);
    if (length < 0 || static_cast<std::size_t>(length) > k_max_file) {
      return input_error(fmt::format("{}: {} is too large for a chart file", what, name));
    }
    std::string content(static_cast<std::size_t>(length), '\0');
    la_ssize_t got = archive_read_data(reader.a, content.data(), content.size());
    if (got < 0 || static_cast<std::size_t>(got) != content.size()) {
      return input_error(fmt::format("{}: cannot read {}: {}", what, name, archive_error_string(reader.a)));
    }
    out.emplace(std::move(name), std::move(content));
  }
  return out;
}

Result<Json> yaml_object(const std::map<std::string, std::string>& files, const std::string& path,
                         const std::string& what) {
  auto it = files.find(path);
  if (it == files.end()) return Json::object();
  Result<YamlDocument> doc = parse_yaml(it->second, what + ": " + path);
  if (!doc) return tl::unexpected(doc.error());
  return doc->value.is_object() ? doc->value : Json::object();
}

Result<ChartValues> build(const std::map<std::string, std::string>& files, const std::string& prefix,
                          const std::string& what);

Result<ChartValues> from_archive(const void* data, std::size_t size, const std::string& path, const std::string& what) {
  Result<std::map<std::string, std::string>> files = read_entries(data, size, path, what);
  if (!files) return tl::unexpected(files.error());
  // The chart is the top folder that holds a Chart.yaml ("gpu-operator/Chart.yaml").
  std::string top;
  for (const auto& [name, unused] : *files) {
    std::size_t slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash) == "/Chart.yaml") {
      top = name.substr(0, slash + 1);
      break;
    }
  }
  if (top.empty()) return input_error(fmt::format("{}: no Chart.yaml at the top of the archive", what));
  return build(*files, top, what);
}

Result<ChartValues> build(const std::map<std::string, std::string>& files, const std::string& prefix,
                          const std::string& what) {
  ChartValues chart;
  Result<Json> meta = yaml_object(files, prefix + "Chart.yaml", what);
  if (!meta) return tl::unexpected(meta.error());
  chart.name = meta->value("name", "");
  Result<Json> values = yaml_object(files, prefix + "values.yaml", what);
  if (!values) return tl::unexpected(values.error());
  chart.values = std::move(*values);
  if (auto s = files.find(prefix + "values.schema.json"); s != files.end()) {
    chart.schema = Json::parse(s->second, nullptr, false);
    if (chart.schema.is_discarded()) chart.schema = nullptr;  // helm would refuse it; not ours to judge here
  }
  // `.Values.a.b` in the chart's own templates (not its subcharts'): keys a template reads without a default.
  static const std::regex k_reference(R"(\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+))");
  const std::string templates = prefix + "templates/";
  for (const auto& [name, content] : files) {
    if (!name.starts_with(templates)) continue;
    for (auto it = std::sregex_iterator(content.begin(), content.end(), k_reference); it != std::sregex_iterator(); ++it) {
      chart.referenced.insert((*it)[1].str().substr(1));
    }
  }
  // Subcharts by their own name; the parent's dependencies say which alias their values go under.
  std::map<std::string, ChartValues> by_name;
  const std::string charts = prefix + "charts/";
  for (const auto& [name, content] : files) {
    if (!name.starts_with(charts)) continue;
    std::string rest = name.substr(charts.size());
    Result<ChartValues> sub = tl::unexpected(Error{});
    if (rest.find('/') == std::string::npos && ends_with(rest, ".tgz")) {
      sub = from_archive(content.data(), content.size(), "", what + ": " + name);
    } else if (ends_with(rest, "/Chart.yaml") && rest.find('/') == rest.size() - std::string("/Chart.yaml").size()) {
      sub = build(files, charts + rest.substr(0, rest.find('/') + 1), what);
    } else {
      continue;
    }
    if (!sub) return tl::unexpected(sub.error());
    by_name.emplace(sub->name, std::move(*sub));
  }
  for (const Json& dep : meta->value("dependencies", Json::array())) {
    if (!dep.is_object()) continue;
    std::string name = dep.value("name", "");
    auto it = by_name.find(name);
    if (it == by_name.end()) continue;  // not vendored: helm template would fail on it anyway
    std::string key = dep.value("alias", "");
    chart.subcharts.emplace(key.empty() ? name : key, it->second);
  }
  for (auto& [name, sub] : by_name) chart.subcharts.emplace(name, std::move(sub));
  return chart;
}

/// The schema node of property `key` below `node`, or null; `open` says whether `node` allows any key.
const Json* schema_property(const Json* node, const std::string& key, bool& open) {
  open = false;
  if (node == nullptr || !node->is_object()) return nullptr;
  if (auto p = node->find("properties"); p != node->end() && p->is_object()) {
    if (auto k = p->find(key); k != p->end()) return &*k;
  }
  if (auto a = node->find("additionalProperties"); a != node->end() && (a->is_object() || (a->is_boolean() && a->get<bool>()))) open = true;
  if (node->contains("patternProperties")) open = true;
  // A schema that says nothing of properties constrains no keys.
  if (!node->contains("properties")) open = true;
  return nullptr;
}

/// Whether a template of `chart` reads `path` or something below it.
bool referenced(const ChartValues& chart, const std::string& path) {
  auto it = chart.referenced.lower_bound(path);
  return it != chart.referenced.end() && (*it == path || it->starts_with(path + "."));
}

void check(const Json& ours, const Json* defaults, const Json* schema, const ChartValues& chart, bool chart_top,
           const std::string& path, const std::string& rel_path, std::vector<std::string>& unknown) {
  for (const auto& [key, value] : ours.items()) {
    const std::string here = path.empty() ? key : path + "." + key;
    const std::string rel = rel_path.empty() ? key : rel_path + "." + key;
    if (chart_top && key == "global") continue;
    if (chart_top) {
      if (auto sub = chart.subcharts.find(key); sub != chart.subcharts.end()) {
        // The parent may declare defaults for the subchart too; either knows the key.
        if (value.is_object()) {
          std::vector<std::string> missing;
          check(value, &sub->second.values, sub->second.schema.is_null() ? nullptr : &sub->second.schema, sub->second,
                true, here, "", missing);
          for (const std::string& m : missing) {
            const Json* d = defaults != nullptr && defaults->contains(key) ? &(*defaults)[key] : nullptr;
            if (d == nullptr) unknown.push_back(m);
            else {
              std::vector<std::string> again;
              check(value, d, nullptr, chart, false, here, rel, again);
              if (std::find(again.begin(), again.end(), m) != again.end()) unknown.push_back(m);
            }
          }
        }
        continue;
      }
    }
    bool open = false;
    const Json* child_schema = schema_property(schema, key, open);
    const Json* child_default = nullptr;
    if (defaults != nullptr && defaults->is_object()) {
      if (auto d = defaults->find(key); d != defaults->end()) child_default = &*d;
    }
    if (child_default == nullptr && child_schema == nullptr) {
      // Known only through an open schema or a template that reads it (what it holds is then the
      // template's business), or not at all.
      if (!(schema != nullptr && open) && !referenced(chart, rel)) unknown.push_back(here);
      continue;
    }
    if (!value.is_object()) continue;
    bool default_is_open = child_default == nullptr || !child_default->is_object() || child_default->empty();
    bool schema_is_open = child_schema == nullptr;
    if (default_is_open && schema_is_open) continue;
    check(value, default_is_open ? nullptr : child_default, child_schema, chart, false, here, rel, unknown);
  }
}

}  // namespace

Result<ChartValues> read_chart_values(const std::string& archive_path) {
  return from_archive(nullptr, 0, archive_path, archive_path);
}

std::vector<std::string> unknown_value_keys(const nlohmann::json& values, const ChartValues& chart) {
  std::vector<std::string> unknown;
  if (!values.is_object()) return unknown;
  check(values, &chart.values, chart.schema.is_null() ? nullptr : &chart.schema, chart, true, "", "", unknown);
  return unknown;
}

}  // namespace aiplat::render

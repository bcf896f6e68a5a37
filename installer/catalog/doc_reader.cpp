#include "catalog/doc_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace aiplat::catalog {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      std::size_t cost = (a[i - 1] == b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string nearest_spelling(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    std::size_t d = edit_distance(word, c);
    // Case-only differences ("defersto") are always worth suggesting.
    std::string lower_w(word), lower_c(c);
    std::transform(lower_w.begin(), lower_w.end(), lower_w.begin(), ::tolower);
    std::transform(lower_c.begin(), lower_c.end(), lower_c.begin(), ::tolower);
    if (lower_w == lower_c) d = 1;
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string child(const std::string& parent, std::string_view key) { return parent + "/" + json_pointer_token(key); }

std::string child(const std::string& parent, std::size_t index) { return parent + "/" + std::to_string(index); }

std::string json_type_name(const Json& value) {
  if (value.is_object()) return "a mapping";
  if (value.is_array()) return "a list";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "null";
}

SourceRef DocReader::at(const std::string& pointer) const {
  SourcePos pos = m_doc.position(pointer);
  return SourceRef{m_doc.file, pos.line, pos.column};
}

SourceRef DocReader::value_at(const std::string& pointer) const {
  auto it = m_doc.positions.find(pointer + "#value");
  if (it != m_doc.positions.end()) return SourceRef{m_doc.file, it->second.line, it->second.column};
  return at(pointer);
}

void DocReader::error(const std::string& pointer, std::string message) {
  m_problems.push_back(Problem{at(pointer), std::move(message)});
}

void DocReader::error_at_value(const std::string& pointer, std::string message) {
  m_problems.push_back(Problem{value_at(pointer), std::move(message)});
}

const Json* DocReader::node(const std::string& pointer) const {
  if (pointer.empty()) return &m_doc.value;
  Json::json_pointer p(pointer);
  if (!m_doc.value.contains(p)) return nullptr;
  return &m_doc.value.at(p);
}

static std::string field_name(const std::string& pointer) {
  std::string path = pointer;
  for (char& c : path) {
    if (c == '/') c = '.';
  }
  return path.empty() ? "the document" : path.substr(1);
}

bool DocReader::object(const std::string& pointer, std::initializer_list<std::string_view> allowed, Need need) {
  const Json* n = node(pointer);
  if (n == nullptr || n->is_null()) {
    if (need == Need::required) error(pointer, fmt::format("missing required field \"{}\"", field_name(pointer)));
    return false;
  }
  if (!n->is_object()) {
    error_at_value(pointer, fmt::format("\"{}\" must be a mapping, not {}", field_name(pointer), json_type_name(*n)));
    return false;
  }
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (auto it = n->begin(); it != n->end(); ++it) {
    if (std::find(names.begin(), names.end(), it.key()) != names.end()) continue;
    std::string hint = nearest_spelling(it.key(), names);
    std::string where = pointer.empty() ? "" : fmt::format(" in {}", field_name(pointer));
    if (!hint.empty()) {
      error(child(pointer, it.key()), fmt::format("unknown field \"{}\"{} (did you mean \"{}\"?)", it.key(), where, hint));
    } else {
      std::string all;
      for (const std::string& s : names) all += (all.empty() ? "" : ", ") + s;
      error(child(pointer, it.key()), fmt::format("unknown field \"{}\"{} (valid: {})", it.key(), where, all));
    }
  }
  return true;
}

std::string DocReader::string(const std::string& pointer, Need need) {
  const Json* n = node(pointer);
  if (n == nullptr || n->is_null()) {
    if (need == Need::required) error(pointer, fmt::format("missing required field \"{}\"", field_name(pointer)));
    return {};
  }
  if (n->is_string()) {
    if (need == Need::required && n->get<std::string>().empty()) {
      error_at_value(pointer, fmt::format("\"{}\" must not be empty", field_name(pointer)));
    }
    return n->get<std::string>();
  }
  if (n->is_number() || n->is_boolean()) {
    error_at_value(pointer, fmt::format("\"{}\" must be a string, not {} (quote it: \"{}\")", field_name(pointer),
                                        json_type_name(*n), n->dump()));
  } else {
    error_at_value(pointer, fmt::format("\"{}\" must be a string, not {}", field_name(pointer), json_type_name(*n)));
  }
  return {};
}

std::optional<bool> DocReader::boolean(const std::string& pointer) {
  const Json* n = node(pointer);
  if (n == nullptr || n->is_null()) return std::nullopt;
  if (!n->is_boolean()) {
    error_at_value(pointer,
                   fmt::format("\"{}\" must be true or false, not {}", field_name(pointer), json_type_name(*n)));
    return std::nullopt;
  }
  return n->get<bool>();
}

std::vector<std::string> DocReader::strings(const std::string& pointer) {
  std::vector<std::string> out;
  const Json* n = node(pointer);
  if (n == nullptr || n->is_null()) return out;
  if (!n->is_array()) {
    error_at_value(pointer,
                   fmt::format("\"{}\" must be a list of strings, not {}", field_name(pointer), json_type_name(*n)));
    return out;
  }
  for (std::size_t i = 0; i < n->size(); ++i) {
    std::string s = string(child(pointer, i), Need::required);
    if (!s.empty()) out.push_back(s);
  }
  return out;
}

Json DocReader::mapping(const std::string& pointer) {
  const Json* n = node(pointer);
  if (n == nullptr || n->is_null()) return Json::object();
  if (!n->is_object()) {
    error_at_value(pointer, fmt::format("\"{}\" must be a mapping, not {}", field_name(pointer), json_type_name(*n)));
    return Json::object();
  }
  return *n;
}

std::size_t DocReader::list(const std::string& pointer) {
  const Json* n = node(pointer);
  if (n == nullptr || n->is_null()) return 0;
  if (!n->is_array()) {
    error_at_value(pointer, fmt::format("\"{}\" must be a list, not {}", field_name(pointer), json_type_name(*n)));
    return 0;
  }
  return n->size();
}

std::optional<KubeMinor> DocReader::minor(const std::string& pointer, Need need) {
  const Json* n = node(pointer);
  if (n != nullptr && n->is_number()) {
    // YAML reads 1.30 as the number 1.3: only a quoted minor is unambiguous.
    error_at_value(pointer, fmt::format("Kubernetes minor \"{}\" must be quoted (\"{}\"), or YAML may read 1.30 as 1.3",
                                        field_name(pointer), n->dump()));
    return std::nullopt;
  }
  std::string s = string(pointer, need);
  if (s.empty()) return std::nullopt;
  Result<KubeMinor> m = parse_kube_minor(s);
  if (!m) {
    error_at_value(pointer, m.error().message);
    return std::nullopt;
  }
  return *m;
}

MinorRange DocReader::minor_range(const std::string& pointer) {
  MinorRange r;
  if (!object(pointer, {"min", "max"}, Need::optional)) return r;
  r.min = minor(child(pointer, "min"), Need::optional);
  r.max = minor(child(pointer, "max"), Need::optional);
  if (r.min && r.max && *r.max < *r.min) {
    error(child(pointer, "max"),
          fmt::format("Kubernetes range is empty: max {} is below min {}", r.max->to_string(), r.min->to_string()));
  }
  return r;
}

std::optional<VersionConstraint> DocReader::constraint(const std::string& pointer, Need need) {
  const Json* n = node(pointer);
  if (n != nullptr && n->is_number()) {
    error_at_value(pointer, fmt::format("version constraint \"{}\" must be quoted (\"{}\")", field_name(pointer), n->dump()));
    return std::nullopt;
  }
  std::string s = string(pointer, need);
  if (s.empty()) return std::nullopt;
  Result<VersionConstraint> c = parse_constraint(s);
  if (!c) {
    error_at_value(pointer, c.error().message);
    return std::nullopt;
  }
  return *c;
}

std::string DocReader::choice(const std::string& pointer, std::initializer_list<std::string_view> choices, Need need) {
  std::string s = string(pointer, need);
  if (s.empty()) return s;
  std::vector<std::string> names(choices.begin(), choices.end());
  if (std::find(names.begin(), names.end(), s) != names.end()) return s;
  std::string all;
  for (const std::string& c : names) all += (all.empty() ? "" : ", ") + c;
  std::string hint = nearest_spelling(s, names);
  error_at_value(pointer, fmt::format("\"{}\" is \"{}\"; it must be one of {}{}", field_name(pointer), s, all,
                                      hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
  return {};
}

}  // namespace aiplat::catalog

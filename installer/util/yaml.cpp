#include "util/yaml.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace aiplat {
namespace {

bool is_one_of(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (s == w) return true;
  }
  return false;
}

// Integers as go-yaml v2 reads them: optional sign, decimal with underscores,
// 0b binary, 0x hex, and a leading 0 for octal.
bool parse_int(std::string s, std::int64_t& out) {
  std::erase(s, '_');
  if (s.empty()) return false;
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return false;
  int base = 10;
  if (s.compare(i, 2, "0x") == 0) {
    base = 16;
    i += 2;
  } else if (s.compare(i, 2, "0b") == 0) {
    base = 2;
    i += 2;
  } else if (s.compare(i, 2, "0o") == 0) {
    base = 8;
    i += 2;
  } else if (s[i] == '0' && s.size() - i > 1) {
    base = 8;
    i += 1;
  }
  if (i >= s.size()) return false;
  unsigned __int128 value = 0;
  for (; i < s.size(); ++i) {
    int digit;
    char c = s[i];
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return false;
    if (digit >= base) return false;
    value = value * base + digit;
    if (value > static_cast<unsigned __int128>(std::numeric_limits<std::int64_t>::max()) + 1) return false;
  }
  if (!negative && value > static_cast<unsigned __int128>(std::numeric_limits<std::int64_t>::max())) return false;
  out = negative ? static_cast<std::int64_t>(-static_cast<__int128>(value)) : static_cast<std::int64_t>(value);
  return true;
}

bool parse_float(const std::string& s, double& out) {
  static const std::regex k_float(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (is_one_of(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    out = std::numeric_limits<double>::infinity();
    return true;
  }
  if (is_one_of(s, {"-.inf", "-.Inf", "-.INF"})) {
    out = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (is_one_of(s, {".nan", ".NaN", ".NAN"})) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  std::string plain = s;
  std::erase(plain, '_');
  if (!std::regex_match(plain, k_float)) return false;
  out = std::strtod(plain.c_str(), nullptr);
  return true;
}

std::string key_to_string(const Json& key) {
  if (key.is_string()) return key.get<std::string>();
  if (key.is_null()) return "null";
  return key.dump();
}

class Converter {
 public:
  Converter(YamlDocument& doc) : m_doc(doc) {}

  Result<Json> convert(const YAML::Node& node, const std::string& pointer) {
    m_doc.positions[pointer] = SourcePos{node.Mark().line + 1, node.Mark().column + 1};
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return Json(nullptr);
      case YAML::NodeType::Scalar:
        return convert_scalar(node);
      case YAML::NodeType::Sequence: {
        Json array = Json::array();
        std::size_t i = 0;
        for (const YAML::Node& item : node) {
          auto value = convert(item, pointer + "/" + std::to_string(i++));
          if (!value) return value;
          array.push_back(std::move(*value));
        }
        return array;
      }
      case YAML::NodeType::Map: {
        Json object = Json::object();
        for (const auto& entry : node) {
          auto key = entry.first.IsScalar() ? convert_scalar(entry.first) : Result<Json>(Json(nullptr));
          if (!key) return key;
          if (!entry.first.IsScalar() && !entry.first.IsNull()) {
            return error_at(entry.first, "mapping keys must be scalars");
          }
          std::string name = key_to_string(*key);
          if (object.contains(name)) {
            return error_at(entry.first, fmt::format("duplicate key \"{}\"", name));
          }
          auto value = convert(entry.second, pointer + "/" + json_pointer_token(name));
          if (!value) return value;
          object[name] = std::move(*value);
          // The key's own position is more useful in errors about unknown fields.
          m_doc.positions[pointer + "/" + json_pointer_token(name)] =
              SourcePos{entry.first.Mark().line + 1, entry.first.Mark().column + 1};
          m_doc.positions[pointer + "/" + json_pointer_token(name) + "#value"] =
              SourcePos{entry.second.Mark().line + 1, entry.second.Mark().column + 1};
        }
        return object;
      }
    }
    return Json(nullptr);
  }

 private:
  Result<Json> convert_scalar(const YAML::Node& node) {
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    if (tag == "!" ) return Json(text);  // quoted
    if (tag == "?" || tag.empty()) return yaml_scalar_to_json(text, false);
    if (tag == "tag:yaml.org,2002:str" || tag == "!!str") return Json(text);
    if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
        tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
      Json value = yaml_scalar_to_json(text, false);
      if (value.is_string()) return error_at(node, fmt::format("\"{}\" is not a valid {}", text, tag.substr(18)));
      return value;
    }
    if (tag == "tag:yaml.org,2002:binary") return Json(text);
    return error_at(node, fmt::format("unsupported tag \"{}\"", tag));
  }

  tl::unexpected<Error> error_at(const YAML::Node& node, const std::string& message) {
    return input_error(fmt::format("{}:{}:{}: {}", m_doc.file, node.Mark().line + 1, node.Mark().column + 1, message));
  }

  YamlDocument& m_doc;
};

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  if (!yaml_scalar_to_json(s, false).is_string()) return true;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return true;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return true;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string scalar_to_yaml(const Json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (std::isnan(d)) return ".nan";
    if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
    return value.dump();
  }
  if (value.is_number()) return value.dump();
  const std::string& s = value.get_ref<const std::string&>();
  if (needs_quotes(s)) return value.dump();  // a JSON string is a valid double-quoted YAML scalar
  return s;
}

// A multi-line string reads best as a literal block; only when every line can
// round-trip through one (no trailing blanks, no leading blank on the first line).
bool literal_block_ok(const std::string& s) {
  if (s.find('\n') == std::string::npos) return false;
  if (!s.empty() && (s.front() == ' ' || s.front() == '\n')) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    std::string_view line(s.data() + start, end - start);
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) return false;
    for (unsigned char c : line) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    }
    start = end + 1;
  }
  // More than one trailing newline would need "|+", which we do not emit.
  return !(s.size() >= 2 && s[s.size() - 1] == '\n' && s[s.size() - 2] == '\n');
}

void emit(const Json& value, int indent, std::string& out);

void emit_literal(const std::string& s, int indent, std::string& out) {
  out += s.back() == '\n' ? "|\n" : "|-\n";
  std::size_t start = 0;
  std::string body = s.back() == '\n' ? s.substr(0, s.size() - 1) : s;
  while (start <= body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    if (end > start) out += std::string(indent, ' ') + body.substr(start, end - start);
    out += '\n';
    start = end + 1;
  }
}

// Writes the value that follows "key:" or "- " on the current line.
void emit_inline_or_block(const Json& value, int indent, std::string& out, bool after_dash) {
  if (value.is_object() && !value.empty()) {
    if (after_dash) {
      // The first key shares the dash's line.
      std::string nested;
      emit(value, indent, nested);
      out += ' ' + nested.substr(static_cast<std::size_t>(indent));
    } else {
      out += '\n';
      emit(value, indent, out);
    }
  } else if (value.is_array() && !value.empty()) {
    out += '\n';
    emit(value, after_dash ? indent : indent - 2, out);
  } else if (value.is_object()) {
    out += " {}\n";
  } else if (value.is_array()) {
    out += " []\n";
  } else if (value.is_string() && literal_block_ok(value.get_ref<const std::string&>())) {
    out += ' ';
    emit_literal(value.get_ref<const std::string&>(), indent, out);
  } else {
    out += ' ' + scalar_to_yaml(value) + '\n';
  }
}

void emit(const Json& value, int indent, std::string& out) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      out += pad + scalar_to_yaml(Json(key)) + ':';
      emit_inline_or_block(child, indent + 2, out, false);
    }
  } else if (value.is_array()) {
    for (const Json& child : value) {
      out += pad + '-';
      if (child.is_array() && !child.empty()) {
        out += '\n';
        emit(child, indent + 2, out);
      } else {
        emit_inline_or_block(child, indent + 2, out, true);
      }
    }
  } else {
    out += pad + scalar_to_yaml(value) + '\n';
  }
}

}  // namespace

std::string json_pointer_token(std::string_view token) {
  std::string out;
  for (char c : token) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

SourcePos YamlDocument::position(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    auto it = positions.find(p);
    if (it != positions.end()) return it->second;
    if (p.empty()) return SourcePos{};
    std::size_t slash = p.rfind('/');
    p = slash == std::string::npos ? std::string() : p.substr(0, slash);
  }
}

std::string YamlDocument::where(const std::string& pointer) const {
  SourcePos pos = position(pointer);
  if (pos.line == 0) return file;
  return fmt::format("{}:{}:{}", file, pos.line, pos.column);
}

Json yaml_scalar_to_json(const std::string& text, bool quoted) {
  if (quoted) return Json(text);
  if (is_one_of(text, {"", "~", "null", "Null", "NULL"})) return Json(nullptr);
  if (is_one_of(text, {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"})) return Json(true);
  if (is_one_of(text, {"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"})) return Json(false);
  char first = text[0];
  if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.') {
    std::int64_t i = 0;
    if (parse_int(text, i)) return Json(i);
    double d = 0;
    if (parse_float(text, d)) {
      // JSON has one number type; whole floats print as integers, as encoding/json does.
      if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.007199254740992e15) {
        return Json(static_cast<std::int64_t>(d));
      }
      return Json(d);
    }
  }
  return Json(text);
}

Result<std::vector<YamlDocument>> parse_yaml_documents(std::string_view text, const std::string& file) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return input_error(fmt::format("{}:{}:{}: invalid YAML: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  std::vector<YamlDocument> docs;
  for (const YAML::Node& node : nodes) {
    if (!node.IsDefined() || node.IsNull()) continue;
    YamlDocument doc;
    doc.file = file;
    Converter converter(doc);
    auto value = converter.convert(node, "");
    if (!value) return tl::unexpected(value.error());
    doc.value = std::move(*value);
    docs.push_back(std::move(doc));
  }
  return docs;
}

Result<YamlDocument> parse_yaml(std::string_view text, const std::string& file) {
  auto docs = parse_yaml_documents(text, file);
  if (!docs) return tl::unexpected(docs.error());
  if (docs->empty()) {
    YamlDocument doc;
    doc.file = file;
    return doc;
  }
  if (docs->size() > 1) return input_error(fmt::format("{}: expected one YAML document, found {}", file, docs->size()));
  return std::move(docs->front());
}

std::string to_yaml(const Json& value) {
  std::string out;
  if (value.is_object() && value.empty()) return "{}\n";
  if (value.is_array() && value.empty()) return "[]\n";
  if (value.is_string() && literal_block_ok(value.get_ref<const std::string&>())) {
    emit_literal(value.get_ref<const std::string&>(), 2, out);
    return out;
  }
  emit(value, 0, out);
  return out;
}

std::string to_yaml_documents(const std::vector<Json>& docs) {
  std::string out;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    if (i > 0) out += "---\n";
    out += to_yaml(docs[i]);
  }
  return out;
}

}  // namespace aiplat

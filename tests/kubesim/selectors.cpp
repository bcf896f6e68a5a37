#include "selectors.hpp"

#include <algorithm>
#include <regex>

namespace kubesim {
namespace {

std::string trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  size_t end = text.find_last_not_of(" \t");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

// Splits on commas outside parentheses.
std::vector<std::string> split_terms(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  int depth = 0;
  for (char c : text) {
    if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    }
    if (c == ',' && depth == 0) {
      out.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!trim(current).empty() || !out.empty()) {
    out.push_back(trim(current));
  }
  return out;
}

std::optional<std::string> lookup(const nlohmann::json& object, const std::string& path) {
  const nlohmann::json* node = &object;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node->is_object() || !node->contains(part)) {
      return std::nullopt;
    }
    node = &(*node)[part];
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  if (node->is_string()) {
    return node->get<std::string>();
  }
  return node->dump();
}

}  // namespace

std::optional<std::string> parse_label_selector(const std::string& text, Selector& out) {
  static const std::regex k_set(R"(^(\S+)\s+(in|notin)\s*\((.*)\)$)");
  static const std::regex k_key(R"(^([A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?)$)");
  static const std::regex k_value(R"(^(([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?)$)");
  for (const std::string& term : split_terms(text)) {
    if (term.empty()) {
      return "empty term in label selector \"" + text + "\"";
    }
    Requirement req;
    std::smatch match;
    if (std::regex_match(term, match, k_set)) {
      req.key = match[1];
      req.op = match[2] == "in" ? Requirement::Op::in : Requirement::Op::not_in;
      for (const std::string& value : split_terms(match[3])) {
        req.values.push_back(value);
      }
    } else if (term[0] == '!') {
      req.op = Requirement::Op::not_exists;
      req.key = trim(term.substr(1));
    } else if (size_t pos = term.find("!="); pos != std::string::npos) {
      req.op = Requirement::Op::not_equals;
      req.key = trim(term.substr(0, pos));
      req.values = {trim(term.substr(pos + 2))};
    } else if (size_t pos2 = term.find("=="); pos2 != std::string::npos) {
      req.key = trim(term.substr(0, pos2));
      req.values = {trim(term.substr(pos2 + 2))};
      req.op = Requirement::Op::equals;
    } else if (size_t pos3 = term.find('='); pos3 != std::string::npos) {
      req.key = trim(term.substr(0, pos3));
      req.values = {trim(term.substr(pos3 + 1))};
      req.op = Requirement::Op::equals;
    } else {
      req.key = term;
      req.op = Requirement::Op::exists;
    }
    if (!std::regex_match(req.key, k_key)) {
      return "invalid label key \"" + req.key + "\" in selector \"" + text + "\"";
    }
    if ((req.op == Requirement::Op::in || req.op == Requirement::Op::not_in) && req.values.empty()) {
      return "\"" + term + "\" in selector \"" + text + "\": in and notin need at least one value";
    }
    for (const std::string& value : req.values) {
      // Label values: at most 63 characters, alphanumeric at both ends, '-', '_', '.' inside.
      if (value.size() > 63 || !std::regex_match(value, k_value)) {
        return "invalid label value \"" + value + "\" in selector \"" + text + "\"";
      }
    }
    out.requirements.push_back(std::move(req));
  }
  return std::nullopt;
}

std::optional<std::string> parse_field_selector(const std::string& text, Selector& out) {
  for (const std::string& term : split_terms(text)) {
    Requirement req;
    size_t pos = term.find("!=");
    if (pos != std::string::npos) {
      req.op = Requirement::Op::not_equals;
      req.key = trim(term.substr(0, pos));
      req.values = {trim(term.substr(pos + 2))};
    } else if ((pos = term.find("==")) != std::string::npos) {
      req.op = Requirement::Op::equals;
      req.key = trim(term.substr(0, pos));
      req.values = {trim(term.substr(pos + 2))};
    } else if ((pos = term.find('=')) != std::string::npos) {
      req.op = Requirement::Op::equals;
      req.key = trim(term.substr(0, pos));
      req.values = {trim(term.substr(pos + 1))};
    } else {
      return "invalid field selector term \"" + term + "\": expected field=value or field!=value";
    }
    if (req.key.empty()) {
      return "invalid field selector term \"" + term + "\": the field name is missing";
    }
    out.requirements.push_back(std::move(req));
  }
  return std::nullopt;
}

bool matches_labels(const Selector& selector, const nlohmann::json& object) {
  nlohmann::json labels = nlohmann::json::object();
  if (object.contains("metadata") && object["metadata"].contains("labels")) {
    labels = object["metadata"]["labels"];
  }
  for (const Requirement& req : selector.requirements) {
    bool has = labels.contains(req.key);
    std::string value = has && labels[req.key].is_string() ? labels[req.key].get<std::string>() : "";
    bool in_values = has && std::find(req.values.begin(), req.values.end(), value) != req.values.end();
    switch (req.op) {
      case Requirement::Op::equals:
      case Requirement::Op::in:
        if (!in_values) return false;
        break;
      case Requirement::Op::not_equals:
      case Requirement::Op::not_in:
        if (in_values) return false;
        break;
      case Requirement::Op::exists:
        if (!has) return false;
        break;
      case Requirement::Op::not_exists:
        if (has) return false;
        break;
    }
  }
  return true;
}

bool matches_fields(const Selector& selector, const nlohmann::json& object) {
  for (const Requirement& req : selector.requirements) {
    std::string value = lookup(object, req.key).value_or("");
    bool equal = value == req.values.front();
    if ((req.op == Requirement::Op::equals) != equal) {
      return false;
    }
  }
  return true;
}

}  // namespace kubesim

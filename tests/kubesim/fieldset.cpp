// Field-set arithmetic for server-side apply.
#include "fieldset.hpp"

#include <algorithm>

namespace kubesim {
namespace {

bool ignored_metadata_field(const std::string& key) {
  static const std::set<std::string> k_ignored = {"name",       "namespace",         "uid",
                                                  "resourceVersion", "generation",  "creationTimestamp",
                                                  "managedFields",   "deletionTimestamp", "selfLink",
                                                  "deletionGracePeriodSeconds"};
  return k_ignored.count(key) != 0;
}

std::string key_element(const Json& item, const std::vector<std::string>& keys) {
  Json key = Json::object();
  for (const std::string& k : keys) {
    if (item.is_object() && item.contains(k)) {
      key[k] = item[k];
    }
  }
  return "k:" + key.dump();
}

void walk(const Json& value, FieldPath& path, std::vector<std::string>& names, const ListTypeOracle& oracle,
          FieldSet& out) {
  if (value.is_object()) {
    if (value.empty() && !path.empty()) {
      out.insert(path);
      return;
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
      path.push_back("f:" + it.key());
      names.push_back(it.key());
      walk(it.value(), path, names, oracle, out);
      names.pop_back();
      path.pop_back();
    }
    return;
  }
  if (value.is_array()) {
    ListType type = oracle.list_type(names);
    if (type.kind == ListType::Kind::atomic || value.empty()) {
      out.insert(path);
      return;
    }
    for (const Json& item : value) {
      if (type.kind == ListType::Kind::set || !item.is_object()) {
        path.push_back("v:" + item.dump());
        out.insert(path);
        path.pop_back();
        continue;
      }
      path.push_back(key_element(item, type.keys));
      out.insert(path);
      walk(item, path, names, oracle, out);
      path.pop_back();
    }
    return;
  }
  out.insert(path);
}

// Finds the list item an element "k:{...}" or "v:..." names.
Json::const_iterator find_item(const Json& list, const std::string& element) {
  if (element.rfind("k:", 0) == 0) {
    Json key = Json::parse(element.substr(2), nullptr, false);
    return std::find_if(list.begin(), list.end(), [&](const Json& item) {
      if (!item.is_object() || !key.is_object()) {
        return false;
      }
      for (auto it = key.begin(); it != key.end(); ++it) {
        if (!item.contains(it.key()) || item[it.key()] != it.value()) {
          return false;
        }
      }
      return true;
    });
  }
  if (element.rfind("v:", 0) == 0) {
    Json value = Json::parse(element.substr(2), nullptr, false);
    return std::find(list.begin(), list.end(), value);
  }
  if (element.rfind("i:", 0) == 0) {
    size_t index = std::stoul(element.substr(2));
    return index < list.size() ? list.begin() + static_cast<long>(index) : list.end();
  }
  return list.end();
}

void insert_path(Json& tree, const FieldPath& path, size_t at) {
  if (at == path.size()) {
    return;
  }
  Json& child = tree[path[at]];
  if (child.is_null()) {
    child = Json::object();
  }
  insert_path(child, path, at + 1);
}

}  // namespace

FieldSet fields_of(const Json& object, const ListTypeOracle& oracle, FieldScope scope) {
  FieldSet out;
  if (!object.is_object()) {
    return out;
  }
  FieldPath path;
  std::vector<std::string> names;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    if (key == "apiVersion" || key == "kind") {
      continue;
    }
    if ((scope == FieldScope::main_resource && key == "status") ||
        (scope == FieldScope::status_only && key != "status")) {
      continue;
    }
    if (key == "metadata" && it.value().is_object()) {
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (ignored_metadata_field(m.key())) {
          continue;
        }
        path = {"f:metadata", "f:" + m.key()};
        names = {"metadata", m.key()};
        walk(m.value(), path, names, oracle, out);
      }
      continue;
    }
    path = {"f:" + key};
    names = {key};
    walk(it.value(), path, names, oracle, out);
  }
  return out;
}

const Json* value_at(const Json& object, const FieldPath& path) {
  const Json* current = &object;
  for (const std::string& element : path) {
    if (element.rfind("f:", 0) == 0) {
      if (!current->is_object()) {
        return nullptr;
      }
      auto it = current->find(element.substr(2));
      if (it == current->end()) {
        return nullptr;
      }
      current = &*it;
    } else {
      if (!current->is_array()) {
        return nullptr;
      }
      auto it = find_item(*current, element);
      if (it == current->end()) {
        return nullptr;
      }
      current = &*it;
    }
  }
  return current;
}

bool remove_at(Json& object, const FieldPath& path) {
  if (path.empty()) {
    return false;
  }
  FieldPath parent_path(path.begin(), path.end() - 1);
  Json* parent = const_cast<Json*>(value_at(object, parent_path));
  if (parent == nullptr) {
    return false;
  }
  const std::string& last = path.back();
  if (last.rfind("f:", 0) == 0) {
    return parent->is_object() && parent->erase(last.substr(2)) > 0;
  }
  if (!parent->is_array()) {
    return false;
  }
  auto it = find_item(*parent, last);
  if (it == parent->cend()) {
    return false;
  }
  parent->erase(it);
  return true;
}

Json to_fields_v1(const FieldSet& set) {
  Json tree = Json::object();
  for (const FieldPath& path : set) {
    insert_path(tree, path, 0);
  }
  // A member that also has children carries ".": {}.
  for (const FieldPath& path : set) {
    Json* node = &tree;
    for (const std::string& element : path) {
      node = &(*node)[element];
    }
    if (!node->empty()) {
      (*node)["."] = Json::object();
    }
  }
  return tree;
}

namespace {
void read_fields(const Json& node, FieldPath& path, FieldSet& out) {
  if (!node.is_object()) {
    return;
  }
  if (node.empty() && !path.empty()) {
    out.insert(path);
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == ".") {
      out.insert(path);
      continue;
    }
    path.push_back(it.key());
    read_fields(it.value(), path, out);
    path.pop_back();
  }
}
}  // namespace

FieldSet from_fields_v1(const Json& fields) {
  FieldSet out;
  FieldPath path;
  read_fields(fields, path, out);
  return out;
}

std::string describe_path(const FieldPath& path) {
  std::string out;
  for (const std::string& element : path) {
    if (element.rfind("f:", 0) == 0) {
      out += "." + element.substr(2);
    } else if (element.rfind("k:", 0) == 0) {
      Json key = Json::parse(element.substr(2), nullptr, false);
      std::string inner;
      if (key.is_object()) {
        for (auto it = key.begin(); it != key.end(); ++it) {
          inner += (inner.empty() ? "" : ",") + it.key() + "=" + it.value().dump();
        }
      }
      out += "[" + inner + "]";
    } else if (element.rfind("v:", 0) == 0) {
      out += "[=" + element.substr(2) + "]";
    } else {
      out += "[" + element.substr(2) + "]";
    }
  }
  return out;
}

Json merge_applied(const Json& live, const Json& applied, const ListTypeOracle& oracle,
                   std::vector<std::string> field_names) {
  if (live.is_object() && applied.is_object()) {
    Json out = live;
    for (auto it = applied.begin(); it != applied.end(); ++it) {
      field_names.push_back(it.key());
      out[it.key()] = out.contains(it.key()) ? merge_applied(out[it.key()], it.value(), oracle, field_names)
                                             : it.value();
      field_names.pop_back();
    }
    return out;
  }
  if (live.is_array() && applied.is_array()) {
    ListType type = oracle.list_type(field_names);
    if (type.kind == ListType::Kind::atomic) {
      return applied;
    }
    Json out = live;
    for (const Json& item : applied) {
      std::string element = (type.kind == ListType::Kind::map && item.is_object()) ? key_element(item, type.keys)
                                                                                 : "v:" + item.dump();
      auto found = find_item(out, element);
      if (found == out.cend()) {
        out.push_back(item);
      } else if (type.kind == ListType::Kind::map) {
        size_t index = static_cast<size_t>(found - out.cbegin());
        out[index] = merge_applied(out[index], item, oracle, field_names);
      }
    }
    return out;
  }
  return applied;
}

}  // namespace kubesim

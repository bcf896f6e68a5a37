// Strategic merge patch: the list semantics come from the same oracle server-side apply uses.
#include "strategic_merge.hpp"

#include <algorithm>

namespace kubesim {
namespace {

std::string key_of(const Json& item, const std::vector<std::string>& keys) {
  Json key = Json::object();
  for (const std::string& k : keys) {
    if (item.is_object() && item.contains(k)) {
      key[k] = item[k];
    }
  }
  return key.dump();
}

bool is_directive(const std::string& key) {
  return key.rfind("$setElementOrder/", 0) == 0 || key == "$retainKeys" ||
         key.rfind("$deleteFromPrimitiveList/", 0) == 0;
}

Json merge(const Json& target, const Json& patch, const ListTypeOracle& oracle, std::vector<std::string>& names) {
  if (!patch.is_object()) {
    return patch;
  }
  if (patch.value("$patch", "") == "replace") {
    Json out = patch;
    out.erase("$patch");
    return out;
  }
  if (patch.value("$patch", "") == "delete") {
    return nullptr;
  }
  Json out = target.is_object() ? target : Json::object();
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    const std::string& key = it.key();
    if (is_directive(key) || key == "$patch") {
      if (key.rfind("$deleteFromPrimitiveList/", 0) == 0 && it.value().is_array()) {
        std::string field = key.substr(std::string("$deleteFromPrimitiveList/").size());
        if (out.contains(field) && out[field].is_array()) {
          Json kept = Json::array();
          for (const Json& value : out[field]) {
            if (std::find(it.value().begin(), it.value().end(), value) == it.value().end()) {
              kept.push_back(value);
            }
          }
          out[field] = kept;
        }
      }
      continue;
    }
    if (it.value().is_null()) {
      out.erase(key);
      continue;
    }
    names.push_back(key);
    const Json current = out.contains(key) ? out[key] : Json(nullptr);
    if (it.value().is_array()) {
      ListType type = oracle.list_type(names);
      // A list that does not exist yet merges into an empty one, so directives never leak into it.
      Json merged = current.is_array() ? current : Json::array();
      if (type.kind == ListType::Kind::map) {
        // Strategic merge matches items on the patchMergeKey, the first of the list-map keys
        // (containerPort of ports, not containerPort and protocol).
        std::vector<std::string> merge_key;
        if (!type.keys.empty()) merge_key.push_back(type.keys.front());
        for (const Json& item : it.value()) {
          std::string wanted = key_of(item, merge_key);
          auto found = std::find_if(merged.begin(), merged.end(),
                                    [&](const Json& existing) { return key_of(existing, merge_key) == wanted; });
          bool remove = item.is_object() && item.value("$patch", "") == "delete";
          if (remove) {
            if (found != merged.end()) merged.erase(found);
          } else if (found == merged.end()) {
            merged.push_back(merge(Json::object(), item, oracle, names));
          } else {
            *found = merge(*found, item, oracle, names);
          }
        }
        out[key] = merged;
      } else if (type.kind == ListType::Kind::set) {
        for (const Json& item : it.value()) {
          if (std::find(merged.begin(), merged.end(), item) == merged.end()) {
            merged.push_back(item);
          }
        }
        out[key] = merged;
      } else {
        out[key] = it.value();
      }
    } else if (it.value().is_object()) {
      Json merged = merge(current, it.value(), oracle, names);
      if (merged.is_null()) {
        out.erase(key);
      } else {
        out[key] = merged;
      }
    } else {
      out[key] = it.value();
    }
    names.pop_back();
  }
  // "$retainKeys": keys the patch does not list are cleared (a Deployment switching to
  // Recreate loses rollingUpdate).
  if (auto retain = patch.find("$retainKeys"); retain != patch.end() && retain->is_array() && out.is_object()) {
    for (auto field = out.begin(); field != out.end();) {
      bool kept = std::find(retain->begin(), retain->end(), field.key()) != retain->end();
      field = kept ? std::next(field) : out.erase(field);
    }
  }
  return out;
}

}  // namespace

Json strategic_merge(const Json& target, const Json& patch, const ListTypeOracle& oracle) {
  std::vector<std::string> names;
  return merge(target, patch, oracle, names);
}

}  // namespace kubesim

// PATCH: JSON patch, JSON merge patch, strategic merge patch and apply.
#include <fmt/format.h>

#include "cluster.hpp"
#include "list_types.hpp"

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

// Strategic merge: maps merge, keyed lists merge by key (items with "$patch": "delete" go),
// "$patch": "replace" replaces, null deletes; order directives are accepted and ignored.
Json strategic_merge(const Json& target, const Json& patch, const ListTypeOracle& oracle,
                     std::vector<std::string>& names) {
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
      if (type.kind == ListType::Kind::map && current.is_array()) {
        Json merged = current;
        for (const Json& item : it.value()) {
          std::string wanted = key_of(item, type.keys);
          auto found = std::find_if(merged.begin(), merged.end(),
                                    [&](const Json& existing) { return key_of(existing, type.keys) == wanted; });
          bool remove = item.is_object() && item.value("$patch", "") == "delete";
          if (found == merged.end()) {
            if (!remove) {
              Json clean = item;
              clean.erase("$patch");
              merged.push_back(clean);
            }
          } else if (remove) {
            merged.erase(found);
          } else {
            *found = strategic_merge(*found, item, oracle, names);
          }
        }
        out[key] = merged;
      } else if (type.kind == ListType::Kind::set && current.is_array()) {
        Json merged = current;
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
      Json merged = strategic_merge(current, it.value(), oracle, names);
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
  return out;
}

}  // namespace

Reply Cluster::patch_locked(const ResourceInfo& info, const std::string& ns, const std::string& name,
                            const std::string& content_type, const std::string& body, Subresource sub,
                            const WriteOptions& options) {
  std::string type = content_type.substr(0, content_type.find(';'));
  if (type == "application/apply-patch+yaml" || type == "application/apply-patch+cbor") {
    return apply_locked(info, ns, name, body, sub, options);
  }
  Reply current = get_locked(info, ns, name);
  if (current.status != 200) {
    return current;
  }
  Json patch = Json::parse(body, nullptr, false);
  if (patch.is_discarded()) {
    return status_error(400, "BadRequest", "error decoding patch: the body is not valid JSON");
  }
  Json next;
  if (type == "application/json-patch+json") {
    try {
      next = current.body.patch(patch);
    } catch (const std::exception& e) {
      return status_error(422, "Invalid", fmt::format("the JSON patch could not be applied: {}", e.what()));
    }
  } else if (type == "application/merge-patch+json") {
    next = current.body;
    next.merge_patch(patch);
  } else if (type == "application/strategic-merge-patch+json") {
    if (crd_for_locked(info) != nullptr) {
      return status_error(415, "UnsupportedMediaType",
                          "strategic merge patch format is not supported for custom resources");
    }
    BuiltinListTypes oracle;
    std::vector<std::string> names;
    next = strategic_merge(current.body, patch, oracle, names);
  } else {
    return status_error(415, "UnsupportedMediaType", fmt::format("the patch type {} is not supported", type));
  }
  if (!next.is_object()) {
    return status_error(422, "Invalid", "the patched object is not a JSON object");
  }
  std::string wanted_rv = next["metadata"].value("resourceVersion", "");
  if (!wanted_rv.empty() && wanted_rv != current.body["metadata"].value("resourceVersion", "")) {
    return status_error(409, "Conflict",
                        fmt::format("Operation cannot be fulfilled on {} \"{}\": the object has been modified; please "
                                    "apply your changes to the latest version and try again",
                                    info.resource, name));
  }
  return commit_locked(info, info.scope == Scope::namespaced ? ns : "", name, &current.body, std::move(next), sub,
                       options, "patch");
}

}  // namespace kubesim

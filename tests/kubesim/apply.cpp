// Server-side apply: ownership per field manager, conflicts, force, removal of
// fields a manager stopped applying.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "cluster.hpp"
#include "managed_fields.hpp"
#include "util/yaml.hpp"

namespace kubesim {
namespace {

struct Conflict {
  const ManagerEntry* entry;
  FieldPath path;
};

std::string print_manager(const ManagerEntry& entry) {
  std::string name = fmt::format("\"{}\"", entry.manager);
  if (entry.operation == "Update") {
    return entry.time.empty() ? fmt::format("{} using {}", name, entry.api_version)
                              : fmt::format("{} using {} at {}", name, entry.api_version, entry.time);
  }
  return name;
}

Reply conflict_reply(const std::vector<Conflict>& conflicts, const ResourceInfo& info, const std::string& name) {
  Json causes = Json::array();
  std::map<std::string, std::vector<std::string>> by_manager;
  for (const Conflict& conflict : conflicts) {
    std::string manager = print_manager(*conflict.entry);
    causes.push_back({{"type", "FieldManagerConflict"},
                      {"message", "conflict with " + manager},
                      {"field", describe_path(conflict.path)}});
    by_manager[manager].push_back(describe_path(conflict.path));
  }
  std::string message;
  if (conflicts.size() == 1) {
    message = fmt::format("Apply failed with 1 conflict: conflict with {}: {}", print_manager(*conflicts[0].entry),
                          describe_path(conflicts[0].path));
  } else {
    std::vector<std::string> lines;
    for (const auto& [manager, paths] : by_manager) {
      lines.push_back("conflicts with " + manager);
      for (const std::string& path : paths) {
        lines.push_back("- " + path);
      }
    }
    message = fmt::format("Apply failed with {} conflicts: {}", conflicts.size(), fmt::join(lines, "\n"));
  }
  return status_error(409, "Conflict", message,
                      {{"name", name}, {"group", info.group}, {"kind", info.resource}, {"causes", causes}});
}

// Whether `field` ("f:name") is one of the keys of the list item `item` ("k:{\"name\":..}").
bool is_key_field(const std::string& item, const std::string& field) {
  if (item.rfind("k:", 0) != 0 || field.rfind("f:", 0) != 0) {
    return false;
  }
  Json key = Json::parse(item.substr(2), nullptr, false);
  return key.is_object() && key.contains(field.substr(2));
}

bool is_leaf_member(const FieldPath& path) {
  const std::string& last = path.back();
  return last.rfind("k:", 0) != 0 && last.rfind("v:", 0) != 0;
}

}  // namespace

Reply Cluster::apply_locked(const ResourceInfo& info, const std::string& ns, const std::string& name,
                            const std::string& body, Subresource sub, const WriteOptions& options) {
  if (options.field_manager.empty()) {
    return status_error(400, "BadRequest", "PATCH /: fieldManager is required for apply requests");
  }
  // kubectl sends JSON; the YAML parser (which keeps positions) is only needed for YAML bodies.
  Json applied = Json::parse(body, nullptr, false);
  if (applied.is_discarded()) {
    aiplat::Result<aiplat::YamlDocument> parsed = aiplat::parse_yaml(body, "apply request body");
    if (!parsed) {
      return status_error(400, "BadRequest", "error decoding YAML: " + parsed.error().message);
    }
    applied = parsed->value;
  }
  if (!applied.is_object()) {
    return status_error(400, "BadRequest", "the apply configuration is not an object");
  }
  if (applied.value("kind", "") != info.kind) {
    return status_error(400, "BadRequest",
                        fmt::format("the kind of the apply configuration ({}) does not match the resource ({})",
                                    applied.value("kind", ""), info.kind));
  }
  if (!applied.contains("metadata") || !applied["metadata"].is_object()) {
    applied["metadata"] = Json::object();
  }
  if (applied["metadata"].value("name", name) != name) {
    return status_error(400, "BadRequest", "the name of the object does not match the name on the URL");
  }
  applied["metadata"]["name"] = name;
  applied["metadata"].erase("managedFields");
  FieldScope scope = sub == Subresource::status ? FieldScope::status_only
                     : info.has_status          ? FieldScope::main_resource
                                                : FieldScope::everything;
  if (scope == FieldScope::main_resource) {
    applied.erase("status");
  }
  std::unique_ptr<ListTypeOracle> oracle = list_types_locked(info);
  FieldSet applied_set = fields_of(applied, *oracle, scope);
  std::string subresource = sub == Subresource::status ? "status" : "";
  std::string object_ns = info.scope == Scope::namespaced ? ns : "";

  auto& objects = objects_locked(info.group, info.resource);
  auto it = objects.find(object_key(object_ns, name));
  if (it == objects.end()) {
    if (sub == Subresource::status) {
      return get_locked(info, ns, name);
    }
    ManagerEntry mine{options.field_manager, "Apply", info.group_version(), now_rfc3339(), "", applied_set};
    write_managers(applied, {mine});
    return create_locked(info, ns, std::move(applied), options, "apply");
  }
  const Json live = it->second;
  std::vector<ManagerEntry> entries = read_managers(live);
  std::vector<Conflict> conflicts;
  for (const ManagerEntry& entry : entries) {
    if (entry.manager == options.field_manager && entry.operation == "Apply" && entry.subresource == subresource) {
      continue;
    }
    for (const FieldPath& path : entry.fields) {
      if (applied_set.count(path) == 0 || !is_leaf_member(path)) {
        continue;
      }
      const Json* before = value_at(live, path);
      const Json* after = value_at(applied, path);
      if (before != nullptr && after != nullptr && *before != *after) {
        conflicts.push_back(Conflict{&entry, path});
      }
    }
  }
  if (!conflicts.empty() && !options.force) {
    return conflict_reply(conflicts, info, name);
  }
  std::vector<std::pair<const ManagerEntry*, FieldPath>> forced;
  for (const Conflict& conflict : conflicts) {
    forced.emplace_back(conflict.entry, conflict.path);
  }
  for (auto& [entry, path] : forced) {
    const_cast<ManagerEntry*>(entry)->fields.erase(path);
  }

  Json merged = merge_applied(live, applied, *oracle);
  // Fields this manager applied before but not now, and nobody else owns, are removed.
  FieldSet previous;
  for (const ManagerEntry& entry : entries) {
    if (entry.manager == options.field_manager && entry.operation == "Apply" && entry.subresource == subresource) {
      previous = entry.fields;
    }
  }
  // A path stays while another manager owns it or anything under it (a list item someone
  // else edited keeps existing), and so do the key fields of an item that stays.
  auto owned_elsewhere = [&](const FieldPath& path) {
    return std::any_of(entries.begin(), entries.end(), [&](const ManagerEntry& entry) {
      bool self = entry.manager == options.field_manager && entry.operation == "Apply" &&
                  entry.subresource == subresource;
      if (self) {
        return false;
      }
      auto under = entry.fields.lower_bound(path);
      return under != entry.fields.end() && under->size() >= path.size() &&
             std::equal(path.begin(), path.end(), under->begin());
    });
  };
  std::vector<FieldPath> removed;
  for (const FieldPath& path : previous) {
    if (applied_set.count(path) != 0 || owned_elsewhere(path)) {
      continue;
    }
    if (path.size() >= 2 && is_key_field(path[path.size() - 2], path.back()) &&
        owned_elsewhere(FieldPath(path.begin(), path.end() - 1))) {
      continue;
    }
    removed.push_back(path);
  }
  // Outer paths first: a list item goes whole; removing its key fields first would leave an
  // empty item behind that its "k:" path no longer finds. Paths under a removed one are gone already.
  std::sort(removed.begin(), removed.end(),
            [](const FieldPath& a, const FieldPath& b) { return a.size() < b.size(); });
  for (const FieldPath& path : removed) {
    remove_at(merged, path);
  }

  bool found = false;
  for (ManagerEntry& entry : entries) {
    if (entry.manager == options.field_manager && entry.operation == "Apply" && entry.subresource == subresource) {
      if (entry.fields != applied_set) {
        entry.time = now_rfc3339();
      }
      entry.fields = applied_set;
      entry.api_version = info.group_version();
      found = true;
    }
    // Sets only name fields that exist.
    for (auto field = entry.fields.begin(); field != entry.fields.end();) {
      field = value_at(merged, *field) == nullptr ? entry.fields.erase(field) : std::next(field);
    }
  }
  if (!found) {
    entries.push_back(
        ManagerEntry{options.field_manager, "Apply", info.group_version(), now_rfc3339(), subresource, applied_set});
  }
  write_managers(merged, entries);
  return commit_locked(info, object_ns, name, &live, std::move(merged), sub, options, "apply");
}

}  // namespace kubesim

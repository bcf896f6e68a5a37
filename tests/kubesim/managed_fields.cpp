#include "managed_fields.hpp"

namespace kubesim {

std::vector<ManagerEntry> read_managers(const Json& object) {
  std::vector<ManagerEntry> out;
  const Json* list = value_at(object, {"f:metadata", "f:managedFields"});
  if (list == nullptr || !list->is_array()) {
    return out;
  }
  for (const Json& item : *list) {
    if (!item.is_object()) {
      continue;
    }
    ManagerEntry entry;
    entry.manager = item.value("manager", "");
    entry.operation = item.value("operation", "Update");
    entry.api_version = item.value("apiVersion", "");
    entry.time = item.value("time", "");
    entry.subresource = item.value("subresource", "");
    if (item.contains("fieldsV1")) {
      entry.fields = from_fields_v1(item["fieldsV1"]);
    }
    out.push_back(std::move(entry));
  }
  return out;
}

void write_managers(Json& object, const std::vector<ManagerEntry>& entries) {
  Json list = Json::array();
  for (const ManagerEntry& entry : entries) {
    if (entry.fields.empty()) {
      continue;
    }
    Json item = {{"manager", entry.manager},       {"operation", entry.operation},
                 {"apiVersion", entry.api_version}, {"time", entry.time},
                 {"fieldsType", "FieldsV1"},        {"fieldsV1", to_fields_v1(entry.fields)}};
    if (!entry.subresource.empty()) {
      item["subresource"] = entry.subresource;
    }
    list.push_back(std::move(item));
  }
  if (list.empty()) {
    object["metadata"].erase("managedFields");
  } else {
    object["metadata"]["managedFields"] = std::move(list);
  }
}

void track_update(Json& next, const Json* old, const std::string& manager, const std::string& api_version,
                  Subresource sub, const ListTypeOracle& oracle, bool has_status) {
  FieldScope scope = sub == Subresource::status ? FieldScope::status_only
                     : has_status               ? FieldScope::main_resource
                                                : FieldScope::everything;
  std::vector<ManagerEntry> entries = old != nullptr ? read_managers(*old) : std::vector<ManagerEntry>{};
  FieldSet now = fields_of(next, oracle, scope);
  FieldSet changed;
  for (const FieldPath& path : now) {
    const Json* before = old != nullptr ? value_at(*old, path) : nullptr;
    const Json* after = value_at(next, path);
    bool container = after != nullptr && (after->is_object() || (after->is_array() && path.back()[0] != 'f'));
    if (before == nullptr || (!container && *before != *after)) {
      changed.insert(path);
    }
  }
  std::string subresource = sub == Subresource::status ? "status" : "";
  ManagerEntry* mine = nullptr;
  for (ManagerEntry& entry : entries) {
    // Fields that no longer exist leave every set; changed fields move to the writer.
    for (auto it = entry.fields.begin(); it != entry.fields.end();) {
      bool gone = value_at(next, *it) == nullptr;
      it = (gone || changed.count(*it) != 0) ? entry.fields.erase(it) : std::next(it);
    }
    if (entry.manager == manager && entry.operation == "Update" && entry.subresource == subresource) {
      mine = &entry;
    }
  }
  if (!changed.empty()) {
    if (mine == nullptr) {
      entries.push_back(ManagerEntry{manager, "Update", api_version, "", subresource, {}});
      mine = &entries.back();
    }
    mine->fields.insert(changed.begin(), changed.end());
    mine->time = now_rfc3339();
    mine->api_version = api_version;
  }
  write_managers(next, entries);
}

}  // namespace kubesim

#include "listing.hpp"

#include <ctime>

#include <fmt/format.h>

namespace kubesim {
namespace {

std::string to_hex(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    out += fmt::format("{:02x}", c);
  }
  return out;
}

std::string from_hex(const std::string& text) {
  std::string out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    out += static_cast<char>(std::stoi(text.substr(i, 2), nullptr, 16));
  }
  return out;
}

long age_seconds(const std::string& timestamp) {
  std::tm tm{};
  if (strptime(timestamp.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
    return 0;
  }
  return static_cast<long>(std::time(nullptr) - timegm(&tm));
}

// Evaluates the JSONPath subset printer columns use: ".a.b", ".a[0].b", ".a[?(@.type=="X")].b".
Json eval_path(const Json& object, const std::string& path) {
  Json node = object;
  size_t i = 0;
  while (i < path.size() && !node.is_null()) {
    if (path[i] == '.') {
      size_t end = path.find_first_of(".[", i + 1);
      std::string key = path.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      node = node.is_object() && node.contains(key) ? node[key] : Json(nullptr);
      i = end == std::string::npos ? path.size() : end;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string::npos) {
        return nullptr;
      }
      std::string inner = path.substr(i + 1, end - i - 1);
      i = end + 1;
      if (!node.is_array()) {
        return nullptr;
      }
      if (inner.rfind("?(@.", 0) == 0) {
        size_t eq = inner.find("==");
        std::string field = inner.substr(4, eq - 4);
        std::string value = inner.substr(eq + 2);
        value = value.substr(value.find_first_of("\"'") + 1);
        value = value.substr(0, value.find_first_of("\"'"));
        Json found = nullptr;
        for (const Json& item : node) {
          if (item.is_object() && item.value(field, Json()) == Json(value)) {
            found = item;
            break;
          }
        }
        node = found;
      } else {
        size_t index = static_cast<size_t>(std::atol(inner.c_str()));
        node = index < node.size() ? node[index] : Json(nullptr);
      }
    } else {
      ++i;
    }
  }
  return node;
}

std::string cell_text(const Json& value) {
  if (value.is_null()) {
    return "<none>";
  }
  return value.is_string() ? value.get<std::string>() : value.dump();
}

struct Column {
  std::string name;
  std::string type;
  std::string json_path;  ///< empty: computed
  int priority = 0;
};

std::vector<Column> columns_for(Cluster& cluster, const ResourceInfo& info) {
  if (const Json* crd = cluster.crd_for_locked(info)) {
    for (const Json& version : (*crd)["spec"]["versions"]) {
      if (version.value("name", "") != info.version || !version.contains("additionalPrinterColumns")) {
        continue;
      }
      std::vector<Column> out = {{"Name", "string", ".metadata.name", 0}};
      for (const Json& column : version["additionalPrinterColumns"]) {
        out.push_back(
            {column.value("name", ""), column.value("type", "string"), column.value("jsonPath", ""),
             column.value("priority", 0)});
      }
      return out;
    }
  }
  if (info.group.empty() && info.resource == "namespaces") {
    return {{"Name", "string", ".metadata.name"}, {"Status", "string", ".status.phase"}, {"Age", "date", ""}};
  }
  if (info.group.empty() && info.resource == "nodes") {
    return {{"Name", "string", ".metadata.name"},
            {"Status", "string", ".status.conditions[?(@.type==\"Ready\")].status"},
            {"Age", "date", ""},
            {"Version", "string", ".status.nodeInfo.kubeletVersion"}};
  }
  if (info.group.empty() && info.resource == "pods") {
    return {{"Name", "string", ".metadata.name"}, {"Status", "string", ".status.phase"}, {"Age", "date", ""}};
  }
  if (info.group == "apps" && info.resource == "deployments") {
    return {{"Name", "string", ".metadata.name"},
            {"Ready", "string", ""},
            {"Up-to-date", "integer", ".status.updatedReplicas"},
            {"Available", "integer", ".status.availableReplicas"},
            {"Age", "date", ""}};
  }
  return {{"Name", "string", ".metadata.name"}, {"Age", "date", ""}};
}

Json row_for(const std::vector<Column>& columns, const Json& object, const std::string& include_object) {
  Json cells = Json::array();
  for (const Column& column : columns) {
    if (column.name == "Age" && column.json_path.empty()) {
      cells.push_back(human_duration(age_seconds(object["metadata"].value("creationTimestamp", ""))));
    } else if (column.name == "Status" && column.json_path.find("Ready") != std::string::npos) {
      Json ready = eval_path(object, column.json_path);
      cells.push_back(ready == Json("True") ? "Ready" : "NotReady");
    } else if (column.name == "Ready" && column.json_path.empty()) {
      const Json& status = object.value("status", Json::object());
      cells.push_back(fmt::format("{}/{}", status.value("readyReplicas", 0),
                                  object.value("spec", Json::object()).value("replicas", 1)));
    } else {
      Json value = eval_path(object, column.json_path);
      if (column.type == "date" && value.is_string()) {
        cells.push_back(human_duration(age_seconds(value.get<std::string>())));
      } else if (value.is_null() || value.is_string() || column.type == "string") {
        cells.push_back(cell_text(value));
      } else {
        cells.push_back(value);
      }
    }
  }
  Json row = {{"cells", cells}};
  if (include_object == "Object") {
    row["object"] = object;
  } else if (include_object != "None") {
    Json metadata = object["metadata"];
    metadata.erase("managedFields");
    row["object"] = {{"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", metadata}};
  }
  return row;
}

}  // namespace

Json to_partial_metadata(const Json& object) {
  return Json{{"kind", "PartialObjectMetadata"},
              {"apiVersion", "meta.k8s.io/v1"},
              {"metadata", object.value("metadata", Json::object())}};
}

Reply get_metadata_locked(Cluster& cluster, const ResourceInfo& info, const std::string& ns, const std::string& name) {
  auto& objects = cluster.objects_locked(info.group, info.resource);
  auto it = objects.find(object_key(info.scope == Scope::namespaced ? ns : "", name));
  if (it == objects.end()) {
    return cluster.get_locked(info, ns, name);  // the NotFound answer
  }
  return Reply{200, to_partial_metadata(it->second)};
}

std::string human_duration(long seconds) {
  if (seconds < 0) {
    seconds = 0;
  }
  if (seconds < 120) {
    return fmt::format("{}s", seconds);
  }
  long minutes = seconds / 60;
  if (minutes < 10) {
    return seconds % 60 == 0 ? fmt::format("{}m", minutes) : fmt::format("{}m{}s", minutes, seconds % 60);
  }
  if (minutes < 180) {
    return fmt::format("{}m", minutes);
  }
  long hours = minutes / 60;
  if (hours < 8) {
    return minutes % 60 == 0 ? fmt::format("{}h", hours) : fmt::format("{}h{}m", hours, minutes % 60);
  }
  if (hours < 48) {
    return fmt::format("{}h", hours);
  }
  return fmt::format("{}d", hours / 24);
}

bool object_matches(const ResourceInfo& info, const std::string& ns, const ListQuery& query, const Json& object) {
  if (info.scope == Scope::namespaced && !ns.empty() && object["metadata"].value("namespace", "") != ns) {
    return false;
  }
  return matches_labels(query.labels, object) && matches_fields(query.fields, object);
}

Reply list_locked(Cluster& cluster, const ResourceInfo& info, const std::string& ns, const ListQuery& query) {
  auto& objects = cluster.objects_locked(info.group, info.resource);
  std::string after = from_hex(query.continue_token);
  Json items = Json::array();
  std::string last_key;
  bool more = false;
  for (auto it = after.empty() ? objects.begin() : objects.upper_bound(after); it != objects.end(); ++it) {
    if (!object_matches(info, ns, query, it->second)) {
      continue;
    }
    if (query.limit > 0 && static_cast<long>(items.size()) >= query.limit) {
      more = true;
      break;
    }
    if (query.metadata_only) {
      items.push_back(to_partial_metadata(it->second));
    } else {
      Json object = it->second;
      object["apiVersion"] = info.group_version();
      items.push_back(std::move(object));
    }
    last_key = it->first;
  }
  Json metadata = {{"resourceVersion", std::to_string(cluster.resource_version_locked())}};
  if (more) {
    metadata["continue"] = to_hex(last_key);
  }
  return Reply{200, {{"kind", query.metadata_only ? std::string("PartialObjectMetadataList") : info.kind + "List"},
                     {"apiVersion", query.metadata_only ? std::string("meta.k8s.io/v1") : info.group_version()},
                     {"metadata", metadata},
                     {"items", items}}};
}

Json to_table(Cluster& cluster, const ResourceInfo& info, const Json& list_or_object, bool is_list,
              const std::string& include_object) {
  std::vector<Column> columns = columns_for(cluster, info);
  Json definitions = Json::array();
  for (const Column& column : columns) {
    bool name = column.name == "Name";
    definitions.push_back({{"name", column.name},
                           {"type", column.type == "date" ? "string" : column.type},
                           {"format", name ? "name" : ""},
                           {"description", name ? "Name must be unique within a namespace." : column.name},
                           {"priority", column.priority}});
  }
  Json rows = Json::array();
  Json metadata = Json::object();
  if (is_list) {
    for (const Json& object : list_or_object["items"]) {
      rows.push_back(row_for(columns, object, include_object));
    }
    metadata = list_or_object["metadata"];
  } else {
    rows.push_back(row_for(columns, list_or_object, include_object));
    metadata["resourceVersion"] = list_or_object["metadata"].value("resourceVersion", "");
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", metadata},
          {"columnDefinitions", definitions},
          {"rows", rows}};
}

}  // namespace kubesim

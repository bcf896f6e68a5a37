#include "discovery.hpp"

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "util/sha256.hpp"

namespace kubesim {
namespace {

// Kubernetes version priority: GA > beta > alpha, higher numbers first, others last by name.
bool version_before(const std::string& a, const std::string& b) {
  static const std::regex k_version(R"(^v(\d+)(?:(alpha|beta)(\d+))?$)");
  std::smatch ma;
  std::smatch mb;
  bool va = std::regex_match(a, ma, k_version);
  bool vb = std::regex_match(b, mb, k_version);
  if (va != vb) {
    return va;
  }
  if (!va) {
    return a < b;
  }
  auto stability = [](const std::smatch& m) { return m[2] == "" ? 2 : (m[2] == "beta" ? 1 : 0); };
  if (stability(ma) != stability(mb)) {
    return stability(ma) > stability(mb);
  }
  if (std::stoi(ma[1]) != std::stoi(mb[1])) {
    return std::stoi(ma[1]) > std::stoi(mb[1]);
  }
  return ma[3].matched && mb[3].matched && std::stoi(ma[3]) > std::stoi(mb[3]);
}

Json verbs_json(const ResourceInfo& info) { return info.verbs; }

bool has_verb(const ResourceInfo& info, const std::string& verb) {
  return std::find(info.verbs.begin(), info.verbs.end(), verb) != info.verbs.end();
}

std::string schema_name(const ResourceInfo& info) {
  if (info.group.empty()) {
    return "io.k8s.api.core." + info.version + "." + info.kind;
  }
  // Reversed group, as Kubernetes names CRD schemas ("ray.io" -> "io.ray").
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = info.group.find('.', start);
    parts.push_back(info.group.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) {
      break;
    }
    start = dot + 1;
  }
  std::reverse(parts.begin(), parts.end());
  return fmt::format("{}.{}.{}", fmt::join(parts, "."), info.version, info.kind);
}

const char* k_object_meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

}  // namespace

Json version_document(int minor) {
  return {{"major", "1"},
          {"minor", std::to_string(minor)},
          {"emulationMajor", "1"},
          {"emulationMinor", std::to_string(minor)},
          {"minCompatibilityMajor", "1"},
          {"minCompatibilityMinor", std::to_string(minor - 1)},
          {"gitVersion", fmt::format("v1.{}.0", minor)},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2025-01-01T00:00:00Z"},
          {"goVersion", "go1.24.0"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

std::vector<GroupVersions> served_groups(const std::vector<ResourceInfo>& resources) {
  std::vector<GroupVersions> out;
  for (const ResourceInfo& info : resources) {
    auto group = std::find_if(out.begin(), out.end(), [&](const GroupVersions& g) { return g.group == info.group; });
    if (group == out.end()) {
      out.push_back({info.group, {}});
      group = out.end() - 1;
    }
    if (std::find(group->versions.begin(), group->versions.end(), info.version) == group->versions.end()) {
      group->versions.push_back(info.version);
    }
  }
  // Versions in Kubernetes' priority order, which is also the built-in groups' preference order.
  for (GroupVersions& group : out) {
    std::stable_sort(group.versions.begin(), group.versions.end(), version_before);
  }
  return out;
}

Json legacy_api_versions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs", {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

Json legacy_group(const std::vector<ResourceInfo>& resources, const std::string& group) {
  for (const GroupVersions& gv : served_groups(resources)) {
    if (gv.group != group) {
      continue;
    }
    Json versions = Json::array();
    for (const std::string& version : gv.versions) {
      versions.push_back({{"groupVersion", group + "/" + version}, {"version", version}});
    }
    return {{"kind", "APIGroup"},
            {"apiVersion", "v1"},
            {"name", group},
            {"versions", versions},
            {"preferredVersion", versions[0]}};
  }
  return nullptr;
}

Json legacy_group_list(const std::vector<ResourceInfo>& resources) {
  Json groups = Json::array();
  for (const GroupVersions& gv : served_groups(resources)) {
    if (!gv.group.empty()) {
      Json group = legacy_group(resources, gv.group);
      group.erase("kind");
      group.erase("apiVersion");
      groups.push_back(group);
    }
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

Json legacy_resource_list(const std::vector<ResourceInfo>& resources, const std::string& group,
                          const std::string& version) {
  Json list = Json::array();
  bool found = false;
  for (const ResourceInfo& info : resources) {
    if (info.group != group || info.version != version) {
      continue;
    }
    found = true;
    list.push_back({{"name", info.resource},
                    {"singularName", info.singular},
                    {"namespaced", info.scope == Scope::namespaced},
                    {"kind", info.kind},
                    {"verbs", verbs_json(info)}});
    if (!info.short_names.empty()) {
      list.back()["shortNames"] = info.short_names;
    }
    if (!info.categories.empty()) {
      list.back()["categories"] = info.categories;
    }
    if (info.has_status) {
      list.push_back({{"name", info.resource + "/status"},
                      {"singularName", ""},
                      {"namespaced", info.scope == Scope::namespaced},
                      {"kind", info.kind},
                      {"verbs", {"get", "patch", "update"}}});
    }
  }
  if (!found) {
    return nullptr;
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? version : group + "/" + version},
          {"resources", list}};
}

Json aggregated_discovery(const std::vector<ResourceInfo>& resources, bool core) {
  Json items = Json::array();
  for (const GroupVersions& gv : served_groups(resources)) {
    if (gv.group.empty() != core) {
      continue;
    }
    Json versions = Json::array();
    for (const std::string& version : gv.versions) {
      Json list = Json::array();
      for (const ResourceInfo& info : resources) {
        if (info.group != gv.group || info.version != version) {
          continue;
        }
        Json kind = {{"group", info.group}, {"version", info.version}, {"kind", info.kind}};
        Json resource = {{"resource", info.resource},
                         {"responseKind", kind},
                         {"scope", info.scope == Scope::namespaced ? "Namespaced" : "Cluster"},
                         {"singularResource", info.singular},
                         {"verbs", verbs_json(info)}};
        if (!info.short_names.empty()) {
          resource["shortNames"] = info.short_names;
        }
        if (!info.categories.empty()) {
          resource["categories"] = info.categories;
        }
        if (info.has_status) {
          resource["subresources"] = {
              {{"subresource", "status"}, {"responseKind", kind}, {"verbs", {"get", "patch", "update"}}}};
        }
        list.push_back(resource);
      }
      versions.push_back({{"version", version}, {"resources", list}, {"freshness", "Current"}});
    }
    Json metadata = {{"creationTimestamp", nullptr}};
    if (!gv.group.empty()) {
      metadata["name"] = gv.group;
    }
    items.push_back({{"metadata", metadata}, {"versions", versions}});
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/v2"},
          {"metadata", Json::object()},
          {"items", items}};
}

bool wants_aggregated(const std::string& accept) {
  // The first acceptable media type wins, as in the apiserver's negotiation.
  size_t start = 0;
  while (start < accept.size()) {
    size_t comma = accept.find(',', start);
    std::string part = accept.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (part.find("as=APIGroupDiscoveryList") != std::string::npos) {
      if (part.find("v=v2") != std::string::npos && part.find("v=v2beta1") == std::string::npos &&
          part.find("g=apidiscovery.k8s.io") != std::string::npos) {
        return true;
      }
    } else if (part.find("application/json") != std::string::npos || part.find("*/*") != std::string::npos) {
      return false;
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return false;
}

Json openapi_v3_document(Cluster& cluster, const std::string& gv_path) {
  Json paths = Json::object();
  Json schemas = Json::object();
  schemas[k_object_meta] = {
      {"type", "object"},
      {"description", "ObjectMeta is metadata that all persisted resources must have."},
      {"properties",
       {{"name", {{"type", "string"}}},
        {"namespace", {{"type", "string"}}},
        {"labels", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
        {"annotations", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}};
  bool found = false;
  for (const ResourceInfo& info : cluster.resources_locked()) {
    std::string prefix = info.group.empty() ? "api/" + info.version : "apis/" + info.group_version();
    if (prefix != gv_path) {
      continue;
    }
    found = true;
    Json gvk = {{"group", info.group}, {"version", info.version}, {"kind", info.kind}};
    std::string name = schema_name(info);
    Json ref = {{"$ref", "#/components/schemas/" + name}};
    Json response = {{"200", {{"description", "OK"}, {"content", {{"application/json", {{"schema", ref}}}}}}}};
    Json params = Json::array(
        {{{"name", "dryRun"}, {"in", "query"}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}},
         {{"name", "fieldManager"}, {"in", "query"}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}},
         {{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}, {"uniqueItems", true}}}},
         {{"name", "force"}, {"in", "query"}, {"schema", {{"type", "boolean"}, {"uniqueItems", true}}}}});
    std::string base = "/" + prefix + (info.scope == Scope::namespaced ? "/namespaces/{namespace}/" : "/");
    if (has_verb(info, "patch")) {
      paths[base + info.resource + "/{name}"] = {
          {"get", {{"operationId", "read" + info.kind}, {"x-kubernetes-group-version-kind", gvk},
                   {"responses", response}}},
          {"patch", {{"operationId", "patch" + info.kind}, {"x-kubernetes-group-version-kind", gvk},
                     {"x-kubernetes-action", "patch"}, {"parameters", params}, {"responses", response}}}};
    } else {
      paths[base + info.resource] = {
          {"post", {{"operationId", "create" + info.kind}, {"x-kubernetes-group-version-kind", gvk},
                    {"parameters", params}, {"responses", response}}}};
    }
    Json schema = cluster.crd_schema_locked(info);
    if (!schema.is_object()) {
      schema = {{"type", "object"},
                {"description", info.kind + " (kubesim serves the envelope of built-in kinds, not their fields)."},
                {"properties",
                 {{"apiVersion", {{"type", "string"}, {"description", "APIVersion defines the versioned schema."}}},
                  {"kind", {{"type", "string"}, {"description", "Kind is a string value for the REST resource."}}},
                  {"spec", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}},
                  {"status", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}};
    }
    schema["properties"]["metadata"] = {{"allOf", {{{"$ref", std::string("#/components/schemas/") + k_object_meta}}}}};
    schema["x-kubernetes-group-version-kind"] = Json::array({gvk});
    schemas[name] = schema;
  }
  if (!found) {
    return nullptr;
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", fmt::format("v1.{}.0", cluster.options().minor)}}},
          {"paths", paths},
          {"components", {{"schemas", schemas}}}};
}

Json openapi_v3_root(Cluster& cluster) {
  Json paths = Json::object();
  for (const GroupVersions& gv : served_groups(cluster.resources_locked())) {
    for (const std::string& version : gv.versions) {
      std::string path = gv.group.empty() ? "api/" + version : "apis/" + gv.group + "/" + version;
      // The document changes only with the minor and the CRDs serving it; hash those, not the (large) text.
      std::string identity = path + "@" + std::to_string(cluster.options().minor);
      for (const ResourceInfo& info : cluster.resources_locked()) {
        const Json* crd = (info.group == gv.group && info.version == version) ? cluster.crd_for_locked(info)
                                                                               : nullptr;
        if (crd != nullptr) {
          identity += "," + (*crd)["metadata"].value("resourceVersion", "");
        }
      }
      std::string hash = aiplat::sha256_hex(identity);
      std::transform(hash.begin(), hash.end(), hash.begin(), ::toupper);
      paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash}};
    }
  }
  return {{"paths", paths}};
}

}  // namespace kubesim

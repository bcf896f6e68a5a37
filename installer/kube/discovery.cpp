#include "kube/discovery.hpp"

#include <atomic>
#include <map>
#include <thread>

#include <fmt/format.h>

namespace aiplat::kube {
namespace {

// Legacy discovery is one request per group-version; a few in parallel hide latency.
constexpr int k_discovery_workers = 8;

std::string string_at(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> strings_at(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const Json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool is_aggregated(const HttpResponse& response, const Json& body) {
  return response.header("content-type").find("APIGroupDiscoveryList") != std::string::npos ||
         string_at(body, "kind") == "APIGroupDiscoveryList";
}

}  // namespace

Result<void> parse_aggregated_discovery(const Json& list, DiscoveryResult& out) {
  auto items = list.find("items");
  if (items == list.end() || !items->is_array()) return failure("aggregated discovery without items");
  for (const Json& group : *items) {
    std::string name = group.contains("metadata") ? string_at(group["metadata"], "name") : std::string();
    auto versions = group.find("versions");
    if (versions == group.end() || !versions->is_array()) continue;
    bool first = true;
    for (const Json& v : *versions) {
      std::string version = string_at(v, "version");
      if (version.empty()) continue;
      if (first) out.preferred.emplace(name, version);  // versions are listed in preference order
      first = false;
      out.group_versions.push_back(name.empty() ? version : name + "/" + version);
      auto resources = v.find("resources");
      if (resources == v.end() || !resources->is_array()) continue;
      for (const Json& r : *resources) {
        ResourceMapping m;
        m.gvr = GroupVersionResource{name, version, string_at(r, "resource")};
        std::string kind = r.contains("responseKind") ? string_at(r["responseKind"], "kind") : std::string();
        m.gvk = GroupVersionKind{name, version, kind};
        m.scope = string_at(r, "scope") == "Cluster" ? Scope::cluster : Scope::namespaced;
        m.verbs = strings_at(r, "verbs");
        m.short_names = strings_at(r, "shortNames");
        m.singular = string_at(r, "singularResource");
        if (auto subs = r.find("subresources"); subs != r.end() && subs->is_array()) {
          for (const Json& s : *subs) m.subresources.push_back(string_at(s, "subresource"));
        }
        if (m.gvr.resource.empty() || kind.empty()) continue;
        out.resources.push_back(std::move(m));
      }
    }
  }
  return {};
}

Result<void> parse_resource_list(const Json& list, const std::string& group_version, DiscoveryResult& out) {
  auto resources = list.find("resources");
  if (resources == list.end() || !resources->is_array()) {
    return failure(fmt::format("discovery of {} returned no resources list", group_version));
  }
  GroupVersionKind gv = GroupVersionKind::from(group_version, "");
  std::map<std::string, std::size_t> index;  // resource -> position in out.resources
  std::vector<std::pair<std::string, std::string>> subresources;
  for (const Json& r : *resources) {
    std::string name = string_at(r, "name");
    if (name.empty()) continue;
    if (std::size_t slash = name.find('/'); slash != std::string::npos) {
      subresources.emplace_back(name.substr(0, slash), name.substr(slash + 1));
      continue;
    }
    ResourceMapping m;
    // A resource may report its own group/version (rare; e.g. for shared kinds).
    std::string group = r.contains("group") ? string_at(r, "group") : gv.group;
    std::string version = r.contains("version") ? string_at(r, "version") : gv.version;
    if (group.empty() && !r.contains("group")) group = gv.group;
    if (version.empty()) version = gv.version;
    m.gvr = GroupVersionResource{group, version, name};
    m.gvk = GroupVersionKind{group, version, string_at(r, "kind")};
    auto ns = r.find("namespaced");
    m.scope = ns != r.end() && ns->is_boolean() && !ns->get<bool>() ? Scope::cluster : Scope::namespaced;
    m.verbs = strings_at(r, "verbs");
    m.short_names = strings_at(r, "shortNames");
    m.singular = string_at(r, "singularName");
    index[name] = out.resources.size();
    out.resources.push_back(std::move(m));
  }
  for (const auto& [parent, sub] : subresources) {
    if (auto it = index.find(parent); it != index.end()) out.resources[it->second].subresources.push_back(sub);
  }
  return {};
}

KubeResult<DiscoveryResult> discover(const DiscoveryGet& get) {
  DiscoveryResult out;
  // Aggregated discovery: /api then /apis, each one request.
  auto core = get("/api", k_aggregated_accept);
  if (!core) return tl::unexpected(core.error().with_context("discovering the API"));
  Json core_body = Json::parse(core->body, nullptr, false);
  if (is_aggregated(*core, core_body)) {
    auto apis = get("/apis", k_aggregated_accept);
    if (!apis) return tl::unexpected(apis.error().with_context("discovering the API"));
    Json apis_body = Json::parse(apis->body, nullptr, false);
    if (is_aggregated(*apis, apis_body)) {
      out.aggregated = true;
      for (const Json* body : {&core_body, &apis_body}) {
        auto parsed = parse_aggregated_discovery(*body, out);
        if (!parsed) {
          KubeError e;
          e.message = "discovering the API: " + parsed.error().message;
          return tl::unexpected(e);
        }
      }
      return out;
    }
  }

  // Legacy: APIVersions at /api, APIGroupList at /apis, then each group-version.
  std::vector<std::string> group_versions;
  for (const std::string& v : strings_at(core_body, "versions")) group_versions.push_back(v);
  out.preferred.emplace("", group_versions.empty() ? "v1" : group_versions.front());
  auto apis = get("/apis", "application/json");
  if (!apis) return tl::unexpected(apis.error().with_context("discovering the API"));
  Json groups = Json::parse(apis->body, nullptr, false);
  if (groups.is_object() && groups.contains("groups") && groups["groups"].is_array()) {
    for (const Json& g : groups["groups"]) {
      std::string name = string_at(g, "name");
      if (g.contains("preferredVersion")) out.preferred.emplace(name, string_at(g["preferredVersion"], "version"));
      if (!g.contains("versions") || !g["versions"].is_array()) continue;
      for (const Json& v : g["versions"]) {
        std::string gv = string_at(v, "groupVersion");
        if (!gv.empty()) group_versions.push_back(gv);
      }
    }
  }
  out.group_versions = group_versions;

  std::vector<KubeResult<HttpResponse>> answers(group_versions.size(), tl::unexpected(KubeError{}));
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < group_versions.size(); i = next++) {
      const std::string& gv = group_versions[i];
      answers[i] = get(gv.find('/') == std::string::npos ? "/api/" + gv : "/apis/" + gv, "application/json");
    }
  };
  std::vector<std::thread> threads;
  int workers = std::min<int>(k_discovery_workers, static_cast<int>(group_versions.size()));
  for (int i = 0; i < workers; ++i) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();

  std::vector<std::string> failed;
  for (std::size_t i = 0; i < group_versions.size(); ++i) {
    Json list = answers[i] ? Json::parse(answers[i]->body, nullptr, false) : Json();
    if (!answers[i] || !list.is_object() || !parse_resource_list(list, group_versions[i], out)) {
      failed.push_back(answers[i] ? group_versions[i] + ": not an APIResourceList" : answers[i].error().message);
    }
  }
  // kubectl tolerates a broken aggregated API (metrics-server down); all failing is an error.
  if (!group_versions.empty() && failed.size() == group_versions.size()) {
    KubeError e;
    e.message = fmt::format("discovering the API: every group-version failed, first: {}", failed.front());
    return tl::unexpected(e);
  }
  return out;
}

}  // namespace aiplat::kube

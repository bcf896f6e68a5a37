#include "fake_cluster.hpp"

#include <gtest/gtest.h>

namespace aiplat::conformance::testing {

using aiplat::testing::json_response;
using aiplat::testing::url_path;
using aiplat::testing::url_query;

std::vector<FakeResource> base_resources() {
  return {
      {"", "v1", "namespaces", "Namespace", false},
      {"", "v1", "nodes", "Node", false},
      {"", "v1", "pods", "Pod", true},
      {"", "v1", "services", "Service", true},
      {"", "v1", "configmaps", "ConfigMap", true},
      {"apps", "v1", "deployments", "Deployment", true},
      {"batch", "v1", "jobs", "Job", true},
      {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false},
      {"apiregistration.k8s.io", "v1", "apiservices", "APIService", false},
      {"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false},
      {"autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true},
      {"node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false},
  };
}

namespace {

std::string query_param(const std::string& query, const std::string& name) {
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    std::string part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (part.rfind(name + "=", 0) == 0) {
      std::string v = part.substr(name.size() + 1);
      std::string out;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
          out += static_cast<char>(std::stoi(v.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else {
          out += v[i] == '+' ? ' ' : v[i];
        }
      }
      return out;
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return {};
}

bool matches_labels(const Json& obj, const std::string& selector) {
  if (selector.empty()) return true;
  const Json labels = obj["metadata"].value("labels", Json::object());
  std::size_t start = 0;
  while (start <= selector.size()) {
    std::size_t comma = selector.find(',', start);
    std::string term = selector.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t eq = term.find('=');
    std::string k = term.substr(0, eq);
    if (eq == std::string::npos) {
      if (!labels.contains(k)) return false;
    } else if (labels.value(k, std::string("\x01")) != term.substr(eq + 1)) {
      return false;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

HttpResponse status_error(long code, const std::string& reason, const std::string& message) {
  Json s = {{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"}, {"reason", reason}, {"message", message},
            {"code", code}};
  return json_response(code, s.dump());
}

}  // namespace

FakeCluster::FakeCluster(std::vector<FakeResource> resources)
    : m_resources(std::move(resources)),
      m_transport(std::make_shared<aiplat::testing::FakeTransport>()),
      m_clock(std::make_shared<FakeClock>()) {
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    m_transport->on(method, ".*", [this](const HttpRequest& r) { return handle(r); });
  }
  kube::ClusterConfig config;
  config.server = "https://fake:6443";
  config.token = "s3cr3t-token-value";
  config.context_name = "ctx";
  kube::ClientOptions options;
  options.clock = m_clock;
  options.jitter_seed = 42;
  options.retry.max_attempts = 1;
  m_client = std::make_unique<kube::Client>(config, m_transport, options);
}

std::string FakeCluster::key(const std::string& kind, const std::string& ns, const std::string& name) const {
  return kind + "/" + ns + "/" + name;
}

void FakeCluster::add(Json object) {
  Json& meta = object["metadata"];
  if (!meta.contains("uid")) meta["uid"] = "uid-" + std::to_string(++m_uid);
  // Json's operator= takes its argument by value, so the key must be computed before the move.
  std::string k = key(object.value("kind", ""), meta.value("namespace", ""), meta.value("name", ""));
  m_objects[k] = std::move(object);
}

void FakeCluster::put(const Json& object) { add(object); }

Json FakeCluster::find(const std::string& kind, const std::string& ns, const std::string& name) const {
  auto it = m_objects.find(key(kind, ns, name));
  return it == m_objects.end() ? Json(nullptr) : it->second;
}

std::vector<Json> FakeCluster::all(const std::string& kind) const {
  std::vector<Json> out;
  for (const auto& [k, v] : m_objects) {
    if (v.value("kind", "") == kind) out.push_back(v);
  }
  return out;
}

void FakeCluster::set_log(const std::string& ns, const std::string& pod, const std::string& container,
                          std::string text) {
  m_logs[ns + "/" + pod + "/" + container] = std::move(text);
}

std::optional<FakeCluster::Target> FakeCluster::parse(const std::string& path) const {
  std::vector<std::string> parts;
  for (std::size_t start = 1; start <= path.size();) {
    std::size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string group;
  std::string version;
  std::size_t i = 0;
  if (parts.size() >= 2 && parts[0] == "api") {
    version = parts[1];
    i = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    group = parts[1];
    version = parts[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  Target t;
  if (i + 1 < parts.size() && parts[i] == "namespaces" && i + 2 < parts.size()) {
    t.ns = parts[i + 1];
    i += 2;
  }
  if (i >= parts.size()) return std::nullopt;
  for (const FakeResource& r : m_resources) {
    if (r.group == group && r.version == version && r.plural == parts[i]) t.res = &r;
  }
  if (t.res == nullptr) return std::nullopt;
  if (i + 1 < parts.size()) t.name = parts[i + 1];
  if (i + 2 < parts.size()) t.sub = parts[i + 2];
  return t;
}

HttpResponse FakeCluster::handle(const HttpRequest& request) {
  std::string path = url_path(request.url);
  std::string query = url_query(request.url);
  if (path == "/version") return json_response(200, R"({"major":"1","minor":"35","gitVersion":"v1.35.0"})");
  if (path == "/api" || path == "/apis") {
    std::map<std::string, std::map<std::string, Json>> groups;  // group -> version -> resources
    std::vector<std::string> order;
    for (const FakeResource& r : m_resources) {
      bool core = r.group.empty();
      if ((path == "/api") != core) continue;
      if (groups.find(r.group) == groups.end()) order.push_back(r.group);
      Json& list = groups[r.group][r.version];
      if (list.is_null()) list = Json::array();
      list.push_back({{"resource", r.plural},
                      {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
                      {"scope", r.namespaced ? "Namespaced" : "Cluster"},
                      {"verbs", r.verbs},
                      {"subresources", Json::array({{{"subresource", "status"}, {"verbs", {"get", "patch"}}}})}});
    }
    Json items = Json::array();
    for (const std::string& g : order) {
      Json versions = Json::array();
      for (auto it = groups[g].rbegin(); it != groups[g].rend(); ++it) {
        versions.push_back({{"version", it->first}, {"resources", it->second}});
      }
      items.push_back({{"metadata", {{"name", g}}}, {"versions", versions}});
    }
    Json list = {{"kind", "APIGroupDiscoveryList"}, {"apiVersion", "apidiscovery.k8s.io/v2"}, {"items", items}};
    HttpResponse r = json_response(200, list.dump());
    for (auto& h : r.headers) {
      if (h.first == "content-type") h.second = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    }
    return r;
  }
  if (auto raw = m_raw.find(path); raw != m_raw.end()) {
    return raw->second(path + (query.empty() ? "" : "?" + query));
  }
  // Proxies and logs.
  static const std::string k_ns = "/api/v1/namespaces/";
  if (path.rfind(k_ns, 0) == 0) {
    std::string rest = path.substr(k_ns.size());
    std::size_t s1 = rest.find('/');
    std::string ns = rest.substr(0, s1);
    std::string tail = s1 == std::string::npos ? "" : rest.substr(s1 + 1);
    for (const char* kind : {"services/", "pods/"}) {
      if (tail.rfind(kind, 0) != 0) continue;
      std::string after = tail.substr(std::string(kind).size());
      std::size_t proxy = after.find("/proxy");
      if (proxy != std::string::npos) {
        std::string target = after.substr(0, proxy);
        std::string name = target.substr(0, target.find(':'));
        std::string sub = after.substr(proxy + 6) + (query.empty() ? "" : "?" + query);
        auto& table = std::string(kind) == "services/" ? m_service_proxy : m_pod_proxy;
        auto it = table.find(name);
        if (it == table.end()) return status_error(503, "ServiceUnavailable", "no endpoints available for " + name);
        return it->second(sub);
      }
      if (std::string(kind) == "pods/" && after.size() > 4 && after.substr(after.size() - 4) == "/log") {
        std::string pod = after.substr(0, after.size() - 4);
        auto it = m_logs.find(ns + "/" + pod + "/" + query_param(query, "container"));
        if (it == m_logs.end()) return aiplat::testing::json_response(200, "");
        HttpResponse r = json_response(200, it->second);
        return r;
      }
    }
    if (tail.empty()) {
      // The Namespace object.
      Json obj = find("Namespace", "", ns);
      if (request.method == "GET") {
        return obj.is_null() ? status_error(404, "NotFound", "namespaces \"" + ns + "\" not found")
                             : json_response(200, obj.dump());
      }
      if (request.method == "DELETE") {
        if (obj.is_null()) return status_error(404, "NotFound", "namespaces \"" + ns + "\" not found");
        for (auto it = m_objects.begin(); it != m_objects.end();) {
          it = it->second["metadata"].value("namespace", "") == ns ? m_objects.erase(it) : std::next(it);
        }
        m_objects.erase(key("Namespace", "", ns));
        return json_response(200, obj.dump());
      }
      if (request.method == "PATCH") {
        if (obj.is_null()) return status_error(404, "NotFound", "namespaces \"" + ns + "\" not found");
        obj.merge_patch(Json::parse(request.body));
        put(obj);
        return json_response(200, obj.dump());
      }
    }
  }
  std::optional<Target> t = parse(path);
  if (!t) return status_error(404, "NotFound", "the server could not find the requested resource " + path);
  const FakeResource& res = *t->res;
  if (request.method == "GET" || request.method == "DELETE" || request.method == "PATCH") {
    auto hooks = m_read_hooks.find(res.kind);
    if (hooks != m_read_hooks.end()) {
      for (auto& h : hooks->second) h(*this);
    }
  }
  if (request.method == "GET" && t->name.empty()) {
    Json items = Json::array();
    std::string labels = query_param(query, "labelSelector");
    std::string fields = query_param(query, "fieldSelector");
    for (const auto& [k, v] : m_objects) {
      if (v.value("kind", "") != res.kind) continue;
      if (!t->ns.empty() && v["metadata"].value("namespace", "") != t->ns) continue;
      if (!matches_labels(v, labels)) continue;
      if (fields.rfind("metadata.name=", 0) == 0 && v["metadata"].value("name", "") != fields.substr(14)) continue;
      if (fields.rfind("spec.nodeName=", 0) == 0 && v.value("spec", Json::object()).value("nodeName", "") != fields.substr(14)) continue;
      items.push_back(v);
    }
    Json list = {{"kind", res.kind + "List"}, {"apiVersion", res.group.empty() ? res.version : res.group + "/" + res.version},
                 {"metadata", {{"resourceVersion", "1"}}}, {"items", items}};
    return json_response(200, list.dump());
  }
  std::string nf = res.plural + " \"" + t->name + "\" not found";
  if (request.method == "GET") {
    Json obj = find(res.kind, t->ns, t->name);
    return obj.is_null() ? status_error(404, "NotFound", nf) : json_response(200, obj.dump());
  }
  if (request.method == "DELETE") {
    Json obj = find(res.kind, t->ns, t->name);
    if (obj.is_null()) return status_error(404, "NotFound", nf);
    m_objects.erase(key(res.kind, t->ns, t->name));
    return json_response(200, obj.dump());
  }
  if (request.method == "PATCH") {
    Json obj = find(res.kind, t->ns, t->name);
    if (obj.is_null()) return status_error(404, "NotFound", nf);
    obj.merge_patch(Json::parse(request.body));
    put(obj);
    return json_response(200, obj.dump());
  }
  if (request.method == "POST") {
    Json obj = Json::parse(request.body);
    if (res.namespaced && !obj["metadata"].contains("namespace")) obj["metadata"]["namespace"] = t->ns;
    std::string name = obj["metadata"].value("name", "");
    if (!find(res.kind, obj["metadata"].value("namespace", ""), name).is_null()) {
      return status_error(409, "AlreadyExists", res.plural + " \"" + name + "\" already exists");
    }
    obj["metadata"]["uid"] = "uid-" + std::to_string(++m_uid);
    auto hooks = m_create_hooks.find(res.kind);
    if (hooks != m_create_hooks.end()) {
      for (auto& h : hooks->second) {
        if (std::optional<HttpResponse> answer = h(*this, obj)) return *answer;
      }
    }
    put(obj);
    return json_response(201, obj.dump());
  }
  return status_error(405, "MethodNotAllowed", request.method + " " + path);
}

Json ready_node(const std::string& name, int gpus) {
  Json n = {{"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata", {{"name", name}, {"labels", Json::object()}}},
            {"spec", Json::object()},
            {"status",
             {{"conditions", Json::array({{{"type", "Ready"}, {"status", "True"}}})},
              {"allocatable", {{"cpu", "8"}, {"memory", "32Gi"}}},
              {"nodeInfo", {{"containerRuntimeVersion", "containerd://2.1.0"}}}}}};
  if (gpus > 0) n["status"]["allocatable"]["nvidia.com/gpu"] = std::to_string(gpus);
  return n;
}

void add_gpu_node(FakeCluster& fc, const std::string& name, int gpus) {
  fc.add(ready_node(name, gpus));
  fc.add({{"apiVersion", "v1"}, {"kind", "Pod"},
          {"metadata", {{"name", "nvidia-device-plugin-daemonset-" + name}, {"namespace", "gpu-operator"}}},
          {"spec", {{"nodeName", name}}}, {"status", {{"phase", "Running"}}}});
}

void set_condition(Json& object, const std::string& type, const std::string& status, const std::string& reason) {
  Json& conds = object["status"]["conditions"];
  if (!conds.is_array()) conds = Json::array();
  for (Json& c : conds) {
    if (c.value("type", "") == type) {
      c["status"] = status;
      c["reason"] = reason;
      return;
    }
  }
  conds.push_back({{"type", type}, {"status", status}, {"reason", reason}});
}

RunOptions options_for(FakeCluster& fc, const std::string& checklist, const std::string& id) {
  RunOptions o;
  o.checklist = *checklist_for(checklist);
  o.only = {id};
  o.clock = fc.clock();
  o.make_run_id = [] { return std::string("r1"); };
  o.secrets = {"s3cr3t-token-value"};
  return o;
}

CheckResult run_one_check(FakeCluster& fc, const std::string& checklist, const std::string& id) {
  Result<std::vector<CheckResult>> r = run_checks(fc.client(), options_for(fc, checklist, id));
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  if (!r || r->empty()) return {};
  return r->front();
}

}  // namespace aiplat::conformance::testing

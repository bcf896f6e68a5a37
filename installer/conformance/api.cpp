#include "conformance/api.hpp"

#include <fmt/format.h>

namespace aiplat::conformance {
namespace {

std::string where(const GroupVersionKind& g, const std::string& ns, const std::string& name) {
  std::string out = g.to_string();
  if (!ns.empty() || !name.empty()) out += " ";
  if (!ns.empty()) out += ns + (name.empty() ? "" : "/");
  return out + name;
}

std::string excerpt(const std::string& text) {
  constexpr std::size_t k_max = 160;
  if (text.size() <= k_max) return text;
  return text.substr(0, k_max) + fmt::format("... ({} bytes)", text.size());
}

}  // namespace

GroupVersionKind gvk(const std::string& api_version, const std::string& kind) {
  return GroupVersionKind::from(api_version, kind);
}

std::string object_name(const Json& object) {
  std::string kind = object.value("kind", std::string("?"));
  const Json& meta = object.contains("metadata") ? object["metadata"] : Json::object();
  std::string ns = meta.value("namespace", std::string());
  std::string name = meta.value("name", meta.value("generateName", std::string("?")));
  return kind + " " + (ns.empty() ? "" : ns + "/") + name;
}

Json condition(const Json& object, const std::string& type) {
  if (!object.contains("status") || !object["status"].is_object()) return nullptr;
  const Json& conds = object["status"].value("conditions", Json::array());
  if (!conds.is_array()) return nullptr;
  for (const Json& c : conds) {
    if (c.value("type", std::string()) == type) return c;
  }
  return nullptr;
}

bool condition_true(const Json& object, const std::string& type) {
  Json c = condition(object, type);
  return c.is_object() && c.value("status", std::string()) == "True";
}

std::string summarize(const Json& object) {
  if (!object.is_object()) return excerpt(object.dump());
  std::string out = object_name(object);
  if (object.value("kind", std::string()) == "Status") {
    return "Status " + object.value("status", std::string()) + " " + object.value("reason", std::string()) + ": " +
           excerpt(object.value("message", std::string()));
  }
  if (object.contains("status") && object["status"].is_object()) {
    const Json& st = object["status"];
    if (st.contains("phase") && st["phase"].is_string()) out += " phase=" + st["phase"].get<std::string>();
    if (st.contains("conditions") && st["conditions"].is_array()) {
      for (const Json& c : st["conditions"]) {
        out += " " + c.value("type", std::string("?")) + "=" + c.value("status", std::string("?"));
      }
    }
  }
  if (object.contains("items") && object["items"].is_array()) out += fmt::format(" items={}", object["items"].size());
  return out;
}

std::string summarize(const KubeError& error) {
  if (error.is_transport()) return "no response: " + excerpt(error.message);
  return fmt::format("{} {}: {}", error.status, error.reason.empty() ? "Error" : error.reason, excerpt(error.message));
}

KubeResult<Json> Api::logged(const std::string& request, KubeResult<Json> result) {
  m_transcript.request(request);
  if (result) {
    m_transcript.response("ok " + summarize(*result));
  } else {
    m_transcript.response(summarize(result.error()));
  }
  return result;
}

KubeResult<std::string> Api::logged_text(const std::string& request, KubeResult<std::string> result) {
  m_transcript.request(request);
  if (result) {
    m_transcript.response(fmt::format("ok {} bytes: {}", result->size(), excerpt(*result)));
  } else {
    m_transcript.response(summarize(result.error()));
  }
  return result;
}

KubeResult<Json> Api::get(const GroupVersionKind& g, const std::string& ns, const std::string& name) {
  return logged("GET " + where(g, ns, name), m_client.get(kube::ResourceRef{g, ns, name}));
}

KubeResult<kube::ObjectList> Api::list(const GroupVersionKind& g, const std::string& ns,
                                       const std::string& label_selector, const std::string& field_selector) {
  std::string line = "LIST " + where(g, ns.empty() ? "*" : ns, "");
  if (!label_selector.empty()) line += " -l " + label_selector;
  if (!field_selector.empty()) line += " --field-selector " + field_selector;
  m_transcript.request(line);
  kube::ListOptions options;
  options.label_selector = label_selector;
  options.field_selector = field_selector;
  KubeResult<kube::ObjectList> result = m_client.list(g, ns, options);
  if (result) {
    std::string names;
    for (const Json& item : result->items) {
      if (names.size() > 200) {
        names += " ...";
        break;
      }
      names += " [" + summarize(item) + "]";
    }
    m_transcript.response(fmt::format("ok {} items{}", result->items.size(), names));
  } else {
    m_transcript.response(summarize(result.error()));
  }
  return result;
}

KubeResult<Json> Api::create(const Json& object) {
  return logged("CREATE " + object_name(object), m_client.create(object));
}

KubeResult<Json> Api::apply(const Json& object) {
  return logged("APPLY " + object_name(object), m_client.apply(object));
}

KubeResult<Json> Api::merge_patch(const GroupVersionKind& g, const std::string& ns, const std::string& name,
                                  const Json& patch) {
  return logged("PATCH " + where(g, ns, name) + " " + excerpt(patch.dump()),
                m_client.merge_patch(kube::ResourceRef{g, ns, name}, patch));
}

KubeResult<Json> Api::remove(const GroupVersionKind& g, const std::string& ns, const std::string& name) {
  kube::DeleteOptions options;
  options.propagation = kube::Propagation::background;
  return logged("DELETE " + where(g, ns, name), m_client.remove(kube::ResourceRef{g, ns, name}, options));
}

KubeResult<std::string> Api::raw_get(const std::string& path) { return logged_text("GET " + path, m_client.raw_get(path)); }

KubeResult<std::string> Api::service_proxy_get(const std::string& ns, const std::string& service,
                                               const std::string& port, const std::string& path) {
  return logged_text(fmt::format("GET service proxy {}/{}:{}{}", ns, service, port, path),
                     m_client.service_proxy_get(ns, service, port, path));
}

KubeResult<std::string> Api::pod_proxy_get(const std::string& ns, const std::string& pod, const std::string& port,
                                           const std::string& path) {
  return logged_text(fmt::format("GET pod proxy {}/{}:{}{}", ns, pod, port, path),
                     m_client.pod_proxy_get(ns, pod, port, path));
}

KubeResult<std::string> Api::pod_log(const std::string& ns, const std::string& pod, const std::string& container) {
  std::string path = "/api/v1/namespaces/" + ns + "/pods/" + pod + "/log?container=" + container;
  return logged_text("GET " + path, m_client.raw_get(path));
}

std::optional<kube::ResourceMapping> Api::served(const std::string& group, const std::string& version,
                                                 const std::string& plural) {
  KubeResult<kube::DiscoveryResult> d = m_client.discovery();
  if (!d) {
    m_transcript.observe("discovery failed: " + summarize(d.error()));
    return std::nullopt;
  }
  for (const kube::ResourceMapping& m : d->resources) {
    if (m.gvr.group == group && m.gvr.version == version && m.gvr.resource == plural) {
      std::string verbs;
      for (const std::string& v : m.verbs) verbs += (verbs.empty() ? "" : ",") + v;
      m_transcript.observe(fmt::format("discovery: {}/{} serves {} (kind {}, verbs {})", group, version, plural,
                                       m.gvk.kind, verbs));
      return m;
    }
  }
  m_transcript.observe(fmt::format("discovery: {}/{} does not serve {}", group.empty() ? "core" : group, version,
                                   plural));
  return std::nullopt;
}

std::string Api::preferred_version(const std::string& group) {
  KubeResult<kube::DiscoveryResult> d = m_client.discovery();
  if (!d) {
    m_transcript.observe("discovery failed: " + summarize(d.error()));
    return {};
  }
  auto it = d->preferred.find(group);
  if (it == d->preferred.end()) {
    m_transcript.observe("discovery: group " + group + " is not served");
    return {};
  }
  m_transcript.observe("discovery: group " + group + " preferred version " + it->second);
  return it->second;
}

KubeResult<kube::ServerVersion> Api::server_version() {
  m_transcript.request("GET /version");
  KubeResult<kube::ServerVersion> v = m_client.server_version();
  if (v) {
    m_transcript.response("ok " + v->git_version);
  } else {
    m_transcript.response(summarize(v.error()));
  }
  return v;
}

}  // namespace aiplat::conformance

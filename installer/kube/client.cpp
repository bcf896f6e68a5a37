#include "kube/client.hpp"

#include <random>

#include <fmt/format.h>

#include "kube/client_request.hpp"

namespace aiplat::kube {

std::string url_encode(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string path_encode(const std::string& segment) {
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

void add_query(std::string& path, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  path += path.find('?') == std::string::npos ? '?' : '&';
  path += key + "=" + url_encode(value);
}

Client::Client(ClusterConfig config, std::shared_ptr<HttpTransport> transport, ClientOptions options)
    : m_config(std::move(config)), m_transport(std::move(transport)), m_options(std::move(options)) {
  if (!m_options.clock) m_options.clock = real_clock();
  if (!m_options.runner) m_options.runner = make_posix_runner();
  std::uint64_t seed = m_options.jitter_seed ? m_options.jitter_seed : std::random_device{}();
  m_backoff = std::make_unique<Backoff>(m_options.retry, seed);
  m_auth = std::make_unique<Authenticator>(m_config, m_options.runner, m_options.clock, m_options.logger,
                                           m_options.stdin_terminal);
  if (m_options.logger && m_config.tls.insecure_skip_verify) {
    m_options.logger->warn(fmt::format("insecure-skip-tls-verify (kubeconfig {}, cluster \"{}\", or the flag): the "
                                       "server certificate of {} is not verified",
                                       m_config.source, m_config.cluster_name, m_config.server));
  }
  m_mapper = std::make_unique<RestMapper>([this]() {
    return discover([this](const std::string& path, const std::string& accept) {
      Request r;
      r.path = path;
      r.accept = accept;
      return send(std::move(r));
    });
  });
}

Client::~Client() = default;

KubeResult<HttpResponse> Client::send(Request request) {
  std::string url = m_config.server + request.path;
  std::string subject = request.subject.empty() ? request.method + " " + url : request.subject;
  bool reauthenticated = false;
  for (;;) {
    auto auth = m_auth->current();
    if (!auth) {
      KubeError e;
      e.kind = auth.error().kind;
      e.message = fmt::format("{}: {}", subject, auth.error().message);
      return tl::unexpected(e);
    }
    HttpRequest http;
    http.method = request.method;
    http.url = url;
    http.headers.emplace_back("Accept", request.accept);
    http.headers.emplace_back("User-Agent", m_options.user_agent);
    if (!request.content_type.empty()) http.headers.emplace_back("Content-Type", request.content_type);
    if (!auth->authorization.empty()) http.headers.emplace_back("Authorization", auth->authorization);
    http.body = request.body;
    http.tls = auth->tls.get();
    http.proxy = m_config.proxy_url;
    // gzip only, as client-go: kube-apiserver compresses nothing else, and a server that also
    // offers brotli (kubesim's HTTP library) would spend several times the CPU on every answer.
    http.accept_encoding = "gzip";
    HttpResponse response = send_with_retries(
        [&](std::chrono::milliseconds remaining) {
          http.timeout = std::min(remaining, m_options.request_timeout);
          if (m_options.logger && m_options.logger->enabled(6)) {
            m_options.logger->debug(6, fmt::format("{} {}", http.method, http.url));
          }
          HttpResponse r = m_transport->send(http);
          if (r.ok()) m_answered = true;
          if (m_options.logger && m_options.logger->enabled(6)) {
            m_options.logger->debug(6, fmt::format("{} {} -> {}", http.method, http.url,
                                                   r.ok() ? std::to_string(r.status) : std::string(describe(r.error))));
          }
          return r;
        },
        *m_backoff, *m_options.clock, [this](const HttpResponse& r) {
          return (m_answered || r.error != TransportError::connect) && is_retryable(r);
        });
    if (response.ok() && response.status == 401 && !reauthenticated && m_auth->refresh_after_unauthorized()) {
      reauthenticated = true;  // one re-run of the exec plugin (or re-read of the token file)
      continue;
    }
    if (response.ok() && response.status >= 200 && response.status < 300) return response;
    KubeError e = error_from_response(response, subject);
    if (response.error == TransportError::tls) {
      std::string ca = !m_config.tls.ca_file.empty()   ? "CA file " + m_config.tls.ca_file
                       : !m_config.tls.ca_pem.empty()  ? "certificate-authority-data of cluster \"" +
                                                             m_config.cluster_name + "\" in " + m_config.source
                                                       : std::string("the system CA bundle");
      e.message += fmt::format(
          " (verifying server {} against {}); a certificate error is not retried: give the CA that signed the "
          "server's certificate with --certificate-authority FILE or the kubeconfig's certificate-authority(-data), "
          "or, on a test cluster only, --insecure-skip-tls-verify",
          m_config.server, ca);
    }
    if (response.error == TransportError::connect && !m_answered) {
      e.message += fmt::format(" - the connection to the server {} failed: is the API server running, and are the "
                               "server address and port of cluster \"{}\" in {} right?",
                               m_config.server, m_config.cluster_name, m_config.source);
    }
    if (response.ok() && response.status == 401) {
      e.message += fmt::format(" (credentials of user \"{}\" in {} were rejected)", m_config.user_name,
                               m_config.source);
    }
    return tl::unexpected(e);
  }
}

KubeResult<Json> Client::send_json(Request request) {
  std::string subject = request.subject.empty() ? request.method + " " + m_config.server + request.path
                                                : request.subject;
  auto response = send(std::move(request));
  if (!response) return tl::unexpected(response.error());
  if (response->body.empty()) return Json::object();
  Json body = Json::parse(response->body, nullptr, false);
  if (body.is_discarded()) {
    KubeError e;
    e.status = response->status;
    e.message = fmt::format("{}: the server answered {} with a body that is not JSON", subject, response->status);
    return tl::unexpected(e);
  }
  return body;
}

KubeResult<ServerVersion> Client::server_version() {
  Request r;
  r.path = "/version";
  auto body = send_json(std::move(r));
  if (!body) return tl::unexpected(body.error());
  ServerVersion v;
  v.raw = *body;
  auto number = [](const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return 0;
    std::string s = it->get<std::string>();
    int n = 0;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) break;  // "35+" on some providers
      n = n * 10 + (c - '0');
    }
    return n;
  };
  v.major = number(*body, "major");
  v.minor = number(*body, "minor");
  v.git_version = body->value("gitVersion", "");
  v.platform = body->value("platform", "");
  return v;
}

KubeResult<ResourceMapping> Client::mapping_for(const GroupVersionKind& gvk) { return m_mapper->mapping_for(gvk); }

KubeResult<ResourceMapping> Client::mapping_for_resource(const std::string& name) {
  return m_mapper->mapping_for_resource(name);
}

KubeResult<DiscoveryResult> Client::discovery() { return m_mapper->discovery(); }

void Client::invalidate_discovery() { m_mapper->invalidate(); }

std::string Client::resource_path(const ResourceMapping& mapping, const std::string& ns, const std::string& name,
                                  const std::string& subresource) {
  std::string path = mapping.gvr.group.empty() ? "/api/" + mapping.gvr.version
                                               : "/apis/" + mapping.gvr.group + "/" + mapping.gvr.version;
  if (mapping.namespaced() && !ns.empty()) path += "/namespaces/" + path_encode(ns);
  path += "/" + mapping.gvr.resource;
  if (!name.empty()) path += "/" + path_encode(name);
  if (!subresource.empty()) path += "/" + subresource;
  return path;
}

KubeResult<std::pair<ResourceMapping, ResourceRef>> Client::locate(const ResourceRef& ref) {
  auto mapping = m_mapper->mapping_for(ref.gvk);
  if (!mapping) return tl::unexpected(mapping.error());
  ResourceRef resolved = ref;
  if (mapping->namespaced() && resolved.ns.empty()) resolved.ns = m_config.ns;
  if (!mapping->namespaced()) resolved.ns.clear();
  return std::make_pair(*mapping, resolved);
}

KubeResult<std::pair<ResourceMapping, ResourceRef>> Client::locate(const Json& object) {
  auto ref = ResourceRef::of(object);
  if (!ref) return kube_input_error(ref.error().message);
  return locate(*ref);
}

}  // namespace aiplat::kube

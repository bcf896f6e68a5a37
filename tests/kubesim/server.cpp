#include "server.hpp"

#include <sys/socket.h>

#include <chrono>
#include <sstream>
#include <thread>

#include <openssl/ssl.h>

#include "controllers.hpp"
#include "discovery.hpp"
#include "listing.hpp"
#include "util/yaml.hpp"
#include "watch.hpp"

namespace kubesim {
namespace {

constexpr size_t k_max_body = 64 * 1024 * 1024;  // upstream CRDs exceed 1 MB (KubeRay)

int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) {
      out.push_back(part);
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  return out;
}

void send(httplib::Response& response, const Reply& reply) {
  response.status = reply.status;
  response.set_content(reply.body.dump(), "application/json");
}

bool truthy(const httplib::Request& request, const std::string& key) {
  std::string value = request.get_param_value(key);
  return value == "true" || value == "1";
}

// Field manager as the apiserver derives it: the parameter, else the user agent up to the first '/'.
std::string field_manager(const httplib::Request& request) {
  std::string manager = request.get_param_value("fieldManager");
  if (manager.empty()) {
    std::string agent = request.get_header_value("User-Agent");
    manager = agent.substr(0, agent.find('/'));
  }
  return manager;
}

// Request bodies are JSON; YAML is accepted too (it is a superset).
bool parse_body(const httplib::Request& request, Json& out, Reply& error) {
  if (request.get_header_value("Content-Type").find("protobuf") != std::string::npos) {
    error = status_error(415, "UnsupportedMediaType",
                         "kubesim accepts JSON and YAML request bodies only, not protobuf (see docs/kubesim.md)");
    return false;
  }
  out = Json::parse(request.body, nullptr, false);
  if (!out.is_discarded()) {
    return true;
  }
  aiplat::Result<aiplat::YamlDocument> yaml = aiplat::parse_yaml(request.body, "request body");
  if (!yaml) {
    error = status_error(400, "BadRequest", "the request body is neither JSON nor YAML: " + yaml.error().message);
    return false;
  }
  out = yaml->value;
  return true;
}

const Reply k_not_found = status_error(404, "NotFound", "the server could not find the requested resource");

}  // namespace

ApiServer::ApiServer(Cluster& cluster, Authenticator& auth, Faults& faults, const Pki& pki)
    : m_cluster(cluster), m_auth(auth), m_faults(faults) {
  m_server = std::make_unique<httplib::SSLServer>([&pki](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate(&ctx, pki.server.cert.get()) != 1 ||
        SSL_CTX_use_PrivateKey(&ctx, pki.server.key.get()) != 1) {
      return false;
    }
    X509_STORE_add_cert(SSL_CTX_get_cert_store(&ctx), pki.ca.cert.get());
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(pki.ca.cert.get())));
    SSL_CTX_set_client_CA_list(&ctx, names);
    // Ask for a client certificate but decide about it per request (401 with a Status body).
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, accept_any_certificate);
    // With SSL_VERIFY_PEER, OpenSSL refuses to resume a session (alert "internal error") unless a
    // session id context is set; clients that share TLS sessions across connections (libcurl's
    // share interface) resume on every new connection.
    static const unsigned char k_session_context[] = "kubesim";
    SSL_CTX_set_session_id_context(&ctx, k_session_context, sizeof k_session_context - 1);
    return true;
  });
  m_server->set_payload_max_length(k_max_body);
  // Headers and body go out in separate writes; without this, Nagle plus delayed ACKs add ~40 ms per request.
  m_server->set_tcp_nodelay(true);
  m_server->new_task_queue = [] { return new httplib::ThreadPool(64); };
  m_server->set_keep_alive_max_count(1000);
  m_server->set_read_timeout(60);
  m_server->set_write_timeout(60);
  auto handler = [this](const httplib::Request& request, httplib::Response& response) { handle(request, response); };
  m_server->Get(".*", handler);
  m_server->Post(".*", handler);
  m_server->Put(".*", handler);
  m_server->Patch(".*", handler);
  m_server->Delete(".*", handler);
  m_server->set_logger([this](const httplib::Request& request, const httplib::Response& response) {
    log_request(request, std::to_string(response.status));
  });
}

bool ApiServer::valid() const { return m_server->is_valid(); }

bool ApiServer::open_request_log(const std::string& path) {
  m_log.open(path, std::ios::app);
  return m_log.good();
}

int ApiServer::bind(const std::string& host, int port) {
  if (port == 0) {
    m_port = m_server->bind_to_any_port(host);
  } else {
    m_port = m_server->bind_to_port(host, port) ? port : -1;
  }
  return m_port;
}

bool ApiServer::run() { return m_server->listen_after_bind(); }

void ApiServer::stop() {
  m_cluster.stop();
  m_server->stop();
}

void ApiServer::log_request(const httplib::Request& request, const std::string& status) {
  std::lock_guard<std::mutex> lock(m_log_mutex);
  if (m_log.is_open()) {
    m_log << request.method << " " << request.target << " " << status << std::endl;
  }
}

void ApiServer::handle(const httplib::Request& request, httplib::Response& response) {
  // Debian's httplib is built with gzip and brotli and compresses every JSON answer the client
  // accepts, which buffers a watch stream until it ends. kube-apiserver never compresses watches
  // (and other answers only above 128 KiB); on loopback no compression at all is the honest, cheap
  // choice. httplib picks the encoding from the request after this handler returns, so the header
  // is dropped here (the request object is httplib's own, non-const, for this connection).
  const_cast<httplib::Request&>(request).headers.erase("Accept-Encoding");
  response.set_header("Audit-Id", std::to_string(std::hash<std::string>{}(request.target + request.remote_addr)));
  std::vector<std::string> parts = split_path(request.path);
  bool admin = !parts.empty() && parts[0] == "kubesim";
  if (!admin) {
    if (int latency = m_faults.latency_ms(); latency > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(latency));
    }
    switch (m_faults.draw()) {
      case Fault::none:
        break;
      case Fault::too_many_requests:
        response.set_header("Retry-After", "1");
        send(response, status_error(429, "TooManyRequests", "kubesim: injected fault, please try again later",
                                    {{"retryAfterSeconds", 1}}));
        return;
      case Fault::internal_error:
        send(response, status_error(500, "InternalError", "kubesim: injected internal error"));
        return;
      case Fault::unavailable:
        send(response, status_error(503, "ServiceUnavailable", "kubesim: injected unavailability"));
        return;
      case Fault::reset:
        if (request.ssl != nullptr) {
          int fd = SSL_get_fd(request.ssl);
          linger option{1, 0};
          setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
          shutdown(fd, SHUT_RDWR);
        }
        log_request(request, "reset");
        return;
    }
  }
  bool health = parts.size() == 1 && (parts[0] == "healthz" || parts[0] == "livez" || parts[0] == "readyz");
  bool has_credentials = request.has_header("Authorization") || (request.ssl != nullptr &&
                                                                 SSL_get0_peer_certificate(request.ssl) != nullptr);
  if (!health || has_credentials) {
    AuthResult auth = m_auth.check(request);
    if (auth.code == 401) {
      send(response, status_error(401, "Unauthorized", "Unauthorized"));
      return;
    }
    if (auth.code == 403) {
      send(response, status_error(403, "Forbidden",
                                  "forbidden: User \"" + auth.user + "\" cannot " + request.method + " path \"" +
                                      request.path + "\""));
      return;
    }
  }
  if (health) {
    response.set_content("ok", "text/plain");
    return;
  }
  if (admin) {
    handle_admin(request, response, parts.size() > 1 ? parts[1] : "");
    return;
  }
  if (parts.empty()) {
    send(response, k_not_found);
    return;
  }
  std::string accept = request.get_header_value("Accept");
  std::lock_guard<std::mutex> lock(m_cluster.mutex());
  if (parts[0] == "version" && parts.size() == 1) {
    send(response, Reply{200, version_document(m_cluster.options().minor)});
    return;
  }
  std::vector<ResourceInfo> resources = m_cluster.resources_locked();
  if ((parts[0] == "api" || parts[0] == "apis") && parts.size() == 1) {
    if (wants_aggregated(accept)) {
      response.status = 200;
      response.set_header("Vary", "Accept");
      response.set_content(aggregated_discovery(resources, parts[0] == "api").dump(),
                           "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    } else if (parts[0] == "api") {
      send(response, Reply{200, legacy_api_versions("127.0.0.1:" + std::to_string(m_port))});
    } else {
      send(response, Reply{200, legacy_group_list(resources)});
    }
    return;
  }
  if (parts[0] == "api" && parts.size() == 2) {
    Json list = legacy_resource_list(resources, "", parts[1]);
    send(response, list.is_null() ? k_not_found : Reply{200, list});
    return;
  }
  if (parts[0] == "apis" && parts.size() == 2) {
    Json group = legacy_group(resources, parts[1]);
    send(response, group.is_null() ? k_not_found : Reply{200, group});
    return;
  }
  if (parts[0] == "apis" && parts.size() == 3) {
    Json list = legacy_resource_list(resources, parts[1], parts[2]);
    send(response, list.is_null() ? k_not_found : Reply{200, list});
    return;
  }
  if (parts[0] == "openapi") {
    if (parts.size() == 2 && parts[1] == "v3") {
      send(response, Reply{200, openapi_v3_root(m_cluster)});
    } else if (parts.size() > 2 && parts[1] == "v3") {
      std::string gv_path = request.path.substr(std::string("/openapi/v3/").size());
      Json document = openapi_v3_document(m_cluster, gv_path);
      send(response, document.is_null() ? k_not_found : Reply{200, document});
    } else {
      // Only OpenAPI v3 is served; kubectl uses it and falls back to v2 only when v3 is missing.
      send(response, status_error(404, "NotFound", "kubesim serves OpenAPI v3 only (/openapi/v3)"));
    }
    return;
  }
  if (parts[0] == "api" && parts.size() > 2) {
    handle_resource(request, response, "", parts[1], std::vector<std::string>(parts.begin() + 2, parts.end()));
    return;
  }
  if (parts[0] == "apis" && parts.size() > 3) {
    handle_resource(request, response, parts[1], parts[2], std::vector<std::string>(parts.begin() + 3, parts.end()));
    return;
  }
  send(response, k_not_found);
}

void ApiServer::handle_admin(const httplib::Request& request, httplib::Response& response, const std::string& what) {
  if (what == "faults") {
    if (request.method == "POST") {
      if (request.has_param("rate")) {
        m_faults.set_rate(std::atof(request.get_param_value("rate").c_str()));
      }
      if (request.has_param("latencyMs")) {
        m_faults.set_latency_ms(std::atoi(request.get_param_value("latencyMs").c_str()));
      }
    }
    send(response, Reply{200, {{"rate", m_faults.rate()}, {"latencyMs", m_faults.latency_ms()}}});
    return;
  }
  if (what == "tokens" && request.method == "POST") {
    if (request.has_param("add")) {
      m_auth.add_token(request.get_param_value("add"), truthy(request, "forbidden"));
    }
    if (request.has_param("revoke")) {
      m_auth.revoke_token(request.get_param_value("revoke"));
    }
    send(response, Reply{200, {{"ok", true}}});
    return;
  }
  send(response, status_error(404, "NotFound", "kubesim admin endpoints: POST /kubesim/faults, POST /kubesim/tokens"));
}

namespace {

// GET pods/NAME/log: kubesim runs no containers; a pod's log is its k_log_annotation (Jobs' pods).
void send_pod_log(Cluster& cluster, const std::string& ns, const std::string& name, const httplib::Request& request,
                  httplib::Response& response) {
  Reply pod = cluster.get_locked(*cluster.find_resource_locked("", "v1", "pods"), ns, name);
  if (pod.status != 200) {
    send(response, pod);
    return;
  }
  std::string log = pod.body["metadata"].value("annotations", Json::object()).value(k_log_annotation, "");
  if (request.has_param("tailLines")) {
    std::vector<std::string> lines;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
    }
    std::size_t keep = static_cast<std::size_t>(std::max(0L, std::atol(request.get_param_value("tailLines").c_str())));
    log.clear();
    for (std::size_t i = lines.size() > keep ? lines.size() - keep : 0; i < lines.size(); ++i) {
      log += lines[i] + "\n";
    }
  }
  response.status = 200;
  response.set_content(log, "text/plain");
}

}  // namespace

void ApiServer::handle_resource(const httplib::Request& request, httplib::Response& response,
                                const std::string& group, const std::string& version,
                                std::vector<std::string> const& parts) {
  std::vector<std::string> rest = parts;
  std::string ns;
  bool namespace_sub = group.empty() && rest.size() == 3 && rest[0] == "namespaces" &&
                       (rest[2] == "status" || rest[2] == "finalize");
  if (rest.size() >= 3 && rest[0] == "namespaces" && !namespace_sub) {
    ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.empty() || rest.size() > 3) {
    send(response, k_not_found);
    return;
  }
  std::optional<ResourceInfo> found = m_cluster.find_resource_locked(group, version, rest[0]);
  if (!found) {
    send(response, k_not_found);
    return;
  }
  const ResourceInfo& info = *found;
  std::string name = rest.size() > 1 ? rest[1] : "";
  Subresource sub = Subresource::none;
  if (rest.size() == 3 && group.empty() && rest[0] == "pods" && rest[2] == "log" && request.method == "GET") {
    send_pod_log(m_cluster, ns, name, request, response);
    return;
  }
  if (rest.size() == 3) {
    if (rest[2] == "status" && info.has_status) {
      sub = Subresource::status;
    } else if (!(rest[2] == "finalize" && namespace_sub)) {
      send(response, k_not_found);
      return;
    }
  }
  if (info.scope == Scope::cluster && !ns.empty()) {
    send(response, k_not_found);
    return;
  }
  WriteOptions options;
  options.field_manager = field_manager(request);
  options.dry_run = request.get_param_value("dryRun") == "All";
  options.force = truthy(request, "force");
  std::string accept = request.get_header_value("Accept");
  bool table = accept.find("as=Table") != std::string::npos;
  // Metadata-only answers (client-go's metadata client): the list form for lists, the object form for GETs.
  bool metadata_list = accept.find("as=PartialObjectMetadataList") != std::string::npos;
  bool metadata_object = !metadata_list && accept.find("as=PartialObjectMetadata") != std::string::npos;
  std::string include_object = request.has_param("includeObject") ? request.get_param_value("includeObject")
                                                                  : "Metadata";
  const std::string& method = request.method;

  if (method == "GET" && name.empty()) {
    ListQuery query;
    if (auto error = parse_label_selector(request.get_param_value("labelSelector"), query.labels)) {
      send(response, status_error(400, "BadRequest", "unable to parse requirement: " + *error));
      return;
    }
    if (auto error = parse_field_selector(request.get_param_value("fieldSelector"), query.fields)) {
      send(response, status_error(400, "BadRequest", *error));
      return;
    }
    if (truthy(request, "watch")) {
      WatchRequest watch{info, ns, query, request.get_param_value("resourceVersion"),
                         truthy(request, "allowWatchBookmarks"), truthy(request, "sendInitialEvents"), 1800};
      if (request.has_param("timeoutSeconds")) {
        watch.timeout_seconds = std::atol(request.get_param_value("timeoutSeconds").c_str());
      }
      serve_watch(m_cluster, watch, response);
      return;
    }
    query.limit = std::atol(request.get_param_value("limit").c_str());
    query.continue_token = request.get_param_value("continue");
    query.metadata_only = metadata_list && !table;
    Reply list = list_locked(m_cluster, info, ns, query);
    if (table && list.status == 200) {
      list.body = to_table(m_cluster, info, list.body, true, include_object);
    }
    send(response, list);
    return;
  }
  if (info.scope == Scope::namespaced && ns.empty() && !(method == "POST" && name.empty())) {
    send(response, k_not_found);
    return;
  }
  if (method == "GET") {
    Reply reply = metadata_object && !table ? get_metadata_locked(m_cluster, info, ns, name)
                                            : m_cluster.get_locked(info, ns, name);
    if (table && reply.status == 200) {
      reply.body = to_table(m_cluster, info, reply.body, false, include_object);
    }
    send(response, reply);
    return;
  }
  if (method == "POST" && name.empty()) {
    Json body;
    Reply error;
    if (!parse_body(request, body, error)) {
      send(response, error);
      return;
    }
    if (info.verbs.size() == 1) {
      // Review kinds are answered, never stored; kubesim authorizes every authenticated user.
      body["status"] = {{"allowed", true}, {"reason", "kubesim allows every authenticated request"}};
      send(response, Reply{201, body});
      return;
    }
    send(response, m_cluster.create_locked(info, ns, std::move(body), options));
    return;
  }
  if (method == "PUT" && !name.empty()) {
    Json body;
    Reply error;
    if (!parse_body(request, body, error)) {
      send(response, error);
      return;
    }
    if (namespace_sub && rest[2] == "finalize") {
      sub = Subresource::none;
    }
    send(response, m_cluster.update_locked(info, ns, name, std::move(body), sub, options));
    return;
  }
  if (method == "PATCH" && !name.empty()) {
    send(response, m_cluster.patch_locked(info, ns, name, request.get_header_value("Content-Type"), request.body, sub,
                                          options));
    return;
  }
  if (method == "DELETE") {
    std::string propagation = request.get_param_value("propagationPolicy");
    Json body = Json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (body.is_object()) {
      propagation = body.value("propagationPolicy", propagation);
      if (body.contains("dryRun") && body["dryRun"].is_array() && !body["dryRun"].empty()) {
        options.dry_run = true;
      }
    }
    if (propagation.empty()) {
      propagation = "Background";
    }
    if (!name.empty()) {
      send(response, m_cluster.delete_locked(info, ns, name, propagation, options));
      return;
    }
    ListQuery query;
    parse_label_selector(request.get_param_value("labelSelector"), query.labels);
    parse_field_selector(request.get_param_value("fieldSelector"), query.fields);
    Reply list = list_locked(m_cluster, info, ns, query);
    for (const Json& item : list.body["items"]) {
      m_cluster.delete_locked(info, item["metadata"].value("namespace", ""), item["metadata"].value("name", ""),
                              propagation, options);
    }
    send(response, list);
    return;
  }
  send(response, status_error(405, "MethodNotAllowed", "the server does not allow this method on the requested "
                                                       "resource"));
}

}  // namespace kubesim

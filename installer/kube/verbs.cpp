// The object verbs of Client: get, list, create, apply, patch, status, delete, raw and proxy GETs.
#include <fmt/format.h>

#include "kube/client.hpp"
#include "kube/client_request.hpp"

namespace aiplat::kube {
namespace {

const char* dry_run_value(DryRun d) { return d == DryRun::all ? "All" : ""; }

const char* propagation_value(Propagation p) {
  switch (p) {
    case Propagation::background: return "Background";
    case Propagation::foreground: return "Foreground";
    case Propagation::orphan: return "Orphan";
  }
  return "Background";
}

std::string strip_slash(const std::string& path) {
  std::size_t start = path.find_first_not_of('/');
  return start == std::string::npos ? std::string() : path.substr(start);
}

// Metadata-only forms, with plain JSON as the fallback a server without them answers.
constexpr const char* k_accept_metadata = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
constexpr const char* k_accept_metadata_list =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

}  // namespace

KubeResult<Json> Client::get_metadata(const ResourceRef& ref) {
  auto loc = locate(ref);
  if (!loc) return tl::unexpected(loc.error().with_context("get " + ref.to_string()));
  const auto& [mapping, target] = *loc;
  Request r;
  r.path = resource_path(mapping, target.ns, target.name);
  r.accept = k_accept_metadata;
  r.subject = "get " + target.to_string();
  return send_json(std::move(r));
}

KubeResult<Json> Client::get(const ResourceRef& ref) {
  auto loc = locate(ref);
  if (!loc) return tl::unexpected(loc.error().with_context("get " + ref.to_string()));
  const auto& [mapping, target] = *loc;
  Request r;
  r.path = resource_path(mapping, target.ns, target.name);
  r.subject = "get " + target.to_string();
  return send_json(std::move(r));
}

KubeResult<ObjectList> Client::list(const GroupVersionKind& gvk, const std::string& ns, const ListOptions& options) {
  auto mapping = m_mapper->mapping_for(gvk);
  std::string subject = "list " + gvk.to_string() + (ns.empty() ? "" : " in namespace " + ns);
  if (!mapping) return tl::unexpected(mapping.error().with_context(subject));
  ObjectList out;
  std::string continue_token = options.continue_token;
  // Bounded: a server that keeps handing out continue tokens cannot keep us here forever.
  for (int page = 0; page < 100000; ++page) {
    Request r;
    r.path = resource_path(*mapping, ns, "");
    add_query(r.path, "labelSelector", options.label_selector);
    add_query(r.path, "fieldSelector", options.field_selector);
    if (options.limit > 0) add_query(r.path, "limit", std::to_string(options.limit));
    add_query(r.path, "continue", continue_token);
    if (continue_token.empty()) add_query(r.path, "resourceVersion", options.resource_version);
    if (options.metadata_only) r.accept = k_accept_metadata_list;
    r.subject = subject;
    auto body = send_json(std::move(r));
    if (!body) return tl::unexpected(body.error());
    if (auto items = body->find("items"); items != body->end() && items->is_array()) {
      for (Json& item : *items) {
        // List items come without apiVersion and kind; fill them so items are complete objects.
        if (item.is_object()) {
          if (!item.contains("apiVersion")) item["apiVersion"] = gvk.api_version();
          if (!item.contains("kind")) item["kind"] = gvk.kind;
        }
        out.items.push_back(std::move(item));
      }
    }
    const Json& meta = body->contains("metadata") ? (*body)["metadata"] : Json::object();
    out.resource_version = meta.value("resourceVersion", "");
    continue_token = meta.value("continue", "");
    if (continue_token.empty()) return out;
    if (options.pages == Pages::one) {
      out.continue_token = continue_token;
      return out;
    }
  }
  KubeError e;
  e.message = subject + ": too many pages";
  return tl::unexpected(e);
}

KubeResult<Json> Client::create(const Json& object, const WriteOptions& options) {
  auto loc = locate(object);
  if (!loc) return tl::unexpected(loc.error().with_context("create"));
  const auto& [mapping, target] = *loc;
  Request r;
  r.method = "POST";
  r.path = resource_path(mapping, target.ns, "");
  add_query(r.path, "fieldManager", options.field_manager);
  add_query(r.path, "dryRun", dry_run_value(options.dry_run));
  r.body = object.dump();
  r.content_type = "application/json";
  r.subject = "create " + target.to_string();
  return send_json(std::move(r));
}

KubeResult<Json> Client::apply(const Json& object, const ApplyOptions& options) {
  auto loc = locate(object);
  if (!loc) return tl::unexpected(loc.error().with_context("apply"));
  const auto& [mapping, target] = *loc;
  Request r;
  r.method = "PATCH";
  r.path = resource_path(mapping, target.ns, target.name);
  add_query(r.path, "fieldManager", options.field_manager);
  if (options.force == Force::yes) add_query(r.path, "force", "true");
  add_query(r.path, "dryRun", dry_run_value(options.dry_run));
  r.body = object.dump();  // JSON is YAML, and much cheaper to produce for 1 MB CRDs
  r.content_type = "application/apply-patch+yaml";
  r.subject = "apply " + target.to_string();
  return send_json(std::move(r));
}

KubeResult<Json> Client::merge_patch(const ResourceRef& ref, const Json& patch, const WriteOptions& options) {
  auto loc = locate(ref);
  if (!loc) return tl::unexpected(loc.error().with_context("patch " + ref.to_string()));
  const auto& [mapping, target] = *loc;
  Request r;
  r.method = "PATCH";
  r.path = resource_path(mapping, target.ns, target.name);
  add_query(r.path, "fieldManager", options.field_manager);
  add_query(r.path, "dryRun", dry_run_value(options.dry_run));
  r.body = patch.dump();
  r.content_type = "application/merge-patch+json";
  r.subject = "patch " + target.to_string();
  return send_json(std::move(r));
}

KubeResult<Json> Client::update_status(const Json& object, const WriteOptions& options) {
  auto loc = locate(object);
  if (!loc) return tl::unexpected(loc.error().with_context("update status"));
  const auto& [mapping, target] = *loc;
  Request r;
  r.method = "PUT";
  r.path = resource_path(mapping, target.ns, target.name, "status");
  add_query(r.path, "fieldManager", options.field_manager);
  add_query(r.path, "dryRun", dry_run_value(options.dry_run));
  r.body = object.dump();
  r.content_type = "application/json";
  r.subject = "update status of " + target.to_string();
  return send_json(std::move(r));
}

KubeResult<Json> Client::patch_status(const ResourceRef& ref, const Json& patch, const WriteOptions& options) {
  auto loc = locate(ref);
  if (!loc) return tl::unexpected(loc.error().with_context("patch status of " + ref.to_string()));
  const auto& [mapping, target] = *loc;
  Request r;
  r.method = "PATCH";
  r.path = resource_path(mapping, target.ns, target.name, "status");
  add_query(r.path, "fieldManager", options.field_manager);
  add_query(r.path, "dryRun", dry_run_value(options.dry_run));
  r.body = patch.dump();
  r.content_type = "application/merge-patch+json";
  r.subject = "patch status of " + target.to_string();
  return send_json(std::move(r));
}

KubeResult<Json> Client::remove(const ResourceRef& ref, const DeleteOptions& options) {
  auto loc = locate(ref);
  if (!loc) return tl::unexpected(loc.error().with_context("delete " + ref.to_string()));
  const auto& [mapping, target] = *loc;
  Request r;
  r.method = "DELETE";
  r.path = resource_path(mapping, target.ns, target.name);
  add_query(r.path, "dryRun", dry_run_value(options.dry_run));
  Json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"},
               {"propagationPolicy", propagation_value(options.propagation)}};
  if (options.grace_period_seconds >= 0) body["gracePeriodSeconds"] = options.grace_period_seconds;
  r.body = body.dump();
  r.content_type = "application/json";
  r.subject = "delete " + target.to_string();
  return send_json(std::move(r));
}

KubeResult<std::string> Client::raw_get(const std::string& path) {
  if (path.empty() || path.front() != '/') return kube_input_error(fmt::format("raw path \"{}\" must start with /", path));
  Request r;
  r.path = path;
  r.accept = "application/json, */*";
  auto response = send(std::move(r));
  if (!response) return tl::unexpected(response.error());
  return std::move(response->body);
}

KubeResult<std::string> Client::service_proxy_get(const std::string& ns, const std::string& service,
                                                  const std::string& port, const std::string& path) {
  std::string target = path_encode(service) + (port.empty() ? "" : ":" + path_encode(port));
  return raw_get(fmt::format("/api/v1/namespaces/{}/services/{}/proxy/{}", path_encode(ns), target, strip_slash(path)));
}

KubeResult<std::string> Client::pod_proxy_get(const std::string& ns, const std::string& pod, const std::string& port,
                                              const std::string& path) {
  std::string target = path_encode(pod) + (port.empty() ? "" : ":" + path_encode(port));
  return raw_get(fmt::format("/api/v1/namespaces/{}/pods/{}/proxy/{}", path_encode(ns), target, strip_slash(path)));
}

}  // namespace aiplat::kube

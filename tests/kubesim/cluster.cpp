// Object storage: create, get, update, delete, and the commit step every write ends in.
#include "cluster.hpp"

#include <ctime>
#include <random>

#include <fmt/format.h>

#include "list_types.hpp"
#include "managed_fields.hpp"

namespace kubesim {
namespace {

std::string new_uid() {
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mutex);
  std::uint64_t a = rng();
  std::uint64_t b = rng();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

std::string random_suffix() {
  static std::mutex mutex;
  static std::mt19937 rng{std::random_device{}()};
  static const char k_chars[] = "bcdfghjklmnpqrstvwxz2456789";
  std::lock_guard<std::mutex> lock(mutex);
  std::string out;
  for (int i = 0; i < 5; ++i) {
    out += k_chars[rng() % (sizeof(k_chars) - 1)];
  }
  return out;
}

// The parts of an object whose change bumps metadata.generation.
Json spec_part(const Json& object) {
  Json out = object;
  out.erase("metadata");
  out.erase("status");
  return out;
}

// An object without the fields every write rewrites, to detect no-op writes.
Json comparable(Json object) {
  if (object.contains("metadata")) {
    object["metadata"].erase("resourceVersion");
    if (object["metadata"].contains("managedFields")) {
      for (Json& entry : object["metadata"]["managedFields"]) {
        entry.erase("time");
      }
    }
  }
  return object;
}

std::string qualified(const ResourceInfo& info) {
  return info.group.empty() ? info.resource : info.resource + "." + info.group;
}

}  // namespace

Reply status_error(int code, const std::string& reason, const std::string& message, Json details) {
  Json body = {{"kind", "Status"},   {"apiVersion", "v1"}, {"metadata", Json::object()}, {"status", "Failure"},
               {"message", message}, {"reason", reason},   {"code", code}};
  if (!details.is_null()) {
    body["details"] = std::move(details);
  }
  return Reply{code, std::move(body)};
}

std::string now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string object_key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

Cluster::Cluster(ServeOptions options) : m_options(options), m_builtin(builtin_resources(options)) {}

std::vector<ResourceInfo> Cluster::resources_locked() const {
  std::vector<ResourceInfo> out = m_builtin;
  for (const auto& [name, crd] : m_crds) {
    const Json& spec = crd["spec"];
    if (!spec.contains("versions")) {
      continue;
    }
    for (const Json& version : spec["versions"]) {
      if (!version.value("served", true)) {
        continue;
      }
      ResourceInfo info;
      info.group = spec.value("group", "");
      info.version = version.value("name", "");
      info.resource = spec["names"].value("plural", "");
      info.kind = spec["names"].value("kind", "");
      info.singular = spec["names"].value("singular", "");
      if (info.singular.empty()) {
        for (char c : info.kind) {
          info.singular += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      info.short_names = spec["names"].value("shortNames", std::vector<std::string>{});
      info.categories = spec["names"].value("categories", std::vector<std::string>{});
      info.scope = spec.value("scope", "Namespaced") == "Cluster" ? Scope::cluster : Scope::namespaced;
      info.has_status = version.contains("subresources") && version["subresources"].contains("status");
      out.push_back(std::move(info));
    }
  }
  return out;
}

std::optional<ResourceInfo> Cluster::find_resource_locked(const std::string& group, const std::string& version,
                                                          const std::string& resource) const {
  for (ResourceInfo& info : resources_locked()) {
    if (info.group == group && info.version == version && info.resource == resource) {
      return info;
    }
  }
  return std::nullopt;
}

std::optional<ResourceInfo> Cluster::find_kind_locked(const std::string& group, const std::string& version,
                                                      const std::string& kind) const {
  for (ResourceInfo& info : resources_locked()) {
    if (info.group == group && info.version == version && info.kind == kind) {
      return info;
    }
  }
  return std::nullopt;
}

void Cluster::register_crd_locked(const Json& crd) {
  Json& slot = m_crds[crd["metadata"].value("name", "")];
  if (slot.is_null() || slot["metadata"]["resourceVersion"] != crd["metadata"]["resourceVersion"]) {
    slot = crd;
  }
}

void Cluster::unregister_crd_locked(const Json& crd) {
  std::string name = crd["metadata"].value("name", "");
  auto it = m_crds.find(name);
  if (it == m_crds.end()) {
    return;
  }
  const Json& spec = it->second["spec"];
  std::string storage = spec.value("group", "") + "/" + spec["names"].value("plural", "");
  auto objects = m_objects.find(storage);
  if (objects != m_objects.end()) {
    ResourceInfo info;
    info.group = spec.value("group", "");
    info.resource = spec["names"].value("plural", "");
    for (auto& [key, object] : objects->second) {
      record_locked("DELETED", info, object);
    }
    m_objects.erase(objects);
  }
  m_crds.erase(it);
}

const Json* Cluster::crd_for_locked(const ResourceInfo& info) const {
  for (const auto& [name, crd] : m_crds) {
    if (crd["spec"].value("group", "") == info.group && crd["spec"]["names"].value("plural", "") == info.resource) {
      return &crd;
    }
  }
  return nullptr;
}

Json Cluster::crd_schema_locked(const ResourceInfo& info) const {
  const Json* crd = crd_for_locked(info);
  if (crd == nullptr) {
    return nullptr;
  }
  if (!(*crd)["spec"].contains("versions")) {
    return nullptr;
  }
  for (const Json& version : (*crd)["spec"]["versions"]) {
    if (version.value("name", "") == info.version) {
      const Json* schema = value_at(version, {"f:schema", "f:openAPIV3Schema"});
      return schema != nullptr ? *schema : Json(nullptr);
    }
  }
  return nullptr;
}

std::unique_ptr<ListTypeOracle> Cluster::list_types_locked(const ResourceInfo& info) const {
  if (crd_for_locked(info) != nullptr) {
    return std::make_unique<SchemaListTypes>(crd_schema_locked(info));
  }
  return std::make_unique<BuiltinListTypes>();
}

std::map<std::string, Json>& Cluster::objects_locked(const std::string& group, const std::string& resource) {
  return m_objects[group + "/" + resource];
}

std::int64_t Cluster::oldest_watchable_locked() const {
  return m_history.empty() ? m_rv : m_history.front().rv - 1;
}

void Cluster::record_locked(const std::string& type, const ResourceInfo& info, const Json& object) {
  m_history.push_back(WatchEvent{m_rv, type, info.group + "/" + info.resource, object});
  while (m_history.size() > k_history_limit) {
    m_history.pop_front();
  }
  m_changed.notify_all();
}

void Cluster::stop() {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_stopping = true;
  m_changed.notify_all();
}

Reply Cluster::get_locked(const ResourceInfo& info, const std::string& ns, const std::string& name) {
  auto& objects = objects_locked(info.group, info.resource);
  auto it = objects.find(object_key(info.scope == Scope::namespaced ? ns : "", name));
  if (it == objects.end()) {
    return status_error(404, "NotFound", fmt::format("{} \"{}\" not found", qualified(info), name),
                        {{"name", name}, {"group", info.group}, {"kind", info.resource}});
  }
  Json out = it->second;
  out["apiVersion"] = info.group_version();
  return Reply{200, out};
}

Reply Cluster::create_locked(const ResourceInfo& info, const std::string& ns, Json object,
                             const WriteOptions& options, const std::string& operation) {
  if (!object.is_object()) {
    return status_error(400, "BadRequest", "the body of the request is not a JSON object");
  }
  Json& metadata = object["metadata"];
  if (!metadata.is_object()) {
    metadata = Json::object();
  }
  std::string name = metadata.value("name", "");
  if (name.empty() && metadata.contains("generateName")) {
    name = metadata.value("generateName", "") + random_suffix();
    metadata["name"] = name;
  }
  if (name.empty()) {
    return status_error(422, "Invalid", fmt::format("{} \"\" is invalid: metadata.name: Required value: name or "
                                                    "generateName is required",
                                                    info.kind));
  }
  std::string object_ns = info.scope == Scope::namespaced ? (ns.empty() ? metadata.value("namespace", "") : ns) : "";
  if (info.scope == Scope::namespaced) {
    if (object_ns.empty()) {
      return status_error(400, "BadRequest", "the namespace of the object is required");
    }
    if (metadata.contains("namespace") && metadata["namespace"] != object_ns) {
      return status_error(400, "BadRequest",
                          "the namespace of the provided object does not match the namespace sent on the request");
    }
    auto& namespaces = objects_locked("", "namespaces");
    auto space = namespaces.find(object_key("", object_ns));
    if (space == namespaces.end()) {
      return status_error(404, "NotFound", fmt::format("namespaces \"{}\" not found", object_ns),
                          {{"name", object_ns}, {"kind", "namespaces"}});
    }
    if (space->second["metadata"].contains("deletionTimestamp")) {
      return status_error(403, "Forbidden",
                          fmt::format("{} \"{}\" is forbidden: unable to create new content in namespace {} because "
                                      "it is being terminated",
                                      qualified(info), name, object_ns));
    }
  }
  auto& objects = objects_locked(info.group, info.resource);
  if (objects.count(object_key(object_ns, name)) != 0) {
    return status_error(409, "AlreadyExists", fmt::format("{} \"{}\" already exists", qualified(info), name),
                        {{"name", name}, {"group", info.group}, {"kind", info.resource}});
  }
  return commit_locked(info, object_ns, name, nullptr, std::move(object), Subresource::none, options, operation);
}

Reply Cluster::update_locked(const ResourceInfo& info, const std::string& ns, const std::string& name, Json object,
                             Subresource sub, const WriteOptions& options) {
  if (!object.is_object()) {
    return status_error(400, "BadRequest", "the body of the request is not a JSON object");
  }
  std::string object_ns = info.scope == Scope::namespaced ? ns : "";
  auto& objects = objects_locked(info.group, info.resource);
  auto it = objects.find(object_key(object_ns, name));
  if (it == objects.end()) {
    if (sub == Subresource::none) {
      return create_locked(info, ns, std::move(object), options);
    }
    return get_locked(info, ns, name);
  }
  std::string wanted_rv = object["metadata"].value("resourceVersion", "");
  if (!wanted_rv.empty() && wanted_rv != it->second["metadata"].value("resourceVersion", "")) {
    return status_error(409, "Conflict",
                        fmt::format("Operation cannot be fulfilled on {} \"{}\": the object has been modified; please "
                                    "apply your changes to the latest version and try again",
                                    qualified(info), name),
                        {{"name", name}, {"group", info.group}, {"kind", info.resource}});
  }
  Json old = it->second;
  return commit_locked(info, object_ns, name, &old, std::move(object), sub, options, "update");
}

Reply Cluster::commit_locked(const ResourceInfo& info, const std::string& ns, const std::string& name, const Json* old,
                             Json next, Subresource sub, const WriteOptions& options, const std::string& operation) {
  if (old != nullptr) {
    if (sub == Subresource::status) {
      Json status = next.contains("status") ? next["status"] : Json(nullptr);
      Json managed = next["metadata"].contains("managedFields") ? next["metadata"]["managedFields"] : Json(nullptr);
      next = *old;
      next.erase("status");
      if (!status.is_null()) {
        next["status"] = status;
      }
      if (!managed.is_null()) {
        next["metadata"]["managedFields"] = managed;
      }
    } else if (info.has_status) {
      next.erase("status");
      if (old->contains("status")) {
        next["status"] = (*old)["status"];
      }
    }
    for (const char* kept : {"uid", "creationTimestamp", "deletionTimestamp", "generation"}) {
      next["metadata"].erase(kept);
      if ((*old)["metadata"].contains(kept)) {
        next["metadata"][kept] = (*old)["metadata"][kept];
      }
    }
    if (sub == Subresource::none && spec_part(*old) != spec_part(next)) {
      next["metadata"]["generation"] = (*old)["metadata"].value("generation", 1) + 1;
    }
  } else {
    next["metadata"]["uid"] = new_uid();
    next["metadata"]["creationTimestamp"] = now_rfc3339();
    next["metadata"]["generation"] = 1;
    next["metadata"].erase("deletionTimestamp");
    if (info.has_status && info.resource != "namespaces") {
      next.erase("status");
    }
    if (info.group.empty() && info.resource == "namespaces") {
      next["spec"]["finalizers"] = Json::array({"kubernetes"});
      next["status"] = {{"phase", "Active"}};
    }
  }
  next["apiVersion"] = info.group_version();
  next["kind"] = info.kind;
  next["metadata"]["name"] = name;
  next["metadata"].erase("generateName");
  if (info.scope == Scope::namespaced) {
    next["metadata"]["namespace"] = ns;
  } else {
    next["metadata"].erase("namespace");
  }
  if (operation != "apply") {
    std::unique_ptr<ListTypeOracle> oracle = list_types_locked(info);
    track_update(next, old, options.field_manager, info.group_version(), sub, *oracle, info.has_status);
  }
  if (old != nullptr) {
    next["metadata"]["resourceVersion"] = (*old)["metadata"].value("resourceVersion", "");
    if (comparable(next) == comparable(*old)) {
      return Reply{200, *old};
    }
  }
  if (options.dry_run) {
    return Reply{old == nullptr ? 201 : 200, next};
  }
  ++m_rv;
  next["metadata"]["resourceVersion"] = std::to_string(m_rv);
  std::string key = object_key(ns, name);
  auto& objects = objects_locked(info.group, info.resource);
  objects[key] = next;
  record_locked(old == nullptr ? "ADDED" : "MODIFIED", info, next);
  const Json& metadata = next["metadata"];
  bool finalizers_left = metadata.contains("finalizers") && !metadata["finalizers"].empty();
  if (metadata.contains("deletionTimestamp") && !finalizers_left && info.resource != "namespaces") {
    remove_object_locked(info, key);
  }
  return Reply{old == nullptr ? 201 : 200, next};
}

void Cluster::remove_object_locked(const ResourceInfo& info, const std::string& key) {
  auto& objects = objects_locked(info.group, info.resource);
  auto it = objects.find(key);
  if (it == objects.end()) {
    return;
  }
  Json object = std::move(it->second);
  objects.erase(it);
  ++m_rv;
  object["metadata"]["resourceVersion"] = std::to_string(m_rv);
  record_locked("DELETED", info, object);
  if (info.group == "apiextensions.k8s.io" && info.resource == "customresourcedefinitions") {
    unregister_crd_locked(object);
  }
}

Reply Cluster::delete_locked(const ResourceInfo& info, const std::string& ns, const std::string& name,
                             const std::string& propagation, const WriteOptions& options) {
  Reply found = get_locked(info, ns, name);
  if (found.status != 200) {
    return found;
  }
  Json object = found.body;
  std::string object_ns = info.scope == Scope::namespaced ? ns : "";
  std::string uid = object["metadata"].value("uid", "");
  if (options.dry_run) {
    return Reply{200, object};
  }
  if (propagation == "Orphan" || propagation == "Foreground") {
    // Dependents lose their owner (Orphan) or go first (Foreground, done at once here).
    for (const ResourceInfo& other : resources_locked()) {
      auto& objects = objects_locked(other.group, other.resource);
      std::vector<std::string> keys;
      for (auto& [key, dependent] : objects) {
        for (const Json& ref : dependent["metadata"].value("ownerReferences", Json::array())) {
          if (ref.value("uid", "") == uid) {
            keys.push_back(key);
          }
        }
      }
      for (const std::string& key : keys) {
        Json dependent = objects[key];
        if (propagation == "Orphan") {
          Json refs = Json::array();
          for (const Json& ref : dependent["metadata"]["ownerReferences"]) {
            if (ref.value("uid", "") != uid) {
              refs.push_back(ref);
            }
          }
          dependent["metadata"]["ownerReferences"] = refs;
          controller_write_locked(other, dependent, "kubesim-garbage-collector", Subresource::none);
        } else {
          std::string dns = dependent["metadata"].value("namespace", "");
          delete_locked(other, dns, dependent["metadata"].value("name", ""), "Foreground", options);
        }
      }
    }
  }
  bool is_namespace = info.group.empty() && info.resource == "namespaces";
  bool has_finalizers = object["metadata"].contains("finalizers") && !object["metadata"]["finalizers"].empty();
  if (is_namespace || has_finalizers) {
    if (object["metadata"].contains("deletionTimestamp")) {
      return Reply{200, object};
    }
    object["metadata"]["deletionTimestamp"] = now_rfc3339();
    if (is_namespace) {
      object["status"]["phase"] = "Terminating";
    }
    ++m_rv;
    object["metadata"]["resourceVersion"] = std::to_string(m_rv);
    objects_locked(info.group, info.resource)[object_key(object_ns, name)] = object;
    record_locked("MODIFIED", info, object);
    return Reply{200, object};
  }
  remove_object_locked(info, object_key(object_ns, name));
  return Reply{200, object};
}

bool Cluster::controller_write_locked(const ResourceInfo& info, Json next, const std::string& manager,
                                      Subresource sub) {
  std::string ns = info.scope == Scope::namespaced ? next["metadata"].value("namespace", "") : "";
  std::string name = next["metadata"].value("name", "");
  auto& objects = objects_locked(info.group, info.resource);
  auto it = objects.find(object_key(ns, name));
  if (it == objects.end()) {
    return false;
  }
  Json old = it->second;
  WriteOptions options;
  options.field_manager = manager;
  return commit_locked(info, ns, name, &old, std::move(next), sub, options, "controller").status < 300;
}

}  // namespace kubesim

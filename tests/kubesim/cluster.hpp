#pragma once
// The simulated cluster's state: the registry of served resources (built-in and
// from Established CRDs), the objects, the global resourceVersion and a bounded
// event history for watches. One mutex guards all of it; methods named *_locked
// expect the caller to hold it.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api_table.hpp"
#include "fieldset.hpp"

namespace kubesim {

/// An HTTP answer: status code and JSON body.
struct Reply {
  int status = 200;
  Json body;
};

/// A Kubernetes Status failure body with `code`, `reason` and `message`.
Reply status_error(int code, const std::string& reason, const std::string& message, Json details = nullptr);

/// RFC 3339 UTC time, seconds precision, as Kubernetes writes timestamps.
std::string now_rfc3339();

/// One change, as watches deliver it.
struct WatchEvent {
  std::int64_t rv = 0;
  std::string type;     ///< ADDED, MODIFIED, DELETED
  std::string storage;  ///< "group/resource"
  Json object;
};

/// Options every write shares (query parameters).
struct WriteOptions {
  std::string field_manager;
  bool dry_run = false;
  bool force = false;
};

/// Which part of an object a write addresses.
enum class Subresource { none, status };

class Cluster {
 public:
  explicit Cluster(ServeOptions options);

  [[nodiscard]] const ServeOptions& options() const { return m_options; }
  std::mutex& mutex() { return m_mutex; }
  std::condition_variable& changed() { return m_changed; }

  // --- registry (lock held) ---
  /// Every served resource: built-ins, then CRD resources.
  [[nodiscard]] std::vector<ResourceInfo> resources_locked() const;
  [[nodiscard]] std::optional<ResourceInfo> find_resource_locked(const std::string& group, const std::string& version,
                                                                 const std::string& resource) const;
  [[nodiscard]] std::optional<ResourceInfo> find_kind_locked(const std::string& group, const std::string& version,
                                                             const std::string& kind) const;
  /// Serves the CRD's versions (called by the controller when it becomes Established).
  void register_crd_locked(const Json& crd);
  /// The list semantics of a resource's objects.
  [[nodiscard]] std::unique_ptr<ListTypeOracle> list_types_locked(const ResourceInfo& info) const;
  /// The openAPIV3Schema of a CRD-served version, or null.
  [[nodiscard]] Json crd_schema_locked(const ResourceInfo& info) const;
  /// The CRD that serves `info`, or null for built-ins.
  [[nodiscard]] const Json* crd_for_locked(const ResourceInfo& info) const;

  // --- objects (lock held) ---
  std::map<std::string, Json>& objects_locked(const std::string& group, const std::string& resource);
  [[nodiscard]] std::int64_t resource_version_locked() const { return m_rv; }
  /// Oldest resourceVersion a watch can still start from.
  [[nodiscard]] std::int64_t oldest_watchable_locked() const;
  [[nodiscard]] const std::deque<WatchEvent>& history_locked() const { return m_history; }

  Reply get_locked(const ResourceInfo& info, const std::string& ns, const std::string& name);
  /// `operation` "apply" when server-side apply creates the object (it wrote managedFields itself).
  Reply create_locked(const ResourceInfo& info, const std::string& ns, Json object, const WriteOptions& options,
                      const std::string& operation = "create");
  Reply update_locked(const ResourceInfo& info, const std::string& ns, const std::string& name, Json object,
                      Subresource sub, const WriteOptions& options);
  /// Applies a patch of the given content type (merge, JSON, strategic, apply).
  Reply patch_locked(const ResourceInfo& info, const std::string& ns, const std::string& name,
                     const std::string& content_type, const std::string& body, Subresource sub,
                     const WriteOptions& options);
  /// Deletes (or marks for deletion when finalizers remain). `propagation`: Background, Foreground, Orphan.
  Reply delete_locked(const ResourceInfo& info, const std::string& ns, const std::string& name,
                      const std::string& propagation, const WriteOptions& options);
  /// Stores `next` as the new state of an existing object on behalf of a simulated controller
  /// (status writes use Subresource::status). Returns false when the object vanished.
  bool controller_write_locked(const ResourceInfo& info, Json next, const std::string& manager, Subresource sub);

  /// Removes the object at `key` ("ns/name") now, as a finalized deletion.
  void remove_object_locked(const ResourceInfo& info, const std::string& key);

  /// Stops every watch (shutdown).
  void stop();
  [[nodiscard]] bool stopping() const { return m_stopping; }

 private:
  Reply commit_locked(const ResourceInfo& info, const std::string& ns, const std::string& name,
                      const Json* old, Json next, Subresource sub, const WriteOptions& options,
                      const std::string& operation);
  void record_locked(const std::string& type, const ResourceInfo& info, const Json& object);
  void unregister_crd_locked(const Json& crd);
  Reply apply_locked(const ResourceInfo& info, const std::string& ns, const std::string& name,
                     const std::string& body, Subresource sub, const WriteOptions& options);

  ServeOptions m_options;
  std::vector<ResourceInfo> m_builtin;
  std::map<std::string, Json> m_crds;  ///< established CRDs by name
  std::map<std::string, std::map<std::string, Json>> m_objects;  ///< "group/resource" -> "ns/name" -> object
  std::int64_t m_rv = 1;
  std::deque<WatchEvent> m_history;
  bool m_stopping = false;
  std::mutex m_mutex;
  std::condition_variable m_changed;
};

/// "ns/name" (or "/name" for cluster-scoped objects).
std::string object_key(const std::string& ns, const std::string& name);

/// Maximum number of events kept for watches; older resourceVersions get 410 Gone.
inline constexpr size_t k_history_limit = 4096;

}  // namespace kubesim

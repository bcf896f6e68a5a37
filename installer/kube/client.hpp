#pragma once
// The Kubernetes REST client: kubectl's behaviour over an HttpTransport.
//
// Errors: every call returns KubeResult<T> = tl::expected<T, KubeError>
// (kube/kube_error.hpp). KubeError keeps the HTTP status, the Status reason
// ("NotFound", "Conflict", "AlreadyExists", ...), the message and the causes, and
// converts implicitly to util's Error, so `Result<Json> r = client.get(ref);`
// works where the details do not matter.
//
// Every request carries the context's credentials (kube/auth.hpp), is retried by
// kube/retry.hpp (429 with Retry-After, 5xx, resets, timeouts) under a deadline,
// and a 401 re-runs an exec plugin once. The client is safe to use from several
// threads; concurrency is bounded by the transport's pool (make_curl_transport).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kube/auth.hpp"
#include "kube/kube_error.hpp"
#include "kube/kubeconfig.hpp"
#include "kube/object.hpp"
#include "kube/rest_mapper.hpp"
#include "kube/retry.hpp"
#include "util/clock.hpp"
#include "util/http.hpp"
#include "util/log.hpp"
#include "util/process.hpp"
#include "util/yaml.hpp"

namespace aiplat::kube {

/// Whether the server should only validate (dryRun=All).
enum class DryRun { none, all };
/// Whether server-side apply takes fields owned by other managers.
enum class Force { no, yes };
/// deleteOptions.propagationPolicy.
enum class Propagation { background, foreground, orphan };
/// Whether list() follows `continue` tokens to the end.
enum class Pages { all, one };
/// Whether a watch asks for BOOKMARK events.
enum class Bookmarks { no, yes };

/// Selectors and paging of a list.
struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int limit = 500;                 ///< page size; 0 means no limit
  std::string continue_token;      ///< start from this page
  std::string resource_version;    ///< "" = most recent (quorum read)
  Pages pages = Pages::all;
  /// Items as meta.k8s.io/v1 PartialObjectMetadata (metadata only, as client-go's metadata client):
  /// enough to see names, labels and owners without moving 1 MB CRD bodies.
  bool metadata_only = false;
};

/// One list answer, all pages joined.
struct ObjectList {
  std::vector<Json> items;         ///< each with apiVersion and kind filled in
  std::string resource_version;    ///< of the last page, for a following watch
  std::string continue_token;      ///< non-empty only with Pages::one and more pages left
};

/// Server-side apply parameters.
struct ApplyOptions {
  std::string field_manager = "aiplat";
  Force force = Force::no;
  DryRun dry_run = DryRun::none;
};

/// Create / merge patch / status parameters.
struct WriteOptions {
  std::string field_manager = "aiplat";
  DryRun dry_run = DryRun::none;
};

struct DeleteOptions {
  Propagation propagation = Propagation::background;
  DryRun dry_run = DryRun::none;
  int grace_period_seconds = -1;   ///< -1: the object's default
};

enum class WatchEventType { added, modified, deleted, bookmark, error };

struct WatchEvent {
  WatchEventType type = WatchEventType::added;
  Json object;                     ///< the object, or a Status for error events
};

/// What a watch handler wants next.
enum class WatchControl { next, stop };

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;    ///< "" = start with synthetic ADDED events for existing objects
  Bookmarks bookmarks = Bookmarks::yes;
  std::chrono::milliseconds deadline{60000};  ///< the whole watch, reconnects included
};

/// Why a watch returned.
enum class WatchEnd { stopped, deadline };

struct WatchOutcome {
  WatchEnd end = WatchEnd::deadline;
  std::string resource_version;    ///< last one seen (events and bookmarks)
  int reconnects = 0;
};

using WatchHandler = std::function<WatchControl(const WatchEvent&)>;

/// /version of the server.
struct ServerVersion {
  int major = 0;
  int minor = 0;                   ///< "35+" reads as 35
  std::string git_version;         ///< "v1.35.0"
  std::string platform;
  Json raw;
};

/// Knobs of a Client; the defaults are what the CLI uses.
struct ClientOptions {
  std::shared_ptr<ProcessRunner> runner;   ///< exec plugins; default posix_spawn
  std::shared_ptr<Clock> clock;            ///< default the real clock
  Logger* logger = nullptr;                ///< warnings (insecure TLS), -v request logs; secrets registered
  RetryPolicy retry;
  std::chrono::milliseconds request_timeout{120000};  ///< one attempt of one request
  std::string user_agent = "aiplat";
  StdinTerminal stdin_terminal = StdinTerminal::no;
  std::uint64_t jitter_seed = 0;           ///< 0: from std::random_device
};

class Client {
 public:
  Client(ClusterConfig config, std::shared_ptr<HttpTransport> transport, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  [[nodiscard]] const ClusterConfig& config() const { return m_config; }

  /// GET /version.
  KubeResult<ServerVersion> server_version();

  // Discovery (cached; see RestMapper).
  /// Mapping of a kind; re-discovers once when unknown.
  KubeResult<ResourceMapping> mapping_for(const GroupVersionKind& gvk);
  /// Mapping of a user-typed resource name ("deploy", "crd", "deployments.apps").
  KubeResult<ResourceMapping> mapping_for_resource(const std::string& name);
  /// The whole discovery result (served group-versions, resources).
  KubeResult<DiscoveryResult> discovery();
  /// Forgets discovery, e.g. after installing CRDs.
  void invalidate_discovery();

  // Verbs. A namespaced object without a namespace goes to the context's namespace.
  KubeResult<Json> get(const ResourceRef& ref);
  /// The object's metadata only (PartialObjectMetadata; a server without that form answers the whole object).
  KubeResult<Json> get_metadata(const ResourceRef& ref);
  /// `ns` empty lists a namespaced kind across all namespaces.
  KubeResult<ObjectList> list(const GroupVersionKind& gvk, const std::string& ns, const ListOptions& options = {});
  KubeResult<Json> create(const Json& object, const WriteOptions& options = {});
  /// Server-side apply (PATCH application/apply-patch+yaml). A conflict error lists fields and managers.
  KubeResult<Json> apply(const Json& object, const ApplyOptions& options = {});
  /// JSON merge patch (application/merge-patch+json).
  KubeResult<Json> merge_patch(const ResourceRef& ref, const Json& patch, const WriteOptions& options = {});
  /// PUT of the status subresource with the whole object (resourceVersion checked by the server).
  KubeResult<Json> update_status(const Json& object, const WriteOptions& options = {});
  /// Merge patch of the status subresource.
  KubeResult<Json> patch_status(const ResourceRef& ref, const Json& patch, const WriteOptions& options = {});
  /// DELETE; returns the server's answer (the object while finalizing, or a Status).
  KubeResult<Json> remove(const ResourceRef& ref, const DeleteOptions& options = {});
  /// Streams events to `handler` until it returns stop or the deadline passes; reconnects
  /// from the last resourceVersion on dropped connections and on watch timeouts; a 410 Gone
  /// restarts from "now" with synthetic ADDED events.
  KubeResult<WatchOutcome> watch(const GroupVersionKind& gvk, const std::string& ns, const WatchOptions& options,
                                 const WatchHandler& handler);

  /// GET of any API path ("/healthz", "/apis/foo/v1?x=y"); the body when 2xx.
  KubeResult<std::string> raw_get(const std::string& path);
  /// GET /api/v1/namespaces/NS/services/[scheme:]NAME:PORT/proxy/PATH.
  KubeResult<std::string> service_proxy_get(const std::string& ns, const std::string& service,
                                            const std::string& port, const std::string& path);
  /// GET /api/v1/namespaces/NS/pods/NAME:PORT/proxy/PATH.
  KubeResult<std::string> pod_proxy_get(const std::string& ns, const std::string& pod, const std::string& port,
                                        const std::string& path);

  /// URL path of a collection or object: /apis/G/V[/namespaces/NS]/RESOURCE[/NAME[/SUB]].
  static std::string resource_path(const ResourceMapping& mapping, const std::string& ns, const std::string& name,
                                   const std::string& subresource = {});

 private:
  struct Request;
  KubeResult<HttpResponse> send(Request request);
  KubeResult<Json> send_json(Request request);
  KubeResult<std::pair<ResourceMapping, ResourceRef>> locate(const ResourceRef& ref);
  KubeResult<std::pair<ResourceMapping, ResourceRef>> locate(const Json& object);
  KubeResult<bool> watch_once(const std::string& url_base, const WatchOptions& options, const WatchHandler& handler,
                              WatchOutcome& outcome, Clock::Steady deadline);

  ClusterConfig m_config;
  std::shared_ptr<HttpTransport> m_transport;
  ClientOptions m_options;
  std::unique_ptr<Authenticator> m_auth;
  std::unique_ptr<Backoff> m_backoff;
  /// Whether the server ever answered. Until it has, a refused connection is a wrong address or a
  /// server that is down, as kubectl reports at once, not a blip worth a minute of retries.
  std::atomic<bool> m_answered{false};
  std::unique_ptr<RestMapper> m_mapper;
};

}  // namespace aiplat::kube

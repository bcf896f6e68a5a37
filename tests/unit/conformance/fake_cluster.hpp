#pragma once
// An in-memory API server on a FakeTransport for the conformance checks' unit tests: discovery
// from a resource table, create/get/list/patch/delete on a store, and hooks that play the
// controllers (a test scripts how Kueue, a gateway or a kubelet would answer).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/runner.hpp"
#include "kube/client.hpp"
#include "support/fake_transport.hpp"
#include "util/clock.hpp"

namespace aiplat::conformance::testing {

struct FakeResource {
  std::string group;
  std::string version;
  std::string plural;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
};

/// Resources every cluster serves (core, apps, batch, CRDs, APIServices, RBAC-free subset).
std::vector<FakeResource> base_resources();

class FakeCluster {
 public:
  using CreateHook = std::function<std::optional<HttpResponse>(FakeCluster&, Json& object)>;
  using ProxyHandler = std::function<HttpResponse(const std::string& path)>;

  explicit FakeCluster(std::vector<FakeResource> resources = base_resources());

  /// The client under test (fake clock, so waits cost no real time).
  kube::Client& client() { return *m_client; }
  std::shared_ptr<FakeClock> clock() { return m_clock; }
  aiplat::testing::FakeTransport& transport() { return *m_transport; }

  /// Stores an object as if it existed already.
  void add(Json object);
  /// The stored object, or null.
  Json find(const std::string& kind, const std::string& ns, const std::string& name) const;
  /// Every stored object of a kind.
  std::vector<Json> all(const std::string& kind) const;
  /// Replaces a stored object (same kind/ns/name).
  void put(const Json& object);
  /// Runs after a create is stored (may edit the object or answer instead with an error).
  void on_create(const std::string& kind, CreateHook hook) { m_create_hooks[kind].push_back(std::move(hook)); }
  /// Runs before each GET or LIST answer of a kind (to advance simulated state).
  void on_read(const std::string& kind, std::function<void(FakeCluster&)> hook) { m_read_hooks[kind].push_back(std::move(hook)); }
  /// Container log text for ns/pod/container.
  void set_log(const std::string& ns, const std::string& pod, const std::string& container, std::string text);
  /// Answers GET .../services/NAME:PORT/proxy/... for a service name.
  void on_service_proxy(const std::string& service, ProxyHandler handler) { m_service_proxy[service] = std::move(handler); }
  void on_pod_proxy(const std::string& pod, ProxyHandler handler) { m_pod_proxy[pod] = std::move(handler); }
  /// Answers a raw GET path (exact, without query).
  void on_raw(const std::string& path, ProxyHandler handler) { m_raw[path] = std::move(handler); }
  /// Requests seen, "METHOD path".
  std::vector<std::string> requests() const { return m_transport->request_lines(); }

 private:
  HttpResponse handle(const HttpRequest& request);
  struct Target {
    const FakeResource* res = nullptr;
    std::string ns;
    std::string name;
    std::string sub;
  };
  std::optional<Target> parse(const std::string& path) const;
  std::string key(const std::string& kind, const std::string& ns, const std::string& name) const;

  std::vector<FakeResource> m_resources;
  std::shared_ptr<aiplat::testing::FakeTransport> m_transport;
  std::shared_ptr<FakeClock> m_clock;
  std::unique_ptr<kube::Client> m_client;
  std::map<std::string, Json> m_objects;
  std::map<std::string, std::vector<CreateHook>> m_create_hooks;
  std::map<std::string, std::vector<std::function<void(FakeCluster&)>>> m_read_hooks;
  std::map<std::string, std::string> m_logs;
  std::map<std::string, ProxyHandler> m_service_proxy;
  std::map<std::string, ProxyHandler> m_pod_proxy;
  std::map<std::string, ProxyHandler> m_raw;
  int m_uid = 0;
};

/// A Ready node, optionally with allocatable accelerators (device plugin).
Json ready_node(const std::string& name, int gpus = 0);
/// A Ready node with `gpus` allocatable and a running device plugin pod on it.
void add_gpu_node(FakeCluster& fc, const std::string& name, int gpus);
/// Sets status.conditions[type] on an object.
void set_condition(Json& object, const std::string& type, const std::string& status, const std::string& reason = "");
/// RunOptions for one id of a checklist, with the fake clock and a fixed run id.
RunOptions options_for(FakeCluster& fc, const std::string& checklist, const std::string& id);
/// Runs one check and returns its result (fails the test on a runner error).
CheckResult run_one_check(FakeCluster& fc, const std::string& checklist, const std::string& id);

}  // namespace aiplat::conformance::testing

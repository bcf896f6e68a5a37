#pragma once
// A FakeTransport preloaded with aggregated discovery for a few kinds, shared by the
// kube client and install unit tests.
#include <memory>

#include "kube/client.hpp"
#include "support/fake_transport.hpp"
#include "util/clock.hpp"

namespace aiplat::kube::testing {

/// Aggregated discovery: core v1 (namespaces, configmaps, pods, services), apps/v1 deployments
/// (with status and scale), apiextensions CRDs.
inline void serve_aggregated_discovery(aiplat::testing::FakeTransport& fake) {
  auto resource = [](const char* group, const char* version, const char* resource, const char* kind,
                     const char* scope, std::vector<std::string> subs = {}) {
    Json r = {{"resource", resource},
              {"responseKind", {{"group", group}, {"version", version}, {"kind", kind}}},
              {"scope", scope},
              {"verbs", {"get", "list", "watch", "create", "patch", "delete", "update"}}};
    Json s = Json::array();
    for (const std::string& sub : subs) s.push_back({{"subresource", sub}, {"verbs", {"get", "patch"}}});
    r["subresources"] = s;
    return r;
  };
  Json core = {{"kind", "APIGroupDiscoveryList"},
               {"apiVersion", "apidiscovery.k8s.io/v2"},
               {"items",
                {{{"metadata", {{"name", ""}}},
                  {"versions",
                   {{{"version", "v1"},
                     {"resources",
                      {resource("", "v1", "namespaces", "Namespace", "Cluster", {"status"}),
                       resource("", "v1", "configmaps", "ConfigMap", "Namespaced"),
                       resource("", "v1", "pods", "Pod", "Namespaced", {"status"}),
                       resource("", "v1", "services", "Service", "Namespaced", {"status", "proxy"})}}}}}}}}};
  Json apis = {{"kind", "APIGroupDiscoveryList"},
               {"apiVersion", "apidiscovery.k8s.io/v2"},
               {"items",
                {{{"metadata", {{"name", "apps"}}},
                  {"versions",
                   {{{"version", "v1"},
                     {"resources",
                      {resource("apps", "v1", "deployments", "Deployment", "Namespaced", {"status", "scale"})}}}}}},
                 {{"metadata", {{"name", "apiextensions.k8s.io"}}},
                  {"versions",
                   {{{"version", "v1"},
                     {"resources",
                      {resource("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                                "CustomResourceDefinition", "Cluster", {"status"})}}}}}}}}};
  const char* type = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  fake.reply("GET", "/api", 200, core.dump(), type);
  fake.reply("GET", "/apis", 200, apis.dump(), type);
}

/// A cluster config for https://fake:6443 with a static token.
inline ClusterConfig fake_config() {
  ClusterConfig c;
  c.server = "https://fake:6443";
  c.token = "s3cr3t-token-value";
  c.context_name = "ctx";
  c.cluster_name = "fake";
  c.user_name = "admin";
  c.ns = "team-a";
  c.source = "/tmp/kubeconfig";
  return c;
}

/// Client options with a fake clock (no real sleeps) and a fixed jitter seed.
inline ClientOptions fake_options(std::shared_ptr<FakeClock> clock) {
  ClientOptions o;
  o.clock = std::move(clock);
  o.jitter_seed = 42;
  return o;
}

}  // namespace aiplat::kube::testing

#pragma once
// API discovery: aggregated discovery (apidiscovery.k8s.io/v2, one request each for
// /api and /apis) when the server serves it, else the legacy walk (/api, /apis and
// one request per group-version). Produces ResourceMappings for RestMapper.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kube/kube_error.hpp"
#include "kube/object.hpp"
#include "util/http.hpp"

namespace aiplat::kube {

/// Accept header that asks for aggregated discovery (with a JSON fallback).
inline constexpr const char* k_aggregated_accept =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/// Everything discovery learned.
struct DiscoveryResult {
  std::vector<ResourceMapping> resources;            ///< every served group/version/kind
  std::vector<std::string> group_versions;           ///< "v1", "apps/v1", ...
  std::map<std::string, std::string> preferred;      ///< group -> preferred version
  bool aggregated = false;                           ///< whether aggregated discovery answered
};

/// GET of a path with an Accept header; returns the response or the request's error.
using DiscoveryGet = std::function<KubeResult<HttpResponse>(const std::string& path, const std::string& accept)>;

/// Runs discovery through `get`. Legacy group-versions that fail (a broken aggregated API
/// server) are skipped, as kubectl does, unless every one fails.
KubeResult<DiscoveryResult> discover(const DiscoveryGet& get);

/// Parses one APIGroupDiscoveryList (the answer of /api or /apis) into `out`.
Result<void> parse_aggregated_discovery(const Json& list, DiscoveryResult& out);

/// Parses one legacy APIResourceList for `group_version` into `out`.
Result<void> parse_resource_list(const Json& list, const std::string& group_version, DiscoveryResult& out);

}  // namespace aiplat::kube

#pragma once
// Discovery documents: /version, legacy /api and /apis, aggregated discovery
// (apidiscovery.k8s.io/v2), and the OpenAPI v3 documents kubectl reads to decide
// on server-side field validation and for `kubectl explain`.
#include <string>
#include <vector>

#include "cluster.hpp"

namespace kubesim {

/// /version for the simulated minor.
Json version_document(int minor);

/// Groups in discovery order; each with its versions in preference order.
struct GroupVersions {
  std::string group;
  std::vector<std::string> versions;
};
std::vector<GroupVersions> served_groups(const std::vector<ResourceInfo>& resources);

/// Legacy discovery.
Json legacy_api_versions(const std::string& server_address);
Json legacy_group_list(const std::vector<ResourceInfo>& resources);
Json legacy_group(const std::vector<ResourceInfo>& resources, const std::string& group);
Json legacy_resource_list(const std::vector<ResourceInfo>& resources, const std::string& group,
                          const std::string& version);

/// Aggregated discovery (APIGroupDiscoveryList v2): the core group (`core` true) or every named group.
Json aggregated_discovery(const std::vector<ResourceInfo>& resources, bool core);

/// The content type a client asked for with Accept names aggregated discovery v2.
bool wants_aggregated(const std::string& accept);

/// OpenAPI v3 root listing one document per group version.
Json openapi_v3_root(Cluster& cluster);

/// OpenAPI v3 document for "api/v1" or "apis/<group>/<version>"; null when not served.
Json openapi_v3_document(Cluster& cluster, const std::string& gv_path);

}  // namespace kubesim

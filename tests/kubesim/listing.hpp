#pragma once
// Lists (selectors, limit/continue pagination) and the Table form kubectl get asks for.
#include <string>

#include "cluster.hpp"
#include "selectors.hpp"

namespace kubesim {

struct ListQuery {
  Selector labels;
  Selector fields;
  long limit = 0;              ///< 0: everything
  std::string continue_token;  ///< from a previous page
  /// Answer a meta.k8s.io/v1 PartialObjectMetadataList (client-go's metadata client): no object bodies.
  bool metadata_only = false;
};

/// A "<Kind>List" of the objects matching `query` in `ns` ("" = all namespaces).
Reply list_locked(Cluster& cluster, const ResourceInfo& info, const std::string& ns, const ListQuery& query);

/// Whether an object of `info` in `ns` matches the namespace and both selectors.
bool object_matches(const ResourceInfo& info, const std::string& ns, const ListQuery& query, const Json& object);

/// meta.k8s.io/v1 Table for a list or a single object. `include_object`: None, Metadata (default) or Object.
Json to_table(Cluster& cluster, const ResourceInfo& info, const Json& list_or_object, bool is_list,
              const std::string& include_object);

/// The meta.k8s.io/v1 PartialObjectMetadata form of an object, as the API server answers an Accept
/// of "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1": metadata only, managedFields included.
Json to_partial_metadata(const Json& object);

/// GET of one object as PartialObjectMetadata, without copying its body (CRDs are megabytes).
Reply get_metadata_locked(Cluster& cluster, const ResourceInfo& info, const std::string& ns, const std::string& name);

/// Kubernetes' short human duration ("5s", "3m2s", "4h", "12d").
std::string human_duration(long seconds);

}  // namespace kubesim

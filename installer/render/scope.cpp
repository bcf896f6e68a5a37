#include "render/scope.hpp"

#include <set>

#include <fmt/format.h>

#include "render/manifests.hpp"

namespace aiplat::render {
namespace {

// Kubernetes' cluster-scoped kinds (group/Kind). Everything else listed in k_namespaced is namespaced.
const std::set<std::string> k_cluster_scoped = {
    "/Namespace", "/Node", "/PersistentVolume", "/ComponentStatus",
    "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
    "apiextensions.k8s.io/CustomResourceDefinition", "apiregistration.k8s.io/APIService",
    "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
    "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
    "admissionregistration.k8s.io/MutatingAdmissionPolicy",
    "admissionregistration.k8s.io/MutatingAdmissionPolicyBinding",
    "scheduling.k8s.io/PriorityClass", "storage.k8s.io/StorageClass", "storage.k8s.io/CSIDriver",
    "storage.k8s.io/CSINode", "storage.k8s.io/VolumeAttachment", "storage.k8s.io/VolumeAttributesClass",
    "node.k8s.io/RuntimeClass", "networking.k8s.io/IngressClass", "networking.k8s.io/IPAddress",
    "networking.k8s.io/ServiceCIDR", "certificates.k8s.io/CertificateSigningRequest",
    "certificates.k8s.io/ClusterTrustBundle", "flowcontrol.apiserver.k8s.io/FlowSchema",
    "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration", "resource.k8s.io/DeviceClass",
    "resource.k8s.io/ResourceSlice", "resource.k8s.io/DeviceTaintRule",
    "storagemigration.k8s.io/StorageVersionMigration", "internal.apiserver.k8s.io/StorageVersion",
    "gateway.networking.k8s.io/GatewayClass",  // Gateway API is so common it is listed here too
};

const std::set<std::string> k_namespaced = {
    "/Pod", "/Service", "/ConfigMap", "/Secret", "/ServiceAccount", "/Endpoints", "/Event",
    "/LimitRange", "/ResourceQuota", "/PersistentVolumeClaim", "/PodTemplate", "/ReplicationController",
    "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet", "apps/ControllerRevision",
    "batch/Job", "batch/CronJob", "autoscaling/HorizontalPodAutoscaler", "policy/PodDisruptionBudget",
    "rbac.authorization.k8s.io/Role", "rbac.authorization.k8s.io/RoleBinding",
    "networking.k8s.io/NetworkPolicy", "networking.k8s.io/Ingress", "discovery.k8s.io/EndpointSlice",
    "coordination.k8s.io/Lease", "events.k8s.io/Event", "storage.k8s.io/CSIStorageCapacity",
    "resource.k8s.io/ResourceClaim", "resource.k8s.io/ResourceClaimTemplate",
    "gateway.networking.k8s.io/Gateway", "gateway.networking.k8s.io/HTTPRoute",
    "gateway.networking.k8s.io/GRPCRoute", "gateway.networking.k8s.io/ReferenceGrant",
};

std::string str(const Json& object, const char* pointer) {
  Json::json_pointer p(pointer);
  return object.contains(p) && object.at(p).is_string() ? object.at(p).get<std::string>() : std::string();
}

}  // namespace

std::string group_kind(const std::string& api_version, const std::string& kind) {
  std::size_t slash = api_version.find('/');
  return (slash == std::string::npos ? std::string() : api_version.substr(0, slash)) + "/" + kind;
}

std::map<std::string, bool> crd_scopes(const std::vector<Json>& objects) {
  std::map<std::string, bool> out;
  for (const Json& o : objects) {
    if (str(o, "/kind") != "CustomResourceDefinition" || !str(o, "/apiVersion").starts_with("apiextensions.k8s.io/")) {
      continue;
    }
    std::string group = str(o, "/spec/group");
    std::string kind = str(o, "/spec/names/kind");
    if (kind.empty()) continue;
    out[group + "/" + kind] = str(o, "/spec/scope") != "Cluster";
  }
  return out;
}

std::optional<bool> builtin_scope(const std::string& gk) {
  if (k_cluster_scoped.contains(gk)) return false;
  if (k_namespaced.contains(gk)) return true;
  return std::nullopt;
}

Result<void> default_namespaces(std::vector<Json>& objects, const std::string& ns,
                                const std::map<std::string, bool>& known) {
  std::map<std::string, bool> own = crd_scopes(objects);
  std::vector<std::string> unknown;
  for (Json& o : objects) {
    std::string gk = group_kind(str(o, "/apiVersion"), str(o, "/kind"));
    std::optional<bool> namespaced;
    if (auto it = own.find(gk); it != own.end()) namespaced = it->second;
    else if (auto k = known.find(gk); k != known.end()) namespaced = k->second;
    else namespaced = builtin_scope(gk);
    if (!namespaced) {
      // An explicit namespace needs no decision; only objects that lack one are ambiguous.
      if (str(o, "/metadata/namespace").empty()) unknown.push_back(describe_object(o) + " (" + gk + ")");
      continue;
    }
    if (*namespaced) {
      if (str(o, "/metadata/namespace").empty()) {
        if (ns.empty()) {
          unknown.push_back(describe_object(o) + ": namespaced, but the add-on declares no namespace");
          continue;
        }
        o["metadata"]["namespace"] = ns;
      }
    } else if (o["metadata"].contains("namespace")) {
      o["metadata"].erase("namespace");
    }
  }
  if (!unknown.empty()) {
    std::string message = "cannot tell whether these objects are namespaced (no CRD in the add-on, not a built-in "
                          "kind, not known from the cluster); give them a metadata.namespace or install the add-on "
                          "that defines their CRD first:";
    for (const std::string& u : unknown) message += "\n  " + u;
    return input_error(message);
  }
  return {};
}

}  // namespace aiplat::render

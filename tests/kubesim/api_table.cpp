// The per-minor table. Facts (groups, versions, kinds, short names) follow what
// the upstream apiserver serves by default for each minor.
#include "api_table.hpp"

#include <algorithm>
#include <cctype>

namespace kubesim {
namespace {

struct GroupVersionRow {
  std::string group;
  std::string version;
  int first_minor;  ///< first minor serving it by default
  int last_minor;   ///< last minor serving it (k_max_minor when still served)
  enum class Gate { none, dra_on_133, scheduling_alpha } gate = Gate::none;
};

struct KindRow {
  std::string group;
  std::string resource;
  std::string kind;
  Scope scope;
  bool has_status;
  std::vector<std::string> short_names;
  std::vector<std::string> categories = {};
  std::vector<std::string> verbs = {};
  int first_minor = 0;       ///< some kinds appear later than their group
  std::string only_version;  ///< when the kind exists at one version of its group only
};

const Scope ns = Scope::namespaced;
const Scope cl = Scope::cluster;
const std::vector<std::string> k_all = {"all"};
const std::vector<std::string> k_create_only = {"create"};

// Group versions in discovery order; within a group the first row served is the preferred version.
const std::vector<GroupVersionRow>& group_version_rows() {
  using G = GroupVersionRow::Gate;
  static const std::vector<GroupVersionRow> rows = {
      {"", "v1", 0, k_max_minor},
      {"apiregistration.k8s.io", "v1", 0, k_max_minor},
      {"apps", "v1", 0, k_max_minor},
      {"events.k8s.io", "v1", 0, k_max_minor},
      {"authentication.k8s.io", "v1", 0, k_max_minor},
      {"authorization.k8s.io", "v1", 0, k_max_minor},
      {"autoscaling", "v2", 0, k_max_minor},
      {"autoscaling", "v1", 0, k_max_minor},
      {"batch", "v1", 0, k_max_minor},
      {"certificates.k8s.io", "v1", 0, k_max_minor},
      {"networking.k8s.io", "v1", 0, k_max_minor},
      {"policy", "v1", 0, k_max_minor},
      {"rbac.authorization.k8s.io", "v1", 0, k_max_minor},
      {"storage.k8s.io", "v1", 0, k_max_minor},
      {"admissionregistration.k8s.io", "v1", 0, k_max_minor},
      {"apiextensions.k8s.io", "v1", 0, k_max_minor},
      {"scheduling.k8s.io", "v1", 0, k_max_minor},
      {"scheduling.k8s.io", "v1alpha2", 36, k_max_minor, G::scheduling_alpha},
      {"coordination.k8s.io", "v1", 0, k_max_minor},
      {"node.k8s.io", "v1", 0, k_max_minor},
      {"discovery.k8s.io", "v1", 0, k_max_minor},
      {"flowcontrol.apiserver.k8s.io", "v1", 0, k_max_minor},
      {"resource.k8s.io", "v1", 34, k_max_minor},
      {"resource.k8s.io", "v1beta2", 33, k_max_minor, G::dra_on_133},
      {"resource.k8s.io", "v1beta1", 32, 35, G::dra_on_133},
  };
  return rows;
}

const std::vector<KindRow>& kind_rows() {
  static const std::vector<KindRow> rows = {
      {"", "bindings", "Binding", ns, false, {}, {}, k_create_only},
      {"", "componentstatuses", "ComponentStatus", cl, false, {"cs"}, {}, {"get", "list"}},
      {"", "configmaps", "ConfigMap", ns, false, {"cm"}},
      {"", "endpoints", "Endpoints", ns, false, {"ep"}},
      {"", "events", "Event", ns, false, {"ev"}},
      {"", "limitranges", "LimitRange", ns, false, {"limits"}},
      {"", "namespaces", "Namespace", cl, true, {"ns"}},
      {"", "nodes", "Node", cl, true, {"no"}},
      {"", "persistentvolumeclaims", "PersistentVolumeClaim", ns, true, {"pvc"}},
      {"", "persistentvolumes", "PersistentVolume", cl, true, {"pv"}},
      {"", "pods", "Pod", ns, true, {"po"}, k_all},
      {"", "podtemplates", "PodTemplate", ns, false, {}},
      {"", "replicationcontrollers", "ReplicationController", ns, true, {"rc"}, k_all},
      {"", "resourcequotas", "ResourceQuota", ns, true, {"quota"}},
      {"", "secrets", "Secret", ns, false, {}},
      {"", "serviceaccounts", "ServiceAccount", ns, false, {"sa"}},
      {"", "services", "Service", ns, true, {"svc"}, k_all},
      {"apiregistration.k8s.io", "apiservices", "APIService", cl, true, {}, {"api-extensions"}},
      {"apps", "controllerrevisions", "ControllerRevision", ns, false, {}},
      {"apps", "daemonsets", "DaemonSet", ns, true, {"ds"}, k_all},
      {"apps", "deployments", "Deployment", ns, true, {"deploy"}, k_all},
      {"apps", "replicasets", "ReplicaSet", ns, true, {"rs"}, k_all},
      {"apps", "statefulsets", "StatefulSet", ns, true, {"sts"}, k_all},
      {"events.k8s.io", "events", "Event", ns, false, {"ev"}},
      {"authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview", cl, false, {}, {}, k_create_only},
      {"authentication.k8s.io", "tokenreviews", "TokenReview", cl, false, {}, {}, k_create_only},
      {"authorization.k8s.io", "localsubjectaccessreviews", "LocalSubjectAccessReview", ns, false, {}, {},
       k_create_only},
      {"authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview", cl, false, {}, {},
       k_create_only},
      {"authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview", cl, false, {}, {},
       k_create_only},
      {"authorization.k8s.io", "subjectaccessreviews", "SubjectAccessReview", cl, false, {}, {}, k_create_only},
      {"autoscaling", "horizontalpodautoscalers", "HorizontalPodAutoscaler", ns, true, {"hpa"}, k_all},
      {"batch", "cronjobs", "CronJob", ns, true, {"cj"}, k_all},
      {"batch", "jobs", "Job", ns, true, {}, k_all},
      {"certificates.k8s.io", "certificatesigningrequests", "CertificateSigningRequest", cl, true, {"csr"}},
      {"networking.k8s.io", "ingressclasses", "IngressClass", cl, false, {}},
      {"networking.k8s.io", "ingresses", "Ingress", ns, true, {"ing"}},
      {"networking.k8s.io", "ipaddresses", "IPAddress", cl, false, {"ip"}, {}, {}, 33},
      {"networking.k8s.io", "networkpolicies", "NetworkPolicy", ns, false, {"netpol"}},
      {"networking.k8s.io", "servicecidrs", "ServiceCIDR", cl, true, {}, {}, {}, 33},
      {"policy", "poddisruptionbudgets", "PodDisruptionBudget", ns, true, {"pdb"}},
      {"rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", cl, false, {}},
      {"rbac.authorization.k8s.io", "clusterroles", "ClusterRole", cl, false, {}},
      {"rbac.authorization.k8s.io", "rolebindings", "RoleBinding", ns, false, {}},
      {"rbac.authorization.k8s.io", "roles", "Role", ns, false, {}},
      {"storage.k8s.io", "csidrivers", "CSIDriver", cl, false, {}},
      {"storage.k8s.io", "csinodes", "CSINode", cl, false, {}},
      {"storage.k8s.io", "csistoragecapacities", "CSIStorageCapacity", ns, false, {}},
      {"storage.k8s.io", "storageclasses", "StorageClass", cl, false, {"sc"}},
      {"storage.k8s.io", "volumeattachments", "VolumeAttachment", cl, true, {}},
      {"storage.k8s.io", "volumeattributesclasses", "VolumeAttributesClass", cl, false, {"vac"}, {}, {}, 34},
      {"admissionregistration.k8s.io", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", cl, false,
       {}, {"api-extensions"}},
      {"admissionregistration.k8s.io", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", cl, true, {},
       {"api-extensions"}},
      {"admissionregistration.k8s.io", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", cl,
       false, {}, {"api-extensions"}},
      {"admissionregistration.k8s.io", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", cl,
       false, {}, {"api-extensions"}},
      {"apiextensions.k8s.io", "customresourcedefinitions", "CustomResourceDefinition", cl, true, {"crd", "crds"},
       {"api-extensions"}},
      {"scheduling.k8s.io", "priorityclasses", "PriorityClass", cl, false, {"pc"}, {}, {}, 0, "v1"},
      {"scheduling.k8s.io", "workloads", "Workload", ns, false, {}, {}, {}, 0, "v1alpha2"},
      {"coordination.k8s.io", "leases", "Lease", ns, false, {}},
      {"node.k8s.io", "runtimeclasses", "RuntimeClass", cl, false, {}},
      {"discovery.k8s.io", "endpointslices", "EndpointSlice", ns, false, {}},
      {"flowcontrol.apiserver.k8s.io", "flowschemas", "FlowSchema", cl, true, {}},
      {"flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", "PriorityLevelConfiguration", cl, true, {}},
      {"resource.k8s.io", "deviceclasses", "DeviceClass", cl, false, {}},
      {"resource.k8s.io", "resourceclaims", "ResourceClaim", ns, true, {}},
      {"resource.k8s.io", "resourceclaimtemplates", "ResourceClaimTemplate", ns, false, {}},
      {"resource.k8s.io", "resourceslices", "ResourceSlice", cl, false, {}},
  };
  return rows;
}

bool served(const GroupVersionRow& row, const ServeOptions& options) {
  using G = GroupVersionRow::Gate;
  if (options.minor > row.last_minor) {
    return false;
  }
  switch (row.gate) {
    case G::none:
      return options.minor >= row.first_minor;
    case G::dra_on_133:
      // Before 1.34 DRA's beta APIs are off unless the cluster enables them.
      return options.minor >= 34 || (options.minor >= row.first_minor && options.enable_dra);
    case G::scheduling_alpha:
      return options.minor >= row.first_minor && options.enable_scheduling_alpha;
  }
  return false;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

std::vector<ResourceInfo> builtin_resources(const ServeOptions& options) {
  std::vector<ResourceInfo> out;
  for (const GroupVersionRow& gv : group_version_rows()) {
    if (!served(gv, options)) {
      continue;
    }
    for (const KindRow& kind : kind_rows()) {
      if (kind.group != gv.group || options.minor < kind.first_minor ||
          (!kind.only_version.empty() && kind.only_version != gv.version)) {
        continue;
      }
      // autoscaling/v1 serves only HPAs with the v1 shape; same kind, so nothing differs here.
      ResourceInfo info;
      info.group = gv.group;
      info.version = gv.version;
      info.resource = kind.resource;
      info.kind = kind.kind;
      info.scope = kind.scope;
      info.has_status = kind.has_status;
      info.short_names = kind.short_names;
      info.categories = kind.categories;
      if (!kind.verbs.empty()) {
        info.verbs = kind.verbs;
      }
      info.singular = lower(kind.kind);
      out.push_back(std::move(info));
    }
  }
  return out;
}

std::vector<std::string> builtin_group_versions(const ServeOptions& options, const std::string& group) {
  std::vector<std::string> out;
  for (const GroupVersionRow& gv : group_version_rows()) {
    if (gv.group == group && served(gv, options)) {
      out.push_back(gv.version);
    }
  }
  return out;
}

}  // namespace kubesim

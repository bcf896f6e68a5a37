#include "catalog/served_apis.hpp"

namespace aiplat::catalog {
namespace {

constexpr KubeMinor k(int minor) { return KubeMinor{1, minor}; }

MinorRange from(int minor) { return MinorRange{k(minor), std::nullopt}; }
MinorRange between(int lo, int hi) { return MinorRange{k(lo), k(hi)}; }
MinorRange always() { return MinorRange{}; }

std::vector<ServedApiRow> build_table() {
  std::vector<ServedApiRow> rows;
  // GA APIs every supported minor (1.33 and later) serves by default. Their removal would be a
  // Kubernetes 2.0 matter, so the range stays open.
  for (const char* gv :
       {"v1", "admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1", "apps/v1",
        "authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2", "batch/v1",
        "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1",
        "flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1",
        "rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1"}) {
    rows.push_back({gv, always(), std::nullopt});
  }
  // Dynamic Resource Allocation: resource.k8s.io/v1 is GA and on by default from 1.34. The beta
  // versions exist in 1.33 (and stay for compatibility after GA) but, as beta APIs, are off
  // unless enabled. The table does not claim how long the betas remain: up to 1.35 at most.
  rows.push_back({"resource.k8s.io/v1", from(34), std::nullopt});
  rows.push_back({"resource.k8s.io/v1beta1", std::nullopt, between(33, 35)});
  rows.push_back({"resource.k8s.io/v1beta2", std::nullopt, between(33, 35)});
  rows.push_back({"resource.k8s.io/v1alpha3", std::nullopt, between(33, 35)});
  // Workload-aware (gang) scheduling: an alpha Workload API, off by default. v1alpha1 appears in
  // 1.35; v1alpha2 replaces it from 1.36.
  rows.push_back({"scheduling.k8s.io/v1alpha1", std::nullopt, between(35, 35)});
  rows.push_back({"scheduling.k8s.io/v1alpha2", std::nullopt, from(36)});
  return rows;
}

}  // namespace

const std::vector<ServedApiRow>& served_api_table() {
  static const std::vector<ServedApiRow> k_table = build_table();
  return k_table;
}

Served built_in_api(const std::string& group_version, const KubeMinor& minor) {
  for (const ServedApiRow& row : served_api_table()) {
    if (row.group_version != group_version) continue;
    if (row.by_default && row.by_default->contains(minor)) return Served::by_default;
    if (row.when_enabled && row.when_enabled->contains(minor)) return Served::when_enabled;
    return Served::no;
  }
  return Served::unknown;
}

std::string to_string(Served s) {
  switch (s) {
    case Served::by_default: return "served by default";
    case Served::when_enabled: return "served only when enabled (--runtime-config)";
    case Served::no: return "not served";
    case Served::unknown: return "not a built-in API";
  }
  return "unknown";
}

}  // namespace aiplat::catalog

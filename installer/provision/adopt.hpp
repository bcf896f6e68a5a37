#pragma once
// Adopting an existing cluster: connect with the kubeconfig (kubectl's rules) and read the
// facts an install decides on (DESIGN §2 "Cluster facts"): server version and minor, served
// API group/versions, nodes with their GPUs, CRDs with their owners, and Helm releases.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "catalog/version.hpp"
#include "kube/client.hpp"

namespace aiplat::provision {

struct AdoptOptions {
  std::string kubeconfig;  ///< --kubeconfig
  std::string context;     ///< --context
  std::string certificate_authority;  ///< --certificate-authority: replaces the kubeconfig's CA
  bool insecure_skip_tls_verify = false;  ///< --insecure-skip-tls-verify
  std::map<std::string, std::string> env;
  Logger* log = nullptr;
  kube::StdinTerminal stdin_terminal = kube::StdinTerminal::no;
  std::shared_ptr<HttpTransport> transport;  ///< null: make_curl_transport(16)
  std::chrono::milliseconds request_timeout{30000};
};

/// A client for the kubeconfig's cluster; nothing is requested yet.
Result<std::unique_ptr<kube::Client>> connect(const AdoptOptions& options, Fs& fs);

struct NodeFact {
  std::string name;
  long long gpus = 0;  ///< allocatable nvidia.com/gpu
  std::map<std::string, std::string> labels;
};

struct CrdFact {
  std::string name;
  std::string group;
  std::string part_of;               ///< applyset.kubernetes.io/part-of, if any
  std::string helm_release;          ///< "ns/name" from Helm's annotations, if any
  std::set<std::string> managers;    ///< field managers (status writers left out)
};

struct HelmReleaseFact {
  std::string ns;
  std::string name;
  std::string status;  ///< deployed, failed, ...
  int revision = 0;
};

struct ClusterFacts {
  kube::ServerVersion version;
  catalog::KubeMinor minor;
  std::set<std::string> served_apis;  ///< "v1", "apps/v1", "resource.k8s.io/v1", ...
  std::vector<NodeFact> nodes;
  long long gpus = 0;
  std::map<std::string, CrdFact> crds;  ///< by name
  std::vector<HelmReleaseFact> helm_releases;  ///< latest revision of each release
};

/// Reads every fact; fails with the request that failed (unreachable server, bad CA, credentials).
Result<ClusterFacts> read_cluster_facts(kube::Client& client);

}  // namespace aiplat::provision

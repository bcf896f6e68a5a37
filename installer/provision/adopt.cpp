#include "provision/adopt.hpp"

#include <fmt/format.h>

#include "kube/apply_set.hpp"
#include "kube/kubeconfig.hpp"

namespace aiplat::provision {

Result<std::unique_ptr<kube::Client>> connect(const AdoptOptions& options, Fs& fs) {
  kube::KubeconfigOptions k;
  k.explicit_path = options.kubeconfig;
  k.context = options.context;
  if (auto it = options.env.find("KUBECONFIG"); it != options.env.end()) k.kubeconfig_env = it->second;
  if (auto it = options.env.find("HOME"); it != options.env.end()) k.home = it->second;
  auto config = kube::load_cluster_config(k, fs);
  if (!config) return tl::unexpected(config.error());
  // kubectl's flags win over the kubeconfig; both at once is refused, as kubectl refuses it.
  if (!options.certificate_authority.empty() && options.insecure_skip_tls_verify) {
    return input_error("--certificate-authority and --insecure-skip-tls-verify cannot be used together");
  }
  if (!options.certificate_authority.empty()) {
    if (!fs.exists(options.certificate_authority)) {
      return input_error("--certificate-authority " + options.certificate_authority + ": no such file");
    }
    config->tls.ca_file = options.certificate_authority;
    config->tls.ca_pem.clear();
    config->tls.insecure_skip_verify = false;
  }
  if (options.insecure_skip_tls_verify) {
    config->tls.insecure_skip_verify = true;
    config->tls.ca_file.clear();
    config->tls.ca_pem.clear();
  }
  if (options.log != nullptr) {
    for (const std::string& s : config->secrets()) options.log->add_secret(s);
  }
  kube::ClientOptions client_options;
  client_options.logger = options.log;
  client_options.stdin_terminal = options.stdin_terminal;
  client_options.request_timeout = options.request_timeout;
  std::shared_ptr<HttpTransport> transport = options.transport ? options.transport : make_curl_transport(16);
  return std::make_unique<kube::Client>(std::move(*config), transport, client_options);
}

namespace {

/// Helm's storage Secret name: sh.helm.release.v1.<release>.v<revision>.
bool parse_release_secret(const std::string& name, std::string& release, int& revision) {
  static const std::string k_prefix = "sh.helm.release.v1.";
  if (!name.starts_with(k_prefix)) return false;
  std::size_t dot_v = name.rfind(".v");
  if (dot_v == std::string::npos || dot_v <= k_prefix.size()) return false;
  release = name.substr(k_prefix.size(), dot_v - k_prefix.size());
  try {
    revision = std::stoi(name.substr(dot_v + 2));
  } catch (...) {
    return false;
  }
  return true;
}

}  // namespace

Result<ClusterFacts> read_cluster_facts(kube::Client& client) {
  ClusterFacts facts;
  auto version = client.server_version();
  if (!version) return tl::unexpected(version.error().with_context("reading the server version").to_error());
  facts.version = *version;
  facts.minor = catalog::KubeMinor{version->major, version->minor};

  auto discovery = client.discovery();
  if (!discovery) return tl::unexpected(discovery.error().with_context("discovering served APIs").to_error());
  facts.served_apis.insert(discovery->group_versions.begin(), discovery->group_versions.end());

  auto nodes = client.list(kube::GroupVersionKind{"", "v1", "Node"}, "");
  if (!nodes) return tl::unexpected(nodes.error().with_context("listing nodes").to_error());
  for (const Json& n : nodes->items) {
    NodeFact node;
    node.name = n.value("/metadata/name"_json_pointer, std::string());
    const Json labels = n.value("/metadata/labels"_json_pointer, Json::object());
    for (const auto& [k, v] : labels.items()) {
      if (v.is_string()) node.labels[k] = v.get<std::string>();
    }
    Json gpus = n.value("/status/allocatable"_json_pointer, Json::object()).value("nvidia.com/gpu", Json());
    if (gpus.is_string()) {
      try {
        node.gpus = std::stoll(gpus.get<std::string>());
      } catch (...) {
        node.gpus = 0;
      }
    } else if (gpus.is_number_integer()) {
      node.gpus = gpus.get<long long>();
    }
    facts.gpus += node.gpus;
    facts.nodes.push_back(std::move(node));
  }

  // Metadata only: after an install the CRDs' bodies are megabytes, and everything needed is metadata.
  kube::ListOptions metadata;
  metadata.metadata_only = true;
  auto crds = client.list(kube::GroupVersionKind{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"}, "",
                          metadata);
  if (!crds) return tl::unexpected(crds.error().with_context("listing CRDs").to_error());
  for (const Json& c : crds->items) {
    CrdFact crd;
    crd.name = c.value("/metadata/name"_json_pointer, std::string());
    // The API server only accepts a CRD named <plural>.<group>.
    crd.group = crd.name.substr(crd.name.find('.') == std::string::npos ? crd.name.size() : crd.name.find('.') + 1);
    crd.part_of = c.value("/metadata/labels"_json_pointer, Json::object()).value(kube::k_applyset_part_of_label, "");
    Json annotations = c.value("/metadata/annotations"_json_pointer, Json::object());
    if (annotations.contains("meta.helm.sh/release-name")) {
      crd.helm_release = annotations.value("meta.helm.sh/release-namespace", "") + "/" +
                         annotations.value("meta.helm.sh/release-name", "");
    }
    const Json managed = c.value("/metadata/managedFields"_json_pointer, Json::array());
    for (const Json& entry : managed) {
      if (entry.value("subresource", "") == "status") continue;
      crd.managers.insert(entry.value("manager", ""));
    }
    facts.crds[crd.name] = std::move(crd);
  }

  kube::ListOptions helm;
  helm.label_selector = "owner=helm";
  helm.metadata_only = true;  // the name and the labels say all; the release payload is never read
  auto secrets = client.list(kube::GroupVersionKind{"", "v1", "Secret"}, "", helm);
  if (!secrets) return tl::unexpected(secrets.error().with_context("listing Helm releases").to_error());
  std::map<std::pair<std::string, std::string>, HelmReleaseFact> latest;
  for (const Json& s : secrets->items) {
    HelmReleaseFact r;
    if (!parse_release_secret(s.value("/metadata/name"_json_pointer, std::string()), r.name, r.revision)) continue;
    r.ns = s.value("/metadata/namespace"_json_pointer, std::string());
    r.status = s.value("/metadata/labels"_json_pointer, Json::object()).value("status", "");
    auto key = std::make_pair(r.ns, r.name);
    if (auto it = latest.find(key); it == latest.end() || it->second.revision < r.revision) latest[key] = r;
  }
  for (auto& [key, r] : latest) facts.helm_releases.push_back(r);
  return facts;
}

}  // namespace aiplat::provision

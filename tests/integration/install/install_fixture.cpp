#include "install_fixture.hpp"

#include <cstdlib>

#include "kube/kubeconfig.hpp"
#include "util/fs.hpp"

namespace aiplat::install_test {

std::string make_catalog(int configmaps) {
  std::string templ = std::filesystem::temp_directory_path().string() + "/aiplat-catalog-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return "";
  std::string dir = buf.data();
  ProcessSpec spec;
  spec.argv = {std::string(AIPLAT_SOURCE_DIR) + "/tests/mirror/make_test_catalog", dir, std::to_string(configmaps)};
  spec.timeout = std::chrono::milliseconds(60000);
  auto r = make_posix_runner()->run(spec);
  if (!r || r->exit_code != 0) return "";
  return dir;
}

std::unique_ptr<aiplat::testing::KubesimProcess> start_kubesim(std::string& why, const std::string& minor,
                                                                double faults) {
  if (aiplat::testing::KubesimProcess::default_binary().empty()) {
    why = "kubesim is not built";
    return nullptr;
  }
  aiplat::testing::KubesimOptions options;
  options.minor = minor;
  options.gpu_nodes = 2;
  options.faults = faults;
  options.extra_args = {"--controller-delay-ms", "20"};
  auto sim = aiplat::testing::KubesimProcess::start(options);
  if (!sim) {
    why = sim.error().message;
    return nullptr;
  }
  return std::move(*sim);
}

RunResult run_aiplat(const std::string& catalog, const std::string& kubeconfig, const std::vector<std::string>& args) {
  ProcessSpec spec;
  spec.argv = {std::string(AIPLAT_BINARY_DIR) + "/aiplat", "--catalog", catalog, "--kubeconfig", kubeconfig};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {{"NO_COLOR", "1"}, {"XDG_CACHE_HOME", catalog + "/.cache"}};
  spec.timeout = std::chrono::milliseconds(300000);
  auto r = make_posix_runner()->run(spec);
  if (!r) return RunResult{-1, "", r.error().message};
  return RunResult{r->exit_code, r->out, r->err};
}

std::unique_ptr<kube::Client> client_for(const std::string& kubeconfig) {
  RealFs fs;
  kube::KubeconfigOptions options;
  options.explicit_path = kubeconfig;
  auto config = kube::load_cluster_config(options, fs);
  if (!config) return nullptr;
  return std::make_unique<kube::Client>(*config, make_curl_transport(8));
}

std::set<std::string> applyset_objects(kube::Client& client) {
  std::set<std::string> out;
  auto discovery = client.discovery();
  if (!discovery) return out;
  for (const kube::ResourceMapping& m : discovery->resources) {
    if (m.gvk.version != discovery->preferred[m.gvk.group]) continue;
    if (std::find(m.verbs.begin(), m.verbs.end(), "list") == m.verbs.end()) continue;
    for (const char* selector : {"applyset.kubernetes.io/part-of", "applyset.kubernetes.io/id"}) {
      kube::ListOptions options;
      options.label_selector = selector;
      auto list = client.list(m.gvk, "", options);
      if (!list) continue;
      for (const Json& o : list->items) {
        out.insert(m.gvk.kind + " " + o.value("/metadata/namespace"_json_pointer, std::string()) + "/" +
                   o.value("/metadata/name"_json_pointer, std::string()));
      }
    }
  }
  return out;
}

std::vector<std::string> writes(const std::vector<std::string>& requests) {
  std::vector<std::string> out;
  for (const std::string& line : requests) {
    if (line.starts_with("POST ") || line.starts_with("PUT ") || line.starts_with("PATCH ") ||
        line.starts_with("DELETE ")) {
      out.push_back(line);
    }
  }
  return out;
}

}  // namespace aiplat::install_test

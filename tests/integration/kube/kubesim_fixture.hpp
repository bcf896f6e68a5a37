#pragma once
// One kubesim per test suite, and helpers to build clients and kubeconfigs against it.
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include "kube/client.hpp"
#include "support/kubesim_process.hpp"
#include "util/fs.hpp"

namespace aiplat::kube::integration {

class KubesimSuite : public ::testing::Test {
 protected:
  static void start(const aiplat::testing::KubesimOptions& options) {
    if (aiplat::testing::KubesimProcess::default_binary().empty()) {
      s_skip_reason = "kubesim is not built";
      return;
    }
    auto started = aiplat::testing::KubesimProcess::start(options);
    if (!started) {
      s_start_error = started.error().message;
      return;
    }
    s_sim = std::move(*started);
  }
  static void TearDownTestSuite() { s_sim.reset(); }

  void SetUp() override {
    if (!s_skip_reason.empty()) GTEST_SKIP() << s_skip_reason;
    ASSERT_TRUE(s_sim) << s_start_error;
  }

  static Result<ClusterConfig> config_from(const std::string& kubeconfig, const std::string& context = {}) {
    RealFs fs;
    KubeconfigOptions options;
    options.explicit_path = kubeconfig;
    options.context = context;
    return load_cluster_config(options, fs);
  }

  static std::unique_ptr<Client> client_for(const ClusterConfig& config, ClientOptions options = {}) {
    return std::make_unique<Client>(config, make_curl_transport(16), std::move(options));
  }

  /// The kubesim kubeconfig as JSON, to derive variants from (token users, wrong CAs, ...).
  static Json kubeconfig_json() {
    std::ifstream in(s_sim->kubeconfig());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    return parse_yaml(text, s_sim->kubeconfig())->value;
  }

  /// Writes `config` to dir/name and returns the path.
  static std::string write_kubeconfig(const Json& config, const std::string& name) {
    std::string path = s_sim->dir() + "/" + name;
    std::ofstream(path) << to_yaml(config);
    return path;
  }

  static inline std::unique_ptr<aiplat::testing::KubesimProcess> s_sim;
  static inline std::string s_skip_reason;
  static inline std::string s_start_error;
};

}  // namespace aiplat::kube::integration

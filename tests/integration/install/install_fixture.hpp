#pragma once
// Runs the built aiplat binary against a kubesim with the stand-in catalog of
// tests/mirror/make_test_catalog, and reads back what it left in the cluster.
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kube/client.hpp"
#include "support/kubesim_process.hpp"
#include "util/process.hpp"

namespace aiplat::install_test {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// A fresh temp dir holding the stand-in catalog with `configmaps` ConfigMaps.
std::string make_catalog(int configmaps = 20);

/// Starts kubesim; empty pointer (with `why`) when it cannot.
std::unique_ptr<aiplat::testing::KubesimProcess> start_kubesim(std::string& why, const std::string& minor = "1.35",
                                                                double faults = 0.0);

/// Runs `aiplat --catalog CATALOG --kubeconfig KUBECONFIG ARGS...` to completion (bounded).
RunResult run_aiplat(const std::string& catalog, const std::string& kubeconfig, const std::vector<std::string>& args);

/// A client for the kubeconfig.
std::unique_ptr<kube::Client> client_for(const std::string& kubeconfig);

/// Every object carrying an ApplySet part-of label, as "Kind ns/name", plus the parents.
std::set<std::string> applyset_objects(kube::Client& client);

/// Request-log lines that changed something (POST, PUT, PATCH, DELETE).
std::vector<std::string> writes(const std::vector<std::string>& requests);

}  // namespace aiplat::install_test

#pragma once
// Shared set-up of the render integration tests: a loopback source mirror holding the test
// catalog's downloads, the real upstream Kueue CRDs (copied from ../shared/upstream at test time)
// and a chart repository built from tests/catalog/charts with the real helm.
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "catalog/model.hpp"
#include "render/render.hpp"
#include "support/file_server.hpp"
#include "util/fs.hpp"

namespace aiplat::render::integration {

namespace fsys = std::filesystem;

inline const std::string k_source_dir = AIPLAT_SOURCE_DIR;
inline const std::string k_catalog = k_source_dir + "/tests/catalog";
inline const std::string k_helm = k_source_dir + "/.tools/bin/helm";
inline const std::string k_upstream_crds = k_source_dir + "/../shared/upstream/kueue-v0.19.2/crds";
inline const std::string k_crd_mirror_path = "raw.githubusercontent.com/kubernetes-sigs/kueue/v0.19.2/config/components/crd/bases";

/// Runs a command line; returns exit code and combined output.
std::pair<int, std::string> shell(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                                  const std::string& cwd = "");

class RenderIntegration : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// The plan of the test catalog for these profiles (layered) on 1.35.
  catalog::Plan plan(const std::vector<std::string>& profiles);
  /// Options for `plan` with the loopback mirror and a private cache.
  RenderOptions options(const catalog::Plan& p);
  const catalog::PlanStep& step(const catalog::Plan& p, const std::string& name);

  std::string m_tmp;     ///< removed afterwards
  std::string m_mirror;  ///< the served tree
  std::string m_cache;
  std::unique_ptr<aiplat::testing::FileServer> m_server;
  catalog::Catalog m_catalog;
  RealFs m_fs;
};

}  // namespace aiplat::render::integration

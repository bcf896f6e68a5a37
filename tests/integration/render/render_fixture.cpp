#include "render_fixture.hpp"

#include <unistd.h>

#include "catalog/layering.hpp"
#include "catalog/loader.hpp"
#include "catalog/solver.hpp"
#include "util/process.hpp"

namespace aiplat::render::integration {

std::pair<int, std::string> shell(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                                  const std::string& cwd) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.env = env;
  spec.cwd = cwd;
  spec.timeout = std::chrono::minutes(3);
  Result<ProcessResult> r = make_posix_runner()->run(spec);
  if (!r) return {-1, r.error().message};
  return {r->exit_code, r->out + r->err};
}

void RenderIntegration::SetUp() {
  if (!fsys::exists(k_helm)) GTEST_SKIP() << k_helm << " is missing: run scripts/setup";
  if (!fsys::is_directory(k_upstream_crds)) GTEST_SKIP() << "upstream data absent: " << k_upstream_crds;
  std::string tmpl = (fsys::temp_directory_path() / "aiplat-render-it-XXXXXX").string();
  m_tmp = ::mkdtemp(tmpl.data());
  m_mirror = m_tmp + "/mirror";
  m_cache = m_tmp + "/cache";
  fsys::copy(k_catalog + "/mirror", m_mirror, fsys::copy_options::recursive);
  fsys::create_directories(m_mirror + "/" + k_crd_mirror_path);
  for (const char* f : {"kueue.x-k8s.io_resourceflavors.yaml", "kueue.x-k8s.io_clusterqueues.yaml",
                        "kueue.x-k8s.io_localqueues.yaml"}) {
    fsys::copy_file(k_upstream_crds + "/" + f, m_mirror + "/" + k_crd_mirror_path + "/" + f);
  }
  const std::string repo = m_mirror + "/charts.test/aiplat";
  fsys::create_directories(repo);
  std::map<std::string, std::string> helm_env = {{"HELM_CACHE_HOME", m_tmp + "/helm-cache"},
                                                 {"HELM_CONFIG_HOME", m_tmp + "/helm-config"}};
  auto [pkg_code, pkg_out] = shell({k_helm, "package", k_catalog + "/charts/aiplat-test", "-d", repo}, helm_env);
  ASSERT_EQ(pkg_code, 0) << pkg_out;
  auto [idx_code, idx_out] = shell({k_helm, "repo", "index", repo}, helm_env);
  ASSERT_EQ(idx_code, 0) << idx_out;
  m_server = std::make_unique<aiplat::testing::FileServer>(m_mirror);
  Result<catalog::Catalog> cat = catalog::load_valid_catalog(m_fs, k_catalog);
  ASSERT_TRUE(cat) << cat.error().message;
  m_catalog = std::move(*cat);
}

void RenderIntegration::TearDown() {
  m_server.reset();
  if (!m_tmp.empty()) {
    std::error_code ec;
    fsys::remove_all(m_tmp, ec);
  }
}

catalog::Plan RenderIntegration::plan(const std::vector<std::string>& profiles) {
  Result<catalog::Profile> profile = catalog::layer_profiles(m_catalog, profiles, m_fs);
  EXPECT_TRUE(profile) << profile.error().message;
  catalog::SolveOptions so;
  so.minor = *catalog::parse_kube_minor("1.35");
  Result<catalog::Plan> p = catalog::solve(m_catalog, *profile, so);
  EXPECT_TRUE(p) << p.error().message;
  return *p;
}

RenderOptions RenderIntegration::options(const catalog::Plan& p) {
  RenderOptions o;
  o.profiles = p.profiles;
  o.minor = p.minor;
  o.catalog_fs = &m_fs;
  o.catalog_root = k_catalog;
  o.source_mirror = m_server->url();
  o.cache_dir = m_cache;
  o.helm = k_helm;
  return o;
}

const catalog::PlanStep& RenderIntegration::step(const catalog::Plan& p, const std::string& name) {
  for (const catalog::PlanStep& s : p.steps) {
    if (s.name == name) return s;
  }
  throw std::runtime_error("no step " + name);
}

}  // namespace aiplat::render::integration

// `aiplat catalog lint --strict` over the REAL upstream content (../shared/upstream/mirror served by
// tests/mirror/make_standin_mirror): the shipped catalog agrees with every render of every profile and
// minor, and a catalog that lists a wrong image, an image nothing uses, an unknown value key or a readiness
// rule naming nothing is refused with the file, the line and the plans that showed it.
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/standin_mirror.hpp"
#include "util/process.hpp"

namespace aiplat::install_test {
namespace {

namespace fsys = std::filesystem;

struct Ran {
  int exit_code = -1;
  std::string out;
  std::string err;
};

const std::string k_helm = std::string(AIPLAT_SOURCE_DIR) + "/.tools/bin/helm";

Ran aiplat(const std::vector<std::string>& args, const std::string& cache) {
  ProcessSpec spec;
  spec.argv = {std::string(AIPLAT_BINARY_DIR) + "/aiplat"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {{"NO_COLOR", "1"}, {"XDG_CACHE_HOME", cache}, {"PATH", "/usr/bin:/bin"}};
  spec.timeout = std::chrono::minutes(9);
  auto r = make_posix_runner()->run(spec);
  if (!r) return Ran{-1, "", r.error().message};
  return Ran{r->exit_code, r->out, r->err};
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

class CatalogLintReal : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fsys::exists(k_helm)) GTEST_SKIP() << k_helm << " is missing: run scripts/setup";
    if (!fsys::exists("/usr/bin/docker-registry")) GTEST_SKIP() << "docker-registry is missing: run scripts/setup";
    auto server = aiplat::testing::start_real_mirror();
    ASSERT_TRUE(server) << server.error().message;
    m_mirror = std::move(*server);
    const std::string dir = aiplat::testing::real_mirror_dir();
    // The lint renders the real charts only where the real mirror has them: say so, or this proves little.
    std::string readme = read(dir + "/README");
    ASSERT_NE(readme.find("REAL upstream content"), std::string::npos) << readme;
    ASSERT_NE(readme.find("kube-prometheus-stack@88.5.3"), std::string::npos) << readme;
    m_cache = aiplat::testing::standin_cache_dir(dir);
  }

  Ran lint(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = extra;
    args.insert(args.end(), {"catalog", "lint", "--strict", "--source-mirror", m_mirror->url(), "--helm", k_helm});
    return aiplat(args, m_cache);
  }

  /// A copy of the shipped catalog (addons/, profiles/, manifests/) to break on purpose.
  std::string copy_catalog() {
    char pattern[] = "/tmp/aiplat-lint-catalog-XXXXXX";
    std::string dir = ::mkdtemp(pattern);
    for (const char* part : {"addons", "profiles", "manifests"}) {
      fsys::copy(std::string(AIPLAT_SOURCE_DIR) + "/" + part, dir + "/" + part, fsys::copy_options::recursive);
    }
    m_copies.push_back(dir);
    return dir;
  }

  void TearDown() override {
    m_mirror.reset();
    for (const std::string& d : m_copies) fsys::remove_all(d);
  }

  std::unique_ptr<aiplat::testing::StandinMirrorServer> m_mirror;
  std::string m_cache;
  std::vector<std::string> m_copies;
};

TEST_F(CatalogLintReal, ShippedCatalogAgreesWithTheRealRenders) {
  Ran r = lint();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("built-in catalog:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": no problems"), std::string::npos) << r.out;
  // Every shipped profile at every minor it declares was rendered.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("rendered (\\d+) plans \\((\\d+) add-on renders\\)"))) << r.out;
  EXPECT_GE(std::stoi(m[1]), 20);
  EXPECT_GE(std::stoi(m[2]), 200);
}

TEST_F(CatalogLintReal, WrongImageUnknownValueKeyAndMissingReadinessObjectAreRefused) {
  std::string dir = copy_catalog();
  const std::string kps = dir + "/addons/kube-prometheus-stack/88.5.3/addon.yaml";
  std::string text = read(kps);
  // The chart renders node-exporter's distroless tag; list the plain one, as the catalog once did.
  ASSERT_NE(text.find("quay.io/prometheus/node-exporter:v1.12.1-distroless"), std::string::npos);
  text = std::regex_replace(text, std::regex("node-exporter:v1\\.12\\.1-distroless"), "node-exporter:v1.12.1");
  // A value key the chart does not have.
  text = std::regex_replace(text, std::regex("        grafana: \\{enabled: false\\}"),
                            "        grafana: {enabled: false}\n        prometheusOperatr: {enabled: true}");
  write(kps, text);
  // An image nothing renders (KubeRay's API server is a chart of its own).
  const std::string kuberay = dir + "/addons/kuberay-operator/1.7.0/addon.yaml";
  std::string ray = read(kuberay);
  ASSERT_NE(ray.find("    - ref: quay.io/kuberay/operator:v1.7.0\n"), std::string::npos) << ray;
  ray = std::regex_replace(ray, std::regex("    - ref: quay.io/kuberay/operator:v1\\.7\\.0\n"),
                           "    - ref: quay.io/kuberay/apiserver:v1.7.0\n      digest: unknown\n"
                           "    - ref: quay.io/kuberay/operator:v1.7.0\n");
  // A readiness rule naming an object the chart does not render.
  ray = std::regex_replace(ray, std::regex("name: kuberay-operator, namespace: kuberay-system"),
                           "name: kuberay-operater, namespace: kuberay-system");
  write(kuberay, ray);
  Ran r = lint({"--catalog", dir});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  const std::string file = "addons/kube-prometheus-stack/88.5.3/addon.yaml";
  EXPECT_NE(r.out.find("uses image quay.io/prometheus/node-exporter:v1.12.1-distroless"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("image quay.io/kuberay/apiserver:v1.7.0 is listed but no render uses it"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("value key prometheusOperatr is not in chart kube-prometheus-stack 88.5.3"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("readiness rule names Deployment kuberay-system/kuberay-operater"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(file + ":"), std::string::npos) << r.out;
  // Each problem names the plans that showed it.
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\\(rendered for [^)]*\\bonprem@1\\.35\\b"))) << r.out;
}

}  // namespace
}  // namespace aiplat::install_test

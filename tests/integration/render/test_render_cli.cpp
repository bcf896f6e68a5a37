// `aiplat render` run as a user would, its output checked with the git command line.
#include <fstream>
#include <sstream>

#include "render_fixture.hpp"
#include "util/yaml.hpp"

namespace aiplat::render::integration {
namespace {

const std::string k_aiplat = std::string(AIPLAT_BINARY_DIR) + "/aiplat";

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RenderCli : public RenderIntegration {
 protected:
  std::pair<int, std::string> aiplat(std::vector<std::string> args, const std::string& catalog = k_catalog) {
    std::vector<std::string> argv = {k_aiplat, "--catalog", catalog};
    argv.insert(argv.end(), args.begin(), args.end());
    return shell(argv, {{"XDG_CACHE_HOME", m_tmp + "/xdg"}, {"HOME", m_tmp}, {"NO_COLOR", "1"}});
  }
  std::pair<int, std::string> render_into(const std::string& out, std::vector<std::string> profiles,
                                          const std::string& catalog = k_catalog) {
    std::vector<std::string> args = {"render"};
    for (const std::string& p : profiles) args.insert(args.end(), {"--profile", p});
    args.insert(args.end(), {"--out", out, "--git", "--source-mirror", m_server->url(), "--helm", k_helm});
    return aiplat(args, catalog);
  }
  std::pair<int, std::string> git(const std::string& dir, std::vector<std::string> args) {
    std::vector<std::string> argv = {"git", "-C", dir};
    argv.insert(argv.end(), args.begin(), args.end());
    return shell(argv);
  }
};

TEST_F(RenderCli, GitRepositoryGetsOneCommitPerChangingRender) {
  if (!fsys::exists(k_aiplat)) GTEST_SKIP() << k_aiplat << " not built";
  const std::string out = m_tmp + "/gitops";
  auto [code, text] = render_into(out, {"test"});
  ASSERT_EQ(code, 0) << text;
  EXPECT_NE(text.find("Rendered 4 add-ons"), std::string::npos) << text;

  // Layout: one folder per add-on in apply order, each with a kustomization listing its files.
  Result<YamlDocument> top = parse_yaml(read(out + "/kustomization.yaml"), "kustomization.yaml");
  ASSERT_TRUE(top) << top.error().message;
  std::vector<std::string> folders = top->value["resources"].get<std::vector<std::string>>();
  ASSERT_EQ(folders.size(), 4u);
  for (std::size_t i = 0; i < folders.size(); ++i) {
    EXPECT_TRUE(folders[i].starts_with(i < 9 ? "0" + std::to_string(i + 1) + "-test-" : "")) << folders[i];
    Result<YamlDocument> k = parse_yaml(read(out + "/" + folders[i] + "/kustomization.yaml"), folders[i]);
    ASSERT_TRUE(k);
    for (const Json& f : k->value["resources"]) EXPECT_TRUE(fsys::exists(out + "/" + folders[i] + "/" + f.get<std::string>()));
  }
  auto pos = [&](const std::string& name) {
    return std::find_if(folders.begin(), folders.end(), [&](const std::string& f) { return f.ends_with(name); });
  };
  EXPECT_LT(pos("-test-crds"), pos("-test-files")) << "requires edges give the order";
  const std::string files_dir = out + "/" + *pos("-test-files");
  // The cluster-scoped ClusterQueue has no namespace, the LocalQueue got the add-on's: scope came from test-crds.
  EXPECT_TRUE(fsys::exists(files_dir + "/clusterqueue.kueue.x-k8s.io_test-cluster-queue.yaml"));
  EXPECT_TRUE(fsys::exists(files_dir + "/localqueue.kueue.x-k8s.io_test-system_test-queue.yaml"));
  EXPECT_NE(read(files_dir + "/deployment.apps_test-system_test-web.yaml").find("replicas: 1"), std::string::npos);

  auto [log_code, log] = git(out, {"log", "--format=%H %s%n%b"});
  ASSERT_EQ(log_code, 0) << log;
  EXPECT_NE(log.find("aiplat render: test on Kubernetes 1.35"), std::string::npos) << log;
  for (const char* line : {"test-crds 0.19.2", "test-url 1.0.0", "test-chart 0.1.0", "test-files 1.0.0"}) {
    EXPECT_NE(log.find(line), std::string::npos) << line << " in\n" << log;
  }
  auto [stat_code, stat] = git(out, {"show", "--stat=400", "--format=", "HEAD"});
  ASSERT_EQ(stat_code, 0);
  EXPECT_NE(stat.find("kustomization.yaml"), std::string::npos) << stat;
  EXPECT_NE(stat.find("deployment.apps_test-chart-system_demo-echo.yaml"), std::string::npos) << stat;

  // Nothing changed: no commit.
  auto [again_code, again] = render_into(out, {"test"});
  ASSERT_EQ(again_code, 0) << again;
  EXPECT_NE(again.find("no commit made"), std::string::npos) << again;
  EXPECT_EQ(git(out, {"rev-list", "--count", "HEAD"}).second, "1\n");

  // A layered profile changes two objects: one new commit touching exactly those files.
  auto [ha_code, ha] = render_into(out, {"test", "test-ha"});
  ASSERT_EQ(ha_code, 0) << ha;
  EXPECT_EQ(git(out, {"rev-list", "--count", "HEAD"}).second, "2\n");
  auto [diff_code, diff] = git(out, {"diff", "--name-only", "HEAD~1", "HEAD"});
  ASSERT_EQ(diff_code, 0);
  EXPECT_EQ(diff, *pos("-test-chart") + "/deployment.apps_test-chart-system_demo-echo.yaml\n" + *pos("-test-files") +
                      "/deployment.apps_test-system_test-web.yaml\n");
  EXPECT_TRUE(git(out, {"status", "--porcelain"}).second.empty()) << "everything is committed";
}

TEST_F(RenderCli, ReRenderReplacesOldFilesCleanly) {
  if (!fsys::exists(k_aiplat)) GTEST_SKIP() << k_aiplat << " not built";
  const std::string out = m_tmp + "/plain";
  fsys::create_directories(out + "/07-stale-addon");
  std::ofstream(out + "/07-stale-addon/old.yaml") << "kind: Old\n";
  std::ofstream(out + "/NOTES.md") << "the user's own file\n";
  auto [code, text] = aiplat({"render", "--profile", "test", "--out", out, "--source-mirror", m_server->url(), "--helm", k_helm});
  ASSERT_EQ(code, 0) << text;
  EXPECT_FALSE(fsys::exists(out + "/07-stale-addon"));
  EXPECT_TRUE(fsys::exists(out + "/NOTES.md"));
  EXPECT_FALSE(fsys::exists(out + "/.git")) << "no repository without --git";
}

TEST_F(RenderCli, ImageMissingFromTheCatalogListIsAnErrorNamingTheObject) {
  if (!fsys::exists(k_aiplat)) GTEST_SKIP() << k_aiplat << " not built";
  const std::string cat = m_tmp + "/catalog";
  fsys::copy(k_catalog, cat, fsys::copy_options::recursive);
  const std::string addon = cat + "/addons/test-files/1.0.0/addon.yaml";
  std::string text = read(addon);
  std::size_t at = text.find("  images:");
  ASSERT_NE(at, std::string::npos);
  std::ofstream(addon, std::ios::trunc) << text.substr(0, at);
  const std::string out = m_tmp + "/bad";
  auto [code, message] = render_into(out, {"test"}, cat);
  EXPECT_EQ(code, 2) << message;
  EXPECT_NE(message.find("rendering test-files 1.0.0: Deployment test-system/test-web uses image "
                         "registry.test/aiplat/pause:1.0"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("not in the images list of " + cat + "/addons/test-files/1.0.0/addon.yaml"), std::string::npos)
      << message;
  EXPECT_FALSE(fsys::exists(out + "/kustomization.yaml")) << "nothing is written when rendering fails";
}

}  // namespace
}  // namespace aiplat::render::integration

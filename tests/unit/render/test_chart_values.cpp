// The value keys a packaged chart accepts (render/chart_values): the real GPU Operator chart with its
// vendored node-feature-discovery subchart (values.schema.json), and small charts made here for the rules.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "render/chart_values.hpp"
#include "support/temp_dir.hpp"

namespace aiplat::render {
namespace {

namespace fsys = std::filesystem;
using nlohmann::json;

const std::string k_gpu_operator =
    std::string(AIPLAT_SOURCE_DIR) + "/../shared/upstream/mirror/http/helm.ngc.nvidia.com/nvidia/gpu-operator-v26.7.0.tgz";

void write(const std::string& path, const std::string& text) {
  fsys::create_directories(fsys::path(path).parent_path());
  std::ofstream(path) << text;
}

/// Packs `dir`/<name> into `dir`/<name>.tgz with tar, as helm package lays it out.
std::string pack(const std::string& dir, const std::string& name) {
  std::string out = dir + "/" + name + ".tgz";
  std::string cmd = fmt::format("tar -C '{}' -czf '{}' '{}'", dir, out, name);
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return out;
}

TEST(ChartValues, RealGpuOperatorChartAndItsSubchart) {
  if (!fsys::exists(k_gpu_operator)) GTEST_SKIP() << k_gpu_operator << " is missing (../shared/upstream)";
  auto chart = read_chart_values(k_gpu_operator);
  ASSERT_TRUE(chart) << chart.error().message;
  EXPECT_EQ(chart->name, "gpu-operator");
  ASSERT_EQ(chart->subcharts.count("node-feature-discovery"), 1u);
  EXPECT_TRUE(chart->subcharts.at("node-feature-discovery").schema.is_object());
  EXPECT_TRUE(chart->values.contains("driver"));

  json values = {{"driver", {{"enabled", true}, {"enabeld", true}}},
                 {"dcgmExporter", {{"imagePullSecrets", json::array({"s"})}}},  // only the template reads it
                 {"devicePlugin", {{"enabled", false}}},
                 {"operator", {{"upgradeCRD", false}, {"imagePullSecrets", json::array({"x"})}}},
                 {"global", {{"anything", 1}}},
                 {"node-feature-discovery", {{"master", {{"replicaCount", 2}}}, {"mastre", {{"x", 1}}}}},
                 {"daemonsets", {{"annotations", {{"free", "form"}}}}},
                 {"nonsense", 1}};
  std::vector<std::string> unknown = unknown_value_keys(values, *chart);
  std::sort(unknown.begin(), unknown.end());
  EXPECT_EQ(unknown, (std::vector<std::string>{"driver.enabeld", "node-feature-discovery.mastre", "nonsense"}));
}

TEST(ChartValues, SchemaDeclaredKeysNestedArchivesAndAliases) {
  testing::TempDir tmp("aiplat-chart-values");
  const std::string top = tmp.path + "/app";
  write(top + "/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n"
        "  - {name: sub, version: 0.1.0, alias: helper}\n  - {name: plain, version: 0.2.0}\n");
  write(top + "/values.yaml", "image:\n  repository: r\n  tag: t\npodAnnotations: {}\nresources:\n");
  write(top + "/templates/deployment.yaml", "x: {{ toYaml $.Values.fromTemplate.secrets }}\n");
  write(top + "/values.schema.json",
        R"({"type":"object","properties":{"image":{"type":"object"},"extra":{"type":"object",
            "properties":{"a":{"type":"string"}}},"open":{"type":"object","additionalProperties":true}}})");
  // A subchart kept as a nested archive, and one as a folder.
  const std::string sub = tmp.path + "/nested/sub";
  write(sub + "/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n");
  write(sub + "/values.yaml", "port: 80\n");
  std::string sub_tgz = pack(tmp.path + "/nested", "sub");
  fsys::create_directories(top + "/charts");
  fsys::copy_file(sub_tgz, top + "/charts/sub-0.1.0.tgz");
  write(top + "/charts/plain/Chart.yaml", "apiVersion: v2\nname: plain\nversion: 0.2.0\n");
  write(top + "/charts/plain/values.yaml", "enabled: true\n");
  std::string archive = pack(tmp.path, "app");

  auto chart = read_chart_values(archive);
  ASSERT_TRUE(chart) << chart.error().message;
  EXPECT_EQ(chart->subcharts.count("helper"), 1u) << "the alias is the values key";
  EXPECT_EQ(chart->subcharts.count("plain"), 1u);
  json values = {{"image", {{"tag", "x"}, {"digest", "sha256:1"}}},  // image is in the schema without properties
                 {"podAnnotations", {{"a", "b"}}},                 // empty default: free-form
                 {"resources", {{"limits", {{"cpu", 1}}}}},        // null default: free-form
                 {"extra", {{"a", "x"}, {"b", "y"}}},              // b is not among the schema's properties
                 {"open", {{"z", 1}}},
                 {"helper", {{"port", 81}, {"prot", 1}}},
                 {"plain", {{"enabled", false}}},
                 {"fromTemplate", {{"secrets", json::array({"s"})}}},  // read by a template, no default
                 {"missing", true}};
  std::vector<std::string> unknown = unknown_value_keys(values, *chart);
  std::sort(unknown.begin(), unknown.end());
  EXPECT_EQ(unknown, (std::vector<std::string>{"extra.b", "helper.prot", "missing"}));
}

TEST(ChartValues, NotAChartIsAnInputErrorNamingTheFile) {
  testing::TempDir tmp("aiplat-chart-values");
  write(tmp.path + "/x.tgz", "not an archive");
  auto chart = read_chart_values(tmp.path + "/x.tgz");
  ASSERT_FALSE(chart);
  EXPECT_EQ(chart.error().kind, ErrorKind::input);
  EXPECT_NE(chart.error().message.find(tmp.path + "/x.tgz"), std::string::npos) << chart.error().message;
}

}  // namespace
}  // namespace aiplat::render

// End to end with the SHIPPED catalog: the built aiplat installs every shipped profile at every minor it
// supports (from `aiplat catalog list`) on kubesim, fetching every upstream source through the loopback
// stand-in mirror (tests/mirror/make_standin_mirror), and a re-run writes nothing. kubesim runs no add-on
// controllers, so installs use --wait=workloads; ShippedWait shows what --wait=all does with such rules.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "install_fixture.hpp"
#include "support/standin_mirror.hpp"

namespace aiplat::install_test {
namespace {

namespace fsys = std::filesystem;
using nlohmann::json;

struct ShippedCase {
  std::vector<std::string> profiles;
  std::string minor;
};

std::string case_name(const ShippedCase& c) {
  std::string name;
  for (const std::string& p : c.profiles) name += (name.empty() ? "" : "_and_") + p;
  name += "_" + c.minor;
  std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
  return name;
}

void PrintTo(const ShippedCase& c, std::ostream* os) { *os << case_name(c); }

RunResult run(const std::vector<std::string>& args, const std::string& cache) {
  ProcessSpec spec;
  spec.argv = {std::string(AIPLAT_BINARY_DIR) + "/aiplat"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {{"NO_COLOR", "1"}, {"XDG_CACHE_HOME", cache}};
  spec.timeout = std::chrono::minutes(5);
  auto r = make_posix_runner()->run(spec);
  if (!r) return RunResult{-1, "", r.error().message};
  return RunResult{r->exit_code, r->out, r->err};
}

/// Every shipped profile at every minor of its range, read from the built binary's catalog, plus the
/// layering the onprem profile documents for 1.33 (onprem + device-plugin).
std::vector<ShippedCase> shipped_cases() {
  std::vector<ShippedCase> out;
  RunResult r = run({"catalog", "list", "-o", "json"}, "/tmp");
  if (r.exit_code != 0) return out;  // not built: no cases (the suite is then reported uninstantiated)
  json catalog = json::parse(r.out, nullptr, false);
  if (catalog.is_discarded()) return out;
  for (const json& p : catalog["profiles"]) {
    int lo = std::stoi(p["kubernetes"]["min"].get<std::string>().substr(2));
    int hi = std::stoi(p["kubernetes"]["max"].get<std::string>().substr(2));
    for (int m = lo; m <= hi; ++m) out.push_back({{p["name"].get<std::string>()}, fmt::format("1.{}", m)});
  }
  out.push_back({{"onprem", "device-plugin"}, "1.33"});
  return out;
}

std::vector<std::string> profile_args(const ShippedCase& c) {
  std::vector<std::string> args;
  for (const std::string& p : c.profiles) args.insert(args.end(), {"--profile", p});
  return args;
}

/// Generated once per build tree; served per test.
class Mirror {
 public:
  static std::string dir(std::string& why) {
    static std::string error;
    static bool done = false;
    if (!done) {
      auto r = aiplat::testing::ensure_standin_mirror(aiplat::testing::standin_mirror_dir());
      if (!r) error = r.error().message;
      done = true;
    }
    why = error;
    return error.empty() ? aiplat::testing::standin_mirror_dir() : "";
  }
};

class ShippedInstall : public ::testing::TestWithParam<ShippedCase> {
 protected:
  void SetUp() override {
    if (!fsys::exists(k_helm)) GTEST_SKIP() << k_helm << " is missing: run scripts/setup";
    if (!fsys::exists("/usr/bin/docker-registry")) GTEST_SKIP() << "docker-registry is missing: run scripts/setup";
    std::string why;
    std::string dir = Mirror::dir(why);
    ASSERT_TRUE(why.empty()) << why;
    auto server = aiplat::testing::StandinMirrorServer::start(dir);
    ASSERT_TRUE(server) << server.error().message;
    m_mirror = std::move(*server);
    m_sim = start_kubesim(why, GetParam().minor);
    if (!m_sim) GTEST_SKIP() << why;
    m_cache = aiplat::testing::standin_cache_dir(dir);
  }
  void TearDown() override {
    m_sim.reset();
    m_mirror.reset();
  }

  RunResult aiplat(std::vector<std::string> args) {
    args.insert(args.begin(), {"--kubeconfig", m_sim->kubeconfig()});
    return run(args, m_cache);
  }

  std::vector<std::string> install_args(const std::string& wait) {
    std::vector<std::string> args = {"install"};
    for (const std::string& a : profile_args(GetParam())) args.push_back(a);
    args.insert(args.end(), {"--source-mirror", m_mirror->url(), "--helm", k_helm, "--wait=" + wait, "--skip-verify",
                             "-o", "json"});
    return args;
  }

  const std::string k_helm = std::string(AIPLAT_SOURCE_DIR) + "/.tools/bin/helm";
  std::unique_ptr<aiplat::testing::StandinMirrorServer> m_mirror;
  std::unique_ptr<aiplat::testing::KubesimProcess> m_sim;
  std::string m_cache;  // shared by every shipped case (the cache is safe across processes)
};

json last_line(const std::string& ndjson) {
  std::istringstream in(ndjson);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return json::parse(last, nullptr, false);
}

TEST_P(ShippedInstall, ConvergesThroughTheMirrorAndReRunWritesNothing) {
  const ShippedCase& c = GetParam();
  std::vector<std::string> plan_args = {"plan", "--kubernetes", c.minor, "-o", "json"};
  for (const std::string& a : profile_args(c)) plan_args.push_back(a);
  RunResult plan = run(plan_args, m_cache);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  json steps = json::parse(plan.out)["steps"];
  ASSERT_FALSE(steps.empty());

  RunResult first = aiplat(install_args("workloads"));
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  json summary = last_line(first.out);
  ASSERT_EQ(summary.value("phase", ""), "summary") << first.out;
  EXPECT_EQ(summary["kubernetes"], c.minor);
  ASSERT_EQ(summary["addons"].size(), steps.size());
  for (const json& a : summary["addons"]) EXPECT_EQ(a["state"], "installed") << a.dump();

  // Every record is installed; add-on rules that were left out are reported, never as met.
  RunResult status = aiplat({"status", "-o", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  json records = json::parse(status.out);
  ASSERT_EQ(records.size(), steps.size());
  std::size_t inventory = 0;
  for (const json& r : records) {
    EXPECT_EQ(r["state"], "installed") << r["name"];
    // Every add-on's sources were resolved (through the mirror: this machine has no route upstream).
    EXPECT_FALSE(r.value("sourceDigests", json::object()).empty()) << r["name"];
    inventory += r["inventory"].size();
    const std::string readiness = r.value("readiness", "");
    if (r.value("readinessRulesNotWaited", 0) > 0) {
      EXPECT_EQ(readiness, fmt::format("{} add-on readiness rule(s) not waited (--wait=workloads)",
                                       r["readinessRulesNotWaited"].get<int>()));
    } else {
      EXPECT_EQ(readiness, "") << r["name"];
    }
  }
  auto client = client_for(m_sim->kubeconfig());
  ASSERT_TRUE(client);
  std::set<std::string> live = applyset_objects(*client);
  EXPECT_EQ(live.size(), inventory + records.size()) << "every member plus one parent per add-on";

  // The re-run reads only.
  std::size_t before = m_sim->requests().size();
  RunResult again = aiplat(install_args("workloads"));
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  for (const json& a : last_line(again.out)["addons"]) EXPECT_EQ(a["state"], "unchanged") << a.dump();
  std::vector<std::string> requests = m_sim->requests();
  std::vector<std::string> after(requests.begin() + static_cast<std::ptrdiff_t>(before), requests.end());
  EXPECT_TRUE(writes(after).empty()) << writes(after).front();
  EXPECT_EQ(applyset_objects(*client), live);
}

INSTANTIATE_TEST_SUITE_P(Shipped, ShippedInstall, ::testing::ValuesIn(shipped_cases()),
                         [](const ::testing::TestParamInfo<ShippedCase>& info) { return case_name(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ShippedInstall);

// --wait=all evaluates the add-on's own rules: the GPU Operator's ClusterPolicy never turns ready without
// its controller, so the install times out naming it. --wait=workloads leaves the rules out and says so,
// and a later --wait=all run does not skip the add-on as unchanged.
class ShippedWait : public ShippedInstall {};

TEST_P(ShippedWait, AllWaitsForAddonRulesWorkloadsSaysWhatItLeftOut) {
  std::vector<std::string> all = install_args("all");
  all.insert(all.end(), {"--timeout", "3s"});
  RunResult strict = aiplat(all);
  EXPECT_EQ(strict.exit_code, 1) << strict.out << strict.err;
  EXPECT_NE(strict.err.find("ClusterPolicy"), std::string::npos) << strict.err;
  EXPECT_NE(strict.err.find(".status.state"), std::string::npos) << strict.err;

  RunResult relaxed = aiplat(install_args("workloads"));
  ASSERT_EQ(relaxed.exit_code, 0) << relaxed.out << relaxed.err;
  const std::string note = "2 add-on readiness rule(s) not waited (--wait=workloads)";
  bool wait_event = false;
  std::istringstream lines(relaxed.out);
  for (std::string line; std::getline(lines, line);) {
    json e = json::parse(line, nullptr, false);
    if (e.value("phase", "") == "wait" && e.value("state", "") == "ok") {
      wait_event = e.value("detail", "").find(note) != std::string::npos;
    }
  }
  EXPECT_TRUE(wait_event) << relaxed.out;
  json summary = last_line(relaxed.out);
  EXPECT_EQ(summary["addons"][0]["readiness"], note);
  EXPECT_NE(summary["addons"][0]["detail"].get<std::string>().find(note), std::string::npos);

  RunResult table = aiplat({"status"});
  EXPECT_NE(table.out.find("2 not waited"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("2 add-on readiness rule(s) not waited"), std::string::npos) << table.out;

  RunResult recheck = aiplat(all);
  EXPECT_EQ(recheck.exit_code, 1) << recheck.out << recheck.err;
  EXPECT_NE(recheck.err.find("ClusterPolicy"), std::string::npos) << recheck.err;
}

INSTANTIATE_TEST_SUITE_P(Shipped, ShippedWait, ::testing::Values(ShippedCase{{"device-plugin"}, "1.33"}),
                         [](const ::testing::TestParamInfo<ShippedCase>& info) { return case_name(info.param); });

}  // namespace
}  // namespace aiplat::install_test

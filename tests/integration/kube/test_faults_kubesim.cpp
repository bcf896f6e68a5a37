// Retries against kubesim injecting 429/500/503 and connection resets into 10% of requests.
#include <atomic>
#include <thread>

#include "kubesim_fixture.hpp"

namespace aiplat::kube::integration {
namespace {

class FaultsKubesim : public KubesimSuite {
 protected:
  static void SetUpTestSuite() {
    aiplat::testing::KubesimOptions options;
    options.faults = 0.1;
    start(options);
  }
};

TEST_F(FaultsKubesim, EveryOperationStillCompletes) {
  auto config = config_from(s_sim->kubeconfig());
  ASSERT_TRUE(config) << config.error().message;
  ClientOptions options;
  options.retry.initial_backoff = std::chrono::milliseconds(20);
  options.retry.max_backoff = std::chrono::milliseconds(500);
  options.retry.max_attempts = 12;
  auto client = client_for(*config, options);
  ASSERT_TRUE(client->apply(Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "faulty"}}}}));
  std::atomic<int> ok{0};
  std::vector<std::string> errors(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        Json cm = {{"apiVersion", "v1"},
                   {"kind", "ConfigMap"},
                   {"metadata", {{"name", fmt::format("f-{}-{}", t, i)}, {"namespace", "faulty"}}},
                   {"data", {{"i", std::to_string(i)}}}};
        auto r = client->apply(cm);
        if (r) ++ok; else errors[t] = r.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 100) << errors[0] << errors[1] << errors[2] << errors[3];
  auto list = client->list({"", "v1", "ConfigMap"}, "faulty");
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_EQ(list->items.size(), 100u);
  // The faults really happened: the request log shows injected failures.
  int injected = 0;
  for (const std::string& line : s_sim->requests()) {
    if (line.ends_with(" 429") || line.ends_with(" 500") || line.ends_with(" 503") || line.find("reset") != std::string::npos) {
      ++injected;
    }
  }
  EXPECT_GT(injected, 0);
}

}  // namespace
}  // namespace aiplat::kube::integration

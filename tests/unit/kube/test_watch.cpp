#include <gtest/gtest.h>

#include "support/fake_kube_cluster.hpp"
#include "kube/client.hpp"

namespace aiplat::kube {
namespace {
using aiplat::testing::FakeTransport;
using aiplat::testing::json_response;
using aiplat::testing::url_query;

std::string event(const char* type, const char* name, const char* rv) {
  return Json{{"type", type},
              {"object", {{"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"resourceVersion", rv}}}}}}
             .dump() +
         "\n";
}

class Watch : public ::testing::Test {
 protected:
  void SetUp() override { kube::testing::serve_aggregated_discovery(*m_fake); }
  std::vector<std::string> watch_queries() {
    std::vector<std::string> out;
    for (const HttpRequest& r : m_fake->requests()) {
      if (r.url.find("watch=1") != std::string::npos) out.push_back(url_query(r.url));
    }
    return out;
  }
  std::shared_ptr<FakeTransport> m_fake = std::make_shared<FakeTransport>();
  std::shared_ptr<FakeClock> m_clock = std::make_shared<FakeClock>();
  Client m_client{kube::testing::fake_config(), m_fake, kube::testing::fake_options(m_clock)};
};

TEST_F(Watch, ReconnectsFromTheLastBookmarkAndStopsOnRequest) {
  HttpResponse first = json_response(200, event("ADDED", "a", "5") + event("MODIFIED", "a", "6") +
                                              R"({"type":"BOOKMARK","object":{"kind":"ConfigMap",)"
                                              R"("metadata":{"resourceVersion":"9"}}})" "\n");
  HttpResponse second = json_response(200, event("DELETED", "a", "12"));
  m_fake->sequence("GET", "/api/v1/namespaces/ns1/configmaps", {first, second});
  std::vector<std::string> seen;
  WatchOptions options;
  options.resource_version = "4";
  options.label_selector = "app=x";
  auto outcome = m_client.watch({"", "v1", "ConfigMap"}, "ns1", options, [&](const WatchEvent& e) {
    if (e.type == WatchEventType::bookmark) {
      seen.push_back("bookmark");
      return WatchControl::next;
    }
    seen.push_back(e.object["metadata"]["name"].get<std::string>() + "@" +
                   e.object["metadata"]["resourceVersion"].get<std::string>());
    return e.type == WatchEventType::deleted ? WatchControl::stop : WatchControl::next;
  });
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->end, WatchEnd::stopped);
  EXPECT_EQ(outcome->reconnects, 1);
  EXPECT_EQ(outcome->resource_version, "12");
  EXPECT_EQ(seen, (std::vector<std::string>{"a@5", "a@6", "bookmark", "a@12"}));
  auto queries = watch_queries();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_EQ(queries[0].find("watch=1&allowWatchBookmarks=true&resourceVersion=4&labelSelector=app%3Dx"), 0u)
      << queries[0];
  EXPECT_NE(queries[1].find("resourceVersion=9"), std::string::npos) << queries[1];
}

TEST_F(Watch, GoneRestartsWithoutResourceVersion) {
  HttpResponse gone = json_response(200, R"({"type":"ERROR","object":{"kind":"Status","code":410,)"
                                         R"("reason":"Expired","message":"too old resource version"}})" "\n");
  HttpResponse fresh = json_response(200, event("ADDED", "b", "100"));
  m_fake->sequence("GET", "/api/v1/namespaces/ns1/configmaps", {gone, fresh});
  WatchOptions options;
  options.resource_version = "1";
  auto outcome = m_client.watch({"", "v1", "ConfigMap"}, "ns1", options,
                                [](const WatchEvent&) { return WatchControl::stop; });
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->end, WatchEnd::stopped);
  auto queries = watch_queries();
  ASSERT_EQ(queries.size(), 2u);
  EXPECT_NE(queries[0].find("resourceVersion=1"), std::string::npos);
  EXPECT_EQ(queries[1].find("resourceVersion"), std::string::npos) << queries[1];
}

TEST_F(Watch, ConnectionResetsAreRetriedAndForbiddenIsNot) {
  HttpResponse reset;
  reset.error = TransportError::reset;
  reset.error_message = "connection reset by peer";
  m_fake->sequence("GET", "/api/v1/namespaces/ns1/configmaps",
                   {reset, json_response(503, "{}"), json_response(200, event("ADDED", "c", "3"))});
  auto outcome = m_client.watch({"", "v1", "ConfigMap"}, "ns1", WatchOptions{},
                                [](const WatchEvent&) { return WatchControl::stop; });
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->reconnects, 2);
  EXPECT_EQ(m_clock->sleeps().size(), 2u);  // backed off, on the fake clock

  m_fake->reply("GET", "/api/v1/namespaces/ns2/configmaps", 403,
                R"({"kind":"Status","reason":"Forbidden","message":"cannot watch","code":403})");
  auto forbidden = m_client.watch({"", "v1", "ConfigMap"}, "ns2", WatchOptions{},
                                  [](const WatchEvent&) { return WatchControl::next; });
  ASSERT_FALSE(forbidden);
  EXPECT_TRUE(forbidden.error().forbidden());
  EXPECT_NE(forbidden.error().message.find("watch ConfigMap.v1 in namespace ns2"), std::string::npos)
      << forbidden.error().message;
}

TEST_F(Watch, EndsAtTheDeadline) {
  m_fake->reply("GET", "/api/v1/namespaces/ns1/configmaps", 200, "");  // the server closes at once, every time
  WatchOptions options;
  options.deadline = std::chrono::seconds(10);
  Clock::Steady start = m_clock->now();
  auto outcome = m_client.watch({"", "v1", "ConfigMap"}, "ns1", options,
                                [](const WatchEvent&) { return WatchControl::next; });
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->end, WatchEnd::deadline);
  EXPECT_GE(m_clock->now() - start, std::chrono::seconds(10));
  EXPECT_LT(outcome->reconnects, 40);  // backed off instead of spinning
}

TEST_F(Watch, ServerErrorEventIsReported) {
  m_fake->reply("GET", "/api/v1/namespaces/ns1/configmaps", 200,
                R"({"type":"ERROR","object":{"kind":"Status","code":500,"reason":"InternalError","message":"boom"}})"
                "\n");
  WatchOptions options;
  options.deadline = std::chrono::seconds(5);
  auto outcome = m_client.watch({"", "v1", "ConfigMap"}, "ns1", options,
                                [](const WatchEvent&) { return WatchControl::next; });
  // A 500 in the stream is retried like any 5xx until the deadline.
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->end, WatchEnd::deadline);
  EXPECT_GT(outcome->reconnects, 0);
}

}  // namespace
}  // namespace aiplat::kube

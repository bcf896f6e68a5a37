#include "kube/retry.hpp"

#include <gtest/gtest.h>

#include "support/fake_kube_cluster.hpp"

namespace aiplat::kube {
namespace {
using std::chrono::milliseconds;
using aiplat::testing::FakeTransport;
using aiplat::testing::json_response;

HttpResponse status(long code, const std::string& retry_after = {}) {
  HttpResponse r = json_response(code, R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":)" +
                                           std::to_string(code) + "}");
  if (!retry_after.empty()) r.headers.emplace_back("retry-after", retry_after);
  return r;
}

HttpResponse transport_error(TransportError e) {
  HttpResponse r;
  r.error = e;
  r.error_message = "simulated";
  return r;
}

TEST(Retry, ClassifiesResponses) {
  for (long code : {429, 500, 502, 503, 504}) EXPECT_TRUE(is_retryable(status(code))) << code;
  for (long code : {200, 400, 401, 403, 404, 409, 422, 501}) EXPECT_FALSE(is_retryable(status(code))) << code;
  EXPECT_TRUE(is_retryable(transport_error(TransportError::reset)));
  EXPECT_TRUE(is_retryable(transport_error(TransportError::timeout)));
  EXPECT_TRUE(is_retryable(transport_error(TransportError::connect)));
  EXPECT_FALSE(is_retryable(transport_error(TransportError::tls)));
  EXPECT_EQ(retry_after_seconds(status(429, "7")), 7);
  EXPECT_EQ(retry_after_seconds(status(429, "Wed, 21 Oct 2015 07:28:00 GMT")), 0);
}

TEST(Retry, BackoffGrowsWithJitterAndHonoursRetryAfter) {
  RetryPolicy policy;
  policy.initial_backoff = milliseconds(100);
  policy.max_backoff = milliseconds(1000);
  Backoff backoff(policy, 7);
  for (int attempt = 1; attempt <= 6; ++attempt) {
    long long full = std::min(100LL << (attempt - 1), 1000LL);
    milliseconds d = backoff.delay(attempt, 0);
    EXPECT_GE(d.count(), full / 2) << attempt;
    EXPECT_LE(d.count(), full) << attempt;
  }
  EXPECT_EQ(backoff.delay(1, 5), milliseconds(5000));
  policy.max_retry_after = milliseconds(2000);
  Backoff capped(policy, 7);
  EXPECT_EQ(capped.delay(1, 60), milliseconds(2000));
}

TEST(Retry, Honours429RetryAfterWithoutRealSleep) {
  FakeClock clock;
  RetryPolicy policy;
  Backoff backoff(policy, 1);
  std::vector<HttpResponse> answers = {status(429, "3"), json_response(200, "{}")};
  std::size_t calls = 0;
  HttpResponse r = send_with_retries([&](milliseconds) { return answers[calls++]; }, backoff, clock);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(calls, 2u);
  EXPECT_EQ(clock.sleeps(), std::vector<milliseconds>{milliseconds(3000)});
}

TEST(Retry, ClientRetries503ThenSucceedsAndDoesNotRetry400) {
  auto fake = std::make_shared<FakeTransport>();
  auto clock = std::make_shared<FakeClock>();
  fake->sequence("GET", "/version", {status(503), status(502), transport_error(TransportError::reset),
                                     json_response(200, R"({"major":"1","minor":"35","gitVersion":"v1.35.0"})")});
  fake->reply("GET", "/api/v1/namespaces/x", 400, R"({"kind":"Status","reason":"BadRequest","message":"nope"})");
  kube::testing::serve_aggregated_discovery(*fake);
  Client client(kube::testing::fake_config(), fake, kube::testing::fake_options(clock));
  auto version = client.server_version();
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(version->minor, 35);
  EXPECT_EQ(fake->count("GET", "/version"), 4);
  EXPECT_EQ(clock->sleeps().size(), 3u);

  auto bad = client.get(ResourceRef{{"", "v1", "Namespace"}, "", "x"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().status, 400);
  EXPECT_EQ(bad.error().reason, "BadRequest");
  EXPECT_EQ(fake->count("GET", "/api/v1/namespaces/x"), 1);
  EXPECT_EQ(clock->sleeps().size(), 3u);  // no sleep for a 400
}

TEST(Retry, GivesUpAtTheDeadlineWithTheLastAnswer) {
  auto fake = std::make_shared<FakeTransport>();
  auto clock = std::make_shared<FakeClock>();
  fake->reply("GET", "/version", 503, R"({"kind":"Status","reason":"ServiceUnavailable","message":"busy"})");
  ClientOptions options = kube::testing::fake_options(clock);
  options.retry.deadline = milliseconds(5000);
  options.retry.max_attempts = 1000;
  Client client(kube::testing::fake_config(), fake, options);
  Clock::Steady start = clock->now();
  auto version = client.server_version();
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().status, 503);
  EXPECT_NE(version.error().message.find("busy"), std::string::npos);
  EXPECT_LE(clock->now() - start, milliseconds(5000));
  EXPECT_GT(fake->count("GET", "/version"), 3);
}

TEST(Retry, MaxAttemptsBoundsRetries) {
  auto fake = std::make_shared<FakeTransport>();
  auto clock = std::make_shared<FakeClock>();
  fake->reply("GET", "/version", 500, "{}");
  ClientOptions options = kube::testing::fake_options(clock);
  options.retry.max_attempts = 3;
  Client client(kube::testing::fake_config(), fake, options);
  EXPECT_FALSE(client.server_version());
  EXPECT_EQ(fake->count("GET", "/version"), 3);
}

}  // namespace
}  // namespace aiplat::kube

// Bearer-token auth, retries and secrets, against the scripted FakeTransport.
#include <gtest/gtest.h>

#include "airgap/registry_client.hpp"
#include "support/fake_transport.hpp"
#include "util/sha256.hpp"

namespace aiplat::airgap {
namespace {

using aiplat::testing::FakeTransport;
using aiplat::testing::json_response;

RegistryOptions fast() {
  RegistryOptions o;
  o.backoff = std::chrono::milliseconds(1);
  o.max_attempts = 3;
  return o;
}

TEST(RegistryAuth, ParsesChallenges) {
  auto [scheme, params] =
      parse_challenge(R"(Bearer realm="https://auth.example/token",service="reg.example",scope="repository:a/b:pull")");
  EXPECT_EQ(scheme, "bearer");
  EXPECT_EQ(params["realm"], "https://auth.example/token");
  EXPECT_EQ(params["service"], "reg.example");
  EXPECT_EQ(params["scope"], "repository:a/b:pull");
}

TEST(RegistryAuth, BearerChallengeFetchesATokenWithBasicCredentialsAndCachesIt) {
  auto fake = std::make_shared<FakeTransport>();
  fake->on("GET", "/v2/a/b/manifests/.*", [](const HttpRequest& r) {
    for (const auto& [k, v] : r.headers) {
      if (k == "Authorization" && v == "Bearer tok-1") {
        HttpResponse ok = json_response(200, R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})");
        return ok;
      }
    }
    HttpResponse h = json_response(401, "{}");
    h.headers.emplace_back("www-authenticate", R"(Bearer realm="https://auth.example/token",service="reg")");
    return h;
  });
  fake->reply("GET", "/token", 200, R"({"token":"tok-1"})");
  RegistryClient client(fake, "reg.example", fast(), Credentials{"alice", "pw", ""});
  ASSERT_TRUE(client.get_manifest("a/b", "v1"));
  ASSERT_TRUE(client.get_manifest("a/b", "v2"));
  EXPECT_EQ(fake->count("GET", "/token"), 1) << "the token is cached per scope";
  auto requests = fake->requests();
  bool sent_basic = false;
  for (const auto& r : requests) {
    if (r.url.find("/token") == std::string::npos) continue;
    EXPECT_NE(r.url.find("scope=repository%3Aa%2Fb%3Apull"), std::string::npos) << r.url;
    EXPECT_NE(r.url.find("service=reg"), std::string::npos);
    for (const auto& [k, v] : r.headers) sent_basic = sent_basic || (k == "Authorization" && v == "Basic YWxpY2U6cHc=");
  }
  EXPECT_TRUE(sent_basic);
}

TEST(RegistryAuth, IdentityTokenUsesTheRefreshTokenGrant) {
  auto fake = std::make_shared<FakeTransport>();
  fake->on("GET", "/v2/", [](const HttpRequest& r) {
    for (const auto& [k, v] : r.headers) {
      if (k == "Authorization" && v == "Bearer access-9") return json_response(200, "{}");
    }
    HttpResponse h = json_response(401, "{}");
    h.headers.emplace_back("www-authenticate", R"(Bearer realm="https://auth.example/oauth",service="reg")");
    return h;
  });
  fake->reply("POST", "/oauth", 200, R"({"access_token":"access-9"})");
  RegistryClient client(fake, "reg.example", fast(), Credentials{"", "", "refresh-abc"});
  ASSERT_TRUE(client.ping());
  auto reqs = fake->requests();
  bool posted = false;
  for (const auto& r : reqs) {
    if (r.method == "POST") {
      posted = true;
      EXPECT_NE(r.body.find("grant_type=refresh_token"), std::string::npos);
      EXPECT_NE(r.body.find("refresh_token=refresh-abc"), std::string::npos);
    }
  }
  EXPECT_TRUE(posted);
}

TEST(RegistryAuth, RejectedTokenRequestSaysSoWithoutThePassword) {
  auto fake = std::make_shared<FakeTransport>();
  HttpResponse challenge = json_response(401, "{}");
  challenge.headers.emplace_back("www-authenticate", R"(Bearer realm="https://auth.example/token",service="reg")");
  fake->sequence("GET", "/v2/", {challenge});
  fake->reply("GET", "/token", 401, R"({"details":"bad"})");
  RegistryClient client(fake, "reg.example", fast(), Credentials{"bob", "hunter2", ""});
  auto r = client.ping();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("rejected the credentials for user \"bob\""), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
}

TEST(RegistryRetry, RetriesServerErrorsHonoursRetryAfterZeroAndGivesUpOnClientErrors) {
  auto fake = std::make_shared<FakeTransport>();
  HttpResponse busy = json_response(503, "{}");
  HttpResponse limited = json_response(429, "{}");
  limited.headers.emplace_back("retry-after", "0");
  fake->sequence("GET", "/v2/", {busy, limited, json_response(200, "{}")});
  RegistryClient client(fake, "reg.example", fast(), std::nullopt);
  ASSERT_TRUE(client.ping());
  EXPECT_EQ(fake->count("GET", "/v2/"), 3);

  auto fake2 = std::make_shared<FakeTransport>();
  fake2->reply("HEAD", "/v2/r/blobs/.*", 400, "");
  RegistryClient client2(fake2, "reg.example", fast(), std::nullopt);
  EXPECT_FALSE(client2.blob_exists("r", "sha256:" + std::string(64, '0')));
  EXPECT_EQ(fake2->count("HEAD", "/v2/r/blobs/.*"), 1) << "a 400 is the caller's fault: no retry";
}

TEST(RegistryClient, ManifestWithTheWrongDigestIsRefused) {
  auto fake = std::make_shared<FakeTransport>();
  fake->reply("GET", "/v2/r/manifests/.*", 200, R"({"schemaVersion":2})", "application/vnd.oci.image.manifest.v1+json");
  RegistryClient client(fake, "reg.example", fast(), std::nullopt);
  auto m = client.get_manifest("r", "sha256:" + std::string(64, 'e'));
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("tampered"), std::string::npos) << m.error().message;
}

TEST(RegistryClient, StreamedBlobRetriedMidwayReachesTheSinkExactlyOnce) {
  std::string blob(300000, '\0');
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>((i * 7919) % 251);
  Descriptor d{"application/octet-stream", "sha256:" + sha256_hex(blob), blob.size(), std::nullopt, {}};
  auto fake = std::make_shared<FakeTransport>();
  int calls = 0;
  fake->on("GET", "/v2/r/blobs/.*", [&](const HttpRequest& request) {
    HttpResponse r;
    if (++calls == 1) {
      // The first attempt delivers a third of the body, then the connection drops.
      r.status = 200;
      EXPECT_TRUE(request.on_data(std::string_view(blob).substr(0, 100000)));
      r.error = TransportError::reset;
      r.error_message = "connection reset";
      return r;
    }
    r.status = 200;
    r.body = blob;
    return r;
  });
  RegistryClient client(fake, "reg.example", fast(), std::nullopt);
  std::string got;
  auto fetched = client.fetch_blob("r", d, [&](std::string_view chunk) -> Result<void> {
    got.append(chunk);
    return {};
  });
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(got, blob) << "the retried start must not be delivered twice";
}

TEST(RegistryClient, StreamedBlobWithTheWrongDigestOrAnErrorBodyFails) {
  std::string blob = "layer bytes";
  Descriptor d{"application/octet-stream", "sha256:" + std::string(64, 'a'), blob.size(), std::nullopt, {}};
  auto fake = std::make_shared<FakeTransport>();
  fake->reply("GET", "/v2/r/blobs/.*", 200, blob, "application/octet-stream");
  RegistryClient client(fake, "reg.example", fast(), std::nullopt);
  std::string got;
  auto sink = [&](std::string_view chunk) -> Result<void> {
    got.append(chunk);
    return {};
  };
  auto fetched = client.fetch_blob("r", d, sink);
  ASSERT_FALSE(fetched);
  EXPECT_NE(fetched.error().message.find("tampered or corrupted"), std::string::npos) << fetched.error().message;

  // An error response's body never reaches the sink (it would land in the bundle).
  auto fake2 = std::make_shared<FakeTransport>();
  fake2->reply("GET", "/v2/r/blobs/.*", 404, R"({"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]})");
  RegistryClient client2(fake2, "reg.example", fast(), std::nullopt);
  got.clear();
  auto missing = client2.fetch_blob("r", d, sink);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(got.empty()) << got;
  EXPECT_NE(missing.error().message.find("BLOB_UNKNOWN"), std::string::npos) << missing.error().message;
}

}  // namespace
}  // namespace aiplat::airgap

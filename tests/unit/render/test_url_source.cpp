#include "render/url_source.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "support/fake_transport.hpp"
#include "render/source_cache.hpp"
#include "step_builder.hpp"
#include "util/sha256.hpp"

namespace aiplat::render {
namespace {

const std::string k_body = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: up}\n";

catalog::Source url_source(const std::string& url, const std::string& sha) {
  catalog::Source s;
  s.type = catalog::SourceType::url;
  s.url = url;
  s.sha256 = sha;
  s.at = catalog::SourceRef{"addons/x/1.0.0/addon.yaml", 12, 7};
  return s;
}

struct UrlSourceTest : ::testing::Test {
  testing::TempDir cache;
  std::shared_ptr<aiplat::testing::FakeTransport> http = std::make_shared<aiplat::testing::FakeTransport>();
  std::ostringstream log_stream;
  Logger log{log_stream};
  RenderOptions options() {
    RenderOptions o;
    o.cache_dir = cache.path;
    o.http = http;
    o.log = &log;
    return o;
  }
};

TEST_F(UrlSourceTest, PinnedDownloadIsCheckedCachedAndReused) {
  http->reply("GET", "/rel/m.yaml", 200, k_body, "text/yaml");
  const std::string sha = sha256_hex(k_body);
  Result<SourceOutput> first = render_url_source(url_source("https://up.test/rel/m.yaml", sha), options());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->sha256, sha);
  EXPECT_EQ(first->id, "url:https://up.test/rel/m.yaml");
  ASSERT_EQ(first->objects.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(cache.path + "/sources/sha256/" + sha));
  Result<SourceOutput> second = render_url_source(url_source("https://up.test/rel/m.yaml", sha), options());
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(http->count("GET", ".*"), 1) << "the second render must come from the cache";
  EXPECT_TRUE(log_stream.str().empty()) << log_stream.str();
}

TEST_F(UrlSourceTest, PinnedSourceParsedBeforeIsNeitherReadNorFetched) {
  http->reply("GET", "/rel/m.yaml", 200, k_body, "text/yaml");
  const std::string sha = sha256_hex(k_body);
  Result<SourceOutput> first = render_url_source(url_source("https://up.test/rel/m.yaml", sha), options());
  ASSERT_TRUE(first) << first.error().message;
  std::filesystem::remove(cache.path + "/sources/sha256/" + sha);
  Result<SourceOutput> again = render_url_source(url_source("https://up.test/rel/m.yaml", sha), options());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(http->count("GET", ".*"), 1) << "the parsed objects of a pinned digest are enough";
  EXPECT_EQ(again->objects, first->objects);
  EXPECT_EQ(again->sha256, sha);
  EXPECT_EQ(again->id, first->id);
}

TEST_F(UrlSourceTest, CorruptCacheEntryIsFetchedAgain) {
  http->reply("GET", "/m.yaml", 200, k_body);
  const std::string sha = sha256_hex(k_body);
  std::filesystem::create_directories(cache.path + "/sources/sha256");
  std::ofstream(cache.path + "/sources/sha256/" + sha) << "tampered";
  Result<SourceOutput> out = render_url_source(url_source("https://up.test/m.yaml", sha), options());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(http->count("GET", ".*"), 1);
  EXPECT_EQ(SourceCache(cache.path).get(sha), k_body);
}

TEST_F(UrlSourceTest, MismatchNamesUrlExpectedAndGot) {
  http->reply("GET", "/m.yaml", 200, k_body);
  const std::string want(64, 'a');
  Result<SourceOutput> out = render_url_source(url_source("https://up.test/m.yaml", want), options());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::input);
  const std::string& m = out.error().message;
  EXPECT_NE(m.find("addons/x/1.0.0/addon.yaml:12:7: sha256 mismatch for https://up.test/m.yaml"), std::string::npos) << m;
  EXPECT_NE(m.find("expected " + want), std::string::npos) << m;
  EXPECT_NE(m.find("got " + sha256_hex(k_body)), std::string::npos) << m;
  EXPECT_FALSE(std::filesystem::exists(cache.path + "/sources/sha256/" + sha256_hex(k_body)));
}

TEST_F(UrlSourceTest, UnknownIsAcceptedWithAWarningAndTheDigestRecorded) {
  http->reply("GET", "/m.yaml", 200, k_body);
  Result<SourceOutput> out = render_url_source(url_source("https://up.test/m.yaml", "unknown"), options());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->sha256, sha256_hex(k_body));
  EXPECT_NE(log_stream.str().find("warning: addons/x/1.0.0/addon.yaml:12:7: https://up.test/m.yaml is not pinned"),
            std::string::npos)
      << log_stream.str();
  EXPECT_NE(log_stream.str().find(sha256_hex(k_body)), std::string::npos);
}

TEST_F(UrlSourceTest, MirrorPrefixRewritesTheUrl) {
  http->reply("GET", "/mirror/up.test/rel/m.yaml", 200, k_body);
  RenderOptions o = options();
  o.source_mirror = "http://127.0.0.1:9/mirror/";
  Result<SourceOutput> out = render_url_source(url_source("https://up.test/rel/m.yaml", sha256_hex(k_body)), o);
  ASSERT_TRUE(out) << out.error().message;
  std::vector<HttpRequest> requests = http->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].url, "http://127.0.0.1:9/mirror/up.test/rel/m.yaml");
  EXPECT_EQ(out->id, "url:https://up.test/rel/m.yaml") << "ids name the upstream URL, not the mirror";
}

TEST_F(UrlSourceTest, UnreachableFailsFastWithAdvice) {
  http->on("GET", ".*", [](const HttpRequest&) {
    HttpResponse r;
    r.error = TransportError::connect;
    r.error_message = "Could not connect";
    return r;
  });
  const std::string sha = sha256_hex(k_body);
  Result<SourceOutput> out = render_url_source(url_source("https://up.test/m.yaml", sha), options());
  ASSERT_FALSE(out);
  const std::string& m = out.error().message;
  EXPECT_NE(m.find("cannot fetch https://up.test/m.yaml"), std::string::npos) << m;
  EXPECT_NE(m.find("--source-mirror URL"), std::string::npos) << m;
  EXPECT_NE(m.find("aiplat install --bundle FILE"), std::string::npos) << m;
  EXPECT_NE(m.find(cache.path + "/sources/sha256/" + sha), std::string::npos) << m;
  EXPECT_EQ(http->count("GET", ".*"), 1) << "no retries loop on an unreachable host";
}

TEST_F(UrlSourceTest, HttpErrorStatusIsReported) {
  http->reply("GET", "/m.yaml", 404, "not found");
  Result<SourceOutput> out = render_url_source(url_source("https://up.test/m.yaml", sha256_hex(k_body)), options());
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("HTTP status 404"), std::string::npos) << out.error().message;
}

TEST_F(UrlSourceTest, UnpinnedUrlFallsBackToTheLastCachedCopy) {
  http->reply("GET", "/m.yaml", 200, k_body);
  ASSERT_TRUE(render_url_source(url_source("https://up.test/m.yaml", "unknown"), options()));
  http->reply("GET", "/m.yaml", 503, "down");
  Result<SourceOutput> out = render_url_source(url_source("https://up.test/m.yaml", "unknown"), options());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->sha256, sha256_hex(k_body));
  EXPECT_NE(log_stream.str().find("using the copy cached last time"), std::string::npos) << log_stream.str();
}

TEST_F(UrlSourceTest, BadManifestNamesTheSourceAndUrl) {
  http->reply("GET", "/m.yaml", 200, "kind: ConfigMap\n");
  Result<SourceOutput> out = render_url_source(url_source("https://up.test/m.yaml", "unknown"), options());
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("addons/x/1.0.0/addon.yaml:12:7: https://up.test/m.yaml:1:1: object has no apiVersion"),
            std::string::npos)
      << out.error().message;
}

TEST(SourceMirror, Rule) {
  EXPECT_EQ(mirrored_url("https://github.com/a/b.yaml", ""), "https://github.com/a/b.yaml");
  EXPECT_EQ(mirrored_url("https://github.com/a/b.yaml", "https://m.corp/up/"), "https://m.corp/up/github.com/a/b.yaml");
  EXPECT_EQ(mirrored_url("oci://registry.k8s.io/kueue/charts", "https://m.corp/up"),
            "oci://m.corp/up/registry.k8s.io/kueue/charts");
}

}  // namespace
}  // namespace aiplat::render

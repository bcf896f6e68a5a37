#include "util/image_ref.hpp"

#include <gtest/gtest.h>

namespace aiplat {
namespace {

TEST(ImageReference, ParsesWithDockerHubDefaults) {
  Result<ImageReference> r = parse_image_reference("nginx");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->str(), "docker.io/library/nginx:latest");
  r = parse_image_reference("bitnami/redis:7");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->str(), "docker.io/bitnami/redis:7");
  r = parse_image_reference("localhost:5000/a/b@sha256:" + std::string(64, 'a'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registry, "localhost:5000");
  EXPECT_EQ(r->repository, "a/b");
  EXPECT_EQ(r->tag, "");
  EXPECT_EQ(r->digest, "sha256:" + std::string(64, 'a'));
  r = parse_image_reference("registry.k8s.io/kueue/kueue:v0.19.2@sha256:" + std::string(64, 'b'));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tag, "v0.19.2");
}

TEST(ImageReference, ReferenceIsTheDigestWhenPinned) {
  std::string digest = "sha256:" + std::string(64, 'a');
  ImageReference r = *parse_image_reference("127.0.0.1:5000/team/app:1.2@" + digest);
  EXPECT_EQ(r.registry, "127.0.0.1:5000");
  EXPECT_EQ(r.repository, "team/app");
  EXPECT_EQ(r.reference(), digest);
  EXPECT_EQ(parse_image_reference("team/app:1.2")->reference(), "1.2");
  ImageReference bare = *parse_image_reference("localhost/x@" + digest);
  EXPECT_EQ(bare.str(), "localhost/x@" + digest);
  EXPECT_EQ(bare.reference(), digest);
}

TEST(ImageReference, Digests) {
  std::string digest = "sha256:" + std::string(64, 'c');
  EXPECT_TRUE(is_valid_digest(digest));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(64, 'C')));
  EXPECT_FALSE(is_valid_digest("sha512:" + std::string(64, 'c')));
  EXPECT_FALSE(is_valid_digest("sha256:abc"));
  EXPECT_EQ(digest_hex(digest), std::string(64, 'c'));
}

TEST(ImageReference, RejectsBadInputNamingIt) {
  for (const char* bad : {"", "Upper/Case:1", "a/b@sha256:short", "a/b:bad tag", "reg.io/a//b"}) {
    Result<ImageReference> r = parse_image_reference(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::input);
    EXPECT_NE(r.error().message.find(std::string("\"") + bad + "\""), std::string::npos) << r.error().message;
  }
}

TEST(ImageReference, MirrorRuleDropsTheSourceRegistry) {
  ImageReference k = *parse_image_reference("registry.k8s.io/kueue/kueue:v0.19.2");
  EXPECT_EQ(rewrite_image_registry(k, "REG").str(), "REG/kueue/kueue:v0.19.2");
  EXPECT_EQ(rewrite_image_registry(k, "reg.local:5000/mirror/").str(), "reg.local:5000/mirror/kueue/kueue:v0.19.2");
  ImageReference d = *parse_image_reference("nginx@sha256:" + std::string(64, 'e'));
  EXPECT_EQ(rewrite_image_registry(d, "r.test").str(), "r.test/library/nginx@sha256:" + std::string(64, 'e'));
}

}  // namespace
}  // namespace aiplat

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

TEST(ImageReference, RejectsBadInput) {
  EXPECT_FALSE(parse_image_reference(""));
  EXPECT_FALSE(parse_image_reference("Upper/Case:1"));
  EXPECT_FALSE(parse_image_reference("a/b@sha256:short"));
  EXPECT_FALSE(parse_image_reference("a/b:bad tag"));
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

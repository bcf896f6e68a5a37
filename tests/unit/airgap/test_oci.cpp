#include <gtest/gtest.h>

#include "airgap/oci.hpp"
#include "airgap/registry_client.hpp"

namespace aiplat::airgap {
namespace {

TEST(RegistryApiHost, DockerHubGoesToItsApiHost) {
  EXPECT_EQ(registry_api_host("docker.io"), "registry-1.docker.io");
  EXPECT_EQ(registry_api_host("127.0.0.1:5000"), "127.0.0.1:5000");
}

TEST(Platform, ParsesAndMatchesVariantsLoosely) {
  auto p = parse_platform("linux/arm64");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->matches(Platform{"linux", "arm64", "v8"}));
  EXPECT_FALSE(p->matches(Platform{"linux", "amd64", ""}));
  EXPECT_FALSE(parse_platform("linux"));
  EXPECT_EQ(parse_platform("linux/arm/v7")->str(), "linux/arm/v7");
}

TEST(Manifest, ChildrenOfImagesAndIndexes) {
  std::string d1 = "sha256:" + std::string(64, '1'), d2 = "sha256:" + std::string(64, '2');
  Manifest image{std::string(k_docker_manifest), "sha256:x",
                 R"({"schemaVersion":2,"config":{"mediaType":"c","digest":")" + d1 +
                     R"(","size":3},"layers":[{"mediaType":"l","digest":")" + d2 + R"(","size":9}]})"};
  auto c = manifest_children(image);
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->size(), 2u);
  EXPECT_EQ((*c)[1].size, 9u);
  Manifest schema1{"application/vnd.docker.distribution.manifest.v1+json", "sha256:y", R"({"schemaVersion":1})"};
  auto s1 = manifest_children(schema1);
  ASSERT_FALSE(s1);
  EXPECT_NE(s1.error().message.find("schema 1"), std::string::npos);
}

}  // namespace
}  // namespace aiplat::airgap

#include <gtest/gtest.h>

#include "airgap/credentials.hpp"

namespace aiplat::airgap {
namespace {

TEST(Credentials, ReadsAuthsInEveryForm) {
  auto store = CredentialStore::parse(R"({"auths":{
      "https://index.docker.io/v1/": {"auth": "dXNlcjpwYTpzcw=="},
      "reg.example:5000": {"username": "u2", "password": "p2"},
      "https://tok.example/v2/": {"identitytoken": "refresh-me"},
      "helper.example": {}}})",
                                      "config.json");
  ASSERT_TRUE(store) << store.error().message;
  auto hub = store->find("docker.io");
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->username, "user");
  EXPECT_EQ(hub->password, "pa:ss");  // only the first colon separates
  EXPECT_EQ(store->find("reg.example:5000")->password, "p2");
  EXPECT_EQ(store->find("tok.example")->identity_token, "refresh-me");
  EXPECT_FALSE(store->find("helper.example"));
  store->set("reg.example:5000", {"flag", "wins", ""});
  EXPECT_EQ(store->find("reg.example:5000")->username, "flag");
}

TEST(Credentials, BadConfigNamesTheFileAndEntry) {
  auto bad = CredentialStore::parse(R"({"auths":{"r.io":{"auth":"bm9jb2xvbg=="}}})", "/home/u/.docker/config.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("/home/u/.docker/config.json"), std::string::npos);
  EXPECT_NE(bad.error().message.find("r.io"), std::string::npos);
}

TEST(Credentials, DockerConfigEnvironment) {
  auto none = CredentialStore::from_docker_config({{"DOCKER_CONFIG", "/nonexistent-aiplat-dir"}});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->find("docker.io"));
}

TEST(Base64, RoundTrips) {
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(*base64_decode(base64_encode(s)), s);
  }
  EXPECT_FALSE(base64_decode("a*b"));
}

}  // namespace
}  // namespace aiplat::airgap

#include <gtest/gtest.h>

#include "airgap/bundle_archive.hpp"
#include "airgap/bundle_inputs.hpp"
#include "airgap/bundle_manifest.hpp"
#include "airgap/signing.hpp"

namespace aiplat::airgap {
namespace {

TEST(BundlePaths, OnlySafeRelativeNames) {
  EXPECT_TRUE(check_bundle_path("images/blobs/sha256/abc"));
  EXPECT_TRUE(check_bundle_path("manifests/01-kueue@0.14/objects.yaml"));
  for (const char* bad : {"", "/etc/passwd", "a/../b", "..", "a//b", "./a", "a/b c", "a\\b"}) {
    EXPECT_FALSE(check_bundle_path(bad)) << bad;
  }
}

TEST(Checksums, RoundTripAndStrictParsing) {
  std::string text = format_checksums({{"b.txt", std::string(64, 'b')}, {"a.txt", std::string(64, 'a')}});
  EXPECT_EQ(text.substr(0, 66), std::string(64, 'a') + "  ");
  auto parsed = parse_checksums(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->size(), 2u);
  EXPECT_FALSE(parse_checksums(std::string(64, 'a') + "  ../x\n"));
  EXPECT_FALSE(parse_checksums(std::string(63, 'a') + "  x\n"));
  auto dup = parse_checksums(std::string(64, 'a') + "  x\n" + std::string(64, 'b') + "  x\n");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("checksums.txt:2"), std::string::npos);
}

TEST(BundleManifestYaml, RoundTripsAndReportsEveryProblem) {
  BundleManifest m;
  m.profile = "airgapped";
  m.kubernetes = "1.36";
  m.checksums = "sha256:" + std::string(64, 'c');
  m.images.push_back({"reg.io/a/b:1", "sha256:" + std::string(64, 'd'), std::string(k_oci_index), 10, {"linux/amd64"}, true});
  m.delta = BundleDelta{"sha256:" + std::string(64, 'e'), {"a/b"}, {Descriptor{"", "sha256:" + std::string(64, 'f'), 5, {}, {}}}};
  auto back = BundleManifest::parse(m.to_yaml());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->kubernetes, "1.36");
  EXPECT_TRUE(back->images[0].filtered);
  ASSERT_TRUE(back->delta);
  EXPECT_EQ(back->delta->omitted[0].size, 5u);
  auto bad = BundleManifest::parse("apiVersion: aiplat.dev/v1alpha1\nkind: Bundle\nformatVersion: 7\nimages:\n- source: x\n  digest: nope\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("formatVersion 7"), std::string::npos);
  EXPECT_NE(bad.error().message.find("not a sha256 digest"), std::string::npos);
  EXPECT_NE(bad.error().message.find("rootOfTrust"), std::string::npos);
  EXPECT_NE(bad.error().message.find("bundle.yaml:6"), std::string::npos) << bad.error().message;
}

TEST(ImageList, CommentsBlankLinesAndErrorsWithLineNumbers) {
  auto ok = parse_image_list("# x\nnginx:1\n\n  reg.io/a/b@sha256:" + std::string(64, '0') + "  # pinned\n", "imgs");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), 2u);
  auto bad = parse_image_list("nginx\nBAD/Name\n", "imgs.txt");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("imgs.txt:2"), std::string::npos);
}

TEST(Signing, SignVerifyAndRefuseOtherKeysAndContent) {
  auto a = generate_key_pair();
  auto b = generate_key_pair();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->private_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_NE(a->public_pem.find("BEGIN PUBLIC KEY"), std::string::npos);
  auto sig = sign_blob("content", a->private_pem);
  ASSERT_TRUE(sig);
  EXPECT_TRUE(verify_blob("content", *sig, a->public_pem));
  EXPECT_FALSE(verify_blob("content!", *sig, a->public_pem));
  EXPECT_FALSE(verify_blob("content", *sig, b->public_pem));
  EXPECT_FALSE(sign_blob("x", "not a key"));
}

}  // namespace
}  // namespace aiplat::airgap

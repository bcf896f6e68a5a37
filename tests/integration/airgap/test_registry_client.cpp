// The registry client against real docker-registry processes: plain HTTP, htpasswd
// basic auth, TLS with a test CA; blobs up and down with digests checked, chunked
// uploads, mounts, manifests, and refusals with clear messages.
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "airgap/registry_client.hpp"
#include "airgap_fixture.hpp"
#include "util/sha256.hpp"

namespace aiplat::testing {
namespace {

using airgap::BlobPush;
using airgap::Descriptor;

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

Descriptor write_blob(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return Descriptor{"application/octet-stream", "sha256:" + sha256_hex(content), content.size(), std::nullopt, {}};
}

airgap::RegistryClient plain_client(const std::string& host, std::uint64_t chunk = 64ull << 20) {
  airgap::RegistryOptions o;
  o.transport = airgap::Transport::plain_http;
  o.chunk_size = chunk;
  o.max_attempts = 2;
  o.backoff = std::chrono::milliseconds(20);
  return airgap::RegistryClient(make_curl_transport(8), host, o, std::nullopt);
}

TEST(RegistryClient, BlobsGoUpAndComeBackVerifiedMonolithicAndChunked) {
  TempDir dir;
  auto reg = RegistryProcess::start({}, dir.path);
  ASSERT_TRUE(reg) << reg.error().message;
  // A 3 MiB blob with 1 MiB chunks exercises PATCH with Content-Range three times.
  auto client = plain_client((*reg)->host(), 1 << 20);
  ASSERT_TRUE(client.ping());
  std::string big = random_bytes(3 * 1024 * 1024 + 17, 1);
  std::string small = random_bytes(1000, 2);
  Descriptor b = write_blob(dir.path + "/big", big);
  Descriptor s = write_blob(dir.path + "/small", small);
  auto pushed = client.push_blob("x/repo", b, dir.path + "/big");
  ASSERT_TRUE(pushed) << pushed.error().message;
  EXPECT_EQ(*pushed, BlobPush::pushed);
  ASSERT_TRUE(client.push_blob("x/repo", s, dir.path + "/small"));
  // Present now: HEAD skips it.
  EXPECT_EQ(*client.push_blob("x/repo", b, dir.path + "/big"), BlobPush::present);
  // Another repository gets it by mount, without sending the bytes again.
  EXPECT_EQ(*client.push_blob("y/other", b, dir.path + "/big", "x/repo"), BlobPush::mounted);
  EXPECT_TRUE(*client.blob_exists("y/other", b.digest));
  ASSERT_TRUE(client.fetch_blob("y/other", b, dir.path + "/back"));
  std::ifstream in(dir.path + "/back", std::ios::binary);
  std::string back((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(back, big);
}

TEST(RegistryClient, FetchRefusesContentThatDoesNotMatchItsDigest) {
  TempDir dir;
  auto reg = RegistryProcess::start({}, dir.path);
  ASSERT_TRUE(reg) << reg.error().message;
  auto client = plain_client((*reg)->host());
  std::string content = random_bytes(5000, 3);
  Descriptor d = write_blob(dir.path + "/b", content);
  ASSERT_TRUE(client.push_blob("r", d, dir.path + "/b"));
  // Ask for the right digest but claim a different size: the stream is cut and refused.
  Descriptor wrong_size = d;
  wrong_size.size = 4000;
  auto r = client.fetch_blob("r", wrong_size, dir.path + "/out");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("more data than"), std::string::npos) << r.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir.path + "/out"));
  EXPECT_FALSE(std::filesystem::exists(dir.path + "/out.part"));
}

TEST(RegistryClient, ManifestsByTagAndDigestAndMissingOnes) {
  TempDir dir;
  auto reg = RegistryProcess::start({}, dir.path);
  ASSERT_TRUE(reg) << reg.error().message;
  auto layout = airgap::OciLayout::create(dir.path + "/l");
  Descriptor root = build_image(*layout, {"m/img", "t1", {"linux/amd64", "linux/arm64"}, {{7, 1000}}}, (*reg)->host());
  seed_registry(*layout, (*reg)->host());
  auto client = plain_client((*reg)->host());
  auto m = client.get_manifest("m/img", "t1");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->digest, root.digest);
  EXPECT_EQ(m->media_type, airgap::k_oci_index);
  auto by_digest = client.get_manifest("m/img", root.digest);
  ASSERT_TRUE(by_digest);
  auto head = client.head_manifest("m/img", "t1");
  ASSERT_TRUE(head && *head);
  EXPECT_EQ((*head)->digest, root.digest);
  EXPECT_FALSE(*client.head_manifest("m/img", "nope"));
  auto missing = client.get_manifest("m/img", "nope");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("not found"), std::string::npos);
  auto repos = client.catalog();
  ASSERT_TRUE(repos);
  EXPECT_EQ(*repos, std::vector<std::string>{"m/img"});
}

TEST(RegistryClient, BasicAuthAcceptsTheRightPasswordAndNamesTheProblemOtherwise) {
  TempDir dir;
  auto htpasswd = make_htpasswd(dir.path, "site", "s3cret-pass");
  ASSERT_TRUE(htpasswd) << htpasswd.error().message;
  RegistrySpec spec;
  spec.htpasswd_file = *htpasswd;
  auto reg = RegistryProcess::start(spec, dir.path);
  ASSERT_TRUE(reg) << reg.error().message;
  airgap::RegistryOptions o;
  o.transport = airgap::Transport::plain_http;
  auto http = make_curl_transport(4);

  airgap::RegistryClient anonymous(http, (*reg)->host(), o, std::nullopt);
  auto r = anonymous.ping();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("requires authentication"), std::string::npos) << r.error().message;

  airgap::RegistryClient wrong(http, (*reg)->host(), o, airgap::Credentials{"site", "guess", ""});
  r = wrong.ping();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("rejected the credentials"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("guess"), std::string::npos) << "the password must never be printed";

  airgap::RegistryClient right(http, (*reg)->host(), o, airgap::Credentials{"site", "s3cret-pass", ""});
  ASSERT_TRUE(right.ping());
  Descriptor d = write_blob(dir.path + "/b", "hello");
  auto pushed = right.push_blob("auth/repo", d, dir.path + "/b");
  ASSERT_TRUE(pushed) << pushed.error().message;
}

TEST(RegistryClient, TlsWithTheTestCaWorksAndWithoutItFails) {
  TempDir dir;
  auto pki = make_test_pki(dir.path);
  ASSERT_TRUE(pki) << pki.error().message;
  RegistrySpec spec;
  spec.tls_cert = pki->server_cert;
  spec.tls_key = pki->server_key;
  auto reg = RegistryProcess::start(spec, dir.path);
  ASSERT_TRUE(reg) << reg.error().message;
  auto http = make_curl_transport(4);
  airgap::RegistryOptions o;
  o.max_attempts = 1;
  airgap::RegistryClient untrusted(http, (*reg)->host(), o, std::nullopt);
  auto r = untrusted.ping();
  ASSERT_FALSE(r);
  o.tls.ca_file = pki->ca_cert;
  airgap::RegistryClient trusted(http, (*reg)->host(), o, std::nullopt);
  ASSERT_TRUE(trusted.ping());
  Descriptor d = write_blob(dir.path + "/b", random_bytes(70000, 9));
  ASSERT_TRUE(trusted.push_blob("tls/repo", d, dir.path + "/b"));
  // Plain HTTP against a TLS port is not silently "upgraded": it fails.
  airgap::RegistryOptions plain;
  plain.transport = airgap::Transport::plain_http;
  plain.max_attempts = 1;
  airgap::RegistryClient wrong_scheme(http, (*reg)->host(), plain, std::nullopt);
  EXPECT_FALSE(wrong_scheme.ping());
}

}  // namespace
}  // namespace aiplat::testing

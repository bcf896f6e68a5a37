// Every way a bundle can be damaged or forged is refused by load with a clear message,
// before anything is pushed: the target registry's catalog stays empty.
#include <chrono>
#include <fstream>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "airgap/bundle_images.hpp"
#include "airgap/bundle_load.hpp"
#include "airgap/bundle_pack.hpp"
#include "airgap/signing.hpp"
#include "airgap_fixture.hpp"

namespace aiplat::testing {
namespace {

namespace fs = std::filesystem;

class Tampering : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(env.source && env.target);
    auto keys = airgap::generate_key_pair();
    ASSERT_TRUE(keys);
    m_keys = *keys;
    airgap::BundleContents contents;
    contents.images = env.images;
    airgap::PackOptions options;
    options.output = env.dir.path + "/good.aiplat.tar.zst";
    options.sign_key_pem = m_keys.private_pem;
    airgap::RegistryPool pool(env.access(), nullptr);
    airgap::NullProgress quiet;
    auto packed = airgap::pack_bundle(contents, pool, options, quiet);
    ASSERT_TRUE(packed) << packed.error().message;
    good = options.output.string();
    entries = read_raw_archive(good);
  }

  /// Loads `bundle`, expects a refusal mentioning `expected`, and an untouched registry.
  void expect_refused(const std::string& bundle, const std::string& expected, const std::string& key = "<good>",
                      std::optional<airgap::Credentials> credentials = std::nullopt) {
    airgap::RegistryAccess access = env.access(1);
    if (credentials) access.credentials.set(env.target->host(), *credentials);
    airgap::RegistryPool pool(access, nullptr);
    airgap::NullProgress quiet;
    airgap::LoadOptions options;
    options.registry = env.target->host();
    options.public_key_pem = key == "<good>" ? m_keys.public_pem : key;
    auto r = airgap::load_bundle(bundle, pool, options, quiet);
    ASSERT_FALSE(r) << "a damaged bundle was loaded: " << bundle;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
    EXPECT_TRUE(env.target_catalog().empty()) << "something was pushed before the refusal";
  }

  std::string rewrite(const std::string& name, const std::vector<RawEntry>& edited) {
    std::string path = env.dir.path + "/" + name;
    write_raw_archive(path, edited);
    return path;
  }

  RawEntry& entry(std::vector<RawEntry>& list, const std::string& prefix, std::size_t min_size = 0) {
    for (RawEntry& e : list) {
      if (e.path.starts_with(prefix) && e.data.size() >= min_size) return e;
    }
    ADD_FAILURE() << "no entry " << prefix;
    return list.front();
  }

  AirgapEnv env;
  airgap::KeyPair m_keys;
  std::string good;
  std::vector<RawEntry> entries;
};

TEST_F(Tampering, TheUntouchedBundleLoads) {
  airgap::RegistryPool pool(env.access(), nullptr);
  airgap::NullProgress quiet;
  airgap::LoadOptions options{env.target->host(), m_keys.public_pem, 4};
  auto r = airgap::load_bundle(good, pool, options, quiet);
  ASSERT_TRUE(r) << r.error().message;
  // Rewriting with the test's own writer changes nothing either (the helpers are faithful).
  std::string same = rewrite("same.aiplat.tar.zst", entries);
  airgap::LoadOptions again{env.target->host(), m_keys.public_pem, 4};
  EXPECT_TRUE(airgap::load_bundle(same, pool, again, quiet));
}

TEST_F(Tampering, FlippedBitInALayerBlob) {
  auto edited = entries;
  RawEntry& blob = entry(edited, "images/blobs/sha256/", 100000);
  blob.data[blob.data.size() / 2] ^= 0x01;
  expect_refused(rewrite("blob.aiplat.tar.zst", edited), "does not match checksums.txt");
}

TEST_F(Tampering, FlippedBitInAManifestBlob) {
  auto edited = entries;
  for (RawEntry& e : edited) {
    if (e.path.starts_with("images/blobs/sha256/") && e.data.find("\"layers\"") != std::string::npos) {
      e.data[e.data.find("sha256:") + 10] ^= 0x01;
      break;
    }
  }
  expect_refused(rewrite("manifest.aiplat.tar.zst", edited), "does not match checksums.txt");
}

TEST_F(Tampering, ChangedBundleYamlBreaksTheSignatureAndTheRootOfTrust) {
  auto edited = entries;
  entry(edited, "bundle.yaml").data += "# edited\n";
  std::string bundle = rewrite("yaml.aiplat.tar.zst", edited);
  expect_refused(bundle, "signature check failed");
  // Without --key the checksums root still catches a changed checksums.txt.
  auto edited2 = entries;
  entry(edited2, "checksums.txt").data += std::string(64, 'a') + "  extra.txt\n";
  expect_refused(rewrite("sums.aiplat.tar.zst", edited2), "does not match the root of trust", "");
}

TEST_F(Tampering, TruncatedArchive) {
  std::ifstream in(good, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::string path = env.dir.path + "/cut.aiplat.tar.zst";
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() * 2 / 3);
  expect_refused(path, "truncated");
}

TEST_F(Tampering, UnlistedExtraFile) {
  auto edited = entries;
  edited.push_back({"manifests/99-extra/objects.yaml", "kind: Secret\n", "", ""});
  expect_refused(rewrite("extra.aiplat.tar.zst", edited), "not listed in checksums.txt");
}

TEST_F(Tampering, PathTraversalEntry) {
  auto edited = entries;
  edited.insert(edited.begin() + 3, RawEntry{"manifests/../../evil.sh", "#!/bin/sh\n", "", ""});
  expect_refused(rewrite("dotdot.aiplat.tar.zst", edited), "climbs out of the bundle");
  auto absolute = entries;
  absolute.insert(absolute.begin() + 3, RawEntry{"/etc/cron.d/evil", "x", "", ""});
  expect_refused(rewrite("abs.aiplat.tar.zst", absolute), "absolute path");
  EXPECT_FALSE(fs::exists(env.dir.path + "/evil.sh"));
}

TEST_F(Tampering, EscapingSymlinkAndHardlink) {
  auto edited = entries;
  edited.insert(edited.begin() + 3, RawEntry{"manifests/link", "", "../../../etc/passwd", ""});
  expect_refused(rewrite("symlink.aiplat.tar.zst", edited), "escapes the bundle root");
  auto hard = entries;
  hard.insert(hard.begin() + 3, RawEntry{"manifests/hard", "", "", "../../etc/shadow"});
  expect_refused(rewrite("hardlink.aiplat.tar.zst", hard), "hard link");
}

TEST_F(Tampering, MissingOrWrongSignatureWithKey) {
  auto edited = entries;
  std::erase_if(edited, [](const RawEntry& e) { return e.path == "signature"; });
  expect_refused(rewrite("unsigned.aiplat.tar.zst", edited), "not signed");
  auto other = airgap::generate_key_pair();
  ASSERT_TRUE(other);
  expect_refused(good, "signature check failed", other->public_pem);
}

TEST_F(Tampering, WrongRegistryCredentials) {
  auto htpasswd = make_htpasswd(env.dir.path, "site", "right-password");
  ASSERT_TRUE(htpasswd);
  RegistrySpec spec;
  spec.htpasswd_file = *htpasswd;
  auto secured = RegistryProcess::start(spec, env.dir.path);
  ASSERT_TRUE(secured) << secured.error().message;
  airgap::RegistryAccess access = plain_access({(*secured)->host()}, 1);
  access.credentials.set((*secured)->host(), {"site", "wrong-password", ""});
  airgap::RegistryPool pool(access, nullptr);
  airgap::NullProgress quiet;
  airgap::LoadOptions options{(*secured)->host(), m_keys.public_pem, 4};
  auto r = airgap::load_bundle(good, pool, options, quiet);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("rejected the credentials of user \"site\""), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("wrong-password"), std::string::npos);
  // With the right password the catalog shows nothing was pushed by the refused run... then it loads.
  airgap::RegistryAccess right = plain_access({(*secured)->host()}, 1);
  right.credentials.set((*secured)->host(), {"site", "right-password", ""});
  EXPECT_TRUE(catalog_of((*secured)->host(), right).empty());
  airgap::RegistryPool right_pool(right, nullptr);
  auto ok = airgap::load_bundle(good, right_pool, options, quiet);
  EXPECT_TRUE(ok) << ok.error().message;
}

/// Verifies a copy of the good bundle (after `settle` has passed, if any), then edits one byte
/// of its largest blob in place (in a raw-stored frame, so the zstd data stays valid) and
/// pushes that blob: the upload must be aborted and nothing committed.
void expect_late_change_refused(AirgapEnv& env, const std::string& good, std::chrono::milliseconds settle,
                                bool expect_settled) {
  std::string copy = env.dir.path + "/late.aiplat.tar.zst";
  fs::copy_file(good, copy, fs::copy_options::overwrite_existing);
  std::this_thread::sleep_for(settle);
  airgap::NullProgress quiet;
  auto verified = airgap::verify_bundle(copy, {}, quiet);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->settled_identity.has_value(), expect_settled);
  std::string digest;
  std::uint64_t size = 0;
  for (const auto& [d, s] : verified->blobs) {
    if (s > size) std::tie(digest, size) = std::tie(d, s);
  }
  ASSERT_GT(size, 20000u);
  const airgap::BlobLocation& where = verified->locations.at(digest);
  ASSERT_EQ(where.skip, 0u) << "aiplat starts a frame at every entry's data";
  std::fstream file(copy, std::ios::in | std::ios::out | std::ios::binary);
  char header[9];
  file.seekg(static_cast<std::streamoff>(where.frame.compressed));
  file.read(header, sizeof header);
  ASSERT_EQ(std::string(header, 6), std::string("\x28\xb5\x2f\xfd\x00\x38", 6)) << "a layer of random data is stored raw";
  file.seekp(static_cast<std::streamoff>(where.frame.compressed + 9 + 10000));
  file.put('\x5a');
  file.close();

  airgap::BundleImageStore store(copy, *verified);
  airgap::RegistryPool pool(env.access(1), nullptr);
  airgap::RegistryClient& target = pool.get(env.target->host());
  airgap::Descriptor blob{"application/vnd.oci.image.layer.v1.tar", digest, size, std::nullopt, {}};
  auto pushed = target.push_blob("late/blob", blob, store.blob_opener(blob));
  ASSERT_FALSE(pushed) << "a changed blob was pushed";
  EXPECT_NE(pushed.error().message.find("changed since the bundle was verified"), std::string::npos)
      << pushed.error().message;
  auto there = target.blob_exists("late/blob", digest);
  ASSERT_TRUE(there);
  EXPECT_FALSE(*there);
}

TEST_F(Tampering, BlobChangedAfterVerifyingAFreshFileFailsItsSecondHash) {
  // A file written moments ago cannot be vouched for by its timestamps: each blob is hashed again.
  expect_late_change_refused(env, good, std::chrono::milliseconds(0), false);
}

TEST_F(Tampering, BlobChangedAfterVerifyingASettledFileIsCaughtByItsIdentity) {
  // A file older than the racy window is trusted while its inode, size, mtime and ctime stay
  // the same; the in-place edit changes mtime and ctime, so the push still stops.
  auto settle = std::chrono::duration_cast<std::chrono::milliseconds>(k_racy_window) + std::chrono::milliseconds(300);
  expect_late_change_refused(env, good, settle, true);
}

}  // namespace
}  // namespace aiplat::testing

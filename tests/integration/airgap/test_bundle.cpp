// Bundles end to end through the library: pack from a source registry, verify, load
// into a second registry, with skopeo inspecting what arrived; platform filtering;
// delta bundles; signatures checked by the openssl CLI.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "airgap/bundle_load.hpp"
#include "airgap/bundle_pack.hpp"
#include "airgap/bundle_verify.hpp"
#include "airgap/signing.hpp"
#include "airgap_fixture.hpp"

namespace aiplat::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json skopeo_inspect(const std::string& ref, bool raw = false) {
  std::vector<std::string> argv = {"skopeo", "inspect", "--tls-verify=false"};
  if (raw) argv.push_back("--raw");
  argv.push_back("docker://" + ref);
  ProcessResult r = run_tool(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

/// skopeo (the referee) reads every pushed image back from the target registry by digest.
void expect_skopeo_reads_every_image(const std::vector<airgap::PushedImage>& images) {
  for (const auto& img : images) {
    ProcessResult r = run_tool({"skopeo", "inspect", "--tls-verify=false", "docker://" + by_digest(img.target)});
    EXPECT_EQ(r.exit_code, 0) << img.target << ": " << r.err;
  }
}

Result<airgap::LoadResult> load(AirgapEnv& env, const std::string& bundle, const std::string& key = {}) {
  airgap::RegistryPool pool(env.access(), nullptr);
  airgap::NullProgress quiet;
  airgap::LoadOptions options;
  options.registry = env.target->host();
  options.public_key_pem = key;
  return airgap::load_bundle(bundle, pool, options, quiet);
}

TEST(Bundle, PackVerifyLoadRoundTripIsReadBackBySkopeo) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  std::string bundle = env.pack("site.aiplat.tar.zst");
  airgap::NullProgress quiet;
  auto verified = airgap::verify_bundle(bundle, {}, quiet);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->manifest.images.size(), 3u);
  EXPECT_EQ(verified->manifest.profile, "airgapped");
  EXPECT_EQ(verified->manifest.addons.at(0).path, "manifests/01-demo/objects.yaml");
  EXPECT_EQ(verified->signature, airgap::SignatureState::absent);
  // Layer 1 is shared by all five image manifests; the layout stores it once.
  std::size_t layer_one_blobs = 0;
  for (const auto& [digest, size] : verified->blobs) layer_one_blobs += size > 300000 && size < 302000;
  EXPECT_EQ(layer_one_blobs, 1u);

  auto loaded = load(env, bundle);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->push.images.size(), 3u);
  for (const auto& img : loaded->push.images) {
    EXPECT_TRUE(img.target.starts_with(env.target->host() + "/")) << img.target;
    // Same digest at the target as at the source: nothing was rewritten.
    std::string source_ref = img.source;
    nlohmann::json raw_src = skopeo_inspect(source_ref, true);
    nlohmann::json raw_dst = skopeo_inspect(by_digest(img.target), true);
    EXPECT_EQ(raw_src, raw_dst) << img.source;
    EXPECT_NE(img.target.find("@" + img.digest), std::string::npos);
  }
  // skopeo can pull every platform of the multi-arch image back out of the target.
  TempDir out;
  ProcessResult copy = run_tool({"skopeo", "copy", "--all", "--src-tls-verify=false",
                                 "docker://" + env.target->host() + "/app/one:1.0", "oci:" + out.path + "/l:copy"});
  EXPECT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_EQ(env.target_catalog(), (std::vector<std::string>{"app/one", "app/two", "tools/probe"}));
  EXPECT_GT(loaded->push.blobs_mounted, 0u) << "the shared layer goes to later repositories by mount";

  // Loading again pushes nothing new.
  auto again = load(env, bundle);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->push.blobs_pushed, 0u);
  EXPECT_EQ(again->push.bytes_pushed, 0u);
}

TEST(Bundle, StreamedAndSpooledPacksHoldTheSameContentAndLoadInPlace) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  airgap::BundleContents contents;
  contents.images = env.images;
  airgap::RegistryPool pool(env.access(), nullptr);
  airgap::NullProgress quiet;
  std::vector<std::string> digests;
  for (std::uint64_t spool : {std::uint64_t{0}, std::uint64_t{1} << 30}) {
    // One blob at a time straight into the archive, or pulls in parallel spooling while it is busy.
    airgap::PackOptions options;
    options.output = env.dir.path + "/spool-" + std::to_string(spool) + ".aiplat.tar.zst";
    options.spool_limit = spool;
    options.pull.parallel = 4;
    auto packed = airgap::pack_bundle(contents, pool, options, quiet);
    ASSERT_TRUE(packed) << packed.error().message;
    EXPECT_GT(packed->stored_frames, 0u) << "random layers are stored, not compressed";
    auto verified = airgap::verify_bundle(options.output, {}, quiet);
    ASSERT_TRUE(verified) << verified.error().message;
    digests.push_back(verified->manifest_digest);
    for (const auto& [digest, where] : verified->locations) EXPECT_EQ(where.skip, 0u) << digest;
    // Nothing was left in the staging area, and stock tar reads the archive.
    for (const auto& e : fs::directory_iterator(env.dir.path)) {
      EXPECT_EQ(e.path().filename().string().find(".work-"), std::string::npos) << e.path();
    }
    ProcessResult listed = run_tool({"tar", "--zstd", "-tf", options.output.string()});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_NE(listed.out.find("images/blobs/sha256/"), std::string::npos);
  }
  EXPECT_EQ(digests[0], digests[1]) << "the same images make the same bundle.yaml";
  auto loaded = load(env, env.dir.path + "/spool-0.aiplat.tar.zst");
  ASSERT_TRUE(loaded) << loaded.error().message;
  expect_skopeo_reads_every_image(loaded->push.images);
}

TEST(Bundle, LayersLargerThanTheReadAheadWindowStreamWhileOthersWait) {
  // Blobs above 8 MiB overflow a waiting pull's read-ahead buffer: it then takes the archive
  // and streams the rest; the bundle must hold every byte once, in place for load.
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  fs::create_directories(env.dir.path + "/big");
  auto layout = airgap::OciLayout::create(env.dir.path + "/big");
  ASSERT_TRUE(layout);
  const std::string reg = env.source->host();
  build_image(*layout, {"big/one", "1", {}, {{11, 9u << 20}, {12, 10u << 20}, {13, 9u << 20}}}, reg);
  build_image(*layout, {"big/two", "1", {}, {{11, 9u << 20}, {14, 12u << 20}}}, reg);
  seed_registry(*layout, reg);
  airgap::BundleContents contents;
  contents.images = {reg + "/big/one:1", reg + "/big/two:1"};
  airgap::PackOptions options;
  options.output = env.dir.path + "/big.aiplat.tar.zst";
  options.pull.parallel = 4;
  airgap::RegistryPool pool(env.access(), nullptr);
  airgap::NullProgress quiet;
  auto packed = airgap::pack_bundle(contents, pool, options, quiet);
  ASSERT_TRUE(packed) << packed.error().message;
  EXPECT_EQ(packed->stored_frames, 4u) << "the four random layers are stored raw";
  auto verified = airgap::verify_bundle(options.output, {}, quiet);
  ASSERT_TRUE(verified) << verified.error().message;
  auto loaded = load(env, options.output.string());
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->push.blobs_pushed, 6u) << "4 distinct layers and 2 configs, each pushed once";
}

TEST(Bundle, PlatformFilterKeepsOnlyThatPlatformAndRewritesTheIndex) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  airgap::BundleContents contents;
  contents.images = {env.images[0]};
  airgap::PackOptions options;
  options.output = env.dir.path + "/amd64.aiplat.tar.zst";
  options.pull.platforms = {*airgap::parse_platform("linux/arm64")};
  airgap::RegistryPool pool(env.access(), nullptr);
  airgap::NullProgress quiet;
  auto packed = airgap::pack_bundle(contents, pool, options, quiet);
  ASSERT_TRUE(packed) << packed.error().message;
  ASSERT_EQ(packed->manifest.images.size(), 1u);
  const auto& img = packed->manifest.images[0];
  EXPECT_TRUE(img.filtered);
  EXPECT_EQ(img.platforms, std::vector<std::string>{"linux/arm64"});
  nlohmann::json src = skopeo_inspect(env.images[0], true);
  ASSERT_EQ(src["manifests"].size(), 2u);
  // config + 3 layers + the arm64 manifest + the rewritten index: 6 blobs, not the 10 of both platforms.
  EXPECT_EQ(packed->blobs, 6u);

  // Asking for a platform the image lacks names what it has.
  options.pull.platforms = {*airgap::parse_platform("linux/s390x")};
  options.output = env.dir.path + "/none.aiplat.tar.zst";
  auto none = airgap::pack_bundle(contents, pool, options, quiet);
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("linux/amd64, linux/arm64"), std::string::npos) << none.error().message;
  EXPECT_FALSE(fs::exists(options.output));
}

TEST(Bundle, DeltaLeavesOutBaseBlobsAndNeedsTheBaseLoadedFirst) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  std::string base = env.pack("base.aiplat.tar.zst", {env.images[0]});
  std::string delta = env.pack("delta.aiplat.tar.zst", {env.images[1], env.images[2]}, base);
  airgap::NullProgress quiet;
  auto v = airgap::verify_bundle(delta, {}, quiet);
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_TRUE(v->manifest.delta);
  EXPECT_EQ(v->manifest.delta->omitted.size(), 1u) << "the shared base layer is left to the base bundle";
  EXPECT_LT(fs::file_size(delta), fs::file_size(env.pack("full.aiplat.tar.zst", {env.images[1], env.images[2]})));

  // Into an empty registry: refused before anything is pushed.
  auto refused = load(env, delta);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("load the base bundle first"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(env.target_catalog().empty());

  ASSERT_TRUE(load(env, base));
  auto loaded = load(env, delta);
  ASSERT_TRUE(loaded) << loaded.error().message;
  expect_skopeo_reads_every_image(loaded->push.images);
}

TEST(Bundle, SignatureIsCosignStyleAndOpensslVerifiesIt) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  auto keys = airgap::generate_key_pair();
  ASSERT_TRUE(keys);
  airgap::BundleContents contents;
  contents.images = {env.images[2]};
  airgap::PackOptions options;
  options.output = env.dir.path + "/signed.aiplat.tar.zst";
  options.sign_key_pem = keys->private_pem;
  airgap::RegistryPool pool(env.access(), nullptr);
  airgap::NullProgress quiet;
  ASSERT_TRUE(airgap::pack_bundle(contents, pool, options, quiet));

  std::string manifest, signature;
  for (const RawEntry& e : read_raw_archive(options.output.string())) {
    if (e.path == "bundle.yaml") manifest = e.data;
    if (e.path == "signature") signature = e.data;
  }
  ASSERT_FALSE(signature.empty());
  std::ofstream(env.dir.path + "/bundle.yaml") << manifest;
  std::ofstream(env.dir.path + "/sig.b64") << signature << "\n";
  std::ofstream(env.dir.path + "/key.pub") << keys->public_pem;
  ProcessResult decode = run_tool({"openssl", "base64", "-d", "-A", "-in", "sig.b64", "-out", "sig.der"}, env.dir.path);
  ASSERT_EQ(decode.exit_code, 0) << decode.err;
  ProcessResult ok = run_tool({"openssl", "dgst", "-sha256", "-verify", "key.pub", "-signature", "sig.der", "bundle.yaml"},
                              env.dir.path);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("Verified OK"), std::string::npos);
  std::ofstream(env.dir.path + "/bundle.yaml", std::ios::app) << "# changed\n";
  ProcessResult bad = run_tool({"openssl", "dgst", "-sha256", "-verify", "key.pub", "-signature", "sig.der", "bundle.yaml"},
                               env.dir.path);
  EXPECT_NE(bad.exit_code, 0);

  auto verified = airgap::verify_bundle(options.output, {keys->public_pem, {}}, quiet);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->signature, airgap::SignatureState::valid);
  // And the other way round: a signature made by openssl verifies with aiplat's code.
  std::ofstream(env.dir.path + "/key.pem") << keys->private_pem;
  std::ofstream(env.dir.path + "/msg") << "hello bundle";
  ProcessResult sign = run_tool({"openssl", "dgst", "-sha256", "-sign", "key.pem", "-out", "msg.sig", "msg"}, env.dir.path);
  ASSERT_EQ(sign.exit_code, 0) << sign.err;
  std::ifstream in(env.dir.path + "/msg.sig", std::ios::binary);
  std::string der((std::istreambuf_iterator<char>(in)), {});
  EXPECT_TRUE(airgap::verify_blob("hello bundle", airgap::base64_encode(der), keys->public_pem));
}

}  // namespace
}  // namespace aiplat::testing

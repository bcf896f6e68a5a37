// aiplat's OCI layout against the referees: skopeo and umoci read what aiplat wrote,
// and aiplat pushes a layout that skopeo wrote.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "airgap/image_pull.hpp"
#include "airgap/image_push.hpp"
#include "airgap_fixture.hpp"

namespace aiplat::testing {
namespace {

TEST(LayoutInterop, SkopeoAndUmociReadTheLayoutAiplatPulled) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  auto layout = airgap::OciLayout::create(env.dir.path + "/pulled");
  ASSERT_TRUE(layout);
  std::vector<ImageReference> refs;
  for (const auto& i : env.images) refs.push_back(*parse_image_reference(i));
  airgap::RegistryPool pool(env.access(), nullptr);
  airgap::NullProgress quiet;
  auto pulled = airgap::pull_images(refs, *layout, pool, {}, quiet);
  ASSERT_TRUE(pulled) << pulled.error().message;

  // umoci lists the ref names and unpacks a root filesystem with the layer's file in it.
  ProcessResult ls = run_tool({"umoci", "ls", "--layout", layout->dir().string()});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  for (const auto& i : env.images) EXPECT_NE(ls.out.find(i), std::string::npos) << ls.out;
  ProcessResult unpack = run_tool({"umoci", "unpack", "--rootless", "--image",
                                   layout->dir().string() + ":" + env.images[2], env.dir.path + "/bundle"});
  ASSERT_EQ(unpack.exit_code, 0) << unpack.err;
  EXPECT_TRUE(std::filesystem::exists(env.dir.path + "/bundle/rootfs/data/blob-5.bin"));

  // skopeo copies every image, all platforms, from aiplat's layout into the target registry.
  for (const auto& i : env.images) {
    std::string name = i.substr(i.find('/') + 1);
    ProcessResult copy = run_tool({"skopeo", "copy", "--all", "--dest-tls-verify=false",
                                   "oci:" + layout->dir().string() + ":" + i,
                                   "docker://" + env.target->host() + "/skopeo/" + name});
    EXPECT_EQ(copy.exit_code, 0) << i << ": " << copy.err;
  }
  ProcessResult raw = run_tool({"skopeo", "inspect", "--raw", "--tls-verify=false",
                                "docker://" + env.target->host() + "/skopeo/app/one:1.0"});
  nlohmann::json index = nlohmann::json::parse(raw.out, nullptr, false);
  EXPECT_EQ(index["manifests"].size(), 2u);
}

TEST(LayoutInterop, AiplatPushesALayoutSkopeoWrote) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  std::string dir = env.dir.path + "/by-skopeo";
  ProcessResult copy = run_tool({"skopeo", "copy", "--all", "--src-tls-verify=false", "docker://" + env.images[0],
                                 "oci:" + dir + ":one"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  auto layout = airgap::OciLayout::open(dir);
  ASSERT_TRUE(layout) << layout.error().message;
  auto root = layout->find("one");
  ASSERT_TRUE(root);
  airgap::RegistryPool pool(env.access(), nullptr);
  airgap::NullProgress quiet;
  std::vector<airgap::PushItem> items = {{"one", *root, *parse_image_reference(env.target->host() + "/from/skopeo:one")}};
  auto pushed = airgap::push_images(*layout, items, pool.get(env.target->host()), {}, quiet);
  ASSERT_TRUE(pushed) << pushed.error().message;
  ProcessResult inspect = run_tool({"skopeo", "inspect", "--tls-verify=false", "--raw",
                                    "docker://" + env.target->host() + "/from/skopeo:one"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  // skopeo re-serialises manifests when it writes a layout; what arrives must be its bytes exactly.
  auto written = layout->read_manifest(*root);
  ASSERT_TRUE(written);
  EXPECT_EQ(inspect.out, written->body);
  EXPECT_EQ(pushed->images.at(0).digest, root->digest);
  EXPECT_EQ(nlohmann::json::parse(inspect.out)["manifests"].size(), 2u);
}

}  // namespace
}  // namespace aiplat::testing

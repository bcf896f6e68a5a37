// A registry that dies in the middle of a load: the load fails cleanly, and once the
// registry is back the re-run skips every blob that made it and completes.
#include <atomic>

#include <gtest/gtest.h>

#include "airgap/bundle_load.hpp"
#include "airgap_fixture.hpp"

namespace aiplat::testing {
namespace {

/// Kills the registry right after the first blob has been pushed: deterministic, no timing.
class KillAfterFirstBlob final : public airgap::Progress {
 public:
  explicit KillAfterFirstBlob(RegistryProcess& registry) : m_registry(registry) {}
  void phase(const std::string&, std::size_t, std::uint64_t) override {}
  void advance(std::uint64_t) override {}
  void item(const std::string&, std::uint64_t, std::string_view status) override {
    if (status == "pushed" && !m_killed.exchange(true)) m_registry.kill_now();
  }
  void note(const std::string&) override { ++notes; }
  void phase_done() override {}
  std::atomic<int> notes{0};

 private:
  RegistryProcess& m_registry;
  std::atomic<bool> m_killed{false};
};

TEST(Resume, RegistryKilledMidPushThenRestartedResumesAndSkipsWhatIsThere) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  std::string bundle = env.pack("resume.aiplat.tar.zst");
  RegistrySpec spec;
  spec.storage_dir = env.dir.path + "/storage";
  auto target = RegistryProcess::start(spec, env.dir.path);
  ASSERT_TRUE(target) << target.error().message;
  const std::string host = (*target)->host();
  airgap::LoadOptions options{host, "", 1};

  {
    airgap::RegistryAccess access = plain_access({host}, 2);
    KillAfterFirstBlob killer(**target);
    airgap::RegistryPool pool(access, &killer);
    auto first = airgap::load_bundle(bundle, pool, options, killer);
    ASSERT_FALSE(first) << "the registry died, the load cannot have succeeded";
    EXPECT_FALSE((*target)->running());
    EXPECT_GT(killer.notes.load(), 0) << "the client retried before giving up";
  }
  ASSERT_TRUE((*target)->restart());
  airgap::RegistryPool pool(plain_access({host}), nullptr);
  airgap::NullProgress quiet;
  auto second = airgap::load_bundle(bundle, pool, options, quiet);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_GE(second->push.blobs_present, 1u) << "the blob pushed before the crash is skipped";
  for (const auto& img : second->push.images) {
    ProcessResult r = run_tool({"skopeo", "inspect", "--tls-verify=false", "docker://" + by_digest(img.target)});
    EXPECT_EQ(r.exit_code, 0) << img.target << ": " << r.err;
  }
}

}  // namespace
}  // namespace aiplat::testing

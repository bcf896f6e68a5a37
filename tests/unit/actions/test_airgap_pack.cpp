#include "actions/airgap_pack.hpp"

#include <gtest/gtest.h>

namespace aiplat::actions {
namespace {

catalog::Image listed(const std::string& ref, const std::string& digest) {
  catalog::Image i;
  i.ref = ref;
  i.digest = digest;
  return i;
}

TEST(PinnedClosure, AddsTheCatalogDigestToTagOnlyReferences) {
  const std::string pin = "sha256:" + std::string(64, 'a');
  const std::string other = "sha256:" + std::string(64, 'b');
  catalog::PlanStep step;
  step.name = "demo";
  step.images = {listed("registry.test/x/server:1.0", pin), listed("registry.test/x/agent:2", "unknown")};
  std::vector<std::string> closure = pinned_closure(
      {"registry.test/x/server:1.0", "registry.test/x/agent:2", "registry.test/x/server:1.0@" + other,
       "registry.test/x/server:1.1", "registry.test/x/server:1.0"},
      step);
  EXPECT_EQ(closure, (std::vector<std::string>{"registry.test/x/agent:2", "registry.test/x/server:1.0@" + pin,
                                               "registry.test/x/server:1.0@" + other, "registry.test/x/server:1.1"}))
      << "pinned where the tag matches, an explicit digest kept, unknown digests and other tags left alone, unique";
}

}  // namespace
}  // namespace aiplat::actions

#include <sstream>

#include <gtest/gtest.h>

#include "phases/manager.hpp"

namespace aiplat {
namespace {

struct Recording : Phase {
  Recording(std::string name, std::vector<std::string>& trail, bool fail = false, bool skip = false,
            std::atomic<bool>* cancel_after = nullptr)
      : m_name(std::move(name)), m_trail(trail), m_fail(fail), m_skip(skip), m_cancel_after(cancel_after) {}
  std::string title() const override { return m_name; }
  bool should_run(PhaseContext&) override { return !m_skip; }
  Result<void> run(PhaseContext& ctx) override {
    m_trail.push_back("run " + m_name);
    auto r = ctx.wet("write " + m_name, [&]() -> Result<void> {
      m_trail.push_back("mutate " + m_name);
      return {};
    });
    if (m_cancel_after) m_cancel_after->store(true);
    if (m_fail) return failure(m_name + " broke");
    return r;
  }
  void cleanup(PhaseContext&) override { m_trail.push_back("cleanup " + m_name); }
  std::string m_name;
  std::vector<std::string>& m_trail;
  bool m_fail, m_skip;
  std::atomic<bool>* m_cancel_after;
};

TEST(PhaseManager, RunsInOrderAndSkipsWhatDoesNotApply) {
  std::ostringstream err;
  Logger log(err);
  std::atomic<bool> cancel{false};
  PhaseContext ctx(log, DryRun::none, cancel);
  std::vector<std::string> trail;
  PhaseManager m;
  m.add(std::make_unique<Recording>("a", trail));
  m.add(std::make_unique<Recording>("b", trail, false, true));
  m.add(std::make_unique<Recording>("c", trail));
  ASSERT_TRUE(m.run(ctx).has_value());
  EXPECT_EQ(trail, (std::vector<std::string>{"run a", "mutate a", "run c", "mutate c"}));
}

TEST(PhaseManager, FailureCleansUpStartedPhasesNewestFirst) {
  std::ostringstream err;
  Logger log(err);
  std::atomic<bool> cancel{false};
  PhaseContext ctx(log, DryRun::none, cancel);
  std::vector<std::string> trail;
  PhaseManager m;
  m.add(std::make_unique<Recording>("a", trail));
  m.add(std::make_unique<Recording>("b", trail, true));
  m.add(std::make_unique<Recording>("c", trail));
  auto r = m.run(ctx);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "b broke");
  EXPECT_EQ(trail, (std::vector<std::string>{"run a", "mutate a", "run b", "mutate b", "cleanup b", "cleanup a"}));
}

TEST(PhaseManager, ClientDryRunRecordsInsteadOfMutating) {
  std::ostringstream err;
  Logger log(err);
  std::atomic<bool> cancel{false};
  PhaseContext ctx(log, DryRun::client, cancel);
  std::vector<std::string> trail;
  PhaseManager m;
  m.add(std::make_unique<Recording>("a", trail));
  ASSERT_TRUE(m.run(ctx).has_value());
  EXPECT_EQ(trail, (std::vector<std::string>{"run a"}));
  EXPECT_EQ(ctx.dry_run_log(), (std::vector<std::string>{"write a"}));
}

TEST(PhaseManager, CancellationStopsAfterTheCurrentPhase) {
  std::ostringstream err;
  Logger log(err);
  std::atomic<bool> cancel{false};
  PhaseContext ctx(log, DryRun::none, cancel);
  std::vector<std::string> trail;
  PhaseManager m;
  m.add(std::make_unique<Recording>("a", trail, false, false, &cancel));
  m.add(std::make_unique<Recording>("b", trail));
  auto r = m.run(ctx);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::cancelled);
  EXPECT_EQ(trail, (std::vector<std::string>{"run a", "mutate a", "cleanup a"}));
}

}  // namespace
}  // namespace aiplat

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace aiplat {
namespace {
using testing::run_cli;

TEST(Run, UnknownCommandIsNamed) {
  testing::CliResult r = run_cli({"bogus"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command \"bogus\""), std::string::npos) << r.err;
  r = run_cli({"--color", "never", "-v", "3", "bogus", "--x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown command \"bogus\""), std::string::npos) << r.err;
}

TEST(Run, KnownCommandWithBadFlagKeepsTheFlagError) {
  testing::CliResult r = run_cli({"plan", "--no-such-flag"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.find("unknown command"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aiplat

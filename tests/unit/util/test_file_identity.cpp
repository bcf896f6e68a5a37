// A file's identity changes with any write, truncation or replacement, and only a file
// that last changed well before "now" counts as settled.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "util/file_identity.hpp"
#include "support/temp_dir.hpp"

namespace aiplat {
namespace {

namespace fs = std::filesystem;

class FileIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file = dir / "bundle";
    std::ofstream(file) << "0123456789";
  }
  testing::TempDir tmp{"aiplat-identity"};
  fs::path dir{tmp.path};
  fs::path file;
};

TEST_F(FileIdentityTest, OpenFileAndPathAgree) {
  auto by_path = identity_of(file);
  ASSERT_TRUE(by_path);
  EXPECT_EQ(by_path->size, 10u);
  int fd = ::open(file.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  auto by_fd = identity_of(fd);
  ::close(fd);
  EXPECT_EQ(by_fd, by_path);
  EXPECT_FALSE(identity_of(dir / "missing"));
}

TEST_F(FileIdentityTest, WritesAndReplacementsChangeIt) {
  auto before = identity_of(file);
  ASSERT_TRUE(before);
  // Same size, same content length: only the timestamps (and nothing else) may reveal the edit;
  // wait past the coarse timestamp clock first.
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('x');
  }
  auto edited = identity_of(file);
  ASSERT_TRUE(edited);
  EXPECT_NE(edited, before);
  EXPECT_EQ(edited->inode, before->inode);

  std::ofstream(dir / "other") << "0123456789";
  fs::rename(dir / "other", file);
  auto replaced = identity_of(file);
  ASSERT_TRUE(replaced);
  EXPECT_NE(replaced->inode, edited->inode);
}

TEST_F(FileIdentityTest, OnlyAFileOlderThanTheRacyWindowIsSettled) {
  auto id = identity_of(file);
  ASSERT_TRUE(id);
  auto now = std::chrono::system_clock::now();
  EXPECT_FALSE(settled(*id, now)) << "just written";
  EXPECT_TRUE(settled(*id, now + k_racy_window + std::chrono::seconds(1)));
  FileIdentity future_mtime = *id;
  future_mtime.mtime_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::hours(1)).count();
  EXPECT_FALSE(settled(future_mtime, now + k_racy_window + std::chrono::seconds(1)))
      << "an mtime set into the future must not make a fresh file look old";
}

}  // namespace
}  // namespace aiplat

// The verifier's hashing threads: each entry they take is read from its own frame of the
// file and hashed whole; offers beyond the idle threads are declined (the caller hashes
// those); a read that runs past the end of the file is an error, never a digest.
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "airgap/entry_hash_pool.hpp"
#include "util/sha256.hpp"
#include "support/temp_dir.hpp"

namespace aiplat::airgap {
namespace {

namespace fs = std::filesystem;

class EntryHashPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937 rng(7);
    for (std::size_t size : {900000u, 300000u, 1u, 2500000u}) {
      std::string s(size, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      parts.push_back(std::move(s));
    }
    file = dir / "entries.zst";
    auto writer = ZstdFrameWriter::create(file, 1, 0);
    ASSERT_TRUE(writer) << writer.error().message;
    for (const auto& p : parts) {
      ASSERT_TRUE((*writer)->write(p));
      ASSERT_TRUE((*writer)->end_frame());
    }
    ASSERT_TRUE((*writer)->close());
    auto reader = ZstdFrameReader::open(file);
    ASSERT_TRUE(reader);
    std::vector<char> buffer(1 << 16);
    for (;;) {
      auto n = (*reader)->read(buffer.data(), buffer.size());
      ASSERT_TRUE(n) << n.error().message;
      if (*n == 0) break;
    }
    frames = (*reader)->frames();
    ASSERT_EQ(frames.size(), parts.size());
  }

  /// Offers entry `i` until a thread takes it (threads start asynchronously), within 10 s.
  static bool offer_until_taken(EntryHashPool& pool, std::size_t id, FrameStart frame, std::uint64_t size) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pool.offer(id, frame, size)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }

  testing::TempDir tmp{"aiplat-hashpool"};
  fs::path dir{tmp.path};
  fs::path file;
  std::vector<std::string> parts;
  std::vector<FrameStart> frames;
};

TEST_F(EntryHashPoolTest, TakenEntriesAreHashedFromTheirOwnFrames) {
  EntryHashPool pool(file, 2);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    ASSERT_TRUE(offer_until_taken(pool, i, frames[i], parts[i].size())) << "entry " << i;
  }
  auto digests = pool.finish();
  ASSERT_TRUE(digests) << digests.error().message;
  ASSERT_EQ(digests->size(), parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) EXPECT_EQ(digests->at(i), sha256_hex(parts[i])) << "entry " << i;
}

TEST_F(EntryHashPoolTest, NoThreadsDeclineEveryOffer) {
  EntryHashPool pool(file, 0);
  EXPECT_FALSE(pool.offer(0, frames[0], parts[0].size()));
  auto digests = pool.finish();
  ASSERT_TRUE(digests);
  EXPECT_TRUE(digests->empty());
}

TEST_F(EntryHashPoolTest, OffersBeyondTheIdleThreadsAreDeclined) {
  // One thread, busy with the largest entry: a second offer made at once must be declined,
  // unless the thread already finished (then it is idle again and may take it).
  EntryHashPool pool(file, 1);
  ASSERT_TRUE(offer_until_taken(pool, 3, frames[3], parts[3].size()));
  bool second = pool.offer(0, frames[0], parts[0].size());
  auto digests = pool.finish();
  ASSERT_TRUE(digests) << digests.error().message;
  EXPECT_EQ(digests->at(3), sha256_hex(parts[3]));
  EXPECT_EQ(digests->count(0), second ? 1u : 0u);
}

TEST_F(EntryHashPoolTest, AnEntryRunningPastTheEndIsAnError) {
  EntryHashPool pool(file, 1);
  ASSERT_TRUE(offer_until_taken(pool, 0, frames[3], parts[3].size() + 10));
  auto digests = pool.finish();
  ASSERT_FALSE(digests) << "a digest of a short entry";
  EXPECT_NE(digests.error().message.find("ends inside an entry"), std::string::npos) << digests.error().message;
  EXPECT_FALSE(pool.offer(1, frames[1], parts[1].size())) << "after an error the caller hashes the rest";
}

}  // namespace
}  // namespace aiplat::airgap

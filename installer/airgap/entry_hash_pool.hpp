#pragma once
// Verifying a bundle is bound by SHA-256, and one entry's hash is a chain no thread can
// share. So whole entries are hashed on other threads, each reading its entry straight
// from the bundle file (from the zstd frame its data starts), while the caller's thread
// reads on past it and hashes the next entry itself. offer() takes an entry only while a
// thread is idle, which keeps every core busy without reading ahead into memory.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "airgap/zstd_frames.hpp"
#include "util/error.hpp"

namespace aiplat::airgap {

class EntryHashPool {
 public:
  /// `threads` readers of `file` (0: none, every offer is declined).
  EntryHashPool(std::filesystem::path file, std::size_t threads);
  ~EntryHashPool();
  EntryHashPool(const EntryHashPool&) = delete;
  EntryHashPool& operator=(const EntryHashPool&) = delete;

  /// Hashes the `size` bytes that start at `frame` as entry `id`, if a thread is idle;
  /// false means the caller hashes the entry itself.
  bool offer(std::size_t id, FrameStart frame, std::uint64_t size);
  /// Waits for every entry taken; their lower-case hex digests by id, or the first error.
  Result<std::map<std::size_t, std::string>> finish();

  /// One thread fewer than the machine has cores (the caller's thread reads and hashes too).
  static std::size_t default_threads();

 private:
  struct Job {
    std::size_t id;
    FrameStart frame;
    std::uint64_t size;
  };
  void run();
  Result<std::string> hash(const Job& job, std::vector<char>& buffer);
  std::filesystem::path m_file;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Job> m_jobs;
  std::size_t m_idle = 0;
  bool m_stop = false;
  std::map<std::size_t, std::string> m_digests;
  std::optional<Error> m_error;  ///< the first
  std::vector<std::thread> m_threads;
};

}  // namespace aiplat::airgap

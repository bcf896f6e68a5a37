#pragma once
// Writes buffers to a file on a thread of its own, so pack's streaming thread (which
// receives, hashes and frames every byte) never waits in write(2). At most `depth`
// buffers are in flight, so memory stays bounded.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "util/error.hpp"

namespace aiplat::airgap {

class AsyncWriter {
 public:
  /// Takes over `fd` (closed by finish() or the destructor). `name` is for messages; every
  /// buffer reserves `capacity` bytes once and is reused.
  AsyncWriter(int fd, std::string name, std::size_t capacity, std::size_t depth = 4);
  ~AsyncWriter();
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  /// The buffer being filled; submit() hands it over.
  std::string& buffer() { return m_current; }
  /// Queues the current buffer and starts a fresh one; waits while `depth` buffers are queued.
  /// Reports an earlier write's failure.
  Result<void> submit();
  /// Writes what is left, stops the thread and closes the file.
  Result<void> finish();

 private:
  void run();
  int m_fd;
  std::string m_name;
  std::size_t m_capacity;
  std::size_t m_depth;
  std::string m_current;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<std::string> m_full;
  std::vector<std::string> m_free;
  std::size_t m_writing = 0;  // buffers taken by the thread, not yet written
  std::uint64_t m_written = 0;  // file offset reached (thread only)
  bool m_stop = false;
  std::string m_error;
  std::thread m_thread;
};

}  // namespace aiplat::airgap

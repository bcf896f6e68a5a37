#pragma once
// SHA-256 of a sequence of entries on a thread of its own, so verifying a bundle
// decodes and hashes on two cores. The caller streams each entry's bytes in order
// (they are copied into bounded, reused buffers) and collects every digest at the end.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace aiplat::airgap {

class HashWorker {
 public:
  HashWorker();
  ~HashWorker();
  HashWorker(const HashWorker&) = delete;
  HashWorker& operator=(const HashWorker&) = delete;

  void update(std::string_view data);
  /// Ends the current entry.
  void end_entry();
  /// Waits for the thread; the lower-case hex digest of every entry, in order.
  std::vector<std::string> finish();

 private:
  struct Item {
    std::string data;
    bool end = false;
  };
  void submit(bool end);
  void run();
  std::string m_current;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Item> m_queue;
  std::vector<std::string> m_free;
  std::vector<std::string> m_digests;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace aiplat::airgap

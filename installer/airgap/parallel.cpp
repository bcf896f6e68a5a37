#include "airgap/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace aiplat::airgap {

Result<void> run_parallel(std::size_t count, int parallel, const std::function<Result<void>(std::size_t)>& task,
                          OnFailure on_failure) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::map<std::size_t, Error> errors;
  auto worker = [&] {
    for (;;) {
      if (failed && on_failure == OnFailure::stop) return;
      std::size_t i = next++;
      if (i >= count) return;
      Result<void> r;
      try {
        r = task(i);
      } catch (const std::exception& e) {
        r = failure(std::string("internal error: ") + e.what());
      }
      if (!r) {
        std::lock_guard lock(mutex);
        errors.emplace(i, r.error());
        failed = true;
      }
    }
  };
  std::size_t threads = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, parallel)));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (threads > 0) worker();
  for (auto& t : pool) t.join();
  if (errors.empty()) return {};
  Error first = errors.begin()->second;
  if (errors.size() > 1) first.message += " (and " + std::to_string(errors.size() - 1) + " more failures)";
  return tl::unexpected(first);
}

}  // namespace aiplat::airgap

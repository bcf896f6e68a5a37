#pragma once
// SIGINT/SIGTERM during a long command: the handler only sets a flag that the phases poll
// (PhaseContext::cancelled), so the run stops at a safe point, cleans up and exits 130.
#include <atomic>

namespace aiplat {

class InterruptGuard {
 public:
  /// Installs the handlers; the previous ones come back on destruction.
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  [[nodiscard]] const std::atomic<bool>& flag() const;
};

}  // namespace aiplat

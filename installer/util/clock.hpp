#pragma once
// The time edge: retries, credential expiry and waits read the time and sleep
// through a Clock, so tests can use FakeClock and never really sleep.
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

namespace aiplat {

class Clock {
 public:
  using Steady = std::chrono::steady_clock::time_point;
  using Wall = std::chrono::system_clock::time_point;

  virtual ~Clock() = default;
  /// Monotonic time, for deadlines and backoff.
  virtual Steady now() = 0;
  /// Calendar time, for expiry stamps written by servers and plugins.
  virtual Wall wall_now() = 0;
  /// Blocks the calling thread (a fake clock only advances).
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

/// The machine's clocks and a real sleep.
class RealClock final : public Clock {
 public:
  Steady now() override { return std::chrono::steady_clock::now(); }
  Wall wall_now() override { return std::chrono::system_clock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override;
};

/// A clock that moves only when told to; sleep_for advances it and records the duration.
class FakeClock final : public Clock {
 public:
  FakeClock();
  Steady now() override;
  Wall wall_now() override;
  void sleep_for(std::chrono::milliseconds duration) override;
  /// Moves both clocks forward.
  void advance(std::chrono::milliseconds duration);
  /// Sets calendar time (steady time is unaffected).
  void set_wall(Wall wall);
  /// Every sleep requested so far, in order.
  std::vector<std::chrono::milliseconds> sleeps() const;

 private:
  mutable std::mutex m_mutex;
  Steady m_steady;
  Wall m_wall;
  std::vector<std::chrono::milliseconds> m_sleeps;
};

/// A shared real clock for code that was given none.
std::shared_ptr<Clock> real_clock();

}  // namespace aiplat

#include "util/clock.hpp"

#include <thread>

namespace aiplat {

void RealClock::sleep_for(std::chrono::milliseconds duration) {
  if (duration.count() > 0) std::this_thread::sleep_for(duration);
}

// Starts at a fixed, recognisable calendar date so tests are reproducible.
FakeClock::FakeClock()
    : m_steady(std::chrono::hours(1000)), m_wall(std::chrono::sys_days(std::chrono::year(2030) / 1 / 1)) {}

Clock::Steady FakeClock::now() {
  std::lock_guard lock(m_mutex);
  return m_steady;
}

Clock::Wall FakeClock::wall_now() {
  std::lock_guard lock(m_mutex);
  return m_wall;
}

void FakeClock::sleep_for(std::chrono::milliseconds duration) {
  std::lock_guard lock(m_mutex);
  m_sleeps.push_back(duration);
  m_steady += duration;
  m_wall += duration;
}

void FakeClock::advance(std::chrono::milliseconds duration) {
  std::lock_guard lock(m_mutex);
  m_steady += duration;
  m_wall += duration;
}

void FakeClock::set_wall(Wall wall) {
  std::lock_guard lock(m_mutex);
  m_wall = wall;
}

std::vector<std::chrono::milliseconds> FakeClock::sleeps() const {
  std::lock_guard lock(m_mutex);
  return m_sleeps;
}

std::shared_ptr<Clock> real_clock() {
  static std::shared_ptr<Clock> clock = std::make_shared<RealClock>();
  return clock;
}

}  // namespace aiplat

#pragma once
// Fault injection: a fraction of requests answered 429 (Retry-After: 1), 500, 503
// or with a dropped connection, and added latency; both changeable at run time.
#include <atomic>
#include <mutex>
#include <random>

namespace kubesim {

enum class Fault { none, too_many_requests, internal_error, unavailable, reset };

class Faults {
 public:
  void set_rate(double rate) { m_rate = rate; }
  void set_latency_ms(int latency) { m_latency_ms = latency; }
  [[nodiscard]] double rate() const { return m_rate; }
  [[nodiscard]] int latency_ms() const { return m_latency_ms; }
  /// Draws the fault for one request (each kind equally likely when one happens).
  Fault draw();

 private:
  std::atomic<double> m_rate{0};
  std::atomic<int> m_latency_ms{0};
  std::mutex m_mutex;
  std::mt19937 m_rng{std::random_device{}()};
};

}  // namespace kubesim

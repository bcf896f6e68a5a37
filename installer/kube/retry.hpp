#pragma once
// Retry policy for API requests: 429 (honouring Retry-After), 500/502/503/504,
// connection failures, resets and timeouts are retried with exponential backoff
// and full jitter, bounded by a total deadline; every other 4xx is the caller's
// fault and returns at once.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>

#include "util/clock.hpp"
#include "util/http.hpp"

namespace aiplat::kube {

struct RetryPolicy {
  int max_attempts = 8;                                    ///< including the first
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{8000};
  std::chrono::milliseconds deadline{60000};               ///< total time for all attempts
  std::chrono::milliseconds max_retry_after{30000};        ///< caps a server's Retry-After
};

/// Whether a response (or a transport failure) is worth another attempt.
bool is_retryable(const HttpResponse& response);

/// Retry-After in seconds from the header, or 0 when absent/unparsable.
int retry_after_seconds(const HttpResponse& response);

/// Decides how long to wait before each retry; thread-safe.
class Backoff {
 public:
  Backoff(RetryPolicy policy, std::uint64_t seed);
  /// Wait before attempt `attempt` (1 = first retry): min(max, initial*2^(attempt-1)), then
  /// jitter uniformly in [half, full]; a Retry-After wins when it is longer.
  std::chrono::milliseconds delay(int attempt, int retry_after_seconds);
  [[nodiscard]] const RetryPolicy& policy() const { return m_policy; }

 private:
  RetryPolicy m_policy;
  std::mutex m_mutex;
  std::mt19937_64 m_random;
};

/// Sends through `send` until success, a non-retryable answer, max_attempts or the deadline.
/// `send` is given the remaining time so it can bound its own request. `retryable` replaces
/// is_retryable when given.
HttpResponse send_with_retries(const std::function<HttpResponse(std::chrono::milliseconds remaining)>& send,
                               Backoff& backoff, Clock& clock,
                               const std::function<bool(const HttpResponse&)>& retryable = {});

}  // namespace aiplat::kube

#include "kube/retry.hpp"

#include <algorithm>
#include <cctype>

namespace aiplat::kube {

bool is_retryable(const HttpResponse& response) {
  if (!response.ok()) {
    // A TLS failure is a configuration problem and an abort is the caller's decision.
    switch (response.error) {
      case TransportError::connect:
      case TransportError::timeout:
      case TransportError::reset:
        return true;
      default:
        return false;
    }
  }
  switch (response.status) {
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

int retry_after_seconds(const HttpResponse& response) {
  std::string value = response.header("retry-after");
  if (value.empty() || value.size() > 6 || !std::all_of(value.begin(), value.end(), ::isdigit)) return 0;
  return std::stoi(value);
}

Backoff::Backoff(RetryPolicy policy, std::uint64_t seed) : m_policy(policy), m_random(seed) {}

std::chrono::milliseconds Backoff::delay(int attempt, int retry_after) {
  using std::chrono::milliseconds;
  long long base = m_policy.initial_backoff.count();
  for (int i = 1; i < attempt && base < m_policy.max_backoff.count(); ++i) base *= 2;
  base = std::min<long long>(base, m_policy.max_backoff.count());
  long long jittered = base;
  {
    std::lock_guard lock(m_mutex);
    // Jitter in [base/2, base] keeps a floor while spreading clients that failed together.
    std::uniform_int_distribution<long long> dist(base / 2, base);
    jittered = dist(m_random);
  }
  milliseconds wait(jittered);
  if (retry_after > 0) wait = std::max(wait, std::min(milliseconds(retry_after * 1000LL), m_policy.max_retry_after));
  return wait;
}

HttpResponse send_with_retries(const std::function<HttpResponse(std::chrono::milliseconds remaining)>& send,
                               Backoff& backoff, Clock& clock,
                               const std::function<bool(const HttpResponse&)>& retryable) {
  using std::chrono::milliseconds;
  const RetryPolicy& policy = backoff.policy();
  Clock::Steady deadline = clock.now() + policy.deadline;
  for (int attempt = 1;; ++attempt) {
    milliseconds remaining = std::chrono::duration_cast<milliseconds>(deadline - clock.now());
    HttpResponse response = send(std::max(remaining, milliseconds(1)));
    bool again = retryable ? retryable(response) : is_retryable(response);
    if (!again || attempt >= policy.max_attempts) return response;
    milliseconds wait = backoff.delay(attempt, retry_after_seconds(response));
    // Do not sleep past the deadline: the last answer is then the result.
    if (clock.now() + wait >= deadline) return response;
    clock.sleep_for(wait);
  }
}

}  // namespace aiplat::kube

#include "faults.hpp"

namespace kubesim {

Fault Faults::draw() {
  double rate = m_rate;
  if (rate <= 0) {
    return Fault::none;
  }
  std::lock_guard<std::mutex> lock(m_mutex);
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  if (chance(m_rng) >= rate) {
    return Fault::none;
  }
  switch (std::uniform_int_distribution<int>(0, 3)(m_rng)) {
    case 0:
      return Fault::too_many_requests;
    case 1:
      return Fault::internal_error;
    case 2:
      return Fault::unavailable;
    default:
      return Fault::reset;
  }
}

}  // namespace kubesim

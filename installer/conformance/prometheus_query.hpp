#pragma once
// Querying a Prometheus server through the API server's service proxy.
#include <optional>
#include <string>

#include "conformance/check.hpp"

namespace aiplat::conformance {

/// Where a Prometheus server answers: namespace, Service and port.
struct PrometheusEndpoint {
  std::string ns;
  std::string service;
  std::string port;
};

/// Percent-encodes a query parameter value.
std::string url_encode(const std::string& text);

/// Runs an instant query; the value of the first sample, or nullopt (no answer, no sample).
std::optional<double> prometheus_value(CheckContext& ctx, const PrometheusEndpoint& at, const std::string& query);

}  // namespace aiplat::conformance

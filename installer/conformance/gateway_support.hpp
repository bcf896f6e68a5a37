#pragma once
// Shared by the Gateway API checks: CRD health and finding a GatewayClass a controller accepted.
#include <string>
#include <vector>

#include "conformance/check.hpp"

namespace aiplat::conformance {

/// Problems of the named CRDs (missing, not Established, names not accepted); empty when all are healthy.
std::vector<std::string> crd_problems(CheckContext& ctx, const std::vector<std::string>& crd_names);

/// Result of looking for a usable GatewayClass.
struct GatewayClassChoice {
  std::string name;            ///< empty when none is accepted
  std::string controller;      ///< spec.controllerName
  int classes_seen = 0;
};

/// The first GatewayClass whose Accepted condition is True.
GatewayClassChoice accepted_gateway_class(CheckContext& ctx);

/// "a, b, c".
std::string join_words(const std::vector<std::string>& items);

}  // namespace aiplat::conformance

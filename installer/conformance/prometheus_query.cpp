#include "conformance/prometheus_query.hpp"

#include <fmt/format.h>

namespace aiplat::conformance {

std::string url_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::optional<double> prometheus_value(CheckContext& ctx, const PrometheusEndpoint& at, const std::string& query) {
  KubeResult<std::string> body =
      ctx.api.service_proxy_get(at.ns, at.service, at.port, "/api/v1/query?query=" + url_encode(query));
  if (!body) return std::nullopt;
  Json answer = Json::parse(*body, nullptr, false);
  if (answer.is_discarded() || answer.value("status", "") != "success") return std::nullopt;
  const Json& result = answer.value("data", Json::object()).value("result", Json::array());
  if (!result.is_array() || result.empty()) return std::nullopt;
  const Json& value = result[0].value("value", Json::array());
  if (!value.is_array() || value.size() != 2 || !value[1].is_string()) return std::nullopt;
  try {
    return std::stod(value[1].get<std::string>());
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace aiplat::conformance

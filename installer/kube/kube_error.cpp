#include "kube/kube_error.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "util/yaml.hpp"

namespace aiplat::kube {

KubeError KubeError::with_context(const std::string& context) const {
  KubeError copy = *this;
  copy.message = context + ": " + message;
  return copy;
}

namespace {

std::string string_at(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "conflict with "kubectl" using apps/v1: .spec.replicas" -> the manager and field stay readable.
std::string describe_conflicts(const std::vector<StatusCause>& causes) {
  std::string out;
  for (const StatusCause& c : causes) {
    if (c.reason != "FieldManagerConflict") continue;
    out += fmt::format("\n  - {}", c.message.empty() ? c.field : c.message);
  }
  return out;
}

}  // namespace

KubeError error_from_response(const HttpResponse& response, const std::string& what) {
  KubeError e;
  e.kind = ErrorKind::failed;
  if (!response.ok()) {
    e.transport = response.error;
    e.message = fmt::format("{}: {}: {}", what, describe(response.error), response.error_message);
    return e;
  }
  e.status = response.status;
  std::string server_message;
  Json body = Json::parse(response.body, nullptr, false);
  if (body.is_object() && string_at(body, "kind") == "Status") {
    e.reason = string_at(body, "reason");
    server_message = string_at(body, "message");
    auto details = body.find("details");
    if (details != body.end() && details->is_object()) {
      if (auto ra = details->find("retryAfterSeconds"); ra != details->end() && ra->is_number_integer()) {
        e.retry_after_seconds = ra->get<int>();
      }
      auto causes = details->find("causes");
      if (causes != details->end() && causes->is_array()) {
        for (const Json& c : *causes) {
          if (!c.is_object()) continue;
          e.causes.push_back(StatusCause{string_at(c, "reason"), string_at(c, "message"), string_at(c, "field")});
        }
      }
    }
  } else {
    // Not a Status (a proxy, a load balancer): keep a bounded excerpt of the body.
    server_message = response.body.substr(0, 300);
    while (!server_message.empty() && (server_message.back() == '\n' || server_message.back() == ' ')) {
      server_message.pop_back();
    }
  }
  if (e.retry_after_seconds == 0) {
    std::string header = response.header("retry-after");
    if (!header.empty() && std::all_of(header.begin(), header.end(), ::isdigit)) {
      e.retry_after_seconds = std::stoi(header);
    }
  }
  std::string reason = e.reason.empty() ? "" : " " + e.reason;
  e.message = fmt::format("{}: {}{}", what, response.status, reason);
  if (!server_message.empty()) e.message += ": " + server_message;
  if (e.status == 409 && e.reason == "Conflict") {
    std::string conflicts = describe_conflicts(e.causes);
    if (!conflicts.empty()) {
      e.message += "\nconflicting fields and their managers:" + conflicts +
                   "\n(re-run with force to take ownership, or stop setting these fields)";
    }
  }
  if (e.status == 400 || e.status == 422 || e.status == 404) e.kind = ErrorKind::failed;
  return e;
}

}  // namespace aiplat::kube

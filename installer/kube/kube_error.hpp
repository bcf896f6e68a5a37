#pragma once
// Errors of the Kubernetes client. A KubeError keeps what the server said (HTTP
// status, Status reason, message, causes) or why no answer came (transport
// error), so callers can branch on NotFound/Conflict/AlreadyExists. It converts
// implicitly to util's Error, so a KubeResult<T> flows into a Result<T>:
//   Result<Json> r = client.get(ref);               // converting constructor
//   if (!k) return tl::unexpected(k.error());       // KubeError -> Error
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "util/error.hpp"
#include "util/http.hpp"

namespace aiplat::kube {

/// One entry of Status.details.causes (for an apply conflict: the field and the manager).
struct StatusCause {
  std::string reason;   ///< "FieldManagerConflict", "FieldValueInvalid", ...
  std::string message;  ///< e.g. `conflict with "kubectl": .spec.replicas`
  std::string field;    ///< e.g. ".spec.replicas"
};

/// A failed request: the server's Status, or a transport failure (status 0).
struct KubeError {
  ErrorKind kind = ErrorKind::failed;
  long status = 0;                     ///< HTTP status; 0 when no response arrived
  std::string reason;                  ///< Status.reason ("NotFound", "Conflict", "AlreadyExists", ...)
  std::string message;                 ///< full message: context, server message, causes
  std::vector<StatusCause> causes;     ///< Status.details.causes
  TransportError transport = TransportError::none;
  int retry_after_seconds = 0;         ///< Retry-After / details.retryAfterSeconds, when given

  [[nodiscard]] bool not_found() const { return status == 404 || reason == "NotFound"; }
  [[nodiscard]] bool conflict() const { return status == 409 && reason != "AlreadyExists"; }
  [[nodiscard]] bool already_exists() const { return reason == "AlreadyExists"; }
  [[nodiscard]] bool unauthorized() const { return status == 401; }
  [[nodiscard]] bool forbidden() const { return status == 403; }
  [[nodiscard]] bool is_transport() const { return transport != TransportError::none; }
  /// Whether asking again cannot help: a certificate that does not verify, credentials rejected or
  /// not allowed. Waits stop at once on these instead of polling until their deadline.
  [[nodiscard]] bool persistent() const {
    return transport == TransportError::tls || status == 401 || status == 403;
  }

  /// Returns a copy with "context: " in front of the message.
  [[nodiscard]] KubeError with_context(const std::string& context) const;
  /// Plain util Error (kind and message).
  [[nodiscard]] Error to_error() const { return Error{kind, message}; }
  operator Error() const { return to_error(); }  // NOLINT(google-explicit-constructor): by design
};

template <class T>
using KubeResult = tl::expected<T, KubeError>;

/// A client-side failure (bad object, unknown kind) with no HTTP exchange.
inline tl::unexpected<KubeError> kube_input_error(std::string message) {
  KubeError e;
  e.kind = ErrorKind::input;
  e.message = std::move(message);
  return tl::unexpected(std::move(e));
}

/// Builds the KubeError for a response that is not 2xx (or did not arrive).
/// `what` describes the request, e.g. "GET https://127.0.0.1:6443/api/v1/namespaces/x".
KubeError error_from_response(const HttpResponse& response, const std::string& what);

}  // namespace aiplat::kube

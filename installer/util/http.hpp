#pragma once
// The HTTP edge: every request aiplat makes goes through an HttpTransport, so tests
// can swap in a recording fake (tests/support) and integration tests use libcurl
// against loopback servers.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aiplat {

/// TLS material for one server; PEM text or file paths (text wins when both are set).
struct TlsConfig {
  std::string ca_pem;
  std::string ca_file;
  std::string client_cert_pem;
  std::string client_cert_file;
  std::string client_key_pem;
  std::string client_key_file;
  std::string server_name;  ///< SNI / verification name override ("tls-server-name")
  bool insecure_skip_verify = false;
};

/// Why a request produced no HTTP response.
enum class TransportError {
  none,
  connect,   ///< refused, unreachable, DNS
  timeout,
  reset,     ///< connection reset or closed mid-transfer
  tls,       ///< handshake or certificate verification
  aborted,   ///< the caller's sink asked to stop
  other,
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// What body_reader returns to abort the request (the body could not be read or failed a check).
  static constexpr std::size_t k_abort_body = static_cast<std::size_t>(-1);
  /// Streams the request body instead of `body`: fills the buffer, returns bytes written (0 at
  /// end) or k_abort_body.
  std::function<std::size_t(char* buffer, std::size_t size)> body_reader;
  std::optional<std::uint64_t> body_size;  ///< with body_reader, when known
  /// Streams the response body instead of collecting it; return false to abort.
  std::function<bool(std::string_view chunk)> on_data;
  /// With on_data: only a 2xx response's body is streamed; others are collected in `body`.
  bool on_data_only_on_success = false;
  const TlsConfig* tls = nullptr;
  std::string proxy;  ///< "proxy-url" of a kubeconfig, or empty
  std::chrono::milliseconds timeout{0};  ///< whole request; 0 means none
  std::chrono::milliseconds connect_timeout{10000};
  bool follow_redirects = false;
  /// Response encodings to offer (Accept-Encoding), decoded transparently: empty offers every
  /// encoding libcurl decodes (gzip, deflate, br, zstd); "gzip" is what Kubernetes servers speak.
  std::string accept_encoding;
};

struct HttpResponse {
  long status = 0;  ///< 0 when no response arrived; see error
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
  std::string body;
  TransportError error = TransportError::none;
  std::string error_message;

  [[nodiscard]] bool ok() const { return error == TransportError::none; }
  /// First header with this (lower-case) name, or empty.
  [[nodiscard]] std::string header(std::string_view name) const;
};

/// Sends HTTP requests. Implementations are safe to call from several threads.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

/// libcurl with a shared connection cache and a bounded number of requests in flight.
std::shared_ptr<HttpTransport> make_curl_transport(int max_parallel = 16);

/// Human words for a transport error, e.g. "connection refused".
std::string_view describe(TransportError error);

}  // namespace aiplat

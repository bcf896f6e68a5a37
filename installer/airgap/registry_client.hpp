#pragma once
// A client for one registry over the OCI distribution API: ping, manifests, blobs
// (streamed to and from files, digest-verified), monolithic and chunked resumable
// uploads, cross-repository mounts; anonymous, basic and bearer-token auth; retries
// with backoff on 429, 5xx and dropped connections.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "airgap/credentials.hpp"
#include "airgap/image_store.hpp"
#include "airgap/oci.hpp"
#include "airgap/progress.hpp"
#include "util/error.hpp"
#include "util/http.hpp"

namespace aiplat::airgap {

/// The host an API request goes to ("docker.io" -> "registry-1.docker.io").
std::string registry_api_host(std::string_view registry);

/// Whether a registry may be spoken to over plain HTTP (only when named with --insecure-registry).
enum class Transport { https, plain_http };

struct RegistryOptions {
  Transport transport = Transport::https;
  TlsConfig tls;              ///< custom CA (--registry-ca) and friends
  int max_attempts = 6;       ///< per request, including the first
  std::chrono::milliseconds backoff{200};  ///< first retry delay; doubles up to 5 s
  std::uint64_t chunk_size = 64ull * 1024 * 1024;  ///< blobs above this go up in resumable chunks
};

/// What happened to one blob on push.
enum class BlobPush { pushed, mounted, present };

class RegistryClient {
 public:
  /// `registry` is "host[:port]" as in an image reference.
  RegistryClient(std::shared_ptr<HttpTransport> http, std::string registry, RegistryOptions options,
                 std::optional<Credentials> credentials, Progress* progress = nullptr);

  [[nodiscard]] const std::string& registry() const { return m_registry; }

  /// GET /v2/: reachable, speaks the API, and accepts our credentials.
  Result<void> ping();
  /// The manifest at a tag or digest; the digest is verified when `reference` is one.
  Result<Manifest> get_manifest(const std::string& repo, const std::string& reference);
  /// The descriptor of a manifest, or nullopt when the registry does not have it.
  Result<std::optional<Descriptor>> head_manifest(const std::string& repo, const std::string& reference);
  /// PUT a manifest under a tag or its digest.
  Result<void> put_manifest(const std::string& repo, const std::string& reference, const Manifest& manifest);
  /// HEAD a blob.
  Result<bool> blob_exists(const std::string& repo, const std::string& digest);
  /// Streams a blob into `dest` (written as dest + ".part", renamed once the digest and size match).
  Result<void> fetch_blob(const std::string& repo, const Descriptor& blob, const std::filesystem::path& dest);
  /// Streams a blob to `sink`, checking its size and digest on the way; the caller must not
  /// trust what it got unless this succeeds. After a retried request the bytes already
  /// delivered are not delivered again (they are re-read and hashed, so the digest covers
  /// exactly what the sink saw). A sink error stops the transfer.
  Result<void> fetch_blob(const std::string& repo, const Descriptor& blob,
                          const std::function<Result<void>(std::string_view)>& sink);
  /// Pushes the blob in file `src` unless present; tries a mount from `mount_from` first when given.
  Result<BlobPush> push_blob(const std::string& repo, const Descriptor& blob, const std::filesystem::path& src,
                             const std::string& mount_from = {});
  /// Pushes a blob read through `src` (from a layout or straight from a bundle).
  Result<BlobPush> push_blob(const std::string& repo, const Descriptor& blob, const BlobOpener& src,
                             const std::string& mount_from = {});
  /// Repositories the registry lists in /v2/_catalog.
  Result<std::vector<std::string>> catalog();

 private:
  struct Challenge {
    std::string scheme;  ///< "bearer" or "basic", lower case
    std::map<std::string, std::string> params;
  };
  /// One request with auth and retries. `scope` is the token scope it needs.
  /// `attempts` overrides options.max_attempts (1: the caller handles failures itself).
  HttpResponse send(HttpRequest request, const std::string& scope, const std::function<void()>& rewind = {},
                    int attempts = 0);
  bool authorise(const HttpResponse& unauthorised, const std::string& scope, std::string& error);
  Result<std::string> fetch_token(const Challenge& challenge, const std::string& scope);
  std::string auth_header(const std::string& scope);
  Error http_error(const std::string& what, const HttpResponse& response) const;
  Result<BlobPush> push_once(const std::string& repo, const Descriptor& blob, const BlobOpener& src,
                             const std::string& mount_from);
  Result<void> upload_chunks(const std::string& what, const Descriptor& blob, const BlobOpener& src,
                             std::string& location, const std::string& scope);
  std::string url(const std::string& path) const;
  std::string absolute(const std::string& location) const;

  std::shared_ptr<HttpTransport> m_http;
  std::string m_registry;
  std::string m_base;  ///< "https://host:port"
  RegistryOptions m_options;
  std::optional<Credentials> m_credentials;
  Progress* m_progress;
  std::mutex m_mutex;
  bool m_basic = false;                         ///< the registry asked for basic auth
  std::optional<Challenge> m_bearer;            ///< the registry's bearer challenge, once seen
  std::map<std::string, std::string> m_tokens;  ///< scope -> token
  std::string m_auth_error;                     ///< why the last authorisation failed
};

/// "repository:REPO:pull" or ":pull,push".
std::string repo_scope(const std::string& repo, bool push);

/// Parses a WWW-Authenticate value: scheme and its key="value" parameters.
std::pair<std::string, std::map<std::string, std::string>> parse_challenge(std::string_view header);

/// Decides whether a response deserves a retry (429, 5xx, connection problems).
bool is_retryable(const HttpResponse& response);

/// The delay before attempt `attempt` (1-based retry count), honouring Retry-After.
std::chrono::milliseconds retry_delay(const HttpResponse& response, int attempt, std::chrono::milliseconds base);

}  // namespace aiplat::airgap

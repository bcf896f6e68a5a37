#pragma once
// One RegistryClient per registry host, made on first use with that host's
// credentials, TLS and plain-HTTP permission, so tokens are shared by all workers.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "airgap/credentials.hpp"
#include "airgap/registry_client.hpp"

namespace aiplat::airgap {

struct RegistryAccess {
  std::shared_ptr<HttpTransport> http;
  CredentialStore credentials;
  std::set<std::string> insecure;  ///< registries that may be spoken to over plain HTTP
  std::string ca_file;             ///< extra CA for every registry (--registry-ca)
  int max_attempts = 6;
  std::chrono::milliseconds backoff{200};
  std::uint64_t chunk_size = 64ull * 1024 * 1024;
};

class RegistryPool {
 public:
  RegistryPool(RegistryAccess access, Progress* progress) : m_access(std::move(access)), m_progress(progress) {}
  /// The client for `registry` ("host[:port]").
  RegistryClient& get(const std::string& registry);

 private:
  RegistryAccess m_access;
  Progress* m_progress;
  std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<RegistryClient>> m_clients;
};

}  // namespace aiplat::airgap

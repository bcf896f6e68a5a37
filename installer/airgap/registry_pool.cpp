#include "airgap/registry_pool.hpp"

namespace aiplat::airgap {

RegistryClient& RegistryPool::get(const std::string& registry) {
  std::lock_guard lock(m_mutex);
  auto it = m_clients.find(registry);
  if (it != m_clients.end()) return *it->second;
  RegistryOptions options;
  options.transport = m_access.insecure.count(registry) ? Transport::plain_http : Transport::https;
  options.tls.ca_file = m_access.ca_file;
  options.max_attempts = m_access.max_attempts;
  options.backoff = m_access.backoff;
  options.chunk_size = m_access.chunk_size;
  auto client = std::make_unique<RegistryClient>(m_access.http, registry, options, m_access.credentials.find(registry),
                                                 m_progress);
  RegistryClient& ref = *client;
  m_clients.emplace(registry, std::move(client));
  return ref;
}

}  // namespace aiplat::airgap

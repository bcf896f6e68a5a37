#include "auth.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace kubesim {

void Authenticator::add_token(const std::string& token, bool forbidden) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_tokens[token] = forbidden;
}

void Authenticator::revoke_token(const std::string& token) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_tokens.erase(token);
}

AuthResult Authenticator::check(const httplib::Request& request) const {
  std::string header = request.get_header_value("Authorization");
  if (header.rfind("Bearer ", 0) == 0) {
    std::string token = header.substr(7);
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_tokens.find(token);
    if (it == m_tokens.end()) {
      return {401, ""};
    }
    return {it->second ? 403 : 0, "token-user"};
  }
  if (request.ssl != nullptr) {
    X509* peer = SSL_get1_peer_certificate(request.ssl);
    if (peer != nullptr) {
      // The handshake accepts any certificate so that a wrong one gets a 401 Status, not a TLS alert.
      bool verified = SSL_get_verify_result(request.ssl) == X509_V_OK;
      char name[256] = {0};
      X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name, sizeof name);
      X509_free(peer);
      return verified ? AuthResult{0, name} : AuthResult{401, ""};
    }
  }
  return {401, ""};
}

}  // namespace kubesim

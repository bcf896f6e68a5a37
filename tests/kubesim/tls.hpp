#pragma once
// Certificates made at start: a CA, a server certificate for 127.0.0.1 and
// localhost, and client certificates signed by the CA (OpenSSL EVP, P-256 keys).
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace kubesim {

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;
using CertPtr = std::unique_ptr<X509, CertDeleter>;

/// A certificate with its key, and their PEM forms.
struct Identity {
  KeyPtr key;
  CertPtr cert;
  std::string cert_pem;
  std::string key_pem;
};

/// A freshly generated CA with the server's certificate and the admin client's.
struct Pki {
  Identity ca;
  Identity server;
  Identity admin;  ///< CN=admin, O=system:masters
};

/// Generates the whole PKI; empty `error` on success.
bool make_pki(Pki& out, std::string& error);

/// Issues a client certificate (CN = user, O = each group) signed by `ca`.
bool issue_client(const Identity& ca, const std::string& user, const std::vector<std::string>& groups, Identity& out,
                  std::string& error);

/// Base64 of `data` (single line), for kubeconfig *-data fields.
std::string base64(const std::string& data);

}  // namespace kubesim

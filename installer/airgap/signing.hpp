#pragma once
// ECDSA P-256 signatures over a bundle's root manifest, in the format of key-based
// `cosign sign-blob`: base64 of the DER signature over SHA-256 of the content.
// Keys are PEM: PKCS#8 private key, SubjectPublicKeyInfo public key.
#include <filesystem>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace aiplat::airgap {

struct KeyPair {
  std::string private_pem;
  std::string public_pem;
};

/// A fresh P-256 key pair.
Result<KeyPair> generate_key_pair();

/// Writes PREFIX.key (mode 0600) and PREFIX.pub; refuses to overwrite existing files.
Result<void> write_key_pair(const KeyPair& keys, const std::string& prefix);

/// base64(DER(ECDSA-P256(SHA-256(content)))).
Result<std::string> sign_blob(std::string_view content, std::string_view private_pem);

/// Checks a base64 signature from sign_blob (or cosign) against a PEM public key.
Result<void> verify_blob(std::string_view content, std::string_view signature_base64, std::string_view public_pem);

}  // namespace aiplat::airgap

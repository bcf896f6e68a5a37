#include "util/sha256.hpp"

#include <openssl/evp.h>

namespace aiplat {

struct Sha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : m_state(std::make_unique<State>()) { EVP_DigestInit_ex(m_state->ctx, EVP_sha256(), nullptr); }

Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) { EVP_DigestUpdate(m_state->ctx, data.data(), data.size()); }

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(m_state->ctx, digest, &size);
  static const char* k_hex = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += k_hex[digest[i] >> 4];
    out += k_hex[digest[i] & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex();
}

}  // namespace aiplat

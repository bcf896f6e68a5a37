#pragma once
// SHA-256 for digests of sources, blobs and bundles (OpenSSL EVP).
#include <memory>
#include <string>
#include <string_view>

namespace aiplat {

/// Incremental hashing, for streams that must never be held in memory whole.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  /// Lower-case hex of the digest; the object is spent afterwards.
  std::string hex();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace aiplat

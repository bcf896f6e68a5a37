#include "airgap/signing.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "airgap/credentials.hpp"
#include "util/fs.hpp"

namespace aiplat::airgap {
namespace {

struct Free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  void operator()(BIO* b) const { BIO_free(b); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  ERR_clear_error();
  return buffer;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

bool is_p256(EVP_PKEY* key) {
  if (EVP_PKEY_base_id(key) != EVP_PKEY_EC) return false;
  char name[64] = {0};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, "group", name, sizeof name, &len) != 1) return false;
  return std::string(name) == "prime256v1" || std::string(name) == "P-256";
}

}  // namespace

Result<KeyPair> generate_key_pair() {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) return failure("generating a P-256 key: " + openssl_error());
  Owned<BIO> priv(BIO_new(BIO_s_mem()));
  Owned<BIO> pub(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    return failure("encoding the key as PEM: " + openssl_error());
  }
  return KeyPair{bio_text(priv.get()), bio_text(pub.get())};
}

Result<void> write_key_pair(const KeyPair& keys, const std::string& prefix) {
  std::string key_path = prefix + ".key";
  std::string pub_path = prefix + ".pub";
  for (const std::string& p : {key_path, pub_path}) {
    if (std::filesystem::exists(p)) return input_error(p + " already exists; remove it or choose another --out");
  }
  // Create the private key with 0600 from the start, never readable by others even briefly.
  std::string tmp = key_path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return failure("cannot create " + tmp);
  ::fchmod(fd, 0600);
  std::size_t done = 0;
  while (done < keys.private_pem.size()) {
    ssize_t n = ::write(fd, keys.private_pem.data() + done, keys.private_pem.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return failure("writing " + tmp + " failed");
    }
    done += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), key_path.c_str()) != 0) return failure("renaming " + tmp + " to " + key_path);
  return write_file_atomic(pub_path, keys.public_pem);
}

Result<std::string> sign_blob(std::string_view content, std::string_view private_pem) {
  Owned<BIO> bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return input_error("the signing key is not an unencrypted PEM private key: " + openssl_error());
  if (!is_p256(key.get())) return input_error("the signing key is not an ECDSA P-256 key");
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(content.data()),
                     content.size()) != 1) {
    return failure("signing: " + openssl_error());
  }
  std::string der(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &size,
                     reinterpret_cast<const unsigned char*>(content.data()), content.size()) != 1) {
    return failure("signing: " + openssl_error());
  }
  der.resize(size);
  return base64_encode(der);
}

Result<void> verify_blob(std::string_view content, std::string_view signature_base64, std::string_view public_pem) {
  Owned<BIO> bio(BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return input_error("the public key is not a PEM public key: " + openssl_error());
  if (!is_p256(key.get())) return input_error("the public key is not an ECDSA P-256 key");
  std::string trimmed(signature_base64);
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' ')) trimmed.pop_back();
  auto der = base64_decode(trimmed);
  if (!der || der->empty()) return failure("the signature is not base64");
  Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return failure("verifying: " + openssl_error());
  }
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der->data()), der->size(),
                            reinterpret_cast<const unsigned char*>(content.data()), content.size());
  ERR_clear_error();
  if (ok != 1) return failure("the signature does not match (wrong key, or the signed content was changed)");
  return {};
}

}  // namespace aiplat::airgap

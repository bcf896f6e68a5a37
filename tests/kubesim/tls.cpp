#include "tls.hpp"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

namespace kubesim {
namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

bool add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) {
    return false;
  }
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

struct Spec {
  std::string common_name;
  std::vector<std::string> organizations;
  bool is_ca = false;
  std::string key_usage;
  std::string extended_usage;
  std::string alt_names;
};

bool make_identity(const Spec& spec, const Identity* issuer, Identity& out, std::string& error) {
  out.key.reset(EVP_EC_gen("P-256"));
  if (!out.key) {
    error = "generating an EC key failed";
    return false;
  }
  out.cert.reset(X509_new());
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 60L * 60 * 24 * 365);
  X509_NAME* name = X509_get_subject_name(cert);
  for (const std::string& org : spec.organizations) {
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1,
                               0);
  }
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509* issuer_cert = issuer != nullptr ? issuer->cert.get() : cert;
  EVP_PKEY* issuer_key = issuer != nullptr ? issuer->key.get() : out.key.get();
  X509_set_issuer_name(cert, X509_get_subject_name(issuer_cert));
  X509_set_pubkey(cert, out.key.get());
  bool ok = add_extension(cert, issuer_cert, NID_basic_constraints, spec.is_ca ? "critical,CA:TRUE" : "CA:FALSE") &&
            add_extension(cert, issuer_cert, NID_key_usage, spec.key_usage.c_str()) &&
            add_extension(cert, issuer_cert, NID_subject_key_identifier, "hash");
  if (ok && issuer != nullptr) {
    ok = add_extension(cert, issuer_cert, NID_authority_key_identifier, "keyid:always");
  }
  if (ok && !spec.extended_usage.empty()) {
    ok = add_extension(cert, issuer_cert, NID_ext_key_usage, spec.extended_usage.c_str());
  }
  if (ok && !spec.alt_names.empty()) {
    ok = add_extension(cert, issuer_cert, NID_subject_alt_name, spec.alt_names.c_str());
  }
  if (!ok || X509_sign(cert, issuer_key, EVP_sha256()) == 0) {
    error = "building the certificate for " + spec.common_name + " failed";
    return false;
  }
  BIO* cert_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(cert_bio, cert);
  out.cert_pem = bio_text(cert_bio);
  BIO_free(cert_bio);
  BIO* key_bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(key_bio, out.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = bio_text(key_bio);
  BIO_free(key_bio);
  return true;
}

}  // namespace

bool make_pki(Pki& out, std::string& error) {
  return make_identity({"kubesim-ca", {}, true, "critical,keyCertSign,cRLSign,digitalSignature", "", ""}, nullptr,
                       out.ca, error) &&
         make_identity({"kube-apiserver", {}, false, "critical,digitalSignature,keyEncipherment", "serverAuth",
                        "IP:127.0.0.1,DNS:localhost"},
                       &out.ca, out.server, error) &&
         issue_client(out.ca, "admin", {"system:masters"}, out.admin, error);
}

bool issue_client(const Identity& ca, const std::string& user, const std::vector<std::string>& groups, Identity& out,
                  std::string& error) {
  return make_identity({user, groups, false, "critical,digitalSignature,keyEncipherment", "clientAuth", ""}, &ca,
                       out, error);
}

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(size));
  return out;
}

}  // namespace kubesim

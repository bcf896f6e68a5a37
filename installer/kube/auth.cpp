#include "kube/auth.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace aiplat::kube {
namespace {

std::string base64_encode(const std::string& in) {
  static const char* k_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += k_chars[(n >> 18) & 63];
    out += k_chars[(n >> 12) & 63];
    out += i + 1 < in.size() ? k_chars[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k_chars[n & 63] : '=';
  }
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t start = s.find_first_not_of(" \t\r\n");
  return start == std::string::npos ? std::string() : s.substr(start);
}

}  // namespace

Authenticator::Authenticator(const ClusterConfig& config, std::shared_ptr<ProcessRunner> runner,
                             std::shared_ptr<Clock> clock, Logger* logger, StdinTerminal stdin_terminal)
    : m_config(config), m_base_tls(std::make_shared<TlsConfig>(config.tls)), m_logger(logger) {
  for (const std::string& s : config.secrets()) remember_secret(s);
  if (!config.username.empty() && !config.password.empty()) {
    remember_secret(base64_encode(config.username + ":" + config.password));
  }
  if (config.exec) {
    m_exec = std::make_unique<ExecCredentialProvider>(*config.exec, config, std::move(runner), std::move(clock),
                                                      stdin_terminal);
  }
}

void Authenticator::remember_secret(const std::string& secret) {
  if (m_logger && !secret.empty()) m_logger->add_secret(secret);
}

Result<RequestAuth> Authenticator::current() {
  RequestAuth auth;
  auth.tls = m_base_tls;
  if (m_exec) {
    auto cred = m_exec->get();
    if (!cred) return tl::unexpected(cred.error());
    std::lock_guard lock(m_mutex);
    if (!cred->token.empty()) {
      remember_secret(cred->token);
      auth.authorization = "Bearer " + cred->token;
    }
    if (!cred->client_certificate_pem.empty()) {
      remember_secret(cred->client_key_pem);
      std::string key = cred->client_certificate_pem + cred->client_key_pem;
      if (key != m_exec_cert_key || !m_exec_tls) {
        auto tls = std::make_shared<TlsConfig>(m_config.tls);
        tls->client_cert_pem = cred->client_certificate_pem;
        tls->client_key_pem = cred->client_key_pem;
        tls->client_cert_file.clear();
        tls->client_key_file.clear();
        m_exec_tls = tls;
        m_exec_cert_key = key;
      }
      auth.tls = m_exec_tls;
    }
    if (!auth.authorization.empty() || !cred->client_certificate_pem.empty()) return auth;
  }
  if (!m_config.token_file.empty()) {
    std::lock_guard lock(m_mutex);
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(m_config.token_file, ec);
    if (ec) return failure(fmt::format("cannot read tokenFile {}: {}", m_config.token_file, ec.message()));
    if (m_file_token.empty() || mtime != m_file_mtime) {
      std::ifstream in(m_config.token_file, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      if (!in) return failure(fmt::format("cannot read tokenFile {}", m_config.token_file));
      std::string token = trim(buffer.str());
      if (token.empty()) return failure(fmt::format("tokenFile {} is empty", m_config.token_file));
      remember_secret(token);
      m_file_token = token;
      m_file_mtime = mtime;
    }
    auth.authorization = "Bearer " + m_file_token;
    return auth;
  }
  if (!m_config.token.empty()) {
    auth.authorization = "Bearer " + m_config.token;
  } else if (!m_config.username.empty()) {
    auth.authorization = "Basic " + base64_encode(m_config.username + ":" + m_config.password);
  }
  return auth;
}

bool Authenticator::refresh_after_unauthorized() {
  if (m_exec) {
    m_exec->invalidate();
    return true;
  }
  if (!m_config.token_file.empty()) {
    // A rotated token may have been written within the file's mtime granularity: re-read it.
    std::lock_guard lock(m_mutex);
    m_file_token.clear();
    return true;
  }
  return false;
}

}  // namespace aiplat::kube

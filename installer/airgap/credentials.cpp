#include "airgap/credentials.hpp"

#include <nlohmann/json.hpp>

#include "util/fs.hpp"

namespace aiplat::airgap {
namespace {
constexpr std::string_view k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) | (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += k_alphabet[(v >> 6) & 63];
    out += k_alphabet[v & 63];
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? k_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    std::size_t v = k_alphabet.find(c);
    if (v == std::string_view::npos) return input_error("invalid base64 character");
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

std::string normalise_registry_key(std::string_view key) {
  std::string k(key);
  if (std::size_t scheme = k.find("://"); scheme != std::string::npos) k = k.substr(scheme + 3);
  if (std::size_t slash = k.find('/'); slash != std::string::npos) k.resize(slash);
  if (k == "index.docker.io" || k == "registry-1.docker.io") k = "docker.io";
  return k;
}

Result<CredentialStore> CredentialStore::parse(std::string_view text, const std::string& file) {
  CredentialStore store;
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return input_error(file + ": not a JSON object");
  if (!doc.contains("auths")) return store;
  if (!doc["auths"].is_object()) return input_error(file + ": \"auths\" must be an object");
  for (const auto& [key, entry] : doc["auths"].items()) {
    if (!entry.is_object()) return input_error(file + ": auths[\"" + key + "\"] must be an object");
    Credentials c;
    c.username = entry.value("username", "");
    c.password = entry.value("password", "");
    c.identity_token = entry.value("identitytoken", "");
    std::string auth = entry.value("auth", "");
    if (!auth.empty()) {
      auto decoded = base64_decode(auth);
      std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
      if (colon == std::string::npos) {
        return input_error(file + ": auths[\"" + key + "\"].auth is not base64 of user:password");
      }
      c.username = decoded->substr(0, colon);
      c.password = decoded->substr(colon + 1);
    }
    if (c.username.empty() && c.password.empty() && c.identity_token.empty()) continue;  // credential helpers
    store.m_by_registry[normalise_registry_key(key)] = std::move(c);
  }
  return store;
}

Result<CredentialStore> CredentialStore::from_docker_config(const std::map<std::string, std::string>& env) {
  std::string dir;
  if (auto it = env.find("DOCKER_CONFIG"); it != env.end() && !it->second.empty()) {
    dir = it->second;
  } else if (auto home = env.find("HOME"); home != env.end() && !home->second.empty()) {
    dir = home->second + "/.docker";
  } else {
    return CredentialStore{};
  }
  std::string path = dir + "/config.json";
  RealFs fs;
  if (!fs.exists(path)) return CredentialStore{};
  auto text = fs.read_file(path);
  if (!text) return tl::unexpected(text.error());
  return parse(*text, path);
}

void CredentialStore::set(const std::string& registry, Credentials credentials) {
  m_by_registry[normalise_registry_key(registry)] = std::move(credentials);
}

std::optional<Credentials> CredentialStore::find(std::string_view registry) const {
  auto it = m_by_registry.find(normalise_registry_key(registry));
  if (it == m_by_registry.end()) return std::nullopt;
  return it->second;
}

}  // namespace aiplat::airgap

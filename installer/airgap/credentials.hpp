#pragma once
// Registry credentials: docker's config.json (auths, base64 "auth", identitytoken)
// and explicit --username/--password-stdin, which win.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace aiplat::airgap {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  ///< an OAuth2 refresh token from `docker login` with a token server
};

class CredentialStore {
 public:
  /// Reads $DOCKER_CONFIG/config.json or ~/.docker/config.json; a missing file gives an empty store.
  static Result<CredentialStore> from_docker_config(const std::map<std::string, std::string>& env);
  /// Parses the text of a config.json; `file` names it in errors.
  static Result<CredentialStore> parse(std::string_view text, const std::string& file);

  /// Credentials for `registry` ("host:port"); explicit ones replace any from config.json.
  void set(const std::string& registry, Credentials credentials);
  [[nodiscard]] std::optional<Credentials> find(std::string_view registry) const;

 private:
  std::map<std::string, Credentials> m_by_registry;
};

/// "https://index.docker.io/v1/" -> "docker.io"; "https://h:5000/x" -> "h:5000".
std::string normalise_registry_key(std::string_view key);

/// Standard base64 without line breaks.
std::string base64_encode(std::string_view data);
/// Decodes standard base64 (padding optional); fails on other characters.
Result<std::string> base64_decode(std::string_view text);

}  // namespace aiplat::airgap

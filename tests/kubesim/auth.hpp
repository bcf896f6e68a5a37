#pragma once
// Who is calling: a client certificate signed by kubesim's CA, or a bearer token
// given with --token / --token-file / the admin endpoint. Anything else is 401;
// a token marked forbidden authenticates but is refused (403).
#include <map>
#include <mutex>
#include <string>

#include <httplib.h>

namespace kubesim {

/// The outcome of authentication: 0 when allowed, else 401 or 403.
struct AuthResult {
  int code = 0;
  std::string user;
};

class Authenticator {
 public:
  /// Accepts `token`; `forbidden` makes every request with it 403.
  void add_token(const std::string& token, bool forbidden);
  /// Stops accepting `token` (as if it expired).
  void revoke_token(const std::string& token);
  [[nodiscard]] AuthResult check(const httplib::Request& request) const;

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, bool> m_tokens;  ///< token -> forbidden
};

}  // namespace kubesim

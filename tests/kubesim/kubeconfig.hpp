#pragma once
// The kubeconfig kubesim writes for its clients: context "kubesim" (admin client
// certificate) and, when a token is given, context "token" (bearer token).
#include <string>

#include "tls.hpp"

namespace kubesim {

/// Writes the kubeconfig to `path` (mode 0600); `token` empty: no token user.
bool write_kubeconfig(const std::string& path, const std::string& server, const Pki& pki, const std::string& token,
                      std::string& error);

}  // namespace kubesim

#include "kubeconfig.hpp"

#include <sys/stat.h>

#include <fstream>

#include "util/yaml.hpp"

namespace kubesim {

bool write_kubeconfig(const std::string& path, const std::string& server, const Pki& pki, const std::string& token,
                      std::string& error) {
  using aiplat::Json;
  Json cluster = {{"name", "kubesim"},
                  {"cluster", {{"server", server}, {"certificate-authority-data", base64(pki.ca.cert_pem)}}}};
  Json users = Json::array({{{"name", "admin"},
                             {"user",
                              {{"client-certificate-data", base64(pki.admin.cert_pem)},
                               {"client-key-data", base64(pki.admin.key_pem)}}}}});
  Json contexts = Json::array({{{"name", "kubesim"}, {"context", {{"cluster", "kubesim"}, {"user", "admin"}}}}});
  if (!token.empty()) {
    users.push_back({{"name", "token"}, {"user", {{"token", token}}}});
    contexts.push_back({{"name", "token"}, {"context", {{"cluster", "kubesim"}, {"user", "token"}}}});
  }
  Json config = {{"apiVersion", "v1"},          {"kind", "Config"},           {"clusters", Json::array({cluster})},
                 {"users", users},              {"contexts", contexts},       {"current-context", "kubesim"},
                 {"preferences", Json::object()}};
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << aiplat::to_yaml(config);
    if (!out) {
      error = "--kubeconfig-out " + path + ": cannot write it";
      return false;
    }
  }
  chmod(temp.c_str(), 0600);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    error = "--kubeconfig-out " + path + ": cannot write it";
    return false;
  }
  return true;
}

}  // namespace kubesim

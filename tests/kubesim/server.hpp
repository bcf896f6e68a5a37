#pragma once
// The HTTPS front: TLS with client-certificate support, authentication, fault
// injection, the request log, and dispatch to discovery, objects and watches.
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include <httplib.h>

#include "auth.hpp"
#include "cluster.hpp"
#include "faults.hpp"
#include "tls.hpp"

namespace kubesim {

class ApiServer {
 public:
  ApiServer(Cluster& cluster, Authenticator& auth, Faults& faults, const Pki& pki);
  /// Appends "METHOD TARGET STATUS" per request to `path`, flushed per line.
  bool open_request_log(const std::string& path);
  /// Binds `host`:`port` (0: any free port); returns the port or -1.
  int bind(const std::string& host, int port);
  /// Serves until stop().
  bool run();
  void stop();
  [[nodiscard]] bool valid() const;

 private:
  void handle(const httplib::Request& request, httplib::Response& response);
  void handle_resource(const httplib::Request& request, httplib::Response& response, const std::string& group,
                       const std::string& version, const std::vector<std::string>& rest);
  void handle_admin(const httplib::Request& request, httplib::Response& response, const std::string& what);
  void log_request(const httplib::Request& request, const std::string& status);

  Cluster& m_cluster;
  Authenticator& m_auth;
  Faults& m_faults;
  std::unique_ptr<httplib::SSLServer> m_server;
  std::ofstream m_log;
  std::mutex m_log_mutex;
  int m_port = 0;
};

}  // namespace kubesim

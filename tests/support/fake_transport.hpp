#pragma once
// A scripted, recording HttpTransport for unit tests: routes match a method and a
// URL path (regex, query string excluded) and answer with canned responses; every
// request is recorded so tests can assert on what was sent.
#include <functional>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "util/http.hpp"

namespace aiplat::testing {

class FakeTransport final : public HttpTransport {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  /// Answers `method` requests whose path matches `path_regex` with `handler`.
  /// Later routes win over earlier ones, so a test can override a default.
  void on(const std::string& method, const std::string& path_regex, Handler handler);
  /// Shorthand: always the same status and body (JSON by default).
  void reply(const std::string& method, const std::string& path_regex, long status, std::string body,
             std::string content_type = "application/json");
  /// Answers with each response in turn, then repeats the last one.
  void sequence(const std::string& method, const std::string& path_regex, std::vector<HttpResponse> responses);

  HttpResponse send(const HttpRequest& request) override;

  /// Requests seen so far, in order.
  std::vector<HttpRequest> requests() const;
  /// "METHOD path?query" of each request seen so far.
  std::vector<std::string> request_lines() const;
  /// How many requests matched method and path regex.
  int count(const std::string& method, const std::string& path_regex) const;

 private:
  struct Route {
    std::string method;
    std::regex path;
    Handler handler;
  };
  mutable std::mutex m_mutex;
  std::vector<Route> m_routes;
  std::vector<HttpRequest> m_requests;
};

/// The path part of a URL ("https://h:1/api/v1/pods?x=1" -> "/api/v1/pods").
std::string url_path(const std::string& url);
/// The query part without "?", or empty.
std::string url_query(const std::string& url);
/// A JSON response with the given status.
HttpResponse json_response(long status, const std::string& body);

}  // namespace aiplat::testing

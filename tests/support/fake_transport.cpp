#include "support/fake_transport.hpp"

#include <memory>

namespace aiplat::testing {

std::string url_path(const std::string& url) {
  std::size_t scheme = url.find("://");
  std::size_t start = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  if (start == std::string::npos) return "/";
  std::size_t end = url.find('?', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string url_query(const std::string& url) {
  std::size_t q = url.find('?');
  return q == std::string::npos ? std::string() : url.substr(q + 1);
}

HttpResponse json_response(long status, const std::string& body) {
  HttpResponse r;
  r.status = status;
  r.body = body;
  r.headers.emplace_back("content-type", "application/json");
  return r;
}

void FakeTransport::on(const std::string& method, const std::string& path_regex, Handler handler) {
  std::lock_guard lock(m_mutex);
  m_routes.push_back(Route{method, std::regex(path_regex), std::move(handler)});
}

void FakeTransport::reply(const std::string& method, const std::string& path_regex, long status, std::string body,
                          std::string content_type) {
  on(method, path_regex, [=](const HttpRequest&) {
    HttpResponse r;
    r.status = status;
    r.body = body;
    r.headers.emplace_back("content-type", content_type);
    return r;
  });
}

void FakeTransport::sequence(const std::string& method, const std::string& path_regex,
                             std::vector<HttpResponse> responses) {
  auto state = std::make_shared<std::pair<std::size_t, std::vector<HttpResponse>>>(0, std::move(responses));
  on(method, path_regex, [state](const HttpRequest&) {
    auto& [next, list] = *state;
    if (list.empty()) return HttpResponse{};
    HttpResponse r = list[std::min(next, list.size() - 1)];
    ++next;
    return r;
  });
}

HttpResponse FakeTransport::send(const HttpRequest& request) {
  Handler handler;
  {
    std::lock_guard lock(m_mutex);
    HttpRequest copy = request;
    copy.on_data = nullptr;
    copy.body_reader = nullptr;
    m_requests.push_back(copy);
    std::string path = url_path(request.url);
    for (auto it = m_routes.rbegin(); it != m_routes.rend(); ++it) {
      if (it->method == request.method && std::regex_match(path, it->path)) {
        handler = it->handler;
        break;
      }
    }
  }
  if (!handler) {
    return json_response(404, R"({"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound",)"
                              R"("message":"no fake route for )" + request.method + " " + url_path(request.url) +
                                  R"(","code":404})");
  }
  HttpResponse response = handler(request);
  bool success = response.status >= 200 && response.status < 300;
  if (request.on_data && response.ok() && (success || !request.on_data_only_on_success)) {
    request.on_data(response.body);
    response.body.clear();
  }
  return response;
}

std::vector<HttpRequest> FakeTransport::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

std::vector<std::string> FakeTransport::request_lines() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> out;
  for (const HttpRequest& r : m_requests) {
    std::string q = url_query(r.url);
    out.push_back(r.method + " " + url_path(r.url) + (q.empty() ? "" : "?" + q));
  }
  return out;
}

int FakeTransport::count(const std::string& method, const std::string& path_regex) const {
  std::lock_guard lock(m_mutex);
  std::regex re(path_regex);
  int n = 0;
  for (const HttpRequest& r : m_requests) {
    if (r.method == method && std::regex_match(url_path(r.url), re)) ++n;
  }
  return n;
}

}  // namespace aiplat::testing

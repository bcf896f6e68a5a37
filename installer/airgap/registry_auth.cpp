// Auth and retries for RegistryClient: every request goes through send().
#include <algorithm>
#include <cctype>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "airgap/registry_client.hpp"

namespace aiplat::airgap {
namespace {

std::string percent_encode(std::string_view s) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

void set_header(HttpRequest& request, const std::string& name, const std::string& value) {
  auto& h = request.headers;
  h.erase(std::remove_if(h.begin(), h.end(), [&](const auto& p) { return p.first == name; }), h.end());
  if (!value.empty()) h.emplace_back(name, value);
}

}  // namespace

std::string repo_scope(const std::string& repo, bool push) {
  return "repository:" + repo + (push ? ":pull,push" : ":pull");
}

std::pair<std::string, std::map<std::string, std::string>> parse_challenge(std::string_view header) {
  std::map<std::string, std::string> params;
  std::size_t space = header.find(' ');
  std::string scheme(header.substr(0, space));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (space == std::string_view::npos) return {scheme, params};
  std::string_view rest = header.substr(space + 1);
  while (!rest.empty()) {
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) rest.remove_prefix(1);
    std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string key(rest.substr(0, eq));
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    rest.remove_prefix(eq + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      rest.remove_prefix(1);
      while (!rest.empty() && rest.front() != '"') {
        if (rest.front() == '\\' && rest.size() > 1) rest.remove_prefix(1);
        value += rest.front();
        rest.remove_prefix(1);
      }
      if (!rest.empty()) rest.remove_prefix(1);
    } else {
      std::size_t comma = rest.find(',');
      value = std::string(rest.substr(0, comma));
      rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma);
    }
    params[key] = value;
  }
  return {scheme, params};
}

bool is_retryable(const HttpResponse& response) {
  if (!response.ok()) {
    return response.error == TransportError::connect || response.error == TransportError::reset ||
           response.error == TransportError::timeout || response.error == TransportError::other;
  }
  return response.status == 429 || response.status == 500 || response.status == 502 || response.status == 503 ||
         response.status == 504;
}

std::chrono::milliseconds retry_delay(const HttpResponse& response, int attempt, std::chrono::milliseconds base) {
  std::string after = response.header("retry-after");
  if (!after.empty() && std::all_of(after.begin(), after.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::chrono::milliseconds(std::min<long long>(std::stoll(after.substr(0, 6)), 30) * 1000);
  }
  long long ms = base.count() << std::min(attempt - 1, 5);
  ms = std::min<long long>(ms, 5000);
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<long long> jitter(0, ms / 4 + 1);
  return std::chrono::milliseconds(ms + jitter(rng));
}

std::string RegistryClient::auth_header(const std::string& scope) {
  std::optional<Challenge> bearer;
  {
    std::lock_guard lock(m_mutex);
    if (m_basic && m_credentials) {
      return "Basic " + base64_encode(m_credentials->username + ":" + m_credentials->password);
    }
    if (auto it = m_tokens.find(scope); it != m_tokens.end()) return "Bearer " + it->second;
    bearer = m_bearer;
  }
  if (!bearer) return {};
  // Known token server: fetch the token up front instead of paying a 401 round trip.
  auto token = fetch_token(*bearer, scope);
  if (!token) return {};
  std::lock_guard lock(m_mutex);
  m_tokens[scope] = *token;
  return "Bearer " + *token;
}

Result<std::string> RegistryClient::fetch_token(const Challenge& challenge, const std::string& scope) {
  auto realm = challenge.params.find("realm");
  if (realm == challenge.params.end() || realm->second.empty()) {
    return failure("registry " + m_registry + " asked for a bearer token but named no token realm");
  }
  std::string service = challenge.params.count("service") ? challenge.params.at("service") : "";
  std::vector<std::string> scopes;
  std::size_t start = 0;
  while (start < scope.size()) {
    std::size_t end = scope.find(' ', start);
    scopes.push_back(scope.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  HttpRequest request;
  request.url = realm->second;
  request.tls = &m_options.tls;
  request.timeout = std::chrono::seconds(60);
  if (m_credentials && !m_credentials->identity_token.empty()) {
    request.method = "POST";
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.body = "grant_type=refresh_token&client_id=aiplat&service=" + percent_encode(service) +
                   "&refresh_token=" + percent_encode(m_credentials->identity_token);
    for (const auto& s : scopes) request.body += "&scope=" + percent_encode(s);
  } else {
    request.url += (request.url.find('?') == std::string::npos ? "?" : "&");
    request.url += "service=" + percent_encode(service);
    for (const auto& s : scopes) request.url += "&scope=" + percent_encode(s);
    if (m_credentials && !m_credentials->username.empty()) {
      request.headers.emplace_back("Authorization",
                                   "Basic " + base64_encode(m_credentials->username + ":" + m_credentials->password));
    }
  }
  HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    response = m_http->send(request);
    if (!is_retryable(response) || attempt >= m_options.max_attempts) break;
    std::this_thread::sleep_for(retry_delay(response, attempt, m_options.backoff));
  }
  if (!response.ok()) return failure("token server " + realm->second + ": " + response.error_message);
  if (response.status == 401 || response.status == 403) {
    return failure("token server " + realm->second + " rejected the credentials" +
                   (m_credentials ? " for user \"" + m_credentials->username + "\"" : " (none given)") +
                   " (HTTP " + std::to_string(response.status) + ")");
  }
  if (response.status != 200) {
    return failure("token server " + realm->second + " answered HTTP " + std::to_string(response.status));
  }
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  std::string token;
  if (doc.is_object()) token = doc.value("token", doc.value("access_token", ""));
  if (token.empty()) return failure("token server " + realm->second + " returned no token");
  return token;
}

bool RegistryClient::authorise(const HttpResponse& unauthorised, const std::string& scope, std::string& error) {
  auto [scheme, params] = parse_challenge(unauthorised.header("www-authenticate"));
  std::string who = m_credentials ? "user \"" + m_credentials->username + "\"" : "anonymous access";
  if (scheme == "basic") {
    std::lock_guard lock(m_mutex);
    if (!m_credentials) {
      error = "registry " + m_registry + " requires authentication: give --username and --password-stdin, "
              "or log in with docker login";
      return false;
    }
    if (m_basic) {
      error = "registry " + m_registry + " rejected the credentials of " + who + " (HTTP 401)";
      return false;
    }
    m_basic = true;
    return true;
  }
  if (scheme == "bearer") {
    Challenge challenge{scheme, params};
    std::string wanted = scope;
    if (auto s = params.find("scope"); s != params.end() && scope.find(s->second) == std::string::npos) {
      wanted = scope.empty() ? s->second : scope + " " + s->second;
    }
    {
      std::lock_guard lock(m_mutex);
      if (m_tokens.count(wanted)) {
        error = "registry " + m_registry + " refused the token for " + wanted + " (" + who + ")";
        return false;
      }
      m_bearer = challenge;
    }
    auto token = fetch_token(challenge, wanted);
    if (!token) {
      error = token.error().message;
      return false;
    }
    std::lock_guard lock(m_mutex);
    m_tokens[wanted] = *token;
    m_tokens[scope] = *token;
    return true;
  }
  error = "registry " + m_registry + " answered 401 with an unsupported challenge \"" + scheme + "\"";
  return false;
}

HttpResponse RegistryClient::send(HttpRequest request, const std::string& scope, const std::function<void()>& rewind,
                                  int attempts) {
  int max_attempts = attempts > 0 ? attempts : m_options.max_attempts;
  request.tls = &m_options.tls;
  if (request.timeout.count() == 0) request.timeout = std::chrono::minutes(30);
  bool tried_auth = false;
  HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    set_header(request, "Authorization", auth_header(scope));
    response = m_http->send(request);
    if (response.ok() && response.status == 401 && !tried_auth) {
      tried_auth = true;
      std::string error;
      if (!authorise(response, scope, error)) {
        response.error_message = error;
        return response;
      }
      if (rewind) rewind();
      --attempt;
      continue;
    }
    if (response.ok() && response.status == 401) {
      response.error_message = "registry " + m_registry + " rejected the credentials" +
                               (m_credentials ? " of user \"" + m_credentials->username + "\"" : "") + " (HTTP 401)";
      return response;
    }
    if (!is_retryable(response) || attempt >= max_attempts) return response;
    auto delay = retry_delay(response, attempt, m_options.backoff);
    if (m_progress) {
      std::string why = response.ok() ? "HTTP " + std::to_string(response.status) : std::string(describe(response.error));
      m_progress->note("retrying " + request.method + " " + request.url + " in " + std::to_string(delay.count()) +
                       " ms (" + why + ", attempt " + std::to_string(attempt + 1) + " of " +
                       std::to_string(max_attempts) + ")");
    }
    std::this_thread::sleep_for(delay);
    if (rewind) rewind();
  }
}

}  // namespace aiplat::airgap

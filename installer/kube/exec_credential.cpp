#include "kube/exec_credential.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include <fmt/format.h>

namespace aiplat::kube {
namespace {

// A credential that expires this soon is treated as expired, so it cannot lapse mid-request.
constexpr std::chrono::seconds k_expiry_skew{5};
// Plugins that hang (waiting for a browser login that never comes) must not hang aiplat.
constexpr std::chrono::milliseconds k_plugin_timeout{120000};

std::string string_at(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// RFC 3339 ("2030-01-01T10:00:00Z", "2030-01-01T10:00:00.5+02:00") to a time point.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  int y, mo, d, h, mi, s;
  char t;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &t, &h, &mi, &s, &consumed) != 7) {
    return std::nullopt;
  }
  if (t != 'T' && t != 't' && t != ' ') return std::nullopt;
  std::size_t pos = static_cast<std::size_t>(consumed);
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                   std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  auto tp = std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s) -
            std::chrono::minutes(offset_minutes);
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(tp);
}

std::string trimmed_tail(const std::string& text, std::size_t max) {
  std::string out = text.size() > max ? "..." + text.substr(text.size() - max) : text;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

}  // namespace

ExecCredentialProvider::ExecCredentialProvider(ExecConfig config, ClusterConfig cluster,
                                               std::shared_ptr<ProcessRunner> runner, std::shared_ptr<Clock> clock,
                                               StdinTerminal stdin_terminal)
    : m_config(std::move(config)),
      m_cluster(std::move(cluster)),
      m_runner(std::move(runner)),
      m_clock(std::move(clock)),
      m_stdin_terminal(stdin_terminal) {}

Result<ExecCredential> ExecCredentialProvider::get() {
  std::lock_guard lock(m_mutex);
  if (m_cached && (!m_cached->expires || *m_cached->expires - k_expiry_skew > m_clock->wall_now())) return *m_cached;
  auto fresh = run_plugin();
  if (!fresh) return fresh;
  m_cached = *fresh;
  return fresh;
}

void ExecCredentialProvider::invalidate() {
  std::lock_guard lock(m_mutex);
  m_cached.reset();
}

int ExecCredentialProvider::runs() const {
  std::lock_guard lock(m_mutex);
  return m_runs;
}

std::string exec_info_json(const ExecConfig& config, const ClusterConfig& cluster, bool interactive) {
  Json spec = Json::object();
  spec["interactive"] = interactive;
  if (config.provide_cluster_info) {
    Json c = Json::object();
    c["server"] = cluster.server;
    if (!cluster.tls.server_name.empty()) c["tls-server-name"] = cluster.tls.server_name;
    if (cluster.tls.insecure_skip_verify) c["insecure-skip-tls-verify"] = true;
    if (!cluster.tls.ca_pem.empty()) {
      // The wire format is base64 of the PEM, as in a kubeconfig.
      static const char* k_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const std::string& in = cluster.tls.ca_pem;
      std::string b64;
      for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned n = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
        b64 += k_chars[(n >> 18) & 63];
        b64 += k_chars[(n >> 12) & 63];
        b64 += i + 1 < in.size() ? k_chars[(n >> 6) & 63] : '=';
        b64 += i + 2 < in.size() ? k_chars[n & 63] : '=';
      }
      c["certificate-authority-data"] = b64;
    }
    if (!cluster.proxy_url.empty()) c["proxy-url"] = cluster.proxy_url;
    if (!cluster.exec_cluster_config.is_null()) c["config"] = cluster.exec_cluster_config;
    spec["cluster"] = c;
  }
  Json info = {{"apiVersion", config.api_version}, {"kind", "ExecCredential"}, {"spec", spec}};
  return info.dump();
}

Result<ExecCredential> parse_exec_credential(const std::string& out, const std::string& api_version) {
  Json j = Json::parse(out, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return failure("its output is not an ExecCredential JSON object");
  if (string_at(j, "kind") != "ExecCredential") return failure("its output is not kind ExecCredential");
  if (string_at(j, "apiVersion") != api_version) {
    return failure(fmt::format("it returned apiVersion \"{}\" but the kubeconfig asks for \"{}\"",
                               string_at(j, "apiVersion"), api_version));
  }
  auto status = j.find("status");
  if (status == j.end() || !status->is_object()) return failure("its ExecCredential has no status");
  ExecCredential cred;
  cred.token = string_at(*status, "token");
  cred.client_certificate_pem = string_at(*status, "clientCertificateData");
  cred.client_key_pem = string_at(*status, "clientKeyData");
  if (cred.client_certificate_pem.empty() != cred.client_key_pem.empty()) {
    return failure("its ExecCredential has only one of clientCertificateData and clientKeyData");
  }
  if (cred.token.empty() && cred.client_certificate_pem.empty()) {
    return failure("its ExecCredential status has neither a token nor a client certificate");
  }
  std::string expiry = string_at(*status, "expirationTimestamp");
  if (!expiry.empty()) {
    cred.expires = parse_rfc3339(expiry);
    if (!cred.expires) return failure(fmt::format("its expirationTimestamp \"{}\" is not RFC 3339", expiry));
  }
  return cred;
}

Result<ExecCredential> ExecCredentialProvider::run_plugin() {
  const std::string& command = m_config.command;
  std::string hint = m_config.install_hint.empty() ? std::string() : "\n" + m_config.install_hint;
  bool exists = command.find('/') != std::string::npos ? ::access(command.c_str(), X_OK) == 0
                                                        : !find_in_path(command).empty();
  if (!exists) {
    return input_error(fmt::format("exec credential plugin \"{}\" of user \"{}\" was not found{}", command,
                                   m_cluster.user_name, hint));
  }
  if (m_config.interactive_mode == InteractiveMode::always) {
    // Plugins run with piped stdin, so a terminal is never available to them.
    return input_error(fmt::format("exec credential plugin \"{}\" needs an interactive terminal "
                                   "(interactiveMode: Always), which aiplat does not provide to plugins",
                                   command));
  }
  ProcessSpec spec;
  spec.argv.push_back(command);
  spec.argv.insert(spec.argv.end(), m_config.args.begin(), m_config.args.end());
  for (const auto& [name, value] : m_config.env) spec.env[name] = value;
  spec.env["KUBERNETES_EXEC_INFO"] = exec_info_json(m_config, m_cluster, false);
  spec.timeout = k_plugin_timeout;
  ++m_runs;
  auto result = m_runner->run(spec);
  std::string who = fmt::format("exec credential plugin \"{}\" of user \"{}\"", command, m_cluster.user_name);
  if (!result) return tl::unexpected(result.error().with_context(who));
  if (result->timed_out) {
    return failure(fmt::format("{} did not finish within {} s", who, k_plugin_timeout.count() / 1000));
  }
  if (result->exit_code != 0) {
    std::string err = trimmed_tail(result->err, 500);
    return failure(fmt::format("{} failed with exit code {}{}{}", who, result->exit_code, err.empty() ? "" : ": ",
                               err));
  }
  auto cred = parse_exec_credential(result->out, m_config.api_version);
  if (!cred) return tl::unexpected(cred.error().with_context(who));
  return cred;
}

}  // namespace aiplat::kube

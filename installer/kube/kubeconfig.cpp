#include "kube/kubeconfig.hpp"

#include <filesystem>
#include <algorithm>
#include <set>

#include <fmt/ranges.h>
#include <fmt/format.h>

namespace aiplat::kube {
namespace fsys = std::filesystem;

namespace {

std::string string_at(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// kubectl resolves relative paths against the directory of the file that holds them.
void make_absolute(Json& map, const char* key, const fsys::path& dir) {
  auto it = map.find(key);
  if (it == map.end() || !it->is_string()) return;
  std::string value = it->get<std::string>();
  if (value.empty() || fsys::path(value).is_absolute()) return;
  *it = (dir / value).lexically_normal().string();
}

// Reads one named list ("clusters", "users", "contexts") into `out`; names already
// present (from an earlier file) win.
void merge_named(const YamlDocument& doc, const char* list, const char* field, std::map<std::string, Json>& out,
                         const fsys::path& dir, std::vector<std::string>& problems) {
  auto it = doc.value.find(list);
  if (it == doc.value.end() || it->is_null()) return;
  if (!it->is_array()) {
    problems.push_back(fmt::format("{}: {} must be a list", doc.where(std::string("/") + list), list));
    return;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& entry = (*it)[i];
    std::string pointer = fmt::format("/{}/{}", list, i);
    std::string name = entry.is_object() ? string_at(entry, "name") : std::string();
    if (name.empty()) {
      problems.push_back(fmt::format("{}: {} entry has no name", doc.where(pointer), list));
      continue;
    }
    if (out.count(name)) continue;
    Json value = entry.is_object() && entry.contains(field) && entry[field].is_object() ? entry[field] : Json::object();
    if (std::string(list) == "clusters") {
      make_absolute(value, "certificate-authority", dir);
    } else if (std::string(list) == "users") {
      make_absolute(value, "client-certificate", dir);
      make_absolute(value, "client-key", dir);
      make_absolute(value, "tokenFile", dir);
      if (value.contains("exec") && value["exec"].is_object()) {
        std::string command = string_at(value["exec"], "command");
        // A bare name is looked up in PATH; only a path with a separator is file-relative.
        if (command.find('/') != std::string::npos) make_absolute(value["exec"], "command", dir);
      }
    }
    out.emplace(name, std::move(value));
  }
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(':', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

Result<std::string> decode_field(const Json& map, const char* key, const std::string& owner) {
  std::string data = string_at(map, key);
  if (data.empty()) return std::string();
  auto decoded = base64_decode(data);
  if (!decoded) return input_error(fmt::format("{}: {} is not valid base64", owner, key));
  return *decoded;
}

Result<ExecConfig> parse_exec(const Json& exec, const std::string& owner) {
  ExecConfig config;
  config.api_version = string_at(exec, "apiVersion");
  config.command = string_at(exec, "command");
  std::vector<std::string> problems;
  if (config.api_version != "client.authentication.k8s.io/v1" &&
      config.api_version != "client.authentication.k8s.io/v1beta1") {
    problems.push_back(fmt::format("exec apiVersion \"{}\" is not supported (use client.authentication.k8s.io/v1 "
                                   "or v1beta1)", config.api_version));
  }
  if (config.command.empty()) problems.push_back("exec has no command");
  if (auto args = exec.find("args"); args != exec.end() && args->is_array()) {
    for (const Json& a : *args) {
      if (a.is_string()) config.args.push_back(a.get<std::string>());
    }
  }
  if (auto env = exec.find("env"); env != exec.end() && env->is_array()) {
    for (const Json& e : *env) {
      if (e.is_object()) config.env.emplace_back(string_at(e, "name"), string_at(e, "value"));
    }
  }
  config.install_hint = string_at(exec, "installHint");
  std::string mode = string_at(exec, "interactiveMode");
  if (mode == "Never") {
    config.interactive_mode = InteractiveMode::never;
  } else if (mode == "Always") {
    config.interactive_mode = InteractiveMode::always;
  } else if (mode == "IfAvailable") {
    config.interactive_mode = InteractiveMode::if_available;
  } else if (mode.empty()) {
    // v1 made the field mandatory; v1beta1 defaults it to IfAvailable.
    if (config.api_version == "client.authentication.k8s.io/v1") {
      problems.push_back("exec interactiveMode must be set for client.authentication.k8s.io/v1 "
                         "(Never, IfAvailable or Always)");
    }
  } else {
    problems.push_back(fmt::format("exec interactiveMode \"{}\" is not Never, IfAvailable or Always", mode));
  }
  if (auto p = exec.find("provideClusterInfo"); p != exec.end() && p->is_boolean()) {
    config.provide_cluster_info = p->get<bool>();
  }
  if (!problems.empty()) {
    std::string text;
    for (const std::string& p : problems) text += (text.empty() ? "" : "; ") + p;
    return input_error(fmt::format("{}: {}", owner, text));
  }
  return config;
}

}  // namespace

std::vector<std::string> ClusterConfig::secrets() const {
  std::vector<std::string> out;
  for (const std::string* s : {&token, &password, &tls.client_key_pem}) {
    if (!s->empty()) out.push_back(*s);
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = value(c);
    if (v < 0 || padding) return input_error("invalid base64");
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (bits >= 6) return input_error("invalid base64 length");
  return out;
}

Result<Kubeconfig> load_kubeconfig(const KubeconfigOptions& options, Fs& fs) {
  std::vector<std::string> files;
  if (!options.explicit_path.empty()) {
    if (!fs.exists(options.explicit_path)) {
      return input_error(fmt::format("kubeconfig {} does not exist (from --kubeconfig)", options.explicit_path));
    }
    files.push_back(options.explicit_path);
  } else if (!options.kubeconfig_env.empty()) {
    for (const std::string& f : split_list(options.kubeconfig_env)) {
      if (fs.exists(f)) files.push_back(f);  // kubectl skips missing entries of KUBECONFIG
    }
    if (files.empty()) {
      return input_error(fmt::format("none of the files in KUBECONFIG exist: {}", options.kubeconfig_env));
    }
  } else {
    if (options.home.empty()) return input_error("no kubeconfig: pass --kubeconfig or set KUBECONFIG or HOME");
    std::string path = (fsys::path(options.home) / ".kube" / "config").string();
    if (!fs.exists(path)) {
      return input_error(fmt::format("no kubeconfig: {} does not exist; pass --kubeconfig or set KUBECONFIG", path));
    }
    files.push_back(path);
  }

  Kubeconfig merged;
  std::vector<std::string> problems;
  for (const std::string& file : files) {
    auto text = fs.read_file(file);
    if (!text) return tl::unexpected(text.error().with_context("reading kubeconfig"));
    auto doc = parse_yaml(*text, file);
    if (!doc) return tl::unexpected(doc.error());
    if (doc->value.is_null()) continue;  // an empty file is allowed, as in kubectl
    if (!doc->value.is_object()) {
      problems.push_back(fmt::format("{}: a kubeconfig must be a map", doc->where("")));
      continue;
    }
    fsys::path dir = fsys::absolute(fsys::path(file)).parent_path();
    merge_named(*doc, "clusters", "cluster", merged.clusters, dir, problems);
    merge_named(*doc, "users", "user", merged.users, dir, problems);
    merge_named(*doc, "contexts", "context", merged.contexts, dir, problems);
    if (merged.current_context.empty()) merged.current_context = string_at(doc->value, "current-context");
    merged.files.push_back(file);
  }
  if (!problems.empty()) {
    std::string text = "invalid kubeconfig:";
    for (const std::string& p : problems) text += "\n  " + p;
    return input_error(text);
  }
  return merged;
}

Result<ClusterConfig> resolve_cluster_config(const Kubeconfig& config, const KubeconfigOptions& options) {
  std::string source;
  for (const std::string& f : config.files) source += (source.empty() ? "" : ":") + f;
  std::string context_name = options.context.empty() ? config.current_context : options.context;
  if (context_name.empty()) {
    return input_error(fmt::format("{}: no current-context; pass --context (contexts: {})", source,
                                   fmt::join([&] {
                                     std::vector<std::string> names;
                                     for (const auto& [n, _] : config.contexts) names.push_back(n);
                                     return names;
                                   }(), ", ")));
  }
  auto ctx = config.contexts.find(context_name);
  if (ctx == config.contexts.end()) {
    std::vector<std::string> names;
    for (const auto& [n, _] : config.contexts) names.push_back(n);
    return input_error(fmt::format("{}: context \"{}\" not found (contexts: {})", source, context_name,
                                   names.empty() ? std::string("none") : fmt::format("{}", fmt::join(names, ", "))));
  }
  ClusterConfig out;
  out.source = source;
  out.context_name = context_name;
  out.cluster_name = string_at(ctx->second, "cluster");
  out.user_name = string_at(ctx->second, "user");
  if (std::string ns = string_at(ctx->second, "namespace"); !ns.empty()) out.ns = ns;

  auto cluster = config.clusters.find(out.cluster_name);
  if (cluster == config.clusters.end()) {
    return input_error(fmt::format("{}: context \"{}\" refers to cluster \"{}\", which is not defined", source,
                                   context_name, out.cluster_name));
  }
  const Json& c = cluster->second;
  std::string owner = fmt::format("{}: cluster \"{}\"", source, out.cluster_name);
  out.server = string_at(c, "server");
  while (!out.server.empty() && out.server.back() == '/') out.server.pop_back();
  if (out.server.empty()) return input_error(owner + ": no server");
  auto ca = decode_field(c, "certificate-authority-data", owner);
  if (!ca) return tl::unexpected(ca.error());
  out.tls.ca_pem = *ca;
  if (out.tls.ca_pem.empty()) out.tls.ca_file = string_at(c, "certificate-authority");
  out.tls.server_name = string_at(c, "tls-server-name");
  out.proxy_url = string_at(c, "proxy-url");
  if (auto it = c.find("insecure-skip-tls-verify"); it != c.end() && it->is_boolean()) {
    out.tls.insecure_skip_verify = it->get<bool>();
  }
  if (out.tls.insecure_skip_verify && (!out.tls.ca_pem.empty() || !out.tls.ca_file.empty())) {
    return input_error(owner + ": a certificate authority together with insecure-skip-tls-verify is not allowed "
                               "(remove one of them)");
  }
  if (auto ext = c.find("extensions"); ext != c.end() && ext->is_array()) {
    for (const Json& e : *ext) {
      if (e.is_object() && string_at(e, "name") == "client.authentication.k8s.io/exec" && e.contains("extension")) {
        out.exec_cluster_config = e["extension"];
      }
    }
  }

  if (out.user_name.empty()) return out;
  auto user = config.users.find(out.user_name);
  if (user == config.users.end()) {
    return input_error(fmt::format("{}: context \"{}\" refers to user \"{}\", which is not defined", source,
                                   context_name, out.user_name));
  }
  const Json& u = user->second;
  std::string user_owner = fmt::format("{}: user \"{}\"", source, out.user_name);
  auto cert = decode_field(u, "client-certificate-data", user_owner);
  if (!cert) return tl::unexpected(cert.error());
  auto key = decode_field(u, "client-key-data", user_owner);
  if (!key) return tl::unexpected(key.error());
  out.tls.client_cert_pem = *cert;
  out.tls.client_key_pem = *key;
  if (out.tls.client_cert_pem.empty()) out.tls.client_cert_file = string_at(u, "client-certificate");
  if (out.tls.client_key_pem.empty()) out.tls.client_key_file = string_at(u, "client-key");
  bool has_cert = !out.tls.client_cert_pem.empty() || !out.tls.client_cert_file.empty();
  bool has_key = !out.tls.client_key_pem.empty() || !out.tls.client_key_file.empty();
  if (has_cert != has_key) {
    return input_error(user_owner + ": a client certificate needs a client key and the other way round");
  }
  out.token = string_at(u, "token");
  out.token_file = string_at(u, "tokenFile");
  out.username = string_at(u, "username");
  out.password = string_at(u, "password");
  if (u.contains("auth-provider")) {
    return input_error(user_owner + ": auth-provider plugins are not supported (kubectl removed them); "
                                    "use an exec plugin");
  }
  if (auto exec = u.find("exec"); exec != u.end() && exec->is_object()) {
    auto parsed = parse_exec(*exec, user_owner);
    if (!parsed) return tl::unexpected(parsed.error());
    out.exec = std::move(*parsed);
  }
  return out;
}

Result<ClusterConfig> load_cluster_config(const KubeconfigOptions& options, Fs& fs) {
  auto config = load_kubeconfig(options, fs);
  if (!config) return tl::unexpected(config.error());
  auto resolved = resolve_cluster_config(*config, options);
  if (!resolved) return resolved;
  // Files named by the kubeconfig must exist now, so the error names the kubeconfig and not curl.
  std::vector<std::pair<std::string, std::string>> files = {{"certificate-authority", resolved->tls.ca_file},
                                                            {"client-certificate", resolved->tls.client_cert_file},
                                                            {"client-key", resolved->tls.client_key_file},
                                                            {"tokenFile", resolved->token_file}};
  std::vector<std::string> missing;
  for (const auto& [field, path] : files) {
    if (!path.empty() && !fs.exists(path)) missing.push_back(fmt::format("{} {} does not exist", field, path));
  }
  if (!missing.empty()) {
    return input_error(fmt::format("{}: context \"{}\": {}", resolved->source, resolved->context_name,
                                   fmt::join(missing, "; ")));
  }
  return resolved;
}

}  // namespace aiplat::kube

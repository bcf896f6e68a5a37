#include "airgap/registry_client.hpp"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "util/image_ref.hpp"
#include "util/sha256.hpp"

namespace aiplat::airgap {

std::string registry_api_host(std::string_view registry) {
  if (registry == "docker.io" || registry == "index.docker.io") return "registry-1.docker.io";
  return std::string(registry);
}

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

std::string short_body(const std::string& body) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array() && !doc["errors"].empty()) {
    const auto& e = doc["errors"][0];
    return e.value("code", "") + ": " + e.value("message", "");
  }
  return body.substr(0, 200);
}

}  // namespace

RegistryClient::RegistryClient(std::shared_ptr<HttpTransport> http, std::string registry, RegistryOptions options,
                               std::optional<Credentials> credentials, Progress* progress)
    : m_http(std::move(http)),
      m_registry(std::move(registry)),
      m_options(std::move(options)),
      m_credentials(std::move(credentials)),
      m_progress(progress) {
  m_base = (m_options.transport == Transport::plain_http ? "http://" : "https://") + registry_api_host(m_registry);
}

std::string RegistryClient::url(const std::string& path) const { return m_base + path; }

std::string RegistryClient::absolute(const std::string& location) const {
  if (location.starts_with("http://") || location.starts_with("https://")) return location;
  return m_base + (location.starts_with("/") ? "" : "/") + location;
}

Error RegistryClient::http_error(const std::string& what, const HttpResponse& response) const {
  if (!response.ok()) return Error{ErrorKind::failed, what + ": " + response.error_message};
  if (!response.error_message.empty()) return Error{ErrorKind::failed, what + ": " + response.error_message};
  std::string detail = short_body(response.body);
  return Error{ErrorKind::failed,
               what + ": HTTP " + std::to_string(response.status) + (detail.empty() ? "" : " (" + detail + ")")};
}

Result<void> RegistryClient::ping() {
  HttpRequest request;
  request.url = url("/v2/");
  request.timeout = std::chrono::seconds(60);
  HttpResponse response = send(request, "");
  if (response.ok() && response.status == 200) return {};
  if (response.ok() && response.status == 404) {
    return failure("registry " + m_registry + " does not speak the distribution API (GET /v2/ gave 404)");
  }
  return tl::unexpected(http_error("registry " + m_registry, response));
}

Result<Manifest> RegistryClient::get_manifest(const std::string& repo, const std::string& reference) {
  HttpRequest request;
  request.url = url("/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Accept", std::string(k_manifest_accept));
  request.timeout = std::chrono::seconds(120);
  HttpResponse response = send(request, repo_scope(repo, false));
  std::string what = m_registry + "/" + repo + ":" + reference;
  if (response.ok() && response.status == 404) return failure("manifest " + what + " not found");
  if (!response.ok() || response.status != 200) return tl::unexpected(http_error("manifest " + what, response));
  if (response.body.size() > k_max_manifest_size) return failure("manifest " + what + " is larger than 4 MiB");
  Manifest m;
  m.body = std::move(response.body);
  m.digest = "sha256:" + sha256_hex(m.body);
  std::string content_type = response.header("content-type");
  if (std::size_t semi = content_type.find(';'); semi != std::string::npos) content_type.resize(semi);
  m.media_type = declared_media_type(m.body, content_type);
  if (is_valid_digest(reference) && m.digest != reference) {
    return failure("manifest " + what + ": content has digest " + m.digest + " (tampered or corrupted in transit)");
  }
  return m;
}

Result<std::optional<Descriptor>> RegistryClient::head_manifest(const std::string& repo, const std::string& reference) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = url("/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Accept", std::string(k_manifest_accept));
  request.timeout = std::chrono::seconds(60);
  HttpResponse response = send(request, repo_scope(repo, false));
  if (response.ok() && response.status == 404) return std::optional<Descriptor>();
  if (!response.ok() || response.status != 200) {
    return tl::unexpected(http_error("manifest " + m_registry + "/" + repo + ":" + reference, response));
  }
  Descriptor d;
  d.digest = response.header("docker-content-digest");
  d.media_type = response.header("content-type");
  std::string length = response.header("content-length");
  if (!length.empty()) d.size = std::stoull(length);
  return std::optional<Descriptor>(d);
}

Result<void> RegistryClient::put_manifest(const std::string& repo, const std::string& reference,
                                          const Manifest& manifest) {
  HttpRequest request;
  request.method = "PUT";
  request.url = url("/v2/" + repo + "/manifests/" + reference);
  request.headers.emplace_back("Content-Type", manifest.media_type);
  request.body = manifest.body;
  request.timeout = std::chrono::seconds(120);
  HttpResponse response = send(request, repo_scope(repo, true));
  if (!response.ok() || (response.status != 201 && response.status != 200)) {
    return tl::unexpected(http_error("pushing manifest " + m_registry + "/" + repo + ":" + reference, response));
  }
  std::string digest = response.header("docker-content-digest");
  if (!digest.empty() && digest != manifest.digest) {
    return failure("pushing manifest " + m_registry + "/" + repo + ": registry stored digest " + digest +
                   ", expected " + manifest.digest);
  }
  return {};
}

Result<bool> RegistryClient::blob_exists(const std::string& repo, const std::string& digest) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = url("/v2/" + repo + "/blobs/" + digest);
  request.timeout = std::chrono::seconds(60);
  request.follow_redirects = true;
  HttpResponse response = send(request, repo_scope(repo, false));
  if (response.ok() && response.status == 200) return true;
  if (response.ok() && response.status == 404) return false;
  return tl::unexpected(http_error("blob " + m_registry + "/" + repo + "@" + digest, response));
}

Result<void> RegistryClient::fetch_blob(const std::string& repo, const Descriptor& blob,
                                        const std::filesystem::path& dest) {
  std::filesystem::path part = dest;
  part += ".part";
  File file(std::fopen(part.c_str(), "wb"));
  if (!file) return failure("cannot write " + part.string());
  auto fetched = fetch_blob(repo, blob, [&](std::string_view chunk) -> Result<void> {
    if (std::fwrite(chunk.data(), 1, chunk.size(), file.get()) != chunk.size()) {
      return failure("writing " + part.string() + " failed (disk full?)");
    }
    return {};
  });
  bool write_ok = std::fflush(file.get()) == 0;
  file.reset();
  std::error_code ec;
  if (fetched && !write_ok) fetched = failure("writing " + part.string() + " failed (disk full?)");
  if (fetched) std::filesystem::rename(part, dest, ec);
  if (fetched && ec) fetched = failure("renaming " + part.string() + ": " + ec.message());
  if (!fetched) std::filesystem::remove(part, ec);
  return fetched;
}

Result<void> RegistryClient::fetch_blob(const std::string& repo, const Descriptor& blob,
                                        const std::function<Result<void>(std::string_view)>& sink) {
  std::string what = "blob " + m_registry + "/" + repo + "@" + blob.digest;
  Sha256 hash;
  std::uint64_t delivered = 0;  // bytes hashed and handed to the sink, over all attempts
  std::uint64_t position = 0;   // bytes of the current attempt's body
  bool too_long = false;
  std::optional<Error> sink_error;
  HttpRequest request;
  request.url = url("/v2/" + repo + "/blobs/" + blob.digest);
  request.follow_redirects = true;
  request.on_data_only_on_success = true;
  request.on_data = [&](std::string_view chunk) {
    std::uint64_t end = position + chunk.size();
    if (end > blob.size) {
      too_long = true;
      return false;
    }
    if (end > delivered) {
      // A retried request sends the start again: skip what the sink already has.
      std::string_view fresh = chunk.substr(static_cast<std::size_t>(delivered > position ? delivered - position : 0));
      hash.update(fresh);
      if (auto r = sink(fresh); !r) {
        sink_error = r.error();
        return false;
      }
      delivered += fresh.size();
      if (m_progress) m_progress->advance(fresh.size());
    }
    position = end;
    return true;
  };
  HttpResponse response = send(request, repo_scope(repo, false), [&] { position = 0; });
  if (sink_error) return tl::unexpected(*sink_error);
  if (too_long) return failure(what + ": more data than the " + std::to_string(blob.size) + " bytes its descriptor gives");
  if (!response.ok() || response.status != 200) return tl::unexpected(http_error(what, response));
  if (delivered != blob.size) {
    return failure(what + ": got " + std::to_string(delivered) + " bytes, descriptor says " + std::to_string(blob.size));
  }
  std::string digest = "sha256:" + hash.hex();
  if (digest != blob.digest) return failure(what + ": content has digest " + digest + " (tampered or corrupted)");
  return {};
}

Result<std::vector<std::string>> RegistryClient::catalog() {
  HttpRequest request;
  request.url = url("/v2/_catalog?n=1000");
  request.timeout = std::chrono::seconds(60);
  HttpResponse response = send(request, "registry:catalog:*");
  if (!response.ok() || response.status != 200) return tl::unexpected(http_error("catalog of " + m_registry, response));
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  std::vector<std::string> out;
  if (doc.is_object() && doc.contains("repositories") && doc["repositories"].is_array()) {
    for (const auto& r : doc["repositories"]) {
      if (r.is_string()) out.push_back(r);
    }
  }
  return out;
}

}  // namespace aiplat::airgap

#include "render/url_source.hpp"

#include <fmt/format.h>

#include "render/parsed_cache.hpp"
#include "render/source_cache.hpp"
#include "util/sha256.hpp"

namespace aiplat::render {
namespace {

constexpr auto k_fetch_timeout = std::chrono::minutes(5);
constexpr auto k_connect_timeout = std::chrono::seconds(15);

void warn(const RenderOptions& options, const std::string& message) {
  if (options.log != nullptr) options.log->warn(message);
}

// Downloads `url`; on a transport error or a non-200 answer returns why, in words.
Result<std::string> download(HttpTransport& http, const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.follow_redirects = true;
  request.timeout = k_fetch_timeout;
  request.connect_timeout = k_connect_timeout;
  HttpResponse response = http.send(request);
  if (!response.ok()) {
    std::string why(describe(response.error));
    if (!response.error_message.empty()) why += " (" + response.error_message + ")";
    return failure(why);
  }
  if (response.status != 200) return failure(fmt::format("HTTP status {}", response.status));
  return std::move(response.body);
}

// The parsed-cache key of a url source: its content alone, whatever the URL.
std::vector<std::string> url_key(const std::string& hex) { return {"url", hex}; }

}  // namespace

Result<SourceOutput> render_url_source(const catalog::Source& source, const RenderOptions& options) {
  const SourceCache cache(options.cache_dir);
  const bool pinned = source.sha256 != "unknown" && !source.sha256.empty();
  // A pinned source parsed before needs neither its file read nor hashed again.
  if (pinned) {
    if (auto hit = ParsedCache(options.cache_dir).get(ParsedCache::key(url_key(source.sha256)))) {
      return SourceOutput{"url:" + source.url, source.sha256, std::move(*hit)};
    }
  }
  const std::string fetch_url = mirrored_url(source.url, options.source_mirror);
  std::optional<std::string> content;
  std::string hex;
  if (pinned) content = cache.get(source.sha256);
  if (content) {
    hex = source.sha256;
  } else {
    std::shared_ptr<HttpTransport> http = options.http ? options.http : make_curl_transport(4);
    Result<std::string> body = download(*http, fetch_url);
    if (!body) {
      std::string last = pinned ? std::string() : cache.last_digest_of(source.url);
      if (!last.empty()) content = cache.get(last);
      if (!content) {
        std::string via = fetch_url == source.url ? "" : fmt::format(" (via the mirror as {})", fetch_url);
        std::string preseed = pinned ? fmt::format("place the file at {}", cache.blob_path(source.sha256))
                                     : "pin its sha256 in the catalog and place the file at " +
                                           cache.blob_path("<sha256>");
        return failure(fmt::format("{}: cannot fetch {}{}: {}; {}", source.at.where(), source.url, via,
                                   body.error().message, unreachable_advice(preseed)));
      }
      warn(options, fmt::format("{} is unreachable ({}); using the copy cached last time (sha256 {})", source.url,
                                body.error().message, last));
      hex = last;
    } else {
      hex = sha256_hex(*body);
      if (pinned && hex != source.sha256) {
        return input_error(fmt::format("{}: sha256 mismatch for {}{}: expected {}, got {}; the file changed upstream "
                                       "or the mirror serves a different one",
                                       source.at.where(), source.url,
                                       fetch_url == source.url ? "" : " (fetched as " + fetch_url + ")",
                                       source.sha256, hex));
      }
      if (!pinned) {
        warn(options, fmt::format("{}: {} is not pinned (sha256: unknown); it had sha256 {} - pin it in the catalog",
                                  source.at.where(), source.url, hex));
      }
      if (Result<void> stored = cache.put(hex, *body); !stored) return tl::unexpected(stored.error());
      if (!pinned) {
        if (Result<void> r = cache.remember_digest_of(source.url, hex); !r) return tl::unexpected(r.error());
      }
      content = std::move(*body);
    }
  }
  // Keyed by the content alone: the same bytes parse to the same objects whatever their URL.
  Result<std::vector<Json>> objects = parse_cached(options.cache_dir, url_key(hex), [&]() {
    return parse_manifests(*content, source.url);
  });
  if (!objects) return tl::unexpected(objects.error().with_context(source.at.where()));
  return SourceOutput{"url:" + source.url, hex, std::move(*objects)};
}

}  // namespace aiplat::render

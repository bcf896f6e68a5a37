// Client::watch: a streaming GET with ?watch=1, split into JSON lines, reconnecting
// from the last resourceVersion until the handler stops or the deadline passes.
#include <algorithm>

#include <fmt/format.h>

#include "kube/client.hpp"
#include "kube/client_request.hpp"

namespace aiplat::kube {
namespace {

// Servers end watches after timeoutSeconds; ask for at most this much per connection.
constexpr long long k_max_watch_seconds = 300;
// A stream that ends this quickly is a server problem; back off before reconnecting.
constexpr std::chrono::milliseconds k_short_stream{1000};

std::optional<WatchEventType> event_type(const std::string& type) {
  if (type == "ADDED") return WatchEventType::added;
  if (type == "MODIFIED") return WatchEventType::modified;
  if (type == "DELETED") return WatchEventType::deleted;
  if (type == "BOOKMARK") return WatchEventType::bookmark;
  if (type == "ERROR") return WatchEventType::error;
  return std::nullopt;
}

// State of one watch connection, fed by the transport's on_data callback.
struct Stream {
  const WatchHandler* handler = nullptr;
  WatchOutcome* outcome = nullptr;
  std::string pending;      // bytes after the last newline
  std::string raw_start;    // the first bytes, for error messages of non-200 answers
  bool stopped = false;
  bool gone = false;        // 410: the resourceVersion is too old
  int events = 0;
  std::optional<Json> error_status;

  bool feed(std::string_view chunk) {
    if (raw_start.size() < 4096) raw_start.append(chunk.substr(0, 4096 - raw_start.size()));
    pending.append(chunk);
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      if (!line(std::string_view(pending).substr(start, nl - start))) return false;
    }
    pending.erase(0, start);
    return true;
  }

  bool line(std::string_view text) {
    if (text.find_first_not_of(" \r\t") == std::string_view::npos) return true;
    Json event = Json::parse(text, nullptr, false);
    if (!event.is_object() || !event.contains("type") || !event["type"].is_string()) return true;
    auto type = event_type(event["type"].get<std::string>());
    if (!type) return true;
    Json object = event.contains("object") ? std::move(event["object"]) : Json::object();
    if (*type == WatchEventType::error) {
      if (object.value("code", 0) == 410) {
        gone = true;
        return false;
      }
      error_status = object;
      return false;
    }
    if (object.is_object() && object.contains("metadata") && object["metadata"].is_object()) {
      std::string rv = object["metadata"].value("resourceVersion", "");
      if (!rv.empty()) outcome->resource_version = rv;
    }
    ++events;
    if ((*handler)(WatchEvent{*type, std::move(object)}) == WatchControl::stop) {
      stopped = true;
      return false;
    }
    return true;
  }
};

}  // namespace

KubeResult<WatchOutcome> Client::watch(const GroupVersionKind& gvk, const std::string& ns, const WatchOptions& options,
                                       const WatchHandler& handler) {
  std::string subject = "watch " + gvk.to_string() + (ns.empty() ? "" : " in namespace " + ns);
  auto mapping = m_mapper->mapping_for(gvk);
  if (!mapping) return tl::unexpected(mapping.error().with_context(subject));
  Clock& clock = *m_options.clock;
  Clock::Steady deadline = clock.now() + options.deadline;
  WatchOutcome outcome;
  outcome.resource_version = options.resource_version;
  std::string base = resource_path(*mapping, ns, "");
  int failures = 0;
  while (clock.now() < deadline) {
    Clock::Steady started = clock.now();
    auto result = watch_once(base, options, handler, outcome, deadline);
    if (result && *result) {
      outcome.end = WatchEnd::stopped;
      return outcome;
    }
    if (!result) {
      const KubeError& e = result.error();
      bool retryable = e.is_transport() ? e.transport != TransportError::tls && e.transport != TransportError::aborted
                                        : (e.status == 429 || e.status >= 500);
      if (!retryable) return tl::unexpected(e.with_context(subject));
      ++failures;
    }
    if (clock.now() >= deadline) break;
    ++outcome.reconnects;
    bool quick = clock.now() - started < k_short_stream;
    if (result && quick) ++failures;  // repeated instant closes back off like errors
    if (!result || quick) {
      auto wait = m_backoff->delay(std::max(failures, 1), result ? 0 : result.error().retry_after_seconds);
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
      clock.sleep_for(std::min(wait, left));
    } else {
      failures = 0;
    }
  }
  outcome.end = WatchEnd::deadline;
  return outcome;
}

KubeResult<bool> Client::watch_once(const std::string& base, const WatchOptions& options, const WatchHandler& handler,
                                    WatchOutcome& outcome, Clock::Steady deadline) {
  Clock& clock = *m_options.clock;
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
  if (remaining.count() <= 0) return false;
  std::string path = base;
  add_query(path, "watch", "1");
  if (options.bookmarks == Bookmarks::yes) add_query(path, "allowWatchBookmarks", "true");
  add_query(path, "resourceVersion", outcome.resource_version);
  add_query(path, "labelSelector", options.label_selector);
  add_query(path, "fieldSelector", options.field_selector);
  long long seconds = std::clamp<long long>(remaining.count() / 1000 + 1, 1, k_max_watch_seconds);
  add_query(path, "timeoutSeconds", std::to_string(seconds));
  std::string url = m_config.server + path;

  for (int attempt = 0; attempt < 2; ++attempt) {
    auto auth = m_auth->current();
    if (!auth) {
      KubeError e;
      e.kind = auth.error().kind;
      e.message = auth.error().message;
      return tl::unexpected(e);
    }
    Stream stream;
    stream.handler = &handler;
    stream.outcome = &outcome;
    HttpRequest http;
    http.url = url;
    http.headers.emplace_back("Accept", "application/json");
    http.headers.emplace_back("User-Agent", m_options.user_agent);
    if (!auth->authorization.empty()) http.headers.emplace_back("Authorization", auth->authorization);
    http.tls = auth->tls.get();
    http.proxy = m_config.proxy_url;
    http.timeout = remaining + std::chrono::milliseconds(1000);
    http.on_data = [&stream](std::string_view chunk) { return stream.feed(chunk); };
    HttpResponse response = m_transport->send(http);
    if (stream.stopped) return true;
    if (stream.gone || (response.ok() && response.status == 410)) {
      outcome.resource_version.clear();  // start again from now, with synthetic ADDED events
      return false;
    }
    if (stream.error_status) {
      HttpResponse as_error;
      as_error.status = stream.error_status->value("code", 500);
      as_error.body = stream.error_status->dump();
      return tl::unexpected(error_from_response(as_error, "GET " + url));
    }
    if (response.ok() && response.status == 401 && attempt == 0 && m_auth->refresh_after_unauthorized()) continue;
    if (response.ok() && response.status == 200) {
      if (!stream.pending.empty()) stream.line(stream.pending);  // a last line without newline
      return stream.stopped;
    }
    if (!response.ok() && response.error == TransportError::timeout && clock.now() >= deadline) return false;
    if (response.ok()) response.body = stream.raw_start;
    return tl::unexpected(error_from_response(response, "GET " + url));
  }
  return false;
}

}  // namespace aiplat::kube

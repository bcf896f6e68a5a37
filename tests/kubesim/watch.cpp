#include "watch.hpp"

#include <chrono>
#include <memory>

namespace kubesim {
namespace {

struct WatchState {
  WatchRequest request;
  std::int64_t last_rv = 0;
  std::vector<std::string> initial;  ///< lines to send first
  bool initial_sent = false;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::steady_clock::time_point last_bookmark;
  std::chrono::steady_clock::time_point last_write;
};

// httplib 0.11 cannot tell that a client went away while a stream is idle (a closed TLS peer
// still polls writable), so an abandoned watch would hold a server thread until its timeout and
// a few dozen of them starve the pool. After this much silence a newline goes out: JSON stream
// decoders (client-go's, aiplat's) skip whitespace between events, and a write to a dead peer fails.
constexpr std::chrono::seconds k_idle_probe{1};

std::string event_line(const std::string& type, const Json& object) {
  return Json{{"type", type}, {"object", object}}.dump() + "\n";
}

Json bookmark(const ResourceInfo& info, std::int64_t rv, bool initial_end) {
  Json metadata = {{"resourceVersion", std::to_string(rv)}};
  if (initial_end) {
    metadata["annotations"] = {{"k8s.io/initial-events-end", "true"}};
  }
  return {{"kind", info.kind}, {"apiVersion", info.group_version()}, {"metadata", metadata}};
}

}  // namespace

void serve_watch(Cluster& cluster, const WatchRequest& request, httplib::Response& response) {
  auto state = std::make_shared<WatchState>();
  state->request = request;
  state->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(request.timeout_seconds);
  state->last_bookmark = std::chrono::steady_clock::now();
  state->last_write = state->last_bookmark;
  {
    // The caller holds the cluster's lock here; the stream below takes it per batch.
    const std::string& rv = request.resource_version;
    bool from_now = rv.empty() || rv == "0" || request.send_initial_events;
    if (from_now) {
      state->last_rv = cluster.resource_version_locked();
      if (rv.empty() || rv == "0" || request.send_initial_events) {
        for (const auto& [key, object] : cluster.objects_locked(request.info.group, request.info.resource)) {
          if (object_matches(request.info, request.ns, request.query, object)) {
            Json copy = object;
            copy["apiVersion"] = request.info.group_version();
            state->initial.push_back(event_line("ADDED", copy));
          }
        }
      }
      if (request.send_initial_events) {
        state->initial.push_back(event_line("BOOKMARK", bookmark(request.info, state->last_rv, true)));
      }
    } else {
      std::int64_t start = 0;
      try {
        start = std::stoll(rv);
      } catch (const std::exception&) {
        Reply error = status_error(400, "BadRequest", "invalid resourceVersion \"" + rv + "\"");
        response.status = error.status;
        response.set_content(error.body.dump(), "application/json");
        return;
      }
      if (start < cluster.oldest_watchable_locked()) {
        Reply error = status_error(410, "Expired", "too old resource version: " + rv + " (" +
                                                       std::to_string(cluster.oldest_watchable_locked()) + ")");
        response.status = error.status;
        response.set_content(error.body.dump(), "application/json");
        return;
      }
      state->last_rv = start;
    }
  }
  Cluster* target = &cluster;
  // kube-apiserver answers JSON watches as plain application/json (";stream=watch" only for other
  // media types). The server never compresses (ApiServer::handle), so each event goes out as it happens.
  response.set_chunked_content_provider("application/json", [state, target](size_t, httplib::DataSink& sink) {
    if (!state->initial_sent) {
      for (const std::string& line : state->initial) {
        if (!sink.write(line.data(), line.size())) {
          return false;
        }
      }
      state->initial_sent = true;
    }
    std::vector<std::string> lines;
    {
      std::unique_lock<std::mutex> lock(target->mutex());
      auto pending = [&] {
        const auto& history = target->history_locked();
        return target->stopping() || (!history.empty() && history.back().rv > state->last_rv);
      };
      target->changed().wait_for(lock, std::chrono::milliseconds(500), pending);
      if (target->stopping()) {
        sink.done();
        return true;
      }
      std::string storage = state->request.info.group + "/" + state->request.info.resource;
      for (const WatchEvent& event : target->history_locked()) {
        if (event.rv <= state->last_rv) {
          continue;
        }
        state->last_rv = event.rv;
        if (event.storage == storage &&
            object_matches(state->request.info, state->request.ns, state->request.query, event.object)) {
          Json object = event.object;
          object["apiVersion"] = state->request.info.group_version();
          lines.push_back(event_line(event.type, object));
        }
      }
    }
    auto now = std::chrono::steady_clock::now();
    if (state->request.bookmarks && lines.empty() && now - state->last_bookmark > std::chrono::seconds(5)) {
      lines.push_back(event_line("BOOKMARK", bookmark(state->request.info, state->last_rv, false)));
      state->last_bookmark = now;
    }
    if (lines.empty() && now - state->last_write >= k_idle_probe) {
      lines.emplace_back("\n");
    }
    for (const std::string& line : lines) {
      if (!sink.write(line.data(), line.size())) {
        return false;
      }
      state->last_write = now;
    }
    if (!sink.is_writable()) {
      return false;
    }
    if (now >= state->deadline) {
      sink.done();
    }
    return true;
  });
}

}  // namespace kubesim

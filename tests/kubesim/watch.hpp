#pragma once
// Watches: a chunked stream of JSON events from a resourceVersion (or from the
// current state when none is given), with bookmarks and timeoutSeconds.
#include <httplib.h>

#include "listing.hpp"

namespace kubesim {

struct WatchRequest {
  ResourceInfo info;
  std::string ns;
  ListQuery query;
  std::string resource_version;
  bool bookmarks = false;
  bool send_initial_events = false;
  long timeout_seconds = 1800;
};

/// Called with the cluster's lock held. Starts streaming into `response`, or answers 410 Gone when the resourceVersion is no longer in history.
void serve_watch(Cluster& cluster, const WatchRequest& request, httplib::Response& response);

}  // namespace kubesim

#pragma once
// Internal to the client's .cpp files: one API request before auth and retries.
#include <string>

#include "kube/client.hpp"

namespace aiplat::kube {

struct Client::Request {
  std::string method = "GET";
  std::string path;          ///< API path with query, starting with '/'
  std::string body;
  std::string content_type;  ///< empty when there is no body
  std::string accept = "application/json";
  std::string subject;       ///< for messages: "apply Deployment.v1.apps ns/x"; default "METHOD URL"
};

/// Percent-encodes a query value.
std::string url_encode(const std::string& value);

/// Percent-encodes one path segment; ':' and '@' stay (allowed in segments, and the
/// proxy syntax "scheme:name:port" needs ':').
std::string path_encode(const std::string& segment);

/// Appends "key=value" to a path's query when value is non-empty.
void add_query(std::string& path, const std::string& key, const std::string& value);

}  // namespace aiplat::kube

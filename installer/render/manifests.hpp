#pragma once
// Turning manifest text into Kubernetes objects, shared by every source type.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace aiplat::render {

using Json = nlohmann::json;

/// What one source yielded: its objects, an id for the install record and the digest of its input.
struct SourceOutput {
  std::string id;      ///< "files:manifests/", "url:https://...", "helm:oci://.../kueue@0.19.2"
  std::string sha256;  ///< hex of what was rendered from (file contents, the download, the chart archive)
  std::vector<Json> objects;
};

/// Parses multi-document YAML; `List` kinds are flattened, empty documents skipped. Each object must
/// have apiVersion, kind and metadata.name (errors name `file` with line and column).
Result<std::vector<Json>> parse_manifests(std::string_view text, const std::string& file);

/// "Kind namespace/name" (or "Kind name") for messages.
std::string describe_object(const Json& object);

}  // namespace aiplat::render

#pragma once
// Getting a chart archive: `helm pull` (oci:// references, or https chart repositories via
// --repo, both through the source mirror) into the cache, checked against the pinned digest.
#include <string>

#include "catalog/model.hpp"
#include "render/render.hpp"

namespace aiplat::render {

/// A chart archive on disk and the sha256 hex of its bytes.
struct PulledChart {
  std::string path;
  std::string sha256;
};

/// The cached archive of `source` (re-verified), or a fresh `helm pull` of it.
Result<PulledChart> pull_chart(const catalog::Source& source, const RenderOptions& options);

/// The chart reference helm is given, for messages: "oci://host/path/chart" or "https://repo chart".
std::string chart_reference(const catalog::Source& source, const std::string& mirror);

/// The helm binary: options.helm, else "helm" (looked up in PATH).
std::string helm_binary(const RenderOptions& options);

/// Environment for every helm run: a private HELM_CACHE_HOME below the aiplat cache.
std::map<std::string, std::string> helm_env(const RenderOptions& options);

}  // namespace aiplat::render

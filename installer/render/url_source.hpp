#pragma once
// `type: url`: an upstream release manifest fetched over HTTPS (through the source mirror
// when one is set), checked against its pinned sha256 and cached by that digest.
#include "catalog/model.hpp"
#include "render/manifests.hpp"
#include "render/render.hpp"

namespace aiplat::render {

/// Fetches (or takes from the cache) and parses one url source.
Result<SourceOutput> render_url_source(const catalog::Source& source, const RenderOptions& options);

}  // namespace aiplat::render

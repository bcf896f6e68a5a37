#pragma once
// `type: helm`: the chart rendered by the real `helm template` with the layered values,
// --namespace, --kube-version and --include-crds.
#include "catalog/model.hpp"
#include "render/manifests.hpp"
#include "render/render.hpp"

namespace aiplat::render {

/// Pulls (or takes from the cache) and renders one helm source of `step`.
Result<SourceOutput> render_helm_source(const catalog::Source& source, const catalog::PlanStep& step,
                                        const RenderOptions& options);

}  // namespace aiplat::render

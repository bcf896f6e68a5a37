#pragma once
// `aiplat catalog lint --strict`: the catalog checked against what its sources really render.
// Every catalog profile is planned at every minor it declares and each step rendered (through
// the source mirror or the internet); the catalog must agree with the renders: every rendered
// image listed, every listed image used by some render (or declared an operand), every value key
// known to its chart, every readiness rule naming a rendered object.
#include <string>
#include <vector>

#include "catalog/doc_reader.hpp"
#include "catalog/model.hpp"
#include "render/render.hpp"

namespace aiplat::actions {

struct RenderLintOptions {
  /// Shared by every render: catalog files, source mirror, cache, helm, log. Profiles and minor
  /// are set per plan.
  render::RenderOptions render;
  /// Called before each plan is rendered ("onprem on 1.35"), for progress; may be empty.
  std::function<void(const std::string&)> progress;
};

struct RenderLintResult {
  std::vector<catalog::Problem> problems;
  std::size_t plans = 0;    ///< profile x minor combinations rendered
  std::size_t renders = 0;  ///< add-on renders (steps of those plans)
};

/// Renders every plan of the catalog and compares. Fails only when rendering cannot start at all
/// (no catalog files); every disagreement is a problem in the result.
Result<RenderLintResult> lint_renders(const catalog::Catalog& catalog, const RenderLintOptions& options);

}  // namespace aiplat::actions

#pragma once
// Where an install gets each add-on's rendered objects. By default it renders the catalog's
// sources (render::render_step); an install from an air-gap bundle takes them from the
// verified bundle instead and never fetches a source (actions/bundle_source.hpp).
#include "catalog/model.hpp"
#include "render/render.hpp"

namespace aiplat::actions {

class AddonSource {
 public:
  virtual ~AddonSource() = default;
  /// Called with the cluster's minor before the plan is solved; an error refuses the install.
  virtual Result<void> accept_cluster(const catalog::KubeMinor& minor) = 0;
  /// Called once the plan is solved for the cluster, before any step is rendered and before
  /// anything is written; an error refuses the whole install.
  virtual Result<void> accept(const catalog::Plan& plan) = 0;
  /// The objects of one plan step, ready to apply.
  virtual Result<render::RenderedAddon> render(const catalog::PlanStep& step, const render::RenderOptions& options) = 0;
  /// The registry images are rewritten to ("" = none); conformance probe images follow it.
  [[nodiscard]] virtual std::string image_registry() const { return {}; }
};

}  // namespace aiplat::actions

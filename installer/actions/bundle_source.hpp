#pragma once
// Install from an air-gap bundle: the add-ons' objects come from the verified bundle (no
// source is fetched), their images are rewritten to the site registry by the mirror rule
// (digests kept), and the install is refused before any write when the bundle does not
// match the cluster's minor or the plan, or when the site registry lacks an image.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actions/addon_source.hpp"
#include "airgap/bundle_verify.hpp"
#include "airgap/registry_pool.hpp"

namespace aiplat::actions {

struct BundleSourceOptions {
  std::string bundle_file;    ///< for messages and the suggested load command
  std::string registry;       ///< "host[:port]" the images were loaded into
  int parallel = 8;           ///< manifest HEADs in flight
};

class BundleSource final : public AddonSource {
 public:
  /// `bundle` must come from verify_bundle with keep_manifests; `pool` reaches the site registry.
  BundleSource(airgap::VerifiedBundle bundle, std::shared_ptr<airgap::RegistryPool> pool, BundleSourceOptions options);

  Result<void> accept_cluster(const catalog::KubeMinor& minor) override;
  Result<void> accept(const catalog::Plan& plan) override;
  Result<render::RenderedAddon> render(const catalog::PlanStep& step, const render::RenderOptions& options) override;

  [[nodiscard]] std::string image_registry() const override { return m_options.registry; }
  /// Every image the installed objects reference, as rewritten (after accept).
  [[nodiscard]] const std::vector<std::string>& closure() const { return m_closure; }

 private:
  Result<void> check_plan(const catalog::Plan& plan) const;
  Result<render::RenderedAddon> prepare(const catalog::PlanStep& step, const catalog::Plan& plan,
                                        const airgap::BundleAddonEntry& entry);
  Result<void> check_registry();

  airgap::VerifiedBundle m_bundle;
  std::shared_ptr<airgap::RegistryPool> m_pool;
  BundleSourceOptions m_options;
  std::map<std::string, render::RenderedAddon> m_prepared;  ///< by add-on name
  std::vector<std::string> m_closure;
};

}  // namespace aiplat::actions

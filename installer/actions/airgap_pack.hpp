#pragma once
// What `aiplat airgap pack --profile` puts into a bundle: the plan rendered exactly as
// `aiplat render` renders it, but with the images left at their source names (install
// rewrites them to the site registry), and the whole image closure: every add-on's images
// as render finds them (pod templates, custom-resource image fields, operand images), with
// the catalog's pinned digests, plus the images of the conformance probes so that
// `aiplat verify` can run at the site.
#include <string>
#include <vector>

#include "airgap/bundle_pack.hpp"
#include "catalog/model.hpp"
#include "render/render.hpp"

namespace aiplat::actions {

/// The image closure of one rendered add-on: `images` with the digests `step` pins added
/// where a reference names a listed image by tag only. Sorted and unique.
std::vector<std::string> pinned_closure(const std::vector<std::string>& images, const catalog::PlanStep& step);

/// Renders every step of `plan` (options.image_registry is ignored: never rewritten) and
/// returns the bundle contents. The plan summary records profiles, minor, add-on versions
/// and modes, each add-on's images and the probe images.
Result<airgap::BundleContents> bundle_contents_for_plan(const catalog::Plan& plan, render::RenderOptions options);

}  // namespace aiplat::actions

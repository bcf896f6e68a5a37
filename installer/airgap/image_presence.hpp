#pragma once
// Which images a registry lacks: one manifest HEAD per reference (by digest when the
// reference is pinned, else by tag), a bounded number in flight.
#include <string>
#include <vector>

#include "airgap/registry_client.hpp"
#include "util/image_ref.hpp"

namespace aiplat::airgap {

/// The references of `images` that `registry` does not have, in the order given. Every
/// reference must name `registry.registry()`; a registry error (not a 404) fails the call.
Result<std::vector<std::string>> missing_images(RegistryClient& registry, const std::vector<ImageReference>& images,
                                                int parallel);

}  // namespace aiplat::airgap

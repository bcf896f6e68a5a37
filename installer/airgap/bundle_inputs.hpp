#pragma once
// Inputs of `airgap pack` given as files: an image list and a directory of rendered
// manifests per add-on (until the install pipeline feeds render output directly).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "airgap/bundle_pack.hpp"

namespace aiplat::airgap {

/// One reference per line; blank lines and "#" comments are skipped. Errors name file:line.
Result<std::vector<std::string>> parse_image_list(std::string_view text, const std::string& file);

/// DIR/<[NN-]name[@version]>/*.{yaml,yml,json}: one sub-directory per add-on, in name order;
/// files in name order, every YAML document an object. Every problem is reported at once.
Result<std::vector<BundleAddon>> read_manifest_dir(const std::filesystem::path& dir);

}  // namespace aiplat::airgap

#pragma once
// File names and kustomizations of the GitOps layout written by `aiplat render`.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace aiplat::actions {

/// "01-gateway-api": the 1-based position, zero-padded to the width of `count`, and the name.
std::string addon_folder_name(int order, std::size_t count, const std::string& name);

/// Path-safe, unique file names for `objects`: "<kind>[.<group>]_[<namespace>_]<name>.yaml", lower case.
std::vector<std::string> object_file_names(const std::vector<nlohmann::json>& objects);

/// A kustomization.yaml listing `resources` in order.
std::string kustomization(const std::vector<std::string>& resources);

/// True for folder names this layout writes ("01-x"), which a re-render removes first.
bool is_addon_folder_name(const std::string& name);

}  // namespace aiplat::actions

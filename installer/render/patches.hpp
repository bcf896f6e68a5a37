#pragma once
// The add-on's `patches`: JSON merge patches (RFC 7386) on the rendered objects they target.
#include <vector>

#include "catalog/model.hpp"

namespace aiplat::render {

/// True when `object` matches every non-empty field of `target`.
bool patch_matches(const catalog::PatchTarget& target, const catalog::Json& object);

/// Applies each patch to every object it matches; a patch that matches nothing is an error
/// (naming where the patch is written), as it would silently do nothing.
Result<void> apply_patches(const std::vector<catalog::Patch>& patches, std::vector<catalog::Json>& objects);

}  // namespace aiplat::render

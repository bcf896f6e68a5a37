#pragma once
// Checks that span files: names that must exist elsewhere in the catalog
// (required add-ons, profile entries, modes, extends) and files sources point at.
#include <set>
#include <string>
#include <vector>

#include "catalog/doc_reader.hpp"
#include "catalog/model.hpp"
#include "util/fs.hpp"

namespace aiplat::catalog {

/// Appends every broken reference of `catalog` to `problems`. References to `unloadable` add-ons
/// (folders whose addon.yaml has its own errors) are not reported again.
void check_references(const Catalog& catalog, Fs& fs, std::vector<Problem>& problems,
                      const std::set<std::string>& unloadable = {});

}  // namespace aiplat::catalog

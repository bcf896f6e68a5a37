#pragma once
// Helm values layering: add-on `values` < valuesFiles < valuesByProfile < the plan step's
// (mode + profile) values. Maps merge key by key; anything else, null included, replaces,
// so a null reaches helm and removes a chart default as `--set key=null` would.
#include <string>

#include "catalog/model.hpp"
#include "util/fs.hpp"

namespace aiplat::render {

/// `overlay` merged into `base`.
void merge_values(catalog::Json& base, const catalog::Json& overlay);

/// The values one helm source is rendered with, for the plan's `profiles`.
Result<catalog::Json> helm_values(const catalog::Source& source, const catalog::PlanStep& step,
                                  const std::vector<std::string>& profiles, Fs& fs, const std::string& root);

}  // namespace aiplat::render

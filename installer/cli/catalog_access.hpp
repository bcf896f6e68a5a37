#pragma once
// How commands get the catalog and a plan: --catalog DIR from disk, else the one compiled
// into the binary; --profile arguments layered; --kubernetes parsed. Shared by plan, render,
// install and the other commands that start from a profile.
#include <memory>
#include <string>
#include <vector>

#include "catalog/loader.hpp"
#include "catalog/model.hpp"
#include "cli/context.hpp"

namespace aiplat {

/// The catalog as loaded, with every problem found (catalog lint prints them).
catalog::LoadReport load_cli_catalog_report(const CliContext& ctx);

/// The catalog, or one input error listing every problem.
Result<catalog::Catalog> load_cli_catalog(const CliContext& ctx);

/// Layers `profiles` and solves for `kubernetes` ("" = the profile's default minor).
Result<catalog::Plan> plan_from_flags(const CliContext& ctx, const catalog::Catalog& catalog,
                                      const std::vector<std::string>& profiles, const std::string& kubernetes);

/// Checks that -o is one of `allowed` (empty means the command's default); names the command in the error.
Result<std::string> output_format(const CliContext& ctx, const std::string& command,
                                  const std::vector<std::string>& allowed, const std::string& fallback);

}  // namespace aiplat

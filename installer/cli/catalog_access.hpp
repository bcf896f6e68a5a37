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
#include "util/fs.hpp"

namespace aiplat {

/// The catalog as loaded, with every problem found (catalog lint prints them).
catalog::LoadReport load_cli_catalog_report(const CliContext& ctx);

/// The catalog, or one input error listing every problem.
Result<catalog::Catalog> load_cli_catalog(const CliContext& ctx);

/// Layers `profiles` and solves for `kubernetes` ("" = the profile's default minor).
Result<catalog::Plan> plan_from_flags(const CliContext& ctx, const catalog::Catalog& catalog,
                                      const std::vector<std::string>& profiles, const std::string& kubernetes);

/// The files of the catalog in use, for add-on `files` sources: --catalog DIR on disk, else the
/// copy compiled into the binary. Keep it alive while fs() is in use.
class CatalogFiles {
 public:
  explicit CatalogFiles(const CliContext& ctx);
  CatalogFiles(const CatalogFiles&) = delete;
  CatalogFiles& operator=(const CatalogFiles&) = delete;
  [[nodiscard]] Fs* fs() { return m_embedded ? static_cast<Fs*>(m_embedded.get()) : &m_disk; }
  /// The catalog directory, or "" for the embedded catalog.
  [[nodiscard]] const std::string& root() const { return m_root; }

 private:
  std::unique_ptr<MemoryFs> m_embedded;
  RealFs m_disk;
  std::string m_root;
};

/// Checks that -o is one of `allowed` (empty means the command's default); names the command in the error.
Result<std::string> output_format(const CliContext& ctx, const std::string& command,
                                  const std::vector<std::string>& allowed, const std::string& fallback);

}  // namespace aiplat

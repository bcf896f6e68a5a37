#pragma once
// Loads a whole catalog (addons/, profiles/) from an Fs and validates it as a whole:
// every file, then every cross reference, gathering all problems at once.
#include <memory>
#include <string>
#include <vector>

#include "catalog/doc_reader.hpp"
#include "catalog/model.hpp"
#include "util/fs.hpp"

namespace aiplat::catalog {

/// The catalog and everything wrong with it.
struct LoadReport {
  Catalog catalog;
  std::vector<Problem> problems;  ///< errors, in file order
  std::vector<Problem> unpinned;  ///< `unknown` sha256/digest values (errors under lint --strict)

  [[nodiscard]] bool ok() const { return problems.empty(); }
  /// Every problem on its own line, sorted by file and position.
  [[nodiscard]] std::string message() const;
};

/// Reads `root`/addons/<name>/<version>/addon.yaml and `root`/profiles/*.yaml from `fs`.
/// `root` "" means the top of `fs` (the embedded catalog).
LoadReport load_catalog(Fs& fs, const std::string& root);

/// Loads and fails with one input error listing every problem when the catalog is not clean.
Result<Catalog> load_valid_catalog(Fs& fs, const std::string& root);

/// The catalog compiled into the binary, as an in-memory tree rooted at "".
std::unique_ptr<MemoryFs> embedded_catalog_fs();

/// Joins a catalog root and a relative path ("" root leaves the path alone).
std::string catalog_path(const std::string& root, const std::string& relative);

}  // namespace aiplat::catalog

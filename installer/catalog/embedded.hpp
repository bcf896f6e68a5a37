#pragma once
// The shipped catalog, compiled into the binary (see embed_catalog.cmake).
#include <span>
#include <string_view>

namespace aiplat::catalog {

/// One file of the shipped catalog, path relative to the repository root.
struct EmbeddedFile {
  std::string_view path;
  std::string_view content;
};

/// Every embedded file, sorted by path.
std::span<const EmbeddedFile> embedded_files();

}  // namespace aiplat::catalog

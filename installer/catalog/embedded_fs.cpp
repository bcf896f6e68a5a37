#include "catalog/embedded.hpp"
#include "catalog/loader.hpp"

namespace aiplat::catalog {

std::unique_ptr<MemoryFs> embedded_catalog_fs() {
  auto fs = std::make_unique<MemoryFs>();
  for (const EmbeddedFile& f : embedded_files()) fs->add(std::string(f.path), std::string(f.content));
  return fs;
}

}  // namespace aiplat::catalog

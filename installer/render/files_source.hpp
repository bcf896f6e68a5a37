#pragma once
// `type: files`: the add-on's own manifests, one file or every *.yaml of a folder, sorted.
#include "catalog/model.hpp"
#include "render/manifests.hpp"
#include "util/fs.hpp"

namespace aiplat::render {

/// Reads `source.path` below the add-on folder `addon_dir` (relative to `root` in `fs`).
Result<SourceOutput> render_files_source(const catalog::Source& source, const std::string& addon_dir, Fs& fs,
                                         const std::string& root);

}  // namespace aiplat::render

#include "render/files_source.hpp"

#include <fmt/format.h>

#include "catalog/loader.hpp"
#include "util/sha256.hpp"

namespace aiplat::render {

Result<SourceOutput> render_files_source(const catalog::Source& source, const std::string& addon_dir, Fs& fs,
                                         const std::string& root) {
  std::string relative = source.path;
  while (relative.size() > 1 && relative.back() == '/') relative.pop_back();
  const std::string in_catalog = addon_dir + "/" + relative;  // as messages show it
  const std::string path = catalog::catalog_path(root, in_catalog);
  std::vector<std::string> files;  // catalog-relative names, sorted
  if (fs.is_directory(path)) {
    Result<std::vector<std::string>> listed = fs.list_files(path);
    if (!listed) return tl::unexpected(listed.error());
    for (const std::string& f : *listed) {
      if (f.ends_with(".yaml") || f.ends_with(".yml")) files.push_back(in_catalog + "/" + f);
    }
    if (files.empty()) {
      return input_error(fmt::format("{}: files source {} has no *.yaml files", source.at.where(), in_catalog));
    }
  } else if (fs.exists(path)) {
    files.push_back(in_catalog);
  } else {
    return input_error(fmt::format("{}: files source {} does not exist", source.at.where(), in_catalog));
  }
  SourceOutput out;
  out.id = "files:" + source.path;
  Sha256 digest;
  std::vector<std::string> problems;
  for (const std::string& file : files) {
    Result<std::string> text = fs.read_file(catalog::catalog_path(root, file));
    if (!text) return tl::unexpected(text.error());
    // Names are hashed too, so moving a manifest between files changes the digest.
    digest.update(file.substr(addon_dir.size() + 1));
    digest.update(std::string_view("\0", 1));
    digest.update(*text);
    digest.update(std::string_view("\0", 1));
    Result<std::vector<Json>> objects = parse_manifests(*text, file);
    if (!objects) {
      problems.push_back(objects.error().message);
      continue;
    }
    for (Json& o : *objects) out.objects.push_back(std::move(o));
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
    return input_error(message);
  }
  out.sha256 = digest.hex();
  return out;
}

}  // namespace aiplat::render

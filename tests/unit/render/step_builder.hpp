#pragma once
// Builds catalog::PlanStep values for render unit tests without a whole catalog.
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include "catalog/model.hpp"
#include "render/render.hpp"

namespace aiplat::render::testing {

inline catalog::PlanStep make_step(const std::string& name, const std::string& version, const std::string& ns,
                                   std::vector<catalog::Source> sources, std::vector<catalog::Image> images = {},
                                   std::vector<catalog::CustomResourceImage> cr_images = {}) {
  auto addon = std::make_shared<catalog::AddOn>();
  addon->name = name;
  addon->version = *catalog::parse_version(version);
  addon->namespace_ = ns;
  addon->dir = "addons/" + name + "/" + version;
  addon->at = catalog::SourceRef{addon->dir + "/addon.yaml", 1, 1};
  addon->sources = sources;
  addon->images = images;
  addon->custom_resource_images = cr_images;
  catalog::PlanStep step;
  step.order = 1;
  step.addon = addon;
  step.name = name;
  step.version = addon->version;
  step.sources = std::move(sources);
  step.images = std::move(images);
  return step;
}

inline catalog::Source files_source(const std::string& path) {
  catalog::Source s;
  s.type = catalog::SourceType::files;
  s.path = path;
  s.at = catalog::SourceRef{"addons/x/addon.yaml", 10, 7};
  return s;
}

inline catalog::Image image(const std::string& ref, const std::string& digest = "unknown", bool operand = false) {
  catalog::Image i;
  i.ref = ref;
  i.digest = digest;
  i.operand = operand;
  i.at = catalog::SourceRef{"addons/x/addon.yaml", 20, 7};
  return i;
}

/// A fresh directory below the system temp dir, removed at scope exit.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "aiplat-render-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace aiplat::render::testing

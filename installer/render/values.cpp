#include "render/values.hpp"

#include <fmt/format.h>

#include "catalog/loader.hpp"
#include "util/yaml.hpp"

namespace aiplat::render {

void merge_values(catalog::Json& base, const catalog::Json& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    base = overlay;
    return;
  }
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    auto existing = base.find(it.key());
    if (existing != base.end() && existing->is_object() && it->is_object()) {
      merge_values(*existing, *it);
    } else {
      base[it.key()] = *it;
    }
  }
}

Result<catalog::Json> helm_values(const catalog::Source& source, const catalog::PlanStep& step,
                                  const std::vector<std::string>& profiles, Fs& fs, const std::string& root) {
  catalog::Json values = source.values.is_object() ? source.values : catalog::Json::object();
  const std::string dir = step.addon ? step.addon->dir : std::string();
  for (const std::string& file : source.values_files) {
    const std::string in_catalog = dir + "/" + file;
    Result<std::string> text = fs.read_file(catalog::catalog_path(root, in_catalog));
    if (!text) {
      return input_error(fmt::format("{}: valuesFiles entry {}: {}", source.at.where(), in_catalog, text.error().message));
    }
    Result<YamlDocument> doc = parse_yaml(*text, in_catalog);
    if (!doc) return tl::unexpected(doc.error());
    if (doc->value.is_null()) continue;
    if (!doc->value.is_object()) {
      return input_error(fmt::format("{}: a values file must be a mapping", doc->where("")));
    }
    merge_values(values, doc->value);
  }
  // Profiles in layer order, so a later layer's values win.
  for (const std::string& profile : profiles) {
    auto it = source.values_by_profile.find(profile);
    if (it != source.values_by_profile.end()) merge_values(values, it->second);
  }
  if (step.values.is_object()) merge_values(values, step.values);
  return values;
}

}  // namespace aiplat::render

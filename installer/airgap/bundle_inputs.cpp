#include "airgap/bundle_inputs.hpp"

#include <algorithm>
#include <cctype>

#include "util/fs.hpp"
#include "util/image_ref.hpp"
#include "util/yaml.hpp"

namespace aiplat::airgap {

namespace fs = std::filesystem;

Result<std::vector<std::string>> parse_image_list(std::string_view text, const std::string& file) {
  std::vector<std::string> out;
  std::string problems;
  std::size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    if (std::size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    line.erase(line.begin(), std::find_if(line.begin(), line.end(), [](unsigned char c) { return !std::isspace(c); }));
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    if (line.empty()) continue;
    if (auto ref = parse_image_reference(line); !ref) {
      problems += "\n  " + file + ":" + std::to_string(line_no) + ": " + ref.error().message;
      continue;
    }
    out.push_back(line);
  }
  if (!problems.empty()) return input_error("bad image list:" + problems);
  return out;
}

Result<std::vector<BundleAddon>> read_manifest_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return input_error("--manifests " + dir.string() + " is not a directory");
  std::vector<fs::path> subdirs;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory()) subdirs.push_back(e.path());
  }
  std::sort(subdirs.begin(), subdirs.end());
  std::vector<BundleAddon> out;
  std::string problems;
  RealFs real;
  for (const fs::path& sub : subdirs) {
    std::string name = sub.filename().string();
    BundleAddon addon;
    // "03-kueue@0.14.2": the number orders, the version is recorded.
    std::size_t dash = name.find('-');
    if (dash != std::string::npos && dash > 0 &&
        std::all_of(name.begin(), name.begin() + static_cast<long>(dash), [](unsigned char c) { return std::isdigit(c); })) {
      name = name.substr(dash + 1);
    }
    if (std::size_t at = name.find('@'); at != std::string::npos) {
      addon.version = name.substr(at + 1);
      name.resize(at);
    }
    addon.name = name;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(sub, ec)) {
      std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      auto text = real.read_file(f.string());
      if (!text) {
        problems += "\n  " + text.error().message;
        continue;
      }
      auto docs = parse_yaml_documents(*text, f.string());
      if (!docs) {
        problems += "\n  " + docs.error().message;
        continue;
      }
      for (auto& d : *docs) {
        if (!d.value.is_object() || !d.value.contains("kind") || !d.value.contains("apiVersion")) {
          problems += "\n  " + d.where("") + ": not a Kubernetes object (no apiVersion/kind)";
          continue;
        }
        addon.objects.push_back(std::move(d.value));
      }
    }
    out.push_back(std::move(addon));
  }
  if (!problems.empty()) return input_error("reading --manifests " + dir.string() + ":" + problems);
  return out;
}

}  // namespace aiplat::airgap

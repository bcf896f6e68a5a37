#include "airgap/bundle_manifest.hpp"

#include "airgap/bundle_archive.hpp"
#include "util/image_ref.hpp"
#include "util/yaml.hpp"

namespace aiplat::airgap {

nlohmann::json BundleManifest::to_json() const {
  nlohmann::json doc = {{"apiVersion", "aiplat.dev/v1alpha1"}, {"kind", "Bundle"}, {"formatVersion", format_version}};
  if (!created_by.empty()) doc["createdBy"] = created_by;
  if (!profile.empty()) doc["profile"] = profile;
  if (!kubernetes.empty()) doc["kubernetes"] = kubernetes;
  doc["plan"] = plan;
  doc["addons"] = nlohmann::json::array();
  for (const auto& a : addons) {
    doc["addons"].push_back({{"name", a.name}, {"version", a.version}, {"path", a.path}, {"objects", a.objects}});
  }
  doc["images"] = nlohmann::json::array();
  for (const auto& i : images) {
    nlohmann::json img = {{"source", i.source}, {"digest", i.digest}, {"mediaType", i.media_type}, {"size", i.size}};
    if (!i.platforms.empty()) img["platforms"] = i.platforms;
    if (i.filtered) img["platformsFiltered"] = true;
    doc["images"].push_back(img);
  }
  if (delta) {
    nlohmann::json omitted = nlohmann::json::array();
    for (const auto& d : delta->omitted) omitted.push_back({{"digest", d.digest}, {"size", d.size}});
    doc["delta"] = {{"base", delta->base}, {"baseRepositories", delta->base_repositories}, {"omittedBlobs", omitted}};
  }
  doc["rootOfTrust"] = {{"checksums", checksums}};
  return doc;
}

std::string BundleManifest::to_yaml() const { return aiplat::to_yaml(to_json()); }

Result<BundleManifest> BundleManifest::parse(std::string_view text) {
  auto doc = parse_yaml(text, "bundle.yaml");
  if (!doc) return tl::unexpected(doc.error());
  const nlohmann::json& j = doc->value;
  std::vector<std::string> problems;
  auto problem = [&](const std::string& pointer, const std::string& what) {
    problems.push_back(doc->where(pointer) + ": " + what);
  };
  BundleManifest m;
  if (!j.is_object()) return input_error("bundle.yaml: not a mapping");
  if (j.value("kind", "") != "Bundle" || j.value("apiVersion", "") != "aiplat.dev/v1alpha1") {
    problem("", "not an aiplat bundle manifest (want apiVersion aiplat.dev/v1alpha1, kind Bundle)");
  }
  if (!j.contains("formatVersion") || !j["formatVersion"].is_number_integer()) {
    problem("/formatVersion", "formatVersion is missing");
  } else if (j["formatVersion"].get<int>() != k_bundle_format_version) {
    problem("/formatVersion", "formatVersion " + j["formatVersion"].dump() + " is not supported by this aiplat (it reads " +
                                  std::to_string(k_bundle_format_version) + ")");
  }
  m.profile = j.value("profile", "");
  m.kubernetes = j.contains("kubernetes") && j["kubernetes"].is_string() ? j["kubernetes"].get<std::string>() : "";
  m.created_by = j.value("createdBy", "");
  if (j.contains("plan")) m.plan = j["plan"];
  if (j.contains("addons") && j["addons"].is_array()) {
    for (std::size_t i = 0; i < j["addons"].size(); ++i) {
      const auto& a = j["addons"][i];
      std::string ptr = "/addons/" + std::to_string(i);
      if (!a.is_object() || !a.contains("name") || !a.contains("path")) {
        problem(ptr, "add-on needs name and path");
        continue;
      }
      BundleAddonEntry e{a.value("name", ""), a.value("version", ""), a.value("path", ""), a.value("objects", 0u)};
      if (auto safe = check_bundle_path(e.path); !safe) problem(ptr + "/path", safe.error().message);
      m.addons.push_back(e);
    }
  }
  if (!j.contains("images") || !j["images"].is_array()) {
    problem("/images", "images must be a list");
  } else {
    for (std::size_t i = 0; i < j["images"].size(); ++i) {
      const auto& img = j["images"][i];
      std::string ptr = "/images/" + std::to_string(i);
      if (!img.is_object() || !img.contains("source") || !img.contains("digest")) {
        problem(ptr, "image needs source and digest");
        continue;
      }
      BundleImage b;
      b.source = img.value("source", "");
      b.digest = img.value("digest", "");
      b.media_type = img.value("mediaType", "");
      b.size = img.value("size", std::uint64_t{0});
      b.filtered = img.value("platformsFiltered", false);
      if (img.contains("platforms") && img["platforms"].is_array()) {
        for (const auto& p : img["platforms"]) b.platforms.push_back(p.is_string() ? p.get<std::string>() : p.dump());
      }
      if (!is_valid_digest(b.digest)) problem(ptr + "/digest", "not a sha256 digest");
      if (!parse_image_reference(b.source)) problem(ptr + "/source", "not an image reference");
      m.images.push_back(std::move(b));
    }
  }
  if (j.contains("delta") && j["delta"].is_object()) {
    const auto& d = j["delta"];
    BundleDelta delta;
    delta.base = d.value("base", "");
    if (d.contains("baseRepositories") && d["baseRepositories"].is_array()) {
      for (const auto& r : d["baseRepositories"]) {
        if (r.is_string()) delta.base_repositories.push_back(r);
      }
    }
    if (d.contains("omittedBlobs") && d["omittedBlobs"].is_array()) {
      for (std::size_t i = 0; i < d["omittedBlobs"].size(); ++i) {
        auto desc = parse_descriptor(d["omittedBlobs"][i], "bundle.yaml delta.omittedBlobs[" + std::to_string(i) + "]");
        if (!desc) {
          problem("/delta/omittedBlobs/" + std::to_string(i), desc.error().message);
          continue;
        }
        delta.omitted.push_back(std::move(*desc));
      }
    }
    m.delta = std::move(delta);
  }
  if (j.contains("rootOfTrust") && j["rootOfTrust"].is_object()) m.checksums = j["rootOfTrust"].value("checksums", "");
  if (!is_valid_digest(m.checksums)) problem("/rootOfTrust", "rootOfTrust.checksums must be the sha256 of checksums.txt");
  if (!problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    return input_error(all);
  }
  return m;
}

std::string format_checksums(const std::map<std::string, std::string>& hex_by_path) {
  std::string out;
  for (const auto& [path, hex] : hex_by_path) out += hex + "  " + path + "\n";
  return out;
}

Result<std::map<std::string, std::string>> parse_checksums(std::string_view text) {
  std::map<std::string, std::string> out;
  std::size_t line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    if (line.empty()) continue;
    std::string where = "checksums.txt:" + std::to_string(line_no);
    if (line.size() < 67 || line.compare(64, 2, "  ") != 0 || !is_valid_digest("sha256:" + line.substr(0, 64))) {
      return input_error(where + ": expected \"<64 hex digits>  <path>\"");
    }
    std::string path = line.substr(66);
    if (auto safe = check_bundle_path(path); !safe) return input_error(where + ": " + safe.error().message);
    if (!out.emplace(path, line.substr(0, 64)).second) return input_error(where + ": " + path + " is listed twice");
  }
  return out;
}

}  // namespace aiplat::airgap

#include "airgap/oci_layout.hpp"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "util/fs.hpp"
#include "util/image_ref.hpp"
#include "util/sha256.hpp"

namespace aiplat::airgap {

namespace fs = std::filesystem;

std::string ref_name_of(const Descriptor& descriptor) {
  const auto& raw = descriptor.raw;
  if (raw.contains("annotations") && raw["annotations"].is_object()) {
    return raw["annotations"].value(std::string(k_ref_name_annotation), "");
  }
  return {};
}

Result<OciLayout> OciLayout::create(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir / "blobs" / "sha256", ec);
  if (ec) return failure("creating OCI layout " + dir.string() + ": " + ec.message());
  if (!fs::exists(dir / "oci-layout")) {
    auto w = write_file_atomic(dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    if (!w) return tl::unexpected(w.error());
  }
  OciLayout layout(dir);
  if (fs::exists(dir / "index.json")) {
    auto loaded = layout.load_index();
    if (!loaded) return tl::unexpected(loaded.error());
  }
  return layout;
}

Result<OciLayout> OciLayout::open(const fs::path& dir) {
  RealFs real;
  auto marker = real.read_file((dir / "oci-layout").string());
  if (!marker) return input_error(dir.string() + " is not an OCI image layout (no oci-layout file)");
  nlohmann::json doc = nlohmann::json::parse(*marker, nullptr, false);
  if (!doc.is_object() || doc.value("imageLayoutVersion", "") != "1.0.0") {
    return input_error((dir / "oci-layout").string() + ": imageLayoutVersion must be \"1.0.0\"");
  }
  OciLayout layout(dir);
  auto loaded = layout.load_index();
  if (!loaded) return tl::unexpected(loaded.error());
  return layout;
}

Result<void> OciLayout::load_index() {
  RealFs real;
  std::string path = (m_dir / "index.json").string();
  auto text = real.read_file(path);
  if (!text) return input_error(path + ": missing");
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array()) {
    return input_error(path + ": not an image index (no manifests array)");
  }
  m_manifests.clear();
  for (std::size_t i = 0; i < doc["manifests"].size(); ++i) {
    auto d = parse_descriptor(doc["manifests"][i], path + ": manifests[" + std::to_string(i) + "]");
    if (!d) return tl::unexpected(d.error());
    m_manifests.push_back(std::move(*d));
  }
  return {};
}

fs::path OciLayout::blob_path(const std::string& digest) const {
  return m_dir / "blobs" / "sha256" / digest_hex(digest);
}

bool OciLayout::has_blob(const std::string& digest) const {
  std::error_code ec;
  return fs::is_regular_file(blob_path(digest), ec);
}

Result<std::string> OciLayout::put_blob(std::string_view content) {
  std::string digest = "sha256:" + sha256_hex(content);
  if (has_blob(digest)) return digest;
  auto w = write_file_atomic(blob_path(digest), content);
  if (!w) return tl::unexpected(w.error());
  return digest;
}

Result<std::string> OciLayout::read_blob(const std::string& digest, std::uint64_t max_size) const {
  fs::path path = blob_path(digest);
  std::error_code ec;
  std::uint64_t size = fs::file_size(path, ec);
  if (ec) return failure("OCI layout " + m_dir.string() + ": blob " + digest + " is missing");
  if (size > max_size) return failure("OCI layout " + m_dir.string() + ": blob " + digest + " is too large to be a manifest");
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  if ("sha256:" + sha256_hex(content) != digest) {
    return failure("OCI layout " + m_dir.string() + ": blob " + digest + " does not match its digest");
  }
  return content;
}

Result<void> OciLayout::verify_blob(const Descriptor& blob) const {
  fs::path path = blob_path(blob.digest);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return failure("OCI layout " + m_dir.string() + ": blob " + blob.digest + " is missing");
  Sha256 hash;
  std::vector<char> buffer(1 << 20);
  std::uint64_t total = 0;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), f)) {
    hash.update(std::string_view(buffer.data(), n));
    total += n;
  }
  std::fclose(f);
  if (total != blob.size) {
    return failure("OCI layout " + m_dir.string() + ": blob " + blob.digest + " has " + std::to_string(total) +
                   " bytes, descriptor says " + std::to_string(blob.size));
  }
  if ("sha256:" + hash.hex() != blob.digest) {
    return failure("OCI layout " + m_dir.string() + ": blob " + blob.digest + " does not match its digest");
  }
  return {};
}

std::optional<Descriptor> OciLayout::find(const std::string& ref_name) const {
  for (const auto& d : m_manifests) {
    if (ref_name_of(d) == ref_name) return d;
  }
  return std::nullopt;
}

void OciLayout::add_manifest(Descriptor manifest, const std::string& ref_name) {
  manifest.raw["mediaType"] = manifest.media_type;
  manifest.raw["digest"] = manifest.digest;
  manifest.raw["size"] = manifest.size;
  manifest.raw["annotations"][std::string(k_ref_name_annotation)] = ref_name;
  std::erase_if(m_manifests, [&](const Descriptor& d) { return ref_name_of(d) == ref_name; });
  m_manifests.push_back(std::move(manifest));
}

Result<void> OciLayout::save_index() const {
  nlohmann::json doc = {{"schemaVersion", 2}, {"mediaType", std::string(k_oci_index)}, {"manifests", nlohmann::json::array()}};
  for (const auto& d : m_manifests) doc["manifests"].push_back(d.raw);
  return write_file_atomic(m_dir / "index.json", doc.dump());
}

Result<Manifest> OciLayout::read_manifest(const Descriptor& descriptor) const {
  auto body = read_blob(descriptor.digest);
  if (!body) return tl::unexpected(body.error());
  Manifest m;
  m.digest = descriptor.digest;
  m.media_type = declared_media_type(*body, descriptor.media_type);
  m.body = std::move(*body);
  return m;
}

BlobOpener OciLayout::blob_opener(const Descriptor& blob) const {
  return file_blob_opener(blob_path(blob.digest), blob.size);
}

}  // namespace aiplat::airgap

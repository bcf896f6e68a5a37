#include "airgap_fixture.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/sha256.hpp"

namespace aiplat::testing {

namespace fs = std::filesystem;
using airgap::Descriptor;

namespace {

/// A tar with one file of random bytes, streamed to the layout; returns its descriptor.
Descriptor write_layer(airgap::OciLayout& layout, const LayerSpec& layer) {
  fs::path tmp = layout.dir() / fmt::format("layer-{}.tmp", layer.seed);
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open_filename(a, tmp.c_str());
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, fmt::format("data/blob-{}.bin", layer.seed).c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, static_cast<la_int64_t>(layer.size));
  archive_entry_set_mtime(e, 0, 0);
  archive_write_header(a, e);
  archive_entry_free(e);
  std::mt19937_64 rng(layer.seed);
  std::vector<std::uint64_t> buffer(1 << 15);
  std::uint64_t left = layer.size;
  while (left > 0) {
    for (auto& w : buffer) w = rng();
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size() * 8));
    archive_write_data(a, buffer.data(), n);
    left -= n;
  }
  archive_write_close(a);
  archive_write_free(a);
  Sha256 hash;
  std::ifstream in(tmp, std::ios::binary);
  std::vector<char> chunk(1 << 20);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    hash.update(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
  }
  Descriptor d;
  d.media_type = "application/vnd.oci.image.layer.v1.tar";
  d.digest = "sha256:" + hash.hex();
  d.size = fs::file_size(tmp);
  if (layout.has_blob(d.digest)) {
    fs::remove(tmp);
  } else {
    fs::rename(tmp, layout.blob_path(d.digest));
  }
  return d;
}

nlohmann::json descriptor_json(const Descriptor& d) {
  return {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
}

Descriptor put_json(airgap::OciLayout& layout, const nlohmann::json& doc, const std::string& media_type) {
  std::string body = doc.dump();
  auto digest = layout.put_blob(body);
  return Descriptor{media_type, *digest, body.size(), std::nullopt, {}};
}

Descriptor build_single(airgap::OciLayout& layout, const std::vector<LayerSpec>& layers, const std::string& os,
                        const std::string& arch) {
  nlohmann::json manifest_layers = nlohmann::json::array();
  nlohmann::json diff_ids = nlohmann::json::array();
  for (const LayerSpec& l : layers) {
    Descriptor d = write_layer(layout, l);
    manifest_layers.push_back(descriptor_json(d));
    diff_ids.push_back(d.digest);  // uncompressed layers: the diff id is the blob digest
  }
  nlohmann::json config = {{"architecture", arch},
                           {"os", os},
                           {"config", {{"Env", {"PATH=/usr/bin"}}}},
                           {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
  Descriptor cfg = put_json(layout, config, "application/vnd.oci.image.config.v1+json");
  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", std::string(airgap::k_oci_manifest)},
                             {"config", descriptor_json(cfg)},
                             {"layers", manifest_layers}};
  return put_json(layout, manifest, std::string(airgap::k_oci_manifest));
}

}  // namespace

Descriptor build_image(airgap::OciLayout& layout, const ImageSpec& spec, const std::string& registry) {
  Descriptor root;
  if (spec.platforms.empty()) {
    root = build_single(layout, spec.layers, "linux", "amd64");
  } else {
    nlohmann::json manifests = nlohmann::json::array();
    for (std::size_t p = 0; p < spec.platforms.size(); ++p) {
      auto platform = airgap::parse_platform(spec.platforms[p]);
      std::vector<LayerSpec> layers = spec.layers;
      for (std::size_t i = 1; i < layers.size(); ++i) layers[i].seed += 1000 * (p + 1);
      Descriptor m = build_single(layout, layers, platform->os, platform->architecture);
      nlohmann::json entry = descriptor_json(m);
      entry["platform"] = {{"os", platform->os}, {"architecture", platform->architecture}};
      if (!platform->variant.empty()) entry["platform"]["variant"] = platform->variant;
      manifests.push_back(entry);
    }
    nlohmann::json index = {{"schemaVersion", 2}, {"mediaType", std::string(airgap::k_oci_index)}, {"manifests", manifests}};
    root = put_json(layout, index, std::string(airgap::k_oci_index));
  }
  layout.add_manifest(root, registry + "/" + spec.repository + ":" + spec.tag);
  EXPECT_TRUE(layout.save_index());
  return layout.manifests().back();
}

airgap::RegistryAccess plain_access(const std::vector<std::string>& insecure, int max_attempts) {
  airgap::RegistryAccess access;
  access.http = make_curl_transport(16);
  access.insecure.insert(insecure.begin(), insecure.end());
  access.max_attempts = max_attempts;
  access.backoff = std::chrono::milliseconds(50);
  return access;
}

void seed_registry(const airgap::OciLayout& layout, const std::string& registry) {
  airgap::RegistryPool pool(plain_access({registry}), nullptr);
  std::vector<airgap::PushItem> items;
  for (const Descriptor& d : layout.manifests()) {
    std::string name = airgap::ref_name_of(d);
    if (!name.starts_with(registry + "/")) continue;
    auto ref = parse_image_reference(name);
    ASSERT_TRUE(ref) << ref.error().message;
    items.push_back({name, d, *ref});
  }
  airgap::NullProgress quiet;
  auto pushed = airgap::push_images(layout, items, pool.get(registry), {}, quiet);
  ASSERT_TRUE(pushed) << pushed.error().message;
}

std::vector<std::string> catalog_of(const std::string& registry, const airgap::RegistryAccess& access) {
  airgap::RegistryPool pool(access, nullptr);
  auto repos = pool.get(registry).catalog();
  EXPECT_TRUE(repos) << (repos ? "" : repos.error().message);
  return repos ? *repos : std::vector<std::string>{"<catalog failed>"};
}

std::vector<RawEntry> read_raw_archive(const std::string& path) {
  std::vector<RawEntry> out;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 1 << 16), ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    RawEntry r;
    r.path = archive_entry_pathname(e);
    char buffer[1 << 16];
    la_ssize_t n;
    while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) r.data.append(buffer, static_cast<std::size_t>(n));
    out.push_back(std::move(r));
  }
  archive_read_free(a);
  return out;
}

void write_raw_archive(const std::string& path, const std::vector<RawEntry>& entries) {
  archive* a = archive_write_new();
  archive_write_add_filter_zstd(a);
  archive_write_set_format_pax_restricted(a);
  archive_write_open_filename(a, path.c_str());
  for (const RawEntry& r : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, r.path.c_str());
    archive_entry_set_perm(e, 0644);
    if (!r.symlink.empty()) {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, r.symlink.c_str());
    } else if (!r.hardlink.empty()) {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, r.hardlink.c_str());
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(r.data.size()));
    }
    archive_write_header(a, e);
    if (r.symlink.empty() && r.hardlink.empty() && !r.data.empty()) archive_write_data(a, r.data.data(), r.data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

std::string by_digest(const std::string& ref) {
  std::size_t at = ref.find('@');
  if (at == std::string::npos) return ref;
  std::size_t colon = ref.rfind(':', at);
  std::size_t slash = ref.rfind('/', at);
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return ref;
  return ref.substr(0, colon) + ref.substr(at);
}

ProcessResult run_tool(const std::vector<std::string>& argv, const std::string& cwd) {
  auto runner = make_posix_runner();
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = cwd;
  spec.timeout = std::chrono::seconds(180);
  auto r = runner->run(spec);
  EXPECT_TRUE(r) << argv[0] << ": " << (r ? "" : r.error().message);
  return r ? *r : ProcessResult{-1, "", "cannot start", false};
}

ProcessResult run_aiplat(const std::vector<std::string>& args, const std::string& stdin_data,
                         std::map<std::string, std::string> env) {
  static TempDir empty_docker_config;
  auto runner = make_posix_runner();
  ProcessSpec spec;
  spec.argv = {std::string(AIPLAT_BINARY_DIR) + "/aiplat"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.stdin_data = stdin_data;
  spec.env = std::move(env);
  if (!spec.env.count("DOCKER_CONFIG")) spec.env["DOCKER_CONFIG"] = empty_docker_config.path;
  spec.timeout = std::chrono::seconds(240);
  auto r = runner->run(spec);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : ProcessResult{-1, "", "cannot start", false};
}

}  // namespace aiplat::testing

#include "airgap/bundle_pack.hpp"

namespace aiplat::testing {

AirgapEnv::AirgapEnv() {
  auto a = RegistryProcess::start({}, dir.path);
  auto b = RegistryProcess::start({}, dir.path);
  if (!a || !b) {
    ADD_FAILURE() << "cannot start registries: " << (a ? b.error().message : a.error().message);
    return;
  }
  source = std::move(*a);
  target = std::move(*b);
  fs::create_directories(dir.path + "/seed");
  auto layout = airgap::OciLayout::create(dir.path + "/seed");
  const std::string reg = source->host();
  build_image(*layout, {"app/one", "1.0", {"linux/amd64", "linux/arm64"}, {{1, 300000}, {2, 200000}, {3, 50000}}}, reg);
  build_image(*layout, {"app/two", "2.1", {"linux/amd64", "linux/arm64"}, {{1, 300000}, {4, 120000}}}, reg);
  build_image(*layout, {"tools/probe", "v3", {}, {{1, 300000}, {5, 70000}}}, reg);
  seed_registry(*layout, reg);
  images = {reg + "/app/one:1.0", reg + "/app/two:2.1", reg + "/tools/probe:v3"};
}

airgap::RegistryAccess AirgapEnv::access(int max_attempts) const {
  return plain_access({source->host(), target->host()}, max_attempts);
}

std::string AirgapEnv::pack(const std::string& name, std::vector<std::string> refs, const std::string& since) {
  airgap::BundleContents contents;
  contents.profile = "airgapped";
  contents.kubernetes_minor = "1.36";
  contents.images = refs.empty() ? images : refs;
  contents.addons.push_back({"demo", "1.0.0", {nlohmann::json{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                                               {"metadata", {{"name", "demo"}, {"namespace", "default"}}},
                                                               {"data", {{"image", contents.images.front()}}}}}});
  airgap::PackOptions options;
  options.output = dir.path + "/" + name;
  options.since = since;
  airgap::RegistryPool pool(access(), nullptr);
  airgap::NullProgress quiet;
  auto packed = airgap::pack_bundle(contents, pool, options, quiet);
  EXPECT_TRUE(packed) << (packed ? "" : packed.error().message);
  return options.output.string();
}

std::vector<std::string> AirgapEnv::target_catalog() const { return catalog_of(target->host(), access()); }

}  // namespace aiplat::testing

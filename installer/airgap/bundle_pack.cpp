#include "airgap/bundle_pack.hpp"

#include <unistd.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "airgap/bundle_archive.hpp"
#include "airgap/bundle_verify.hpp"
#include "airgap/signing.hpp"
#include "util/fs.hpp"
#include "util/sha256.hpp"
#include "util/yaml.hpp"

namespace aiplat::airgap {
namespace {

namespace fs = std::filesystem;

/// Removes a staging directory on every way out.
struct Staging {
  fs::path dir;
  ~Staging() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

Result<std::vector<ImageRef>> parse_refs(const std::vector<std::string>& images) {
  std::vector<ImageRef> refs;
  std::set<std::string> seen;
  std::string problems;
  for (const auto& text : images) {
    auto ref = parse_image_ref(text);
    if (!ref) {
      problems += "\n  " + ref.error().message;
      continue;
    }
    if (seen.insert(ref->str()).second) refs.push_back(*ref);
  }
  if (!problems.empty()) return input_error("bad image references:" + problems);
  if (refs.empty()) return input_error("no images to pack: give --images FILE or --image REF");
  std::sort(refs.begin(), refs.end(), [](const ImageRef& a, const ImageRef& b) { return a.str() < b.str(); });
  return refs;
}

Result<void> check_addons(const std::vector<BundleAddon>& addons) {
  std::set<std::string> names;
  std::string problems;
  for (const auto& a : addons) {
    auto safe = check_bundle_path(a.name);
    if (!safe || a.name.find('/') != std::string::npos) problems += "\n  add-on name \"" + a.name + "\" is not path-safe";
    if (!names.insert(a.name).second) problems += "\n  add-on \"" + a.name + "\" appears twice";
    for (std::size_t i = 0; i < a.objects.size(); ++i) {
      if (!a.objects[i].is_object()) problems += "\n  add-on " + a.name + ": object " + std::to_string(i) + " is not a mapping";
    }
  }
  if (!problems.empty()) return input_error("bad add-on manifests:" + problems);
  return {};
}

}  // namespace

Result<PackResult> pack_bundle(const BundleContents& contents, RegistryPool& pool, const PackOptions& options,
                               Progress& progress) {
  auto refs = parse_refs(contents.images);
  if (!refs) return tl::unexpected(refs.error());
  auto addons_ok = check_addons(contents.addons);
  if (!addons_ok) return tl::unexpected(addons_ok.error());
  std::string out_name = options.output.filename().string();
  if (!out_name.ends_with(".aiplat.tar.zst")) return input_error("the output must be named *.aiplat.tar.zst");
  fs::path out_dir = options.output.parent_path().empty() ? fs::path(".") : options.output.parent_path();

  PullOptions pull = options.pull;
  std::optional<BundleDelta> delta;
  if (!options.since.empty()) {
    NullProgress quiet;
    auto base = verify_bundle(options.since, {}, quiet);
    if (!base) return tl::unexpected(base.error().with_context("reading the base bundle"));
    delta = BundleDelta{base->manifest_digest, {}, {}};
    std::set<std::string> repos;
    for (const auto& [digest, size] : base->blobs) pull.skip_blobs.insert(digest);
    for (const auto& img : base->manifest.images) {
      if (auto r = parse_image_ref(img.source)) repos.insert(r->repository);
    }
    if (base->manifest.delta) {
      for (const auto& d : base->manifest.delta->omitted) pull.skip_blobs.insert(d.digest);
      repos.insert(base->manifest.delta->base_repositories.begin(), base->manifest.delta->base_repositories.end());
    }
    delta->base_repositories.assign(repos.begin(), repos.end());
  }

  Staging staging;
  fs::path work = options.work_dir.empty() ? out_dir : options.work_dir;
  staging.dir = work / fmt::format(".{}.work-{}", out_name, ::getpid());
  std::error_code ec;
  fs::remove_all(staging.dir, ec);
  auto layout = OciLayout::create(staging.dir / "images");
  if (!layout) return tl::unexpected(layout.error());
  auto pulled = pull_images(*refs, *layout, pool, pull, progress);
  if (!pulled) return tl::unexpected(pulled.error());

  BundleManifest manifest;
  manifest.profile = contents.profile;
  manifest.kubernetes = contents.kubernetes_minor;
  manifest.plan = contents.plan_summary;
  manifest.created_by = options.created_by;
  std::map<std::string, std::string> checksums;
  std::vector<std::pair<std::string, std::string>> small_files;  // path, content
  for (std::size_t i = 0; i < contents.addons.size(); ++i) {
    const BundleAddon& a = contents.addons[i];
    std::string path = fmt::format("manifests/{:02}-{}/objects.yaml", i + 1, a.name);
    std::string text = to_yaml_documents(a.objects);
    checksums[path] = sha256_hex(text);
    small_files.emplace_back(path, std::move(text));
    manifest.addons.push_back({a.name, a.version, path, a.objects.size()});
  }
  for (const PulledImage& img : pulled->images) {
    manifest.images.push_back({img.source, img.root.digest, img.root.media_type, img.size, img.platforms, img.filtered});
  }
  if (delta) {
    delta->omitted = pulled->omitted;
    manifest.delta = std::move(delta);
  }
  RealFs real;
  for (const char* f : {"oci-layout", "index.json"}) {
    auto text = real.read_file((layout->dir() / f).string());
    if (!text) return tl::unexpected(text.error());
    checksums[std::string("images/") + f] = sha256_hex(*text);
  }
  std::vector<std::string> blob_names;
  for (const auto& entry : fs::directory_iterator(layout->dir() / "blobs" / "sha256")) {
    std::string hex = entry.path().filename().string();
    if (hex.size() != 64) continue;  // a ".part" left by nothing, since fetch cleans up; be strict anyway
    blob_names.push_back(hex);
    checksums["images/blobs/sha256/" + hex] = hex;  // verified on the way in: the name is the content hash
  }
  std::sort(blob_names.begin(), blob_names.end());
  std::string checksums_text = format_checksums(checksums);
  manifest.checksums = "sha256:" + sha256_hex(checksums_text);
  std::string manifest_text = manifest.to_yaml();
  std::string signature;
  if (!options.sign_key_pem.empty()) {
    auto sig = sign_blob(manifest_text, options.sign_key_pem);
    if (!sig) return tl::unexpected(sig.error());
    signature = *sig;
  }

  fs::path temp = out_dir / fmt::format(".{}.tmp-{}", out_name, ::getpid());
  struct TempFile {
    fs::path path;
    ~TempFile() {
      std::error_code e;
      if (!path.empty()) fs::remove(path, e);
    }
  } temp_guard{temp};
  auto writer = ArchiveWriter::create(temp, options.zstd_level);
  if (!writer) return tl::unexpected(writer.error());
  std::uint64_t total = 0;
  for (const auto& hex : blob_names) total += fs::file_size(layout->blob_path("sha256:" + hex));
  progress.phase("write", blob_names.size(), total);
  Result<void> w = writer->add_memory(std::string(k_bundle_manifest), manifest_text);
  if (w && !signature.empty()) w = writer->add_memory(std::string(k_bundle_signature), signature);
  if (w) w = writer->add_memory(std::string(k_bundle_checksums), checksums_text);
  for (const auto& [path, text] : small_files) {
    if (w) w = writer->add_memory(path, text);
  }
  if (w) w = writer->add_file("images/oci-layout", layout->dir() / "oci-layout");
  if (w) w = writer->add_file("images/index.json", layout->dir() / "index.json");
  for (const auto& hex : blob_names) {
    if (!w) break;
    fs::path src = layout->blob_path("sha256:" + hex);
    w = writer->add_file("images/blobs/sha256/" + hex, src, [&](std::uint64_t n) { progress.advance(n); });
    if (w) progress.item("sha256:" + hex, fs::file_size(src), "written");
  }
  if (w) w = writer->close();
  progress.phase_done();
  if (!w) return tl::unexpected(w.error());
  fs::rename(temp, options.output, ec);
  if (ec) return failure("renaming " + temp.string() + " to " + options.output.string() + ": " + ec.message());
  temp_guard.path.clear();

  PackResult result;
  result.archive_bytes = fs::file_size(options.output);
  result.bytes_pulled = pulled->bytes_pulled;
  result.blobs = blob_names.size();
  result.manifest = std::move(manifest);
  return result;
}

}  // namespace aiplat::airgap

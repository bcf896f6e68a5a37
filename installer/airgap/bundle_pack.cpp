#include "airgap/bundle_pack.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "airgap/bundle_archive.hpp"
#include "airgap/bundle_verify.hpp"
#include "airgap/signing.hpp"
#include "util/fs.hpp"
#include "util/image_ref.hpp"
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

Result<std::vector<ImageReference>> parse_refs(const std::vector<std::string>& images) {
  std::vector<ImageReference> refs;
  std::set<std::string> seen;
  std::string problems;
  for (const auto& text : images) {
    auto ref = parse_image_reference(text);
    if (!ref) {
      problems += "\n  " + ref.error().message;
      continue;
    }
    if (seen.insert(ref->str()).second) refs.push_back(*ref);
  }
  if (!problems.empty()) return input_error("bad image references:" + problems);
  if (refs.empty()) return input_error("no images to pack: give --profile P, --images FILE or --image REF");
  std::sort(refs.begin(), refs.end(), [](const ImageReference& a, const ImageReference& b) { return a.str() < b.str(); });
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
      if (auto r = parse_image_reference(img.source)) repos.insert(r->repository);
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
  // Everything except the blob bytes is known once manifests are resolved, so bundle.yaml,
  // checksums.txt and the small files go out first, and each blob follows as soon as it has
  // arrived and been verified; its staging copy is dropped right after.
  BundleManifest manifest;
  manifest.profile = contents.profile;
  manifest.kubernetes = contents.kubernetes_minor;
  manifest.plan = contents.plan_summary;
  manifest.created_by = options.created_by;
  std::vector<std::pair<std::string, std::string>> head_files;  // path, content, in archive order
  std::vector<std::string> staged_blobs;                         // hex of blobs already in the layout
  std::size_t blob_total = 0;
  auto plan_archive = [&](const PullResult& planned, const std::vector<Descriptor>& fetching) -> Result<void> {
    std::map<std::string, std::string> checksums;
    std::vector<std::pair<std::string, std::string>> files;
    for (std::size_t i = 0; i < contents.addons.size(); ++i) {
      const BundleAddon& a = contents.addons[i];
      std::string path = fmt::format("manifests/{:02}-{}/objects.yaml", i + 1, a.name);
      std::string text = to_yaml_documents(a.objects);
      checksums[path] = sha256_hex(text);
      files.emplace_back(path, std::move(text));
      manifest.addons.push_back({a.name, a.version, path, a.objects.size()});
    }
    for (const PulledImage& img : planned.images) {
      manifest.images.push_back({img.source, img.root.digest, img.root.media_type, img.size, img.platforms, img.filtered});
    }
    if (delta) {
      delta->omitted = planned.omitted;
      manifest.delta = delta;
    }
    RealFs real;
    for (const char* f : {"oci-layout", "index.json"}) {
      auto text = real.read_file((layout->dir() / f).string());
      if (!text) return tl::unexpected(text.error());
      checksums[std::string("images/") + f] = sha256_hex(*text);
      files.emplace_back(std::string("images/") + f, std::move(*text));
    }
    for (const auto& entry : fs::directory_iterator(layout->dir() / "blobs" / "sha256")) {
      std::string hex = entry.path().filename().string();
      if (hex.size() != 64) continue;
      staged_blobs.push_back(hex);
      checksums["images/blobs/sha256/" + hex] = hex;  // put_blob hashed it: the name is the content hash
    }
    for (const Descriptor& d : fetching) checksums["images/blobs/sha256/" + digest_hex(d.digest)] = digest_hex(d.digest);
    blob_total = staged_blobs.size() + fetching.size();
    std::string checksums_text = format_checksums(checksums);
    manifest.checksums = "sha256:" + sha256_hex(checksums_text);
    std::string manifest_text = manifest.to_yaml();
    head_files.emplace_back(std::string(k_bundle_manifest), manifest_text);
    if (!options.sign_key_pem.empty()) {
      auto sig = sign_blob(manifest_text, options.sign_key_pem);
      if (!sig) return tl::unexpected(sig.error());
      head_files.emplace_back(std::string(k_bundle_signature), *sig);
    }
    head_files.emplace_back(std::string(k_bundle_checksums), std::move(checksums_text));
    for (auto& f : files) head_files.push_back(std::move(f));
    return {};
  };

  struct Pipe {
    std::mutex mutex;
    std::condition_variable cv;
    bool planned = false;
    bool pull_done = false;
    bool writer_failed = false;
    std::deque<std::string> arrived;  // digests ready to be archived
  } pipe;
  pull.before_fetch = [&](const PullResult& planned, const std::vector<Descriptor>& fetching) -> Result<void> {
    auto r = plan_archive(planned, fetching);
    if (!r) return r;
    std::lock_guard lock(pipe.mutex);
    pipe.planned = true;
    pipe.cv.notify_all();
    return {};
  };
  pull.on_fetched = [&](const Descriptor& blob) -> Result<void> {
    std::lock_guard lock(pipe.mutex);
    if (pipe.writer_failed) return failure("stopped: writing the bundle failed");
    pipe.arrived.push_back(blob.digest);
    pipe.cv.notify_all();
    return {};
  };
  Result<PullResult> pulled = failure("not pulled");
  std::thread puller([&] {
    pulled = pull_images(*refs, *layout, pool, pull, progress);
    std::lock_guard lock(pipe.mutex);
    pipe.pull_done = true;
    pipe.cv.notify_all();
  });

  fs::path temp = out_dir / fmt::format(".{}.tmp-{}", out_name, ::getpid());
  struct TempFile {
    fs::path path;
    ~TempFile() {
      std::error_code e;
      if (!path.empty()) fs::remove(path, e);
    }
  } temp_guard{temp};
  std::optional<ArchiveWriter> writer;
  Result<void> w;
  std::size_t blobs_written = 0;
  {
    std::unique_lock lock(pipe.mutex);
    pipe.cv.wait(lock, [&] { return pipe.planned || pipe.pull_done; });
  }
  if (pipe.planned) {
    int threads = options.zstd_threads > 0 ? options.zstd_threads
                                           : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto created = ArchiveWriter::create(temp, options.zstd_level, threads);
    if (created) {
      writer.emplace(std::move(*created));
    } else {
      w = tl::unexpected(created.error());
    }
    for (const auto& [path, text] : head_files) {
      if (w) w = writer->add_memory(path, text);
    }
    for (const auto& hex : staged_blobs) {
      if (!w) break;
      w = writer->add_file("images/blobs/sha256/" + hex, layout->blob_path("sha256:" + hex));
      ++blobs_written;
    }
    while (w) {
      std::string digest;
      {
        std::unique_lock lock(pipe.mutex);
        pipe.cv.wait(lock, [&] { return !pipe.arrived.empty() || pipe.pull_done; });
        if (pipe.arrived.empty()) break;
        digest = pipe.arrived.front();
        pipe.arrived.pop_front();
      }
      fs::path src = layout->blob_path(digest);
      w = writer->add_file("images/blobs/sha256/" + digest_hex(digest), src);
      std::error_code gone;
      fs::remove(src, gone);  // archived: free the disk (and the page cache) at once
      ++blobs_written;
    }
    if (!w) {
      std::lock_guard lock(pipe.mutex);
      pipe.writer_failed = true;
    }
  }
  puller.join();
  if (!pulled) return tl::unexpected(pulled.error());
  if (!w) return tl::unexpected(w.error());
  if (blobs_written != blob_total) {
    return failure(fmt::format("internal error: {} of {} blobs reached the bundle", blobs_written, blob_total));
  }
  w = writer->close();
  if (!w) return tl::unexpected(w.error());
  fs::rename(temp, options.output, ec);
  if (ec) return failure("renaming " + temp.string() + " to " + options.output.string() + ": " + ec.message());
  temp_guard.path.clear();

  PackResult result;
  result.archive_bytes = fs::file_size(options.output);
  result.bytes_pulled = pulled->bytes_pulled;
  result.blobs = blob_total;
  result.manifest = std::move(manifest);
  return result;
}

}  // namespace aiplat::airgap

#include "airgap/bundle_pack.hpp"

#include <unistd.h>

#include <algorithm>
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
  // checksums.txt and the small files go out first, then the blobs as they arrive.
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

  // Blobs stream from the registry straight into the archive, one at a time (tar is
  // sequential). A pull that finds the archive busy spools its blob to disk instead, while
  // the spooled bytes stay under a budget, so slow connections still overlap; whoever
  // holds the archive appends the spooled blobs. Every blob's digest is checked while it
  // streams; one that fails fails the pack, and the unfinished file is removed.
  fs::path temp = out_dir / fmt::format(".{}.tmp-{}", out_name, ::getpid());
  struct TempFile {
    fs::path path;
    ~TempFile() {
      std::error_code e;
      if (!path.empty()) fs::remove(path, e);
    }
  } temp_guard{temp};
  std::optional<ArchiveWriter> writer;
  std::mutex archive_mutex;  // held while writing to the archive
  std::mutex spool_mutex;
  std::deque<Descriptor> spooled;  // fetched, verified, waiting for the archive
  std::uint64_t spool_bytes = 0;   // reserved by spools in flight or waiting
  bool broken = false;             // a write failed: the archive is unusable
  std::size_t blobs_written = 0;

  auto start_archive = [&]() -> Result<void> {
    int threads = options.zstd_threads > 0 ? options.zstd_threads
                                           : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    auto created = ArchiveWriter::create(temp, options.zstd_level, threads);
    if (!created) return tl::unexpected(created.error());
    writer.emplace(std::move(*created));
    for (const auto& [path, text] : head_files) {
      auto w = writer->add_memory(path, text);
      if (!w) return w;
    }
    for (const auto& hex : staged_blobs) {
      auto w = writer->add_file("images/blobs/sha256/" + hex, layout->blob_path("sha256:" + hex));
      if (!w) return w;
      ++blobs_written;
    }
    return {};
  };
  // With archive_mutex held: appends every spooled blob.
  auto drain_locked = [&]() -> Result<void> {
    for (;;) {
      Descriptor blob;
      {
        std::lock_guard lock(spool_mutex);
        if (spooled.empty()) return {};
        blob = spooled.front();
        spooled.pop_front();
      }
      fs::path src = layout->blob_path(blob.digest);
      auto w = writer->add_file("images/blobs/sha256/" + digest_hex(blob.digest), src);
      std::error_code gone;
      fs::remove(src, gone);  // archived: free the disk at once
      {
        std::lock_guard lock(spool_mutex);
        spool_bytes -= blob.size;
      }
      if (!w) {
        broken = true;
        return w;
      }
      ++blobs_written;
    }
  };
  // With archive_mutex held: starts a blob's entry with the bytes read ahead so far.
  auto begin_locked = [&](const Descriptor& blob, std::string_view head) -> Result<void> {
    if (broken) return failure("stopped: writing the bundle failed");
    auto w = drain_locked();
    if (w) w = writer->begin_entry("images/blobs/sha256/" + digest_hex(blob.digest), blob.size);
    if (w) w = writer->write(head);
    if (!w) broken = true;  // a partly written entry cannot be taken back
    return w;
  };
  auto finish_locked = [&]() -> Result<void> {
    auto w = writer->end_entry();
    if (w) ++blobs_written;
    if (w) w = drain_locked();
    if (!w) broken = true;
    return w;
  };
  auto stream_locked = [&](RegistryClient& client, const std::string& repo, const Descriptor& blob) -> Result<void> {
    auto w = begin_locked(blob, {});
    if (w) w = client.fetch_blob(repo, blob, [&](std::string_view chunk) { return writer->write(chunk); });
    if (!w) broken = true;
    return w ? finish_locked() : w;
  };
  // While the archive is busy a pull reads ahead into memory (bounded), so the source registry
  // keeps reading (from its disk, often) during the current blob; then it waits and streams on.
  constexpr std::uint64_t k_read_ahead = 8 << 20;
  constexpr std::uint64_t k_read_ahead_total = 16 << 20;
  std::uint64_t read_ahead_bytes = 0;  // guarded by spool_mutex
  auto read_ahead = [&](std::unique_lock<std::mutex>& archive, RegistryClient& client, const std::string& repo,
                        const Descriptor& blob, std::uint64_t ahead) -> Result<void> {
    std::string head;
    head.reserve(static_cast<std::size_t>(ahead));
    bool streaming = false;
    auto start = [&]() -> Result<void> {
      archive.lock();
      streaming = true;
      auto w = begin_locked(blob, head);
      std::string().swap(head);
      std::lock_guard lock(spool_mutex);
      read_ahead_bytes -= ahead;
      return w;
    };
    auto fetched = client.fetch_blob(repo, blob, [&](std::string_view chunk) -> Result<void> {
      if (!streaming && head.size() + chunk.size() <= ahead) {
        head.append(chunk);
        return {};
      }
      if (!streaming) {
        auto w = start();
        if (!w) return w;
      }
      auto w = writer->write(chunk);
      if (!w) broken = true;
      return w;
    });
    if (!fetched) {
      if (streaming) {
        broken = true;
      } else {
        std::lock_guard lock(spool_mutex);
        read_ahead_bytes -= ahead;
      }
      return fetched;
    }
    if (!streaming) {
      auto w = start();  // the whole blob fitted (and its digest is already checked)
      if (!w) return w;
    }
    return finish_locked();
  };

  pull.before_fetch = [&](const PullResult& planned, const std::vector<Descriptor>& fetching) -> Result<void> {
    auto r = plan_archive(planned, fetching);
    if (r) r = start_archive();
    return r;
  };
  pull.transfer = [&](RegistryClient& client, const std::string& repo, const Descriptor& blob) -> Result<void> {
    std::unique_lock archive(archive_mutex, std::try_to_lock);
    if (!archive.owns_lock()) {
      bool spool = false;
      {
        std::lock_guard lock(spool_mutex);
        if (spool_bytes + blob.size <= options.spool_limit) {
          spool_bytes += blob.size;
          spool = true;
        }
      }
      if (spool) {
        auto fetched = client.fetch_blob(repo, blob, layout->blob_path(blob.digest));
        std::lock_guard lock(spool_mutex);
        if (!fetched) {
          spool_bytes -= blob.size;
          return fetched;
        }
        spooled.push_back(blob);
        return {};
      }
      std::uint64_t ahead = std::min<std::uint64_t>(blob.size, k_read_ahead);
      bool reserved = false;
      {
        std::lock_guard lock(spool_mutex);
        if (read_ahead_bytes + ahead <= k_read_ahead_total) {
          read_ahead_bytes += ahead;
          reserved = true;
        }
      }
      if (reserved) return read_ahead(archive, client, repo, blob, ahead);
      archive.lock();
    }
    return stream_locked(client, repo, blob);
  };

  auto pulled = pull_images(*refs, *layout, pool, pull, progress);
  if (!pulled) return tl::unexpected(pulled.error());
  std::lock_guard archive(archive_mutex);
  auto w = drain_locked();
  if (!w) return tl::unexpected(w.error());
  if (!writer || blobs_written != blob_total) {
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
  result.stored_frames = writer->stored_frames();
  result.blobs = blob_total;
  result.manifest = std::move(manifest);
  return result;
}

}  // namespace aiplat::airgap

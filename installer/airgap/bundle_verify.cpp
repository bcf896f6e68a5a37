#include "airgap/bundle_verify.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "airgap/bundle_archive.hpp"
#include "airgap/entry_hash_pool.hpp"
#include "airgap/signing.hpp"
#include "util/image_ref.hpp"
#include "util/sha256.hpp"

namespace aiplat::airgap {
namespace {

constexpr std::uint64_t k_max_small_file = 64ull * 1024 * 1024;
constexpr std::uint64_t k_max_kept_json = 256ull * 1024 * 1024;
constexpr std::uint64_t k_max_kept_manifests = 256ull * 1024 * 1024;
constexpr std::string_view k_blob_dir = "images/blobs/sha256/";
constexpr std::uint64_t k_min_offloaded = 256 * 1024;  // smaller ones are hashed on this thread

Result<std::string> read_small(ArchiveReader& reader, const ArchiveEntry& entry, std::uint64_t limit) {
  if (entry.size > limit) return input_error(entry.path + " is larger than " + std::to_string(limit) + " bytes");
  std::string out;
  auto r = reader.read([&](std::string_view chunk) -> Result<void> {
    out.append(chunk);
    if (out.size() > limit) return input_error(entry.path + " is too large");
    return {};
  });
  if (!r) return tl::unexpected(r.error());
  return out;
}

/// Checks that every inventory image is in index.json and its whole graph is present
/// (or, in a delta bundle, listed as omitted), using the manifests kept while streaming.
Result<void> check_images(const BundleManifest& manifest, const std::string& index_text,
                          const std::map<std::string, std::string>& json_blobs,
                          const std::map<std::string, std::uint64_t>& blobs,
                          std::map<std::string, Descriptor>& roots) {
  std::vector<std::string> problems;
  nlohmann::json index = nlohmann::json::parse(index_text, nullptr, false);
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array()) {
    return input_error("images/index.json is not an image index");
  }
  std::set<std::string> omitted;
  if (manifest.delta) {
    for (const auto& d : manifest.delta->omitted) omitted.insert(d.digest);
  }
  auto present = [&](const Descriptor& d) {
    auto it = blobs.find(d.digest);
    if (it != blobs.end()) return it->second == d.size;
    return omitted.count(d.digest) > 0;
  };
  std::function<void(const Descriptor&, const std::string&, int)> walk = [&](const Descriptor& d,
                                                                             const std::string& image, int depth) {
    auto body = json_blobs.find(d.digest);
    if (body == json_blobs.end() || depth > 4) {
      problems.push_back(image + ": manifest " + d.digest + " is missing from images/");
      return;
    }
    auto children = manifest_children(Manifest{d.media_type, d.digest, body->second});
    if (!children) {
      problems.push_back(image + ": " + children.error().message);
      return;
    }
    bool is_index = manifest_kind(declared_media_type(body->second, d.media_type)) == ManifestKind::index;
    for (const Descriptor& c : *children) {
      if (is_index) {
        walk(c, image, depth + 1);
      } else if (!present(c)) {
        problems.push_back(image + ": blob " + c.digest + " is missing from images/ (or has the wrong size)");
      }
    }
  };
  for (const BundleImage& img : manifest.images) {
    const nlohmann::json* entry = nullptr;
    for (const auto& e : index["manifests"]) {
      if (e.is_object() && e.contains("annotations") && e["annotations"].is_object() &&
          e["annotations"].value(std::string("org.opencontainers.image.ref.name"), "") == img.source) {
        entry = &e;
      }
    }
    if (!entry) {
      problems.push_back(img.source + ": not named in images/index.json");
      continue;
    }
    auto d = parse_descriptor(*entry, "images/index.json entry " + img.source);
    if (!d) {
      problems.push_back(d.error().message);
      continue;
    }
    if (d->digest != img.digest) {
      problems.push_back(img.source + ": index.json names " + d->digest + " but bundle.yaml says " + img.digest);
      continue;
    }
    walk(*d, img.source, 0);
    roots[img.source] = *d;
  }
  if (problems.empty()) return {};
  std::string all = "the image closure is incomplete:";
  for (const auto& p : problems) all += "\n  " + p;
  return input_error(all);
}

}  // namespace

Result<VerifiedBundle> verify_bundle(const std::filesystem::path& file, const VerifyOptions& options,
                                     Progress& progress) {
  std::string name = file.string();
  auto bad = [&](const std::string& why) { return input_error(name + ": " + why); };
  auto started = std::chrono::system_clock::now();
  std::optional<FileIdentity> before = identity_of(file);
  if (!before) return bad(std::string("cannot read: ") + std::strerror(errno));
  std::uint64_t archive_size = before->size;
  auto opened = ArchiveReader::open(file);
  if (!opened) return tl::unexpected(opened.error());
  ArchiveReader& reader = *opened;
  VerifiedBundle out;

  // The three leading entries: bundle.yaml, [signature], checksums.txt.
  auto first = reader.next();
  if (!first) return tl::unexpected(first.error());
  if (!*first || (*first)->path != k_bundle_manifest) return bad("the first entry must be bundle.yaml");
  auto manifest_text = read_small(reader, **first, 1 << 20);
  if (!manifest_text) return tl::unexpected(manifest_text.error().with_context(name));
  auto manifest = BundleManifest::parse(*manifest_text);
  if (!manifest) return tl::unexpected(manifest.error().with_context(name));
  out.manifest = std::move(*manifest);
  out.manifest_digest = "sha256:" + sha256_hex(*manifest_text);

  auto second = reader.next();
  if (!second) return tl::unexpected(second.error());
  std::string signature;
  if (*second && (*second)->path == k_bundle_signature) {
    auto sig = read_small(reader, **second, 8192);
    if (!sig) return tl::unexpected(sig.error().with_context(name));
    signature = *sig;
    second = reader.next();
    if (!second) return tl::unexpected(second.error());
  }
  if (!options.public_key_pem.empty()) {
    if (signature.empty()) return bad("the bundle is not signed, but --key was given");
    auto v = verify_blob(*manifest_text, signature, options.public_key_pem);
    if (!v) return bad("signature check failed: " + v.error().message);
    out.signature = SignatureState::valid;
  } else {
    out.signature = signature.empty() ? SignatureState::absent : SignatureState::unchecked;
  }
  if (!*second || (*second)->path != k_bundle_checksums) return bad("checksums.txt must follow bundle.yaml and signature");
  auto checksums_text = read_small(reader, **second, k_max_small_file);
  if (!checksums_text) return tl::unexpected(checksums_text.error().with_context(name));
  if ("sha256:" + sha256_hex(*checksums_text) != out.manifest.checksums) {
    return bad("checksums.txt does not match the root of trust in bundle.yaml (tampered)");
  }
  auto listed = parse_checksums(*checksums_text);
  if (!listed) return tl::unexpected(listed.error().with_context(name));

  progress.phase("verify", listed->size(), archive_size);
  std::set<std::string> seen;
  std::map<std::string, std::string>& json_blobs = out.json_blobs;
  std::map<std::string, std::uint64_t> data_offsets;  // blob digest -> uncompressed offset
  std::uint64_t kept = 0;
  std::uint64_t kept_manifests = 0;
  std::string index_text;
  // Large entries go to idle hashing threads that read them from the file themselves; this
  // thread hashes the rest. Digests are compared once all are read (still before anything
  // is trusted).
  EntryHashPool pool(file, EntryHashPool::default_threads());
  struct Hashed {
    std::string path;
    std::string listed;  // hex from checksums.txt
    std::string actual;  // hex, unless the pool hashed it
  };
  std::vector<Hashed> hashed;
  for (;;) {
    auto entry = reader.next();
    if (!entry) return tl::unexpected(entry.error());
    if (!*entry) break;
    const ArchiveEntry& e = **entry;
    if (e.type == EntryType::directory) continue;
    auto expected = listed->find(e.path);
    if (expected == listed->end()) {
      if (e.path == k_bundle_manifest || e.path == k_bundle_checksums || e.path == k_bundle_signature) {
        return bad("entry \"" + e.path + "\" appears twice");
      }
      return bad("entry \"" + e.path + "\" is not listed in checksums.txt (unlisted files are not allowed)");
    }
    if (!seen.insert(e.path).second) return bad("entry \"" + e.path + "\" appears twice");
    bool is_blob = e.path.starts_with(k_blob_dir);
    bool keep = e.path == "images/index.json" || (is_blob && e.size <= k_max_manifest_size);
    bool keep_whole = options.keep_manifests && e.path.starts_with("manifests/");
    if (keep_whole) {
      kept_manifests += e.size;
      if (kept_manifests > k_max_kept_manifests) return bad("the rendered manifests exceed 256 MiB");
    }
    std::string small;
    std::uint64_t size = 0;
    Sha256 sha;
    bool first_chunk = true;
    bool offloaded = false;
    auto r = reader.read([&](std::string_view chunk) -> Result<void> {
      if (first_chunk) {
        // The frame holding the entry's data is known once its first byte is decoded.
        first_chunk = false;
        FrameStart frame = frame_containing(reader.frames(), e.data_offset);
        if (e.size >= k_min_offloaded && frame.uncompressed == e.data_offset) {
          offloaded = pool.offer(hashed.size(), frame, e.size);
        }
      }
      if (!offloaded) sha.update(chunk);
      size += chunk.size();
      progress.advance(chunk.size());
      if ((keep && small.size() < k_max_manifest_size) || keep_whole) small.append(chunk);
      return {};
    });
    if (!r) return tl::unexpected(r.error());
    if (size != e.size) {
      return bad("entry \"" + e.path + "\" holds " + std::to_string(size) + " bytes, its header says " +
                 std::to_string(e.size) + " (truncated?)");
    }
    hashed.push_back({e.path, expected->second, offloaded ? std::string() : sha.hex()});
    if (is_blob) {
      // The content must hash to the listed value (checked below), so the name must be that value.
      std::string digest = "sha256:" + e.path.substr(k_blob_dir.size());
      if (!is_valid_digest(digest) || digest_hex(digest) != expected->second) {
        return bad("blob \"" + e.path + "\" is not named by its sha256");
      }
      out.blobs[digest] = size;
      data_offsets[digest] = e.data_offset;
      // Manifests and configs are JSON; keep them to check the image closure afterwards.
      if (keep && !small.empty() && small.front() == '{') {
        kept += small.size();
        if (kept > k_max_kept_json) return bad("too many manifests to check (over 256 MiB of JSON)");
        json_blobs.emplace(digest, std::move(small));
      }
    } else if (e.path == "images/index.json") {
      index_text = std::move(small);
    } else if (keep_whole) {
      out.manifests[e.path] = std::move(small);
    }
    ++out.files;
    out.bytes += size;
    progress.item(e.path, size, "verified");
  }
  auto offloaded = pool.finish();
  if (!offloaded) return tl::unexpected(offloaded.error());
  for (std::size_t i = 0; i < hashed.size(); ++i) {
    Hashed& h = hashed[i];
    if (auto it = offloaded->find(i); it != offloaded->end()) h.actual = it->second;
    if (h.actual != h.listed) {
      return bad("entry \"" + h.path + "\" does not match checksums.txt (tampered or corrupted)");
    }
  }
  progress.phase_done();
  if (identity_of(file) != before) {
    return bad("the file changed while it was being verified (is it still being copied?); run again once it is complete");
  }
  if (settled(*before, started)) out.settled_identity = before;
  for (const auto& [digest, offset] : data_offsets) {
    FrameStart frame = frame_containing(reader.frames(), offset);
    out.locations[digest] = BlobLocation{frame, offset - frame.uncompressed};
  }
  std::string missing;
  std::size_t count = 0;
  for (const auto& [path, hex] : *listed) {
    if (!seen.count(path)) {
      ++count;
      if (count <= 10) missing += "\n  " + path;
    }
  }
  if (count > 0) {
    return bad(std::to_string(count) + " file(s) listed in checksums.txt are missing from the archive (truncated?):" +
               missing);
  }
  if (!listed->count("images/oci-layout") || !listed->count("images/index.json")) {
    return bad("images/ is not an OCI image layout (oci-layout or index.json missing)");
  }
  for (const auto& a : out.manifest.addons) {
    if (!listed->count(a.path)) return bad("add-on " + a.name + ": " + a.path + " is not in the bundle");
  }
  auto closure = check_images(out.manifest, index_text, json_blobs, out.blobs, out.roots);
  if (!closure) return tl::unexpected(closure.error().with_context(name));
  return out;
}

}  // namespace aiplat::airgap

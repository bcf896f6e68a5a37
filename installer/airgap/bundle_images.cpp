#include "airgap/bundle_images.hpp"

#include <optional>
#include <vector>

#include "util/sha256.hpp"

namespace aiplat::airgap {
namespace {

class BundleBlobStream final : public BlobStream {
 public:
  // With the identity the file had when verified, its end is checked against it; without,
  // a blob read whole is hashed again.
  BundleBlobStream(std::unique_ptr<ZstdFrameReader> reader, std::string name, Descriptor blob, std::uint64_t left,
                   bool whole, std::optional<FileIdentity> verified_as)
      : m_reader(std::move(reader)),
        m_name(std::move(name)),
        m_blob(std::move(blob)),
        m_left(left),
        m_verified_as(verified_as) {
    if (whole && !m_verified_as) m_hash = std::make_unique<Sha256>();
  }

  Result<void> skip(std::uint64_t count) {
    std::vector<char> scratch(256 * 1024);
    while (count > 0) {
      auto n = m_reader->read(scratch.data(), static_cast<std::size_t>(std::min<std::uint64_t>(count, scratch.size())));
      if (!n) return tl::unexpected(n.error());
      if (*n == 0) return input_error(m_name + " ends before blob " + m_blob.digest);
      count -= *n;
    }
    return {};
  }

  Result<std::size_t> read(char* buffer, std::size_t size) override {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m_left, size));
    if (want == 0) return std::size_t{0};
    auto n = m_reader->read(buffer, want);
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return input_error(m_name + " ends inside blob " + m_blob.digest);
    m_left -= *n;
    if (m_hash) m_hash->update(std::string_view(buffer, *n));
    if (m_left == 0) {
      bool changed = m_hash ? "sha256:" + m_hash->hex() != m_blob.digest
                            : m_verified_as && m_reader->identity() != m_verified_as;
      if (changed) return input_error(m_name + ": blob " + m_blob.digest + " changed since the bundle was verified");
    }
    return *n;
  }

 private:
  std::unique_ptr<ZstdFrameReader> m_reader;
  std::string m_name;
  Descriptor m_blob;
  std::uint64_t m_left;
  std::optional<FileIdentity> m_verified_as;
  std::unique_ptr<Sha256> m_hash;  // when the whole blob is read and the identity cannot vouch for it
};

}  // namespace

bool BundleImageStore::has_blob(const std::string& digest) const { return m_bundle.locations.count(digest) > 0; }

Result<Manifest> BundleImageStore::read_manifest(const Descriptor& descriptor) const {
  auto it = m_bundle.json_blobs.find(descriptor.digest);
  if (it == m_bundle.json_blobs.end()) return failure("the bundle has no manifest " + descriptor.digest);
  return Manifest{declared_media_type(it->second, descriptor.media_type), descriptor.digest, it->second};
}

BlobOpener BundleImageStore::blob_opener(const Descriptor& blob) const {
  auto where = m_bundle.locations.find(blob.digest);
  std::optional<BlobLocation> location;
  if (where != m_bundle.locations.end()) location = where->second;
  return [file = m_file, blob, location,
          verified_as = m_bundle.settled_identity](std::uint64_t offset) -> Result<std::unique_ptr<BlobStream>> {
    if (!location) return failure("the bundle has no blob " + blob.digest);
    if (offset > blob.size) return failure("offset past the end of blob " + blob.digest);
    auto reader = ZstdFrameReader::open(file, location->frame);
    if (!reader) return tl::unexpected(reader.error());
    auto stream = std::make_unique<BundleBlobStream>(std::move(*reader), file.string(), blob, blob.size - offset,
                                                     offset == 0, verified_as);
    auto skipped = stream->skip(location->skip + offset);
    if (!skipped) return tl::unexpected(skipped.error());
    return std::unique_ptr<BlobStream>(std::move(stream));
  };
}

}  // namespace aiplat::airgap

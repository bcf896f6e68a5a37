#pragma once
// Where pushes read images from: an OCI layout on disk (OciLayout) or a verified
// bundle file read in place (BundleImageStore). Blobs are streamed, never held whole.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "airgap/oci.hpp"
#include "util/error.hpp"

namespace aiplat::airgap {

/// The bytes of one blob from some offset on, in order.
class BlobStream {
 public:
  virtual ~BlobStream() = default;
  /// Fills up to `size` bytes; 0 once the blob's end is reached.
  virtual Result<std::size_t> read(char* buffer, std::size_t size) = 0;
};

/// Opens a blob's bytes from `offset` on (an upload resumes mid-blob after a failure).
using BlobOpener = std::function<Result<std::unique_ptr<BlobStream>>(std::uint64_t offset)>;

/// A blob stored as a plain file of `size` bytes.
BlobOpener file_blob_opener(const std::filesystem::path& path, std::uint64_t size);

class ImageStore {
 public:
  virtual ~ImageStore() = default;
  [[nodiscard]] virtual bool has_blob(const std::string& digest) const = 0;
  /// A manifest with its media type.
  virtual Result<Manifest> read_manifest(const Descriptor& descriptor) const = 0;
  [[nodiscard]] virtual BlobOpener blob_opener(const Descriptor& blob) const = 0;
};

}  // namespace aiplat::airgap

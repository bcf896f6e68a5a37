#include "airgap/image_store.hpp"

#include <cstdio>

namespace aiplat::airgap {
namespace {

class FileBlobStream final : public BlobStream {
 public:
  FileBlobStream(std::FILE* file, std::string name, std::uint64_t left)
      : m_file(file, &std::fclose), m_name(std::move(name)), m_left(left) {}
  Result<std::size_t> read(char* buffer, std::size_t size) override {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(m_left, size));
    if (want == 0) return std::size_t{0};
    std::size_t n = std::fread(buffer, 1, want, m_file.get());
    if (n == 0) return failure(m_name + " is shorter than its descriptor says");
    m_left -= n;
    return n;
  }

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> m_file;
  std::string m_name;
  std::uint64_t m_left;
};

}  // namespace

BlobOpener file_blob_opener(const std::filesystem::path& path, std::uint64_t size) {
  return [path, size](std::uint64_t offset) -> Result<std::unique_ptr<BlobStream>> {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return failure("cannot read " + path.string());
    if (offset > size || std::fseek(f, static_cast<long>(offset), SEEK_SET) != 0) {
      std::fclose(f);
      return failure("cannot seek in " + path.string());
    }
    return std::unique_ptr<BlobStream>(std::make_unique<FileBlobStream>(f, path.string(), size - offset));
  };
}

}  // namespace aiplat::airgap

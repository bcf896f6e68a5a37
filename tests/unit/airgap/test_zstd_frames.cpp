// The bundle's zstd layer: frames where the writer ends them, incompressible frames
// stored raw, compressible ones compressed, every frame start recorded by the reader
// and readable on its own, damage and truncation refused; and the tar on top of it.
#include <unistd.h>

#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "airgap/bundle_archive.hpp"
#include "airgap/zstd_frames.hpp"
#include "support/temp_dir.hpp"

namespace aiplat::airgap {
namespace {

namespace fs = std::filesystem;

class ZstdFrames : public ::testing::Test {
 protected:
  static std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    return s;
  }
  static std::string text(std::size_t n) {
    std::string s;
    while (s.size() < n) s += "kind: ConfigMap\nmetadata: {name: example-" + std::to_string(s.size() % 97) + "}\n";
    s.resize(n);
    return s;
  }
  static Result<std::string> read_all(ZstdFrameReader& reader) {
    std::string out;
    std::vector<char> buffer(70000);
    for (;;) {
      auto n = reader.read(buffer.data(), buffer.size());
      if (!n) return tl::unexpected(n.error());
      if (*n == 0) return out;
      out.append(buffer.data(), *n);
    }
  }

  testing::TempDir tmp{"aiplat-zstd"};
  fs::path dir{tmp.path};
};

TEST_F(ZstdFrames, FramesStartWhereTheWriterEndedThemAndReadOnTheirOwn) {
  std::vector<std::string> parts = {text(5000), random_bytes(700000, 1), text(400000), random_bytes(10, 2),
                                    random_bytes(131072, 3)};
  fs::path file = dir / "f.zst";
  auto writer = ZstdFrameWriter::create(file, 1, 0);
  ASSERT_TRUE(writer) << writer.error().message;
  std::vector<std::uint64_t> starts;
  std::string all;
  for (const auto& p : parts) {
    starts.push_back(all.size());
    all += p;
    for (std::size_t off = 0; off < p.size(); off += 50000) ASSERT_TRUE((*writer)->write(std::string_view(p).substr(off, 50000)));
    ASSERT_TRUE((*writer)->end_frame());
    ASSERT_TRUE((*writer)->end_frame()) << "ending an empty frame is a no-op";
  }
  ASSERT_TRUE((*writer)->close());
  // The random parts are stored raw (the 10-byte one too: it cannot shrink); the text compresses.
  EXPECT_EQ((*writer)->stored_frames(), 3u);
  EXPECT_LT(fs::file_size(file), all.size() - 300000) << "the text frames must be compressed";

  auto reader = ZstdFrameReader::open(file);
  ASSERT_TRUE(reader);
  auto whole = read_all(**reader);
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_EQ(*whole, all);
  const auto& frames = (*reader)->frames();
  ASSERT_EQ(frames.size(), parts.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(frames[i].uncompressed, starts[i]);
    FrameStart f = frame_containing(frames, starts[i] + 3);
    EXPECT_EQ(f.uncompressed, starts[i]);
    auto one = ZstdFrameReader::open(file, f);
    ASSERT_TRUE(one);
    auto rest = read_all(**one);
    ASSERT_TRUE(rest) << rest.error().message;
    EXPECT_EQ(*rest, all.substr(starts[i])) << "frame " << i;
  }
}

TEST_F(ZstdFrames, TruncatedAndDamagedDataAreRefused) {
  fs::path file = dir / "f.zst";
  auto writer = ZstdFrameWriter::create(file, 1, 0);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->write(random_bytes(300000, 4)));
  ASSERT_TRUE((*writer)->write(text(300000)));
  ASSERT_TRUE((*writer)->close());
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});

  std::ofstream(dir / "cut.zst", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  auto cut = ZstdFrameReader::open(dir / "cut.zst");
  ASSERT_TRUE(cut);
  auto r = read_all(**cut);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;

  std::ofstream(dir / "junk.zst", std::ios::binary) << bytes + "not zstd";
  auto junk = ZstdFrameReader::open(dir / "junk.zst");
  ASSERT_TRUE(junk);
  r = read_all(**junk);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("damaged zstd data"), std::string::npos) << r.error().message;

  EXPECT_FALSE(ZstdFrameWriter::create(dir / "x.zst", 0, 0)) << "level 0 is not a level";
}

TEST_F(ZstdFrames, EveryTarEntrysDataStartsAFrame) {
  fs::path file = dir / "b.tar.zst";
  auto writer = ArchiveWriter::create(file, 1, 0);
  ASSERT_TRUE(writer) << writer.error().message;
  std::map<std::string, std::string> content = {{"bundle.yaml", text(900)},
                                                {"images/blobs/sha256/a", random_bytes(600000, 5)},
                                                {"images/blobs/sha256/b", text(70000)},
                                                {"images/blobs/sha256/c", random_bytes(513, 6)}};
  for (const auto& [name, data] : content) ASSERT_TRUE(writer->add_memory(name, data));
  ASSERT_TRUE(writer->begin_entry("images/blobs/sha256/d", 10));
  ASSERT_TRUE(writer->write("12345"));
  EXPECT_FALSE(writer->write("1234567")) << "more than announced";
  EXPECT_FALSE(writer->end_entry()) << "five bytes short";
  ASSERT_TRUE(writer->write("67890"));
  ASSERT_TRUE(writer->end_entry());
  content["images/blobs/sha256/d"] = "1234567890";
  ASSERT_TRUE(writer->close());

  auto reader = ArchiveReader::open(file);
  ASSERT_TRUE(reader) << reader.error().message;
  std::map<std::string, std::uint64_t> offsets;
  for (;;) {
    auto e = reader->next();
    ASSERT_TRUE(e) << e.error().message;
    if (!*e) break;
    std::string data;
    ASSERT_TRUE(reader->read([&](std::string_view c) -> Result<void> {
      data.append(c);
      return {};
    }));
    EXPECT_EQ(data, content[(*e)->path]);
    offsets[(*e)->path] = (*e)->data_offset;
  }
  ASSERT_EQ(offsets.size(), content.size());
  for (const auto& [name, offset] : offsets) {
    FrameStart f = frame_containing(reader->frames(), offset);
    EXPECT_EQ(f.uncompressed, offset) << name << " does not start a frame";
    auto direct = ZstdFrameReader::open(file, f);
    ASSERT_TRUE(direct);
    std::string head(content[name].size(), '\0');
    std::size_t got = 0;
    while (got < head.size()) {
      auto n = (*direct)->read(head.data() + got, head.size() - got);
      ASSERT_TRUE(n && *n > 0);
      got += *n;
    }
    EXPECT_EQ(head, content[name]) << name << " read from its own frame";
  }
}

}  // namespace
}  // namespace aiplat::airgap

#include "render/files_source.hpp"

#include <gtest/gtest.h>

#include "step_builder.hpp"

namespace aiplat::render {
namespace {

TEST(FilesSource, FolderIsReadSortedAndMultiDocument) {
  MemoryFs fs;
  fs.add("cat/addons/x/1.0.0/manifests/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
  fs.add("cat/addons/x/1.0.0/manifests/a.yaml",
         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a1}\n---\n---\napiVersion: v1\nkind: ConfigMap\n"
         "metadata: {name: a2}\n");
  fs.add("cat/addons/x/1.0.0/manifests/README.md", "not yaml");
  Result<SourceOutput> out = render_files_source(testing::files_source("manifests/"), "addons/x/1.0.0", fs, "cat");
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->objects.size(), 3u);
  EXPECT_EQ(out->objects[0]["metadata"]["name"], "a1");
  EXPECT_EQ(out->objects[1]["metadata"]["name"], "a2");
  EXPECT_EQ(out->objects[2]["metadata"]["name"], "b");
  EXPECT_EQ(out->id, "files:manifests/");
  EXPECT_EQ(out->sha256.size(), 64u);
  // README.md is never read.
  for (const std::string& r : fs.reads()) EXPECT_EQ(r.find("README"), std::string::npos) << r;
}

TEST(FilesSource, DigestFollowsContent) {
  MemoryFs fs;
  fs.add("addons/x/1.0.0/m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
  Result<SourceOutput> first = render_files_source(testing::files_source("m.yaml"), "addons/x/1.0.0", fs, "");
  fs.add("addons/x/1.0.0/m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n");
  Result<SourceOutput> second = render_files_source(testing::files_source("m.yaml"), "addons/x/1.0.0", fs, "");
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->sha256, second->sha256);
  ASSERT_EQ(second->objects.size(), 1u);
  EXPECT_EQ(second->objects[0]["data"]["k"], "v");
}

TEST(FilesSource, ListKindIsFlattened) {
  MemoryFs fs;
  fs.add("addons/x/1.0.0/l.yaml",
         "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Secret, metadata: {name: s}}\n"
         "- {apiVersion: v1, kind: Service, metadata: {name: svc}}\n");
  Result<SourceOutput> out = render_files_source(testing::files_source("l.yaml"), "addons/x/1.0.0", fs, "");
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->objects.size(), 2u);
  EXPECT_EQ(out->objects[1]["kind"], "Service");
}

TEST(FilesSource, ProblemsNameFileAndLineAndAreGathered) {
  MemoryFs fs;
  fs.add("addons/x/1.0.0/m/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n");
  fs.add("addons/x/1.0.0/m/b.yaml", "- just\n- a list\n");
  Result<SourceOutput> out = render_files_source(testing::files_source("m"), "addons/x/1.0.0", fs, "");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::input);
  EXPECT_NE(out.error().message.find("addons/x/1.0.0/m/a.yaml:1:1: object has no metadata/name"), std::string::npos)
      << out.error().message;
  EXPECT_NE(out.error().message.find("addons/x/1.0.0/m/b.yaml:1:1: a manifest document must be a mapping"),
            std::string::npos)
      << out.error().message;
}

TEST(FilesSource, MissingPathIsAnInputError) {
  MemoryFs fs;
  Result<SourceOutput> out = render_files_source(testing::files_source("nope/"), "addons/x/1.0.0", fs, "");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "addons/x/addon.yaml:10:7: files source addons/x/1.0.0/nope does not exist");
}

}  // namespace
}  // namespace aiplat::render

#include "actions/git_commit.hpp"

#include <git2.h>

#include <memory>

#include <fmt/format.h>

namespace aiplat::actions {
namespace {

// Owns one libgit2 object; libgit2 frees each kind with its own function.
template <class T, void (*Free)(T*)>
struct Owned {
  T* ptr = nullptr;
  ~Owned() {
    if (ptr != nullptr) Free(ptr);
  }
};

std::string git_message(const std::string& what, const std::string& dir) {
  const git_error* e = git_error_last();
  return fmt::format("git: {} in {}: {}", what, dir, e != nullptr && e->message != nullptr ? e->message : "unknown error");
}

std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

}  // namespace

Result<GitCommitResult> commit_folder(const std::string& dir, const std::string& message) {
  git_libgit2_init();
  struct Shutdown {
    ~Shutdown() { git_libgit2_shutdown(); }
  } shutdown;

  Owned<git_repository, git_repository_free> repo;
  if (git_repository_open_ext(&repo.ptr, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) != 0) {
    git_repository_init_options init = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    init.flags = GIT_REPOSITORY_INIT_MKPATH;
    init.initial_head = "main";
    if (git_repository_init_ext(&repo.ptr, dir.c_str(), &init) != 0) {
      return failure(git_message("cannot create a repository", dir));
    }
  }
  Owned<git_index, git_index_free> index;
  if (git_repository_index(&index.ptr, repo.ptr) != 0) return failure(git_message("cannot open the index", dir));
  char star[] = "*";
  char* patterns[] = {star};
  git_strarray all = {patterns, 1};
  // add_all picks up new and changed files, update_all drops files a re-render removed.
  if (git_index_add_all(index.ptr, &all, GIT_INDEX_ADD_DEFAULT, nullptr, nullptr) != 0 ||
      git_index_update_all(index.ptr, &all, nullptr, nullptr) != 0 || git_index_write(index.ptr) != 0) {
    return failure(git_message("cannot stage the rendered files", dir));
  }
  git_oid tree_id;
  if (git_index_write_tree(&tree_id, index.ptr) != 0) return failure(git_message("cannot write the tree", dir));

  Owned<git_commit, git_commit_free> parent;
  git_oid head_id;
  if (git_reference_name_to_id(&head_id, repo.ptr, "HEAD") == 0) {
    if (git_commit_lookup(&parent.ptr, repo.ptr, &head_id) != 0) return failure(git_message("cannot read HEAD", dir));
    if (git_oid_equal(git_commit_tree_id(parent.ptr), &tree_id)) return GitCommitResult{false, hex(head_id)};
  }
  Owned<git_tree, git_tree_free> tree;
  if (git_tree_lookup(&tree.ptr, repo.ptr, &tree_id) != 0) return failure(git_message("cannot read the tree", dir));
  Owned<git_signature, git_signature_free> author;
  if (git_signature_default(&author.ptr, repo.ptr) != 0 &&
      git_signature_now(&author.ptr, "aiplat", "aiplat@localhost") != 0) {
    return failure(git_message("cannot make a signature", dir));
  }
  const git_commit* parents[] = {parent.ptr};
  git_oid commit_id;
  if (git_commit_create(&commit_id, repo.ptr, "HEAD", author.ptr, author.ptr, nullptr, message.c_str(), tree.ptr,
                        parent.ptr != nullptr ? 1 : 0, parents) != 0) {
    return failure(git_message("cannot commit", dir));
  }
  return GitCommitResult{true, hex(commit_id)};
}

}  // namespace aiplat::actions

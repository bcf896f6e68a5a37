#pragma once
// Committing a folder with libgit2: the folder becomes a repository (branch main) when it is
// not one, every file is staged (deletions too), and a commit is made only when the tree
// differs from HEAD's.
#include <string>

#include "util/error.hpp"

namespace aiplat::actions {

struct GitCommitResult {
  bool committed = false;
  std::string id;  ///< hex id of the new commit, or of HEAD when nothing changed (empty in an empty repository)
};

/// Stages everything in `dir` and commits it with `message` unless the tree is unchanged.
/// The author is git's user.name/user.email, else "aiplat <aiplat@localhost>".
Result<GitCommitResult> commit_folder(const std::string& dir, const std::string& message);

}  // namespace aiplat::actions

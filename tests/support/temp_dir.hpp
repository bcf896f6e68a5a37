#pragma once
// A fresh directory under the system's temporary folder, removed with everything in it
// when the object goes away.
#include <string>

namespace aiplat::testing {

struct TempDir {
  /// `prefix` names the directory (prefix-XXXXXX); a test that cannot create it fails.
  explicit TempDir(const std::string& prefix = "aiplat-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

}  // namespace aiplat::testing

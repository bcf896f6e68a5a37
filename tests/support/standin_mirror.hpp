#pragma once
// The stand-in source mirror of the shipped catalog (tests/mirror/make_standin_mirror) for tests:
// generated once per build tree (shared by every test process, under a file lock), then served per
// test on loopback (its own docker-registry and file server), stopped on destruction.
#include <memory>
#include <string>

#include <sys/types.h>

#include "util/error.hpp"

namespace aiplat::testing {

/// AIPLAT_BINARY_DIR/standin-mirror.
std::string standin_mirror_dir();

/// An aiplat cache (XDG_CACHE_HOME) shared by the tests that install through the mirror in `dir`:
/// charts are pulled and parsed once per generation, not once per test. Emptied when `dir` is regenerated.
std::string standin_cache_dir(const std::string& dir);

/// Which content a generated mirror serves: stand-ins for every add-on (what the install tests run on until
/// aiplat installs the real charts on kubesim: Helm hooks, capabilities), or the real upstream charts and
/// release files of ../shared/upstream/mirror wherever it has them.
enum class MirrorContent { standins_only, real_where_available };

/// AIPLAT_BINARY_DIR/real-mirror: the mirror with the real upstream content.
std::string real_mirror_dir();

/// Generates the mirror for every add-on version of the built-in catalog into `dir` unless a complete
/// one (`dir`/README is written last) newer than the aiplat binary is there; concurrent callers wait on a lock.
Result<void> ensure_standin_mirror(const std::string& dir,
                                   MirrorContent content = MirrorContent::standins_only);

class StandinMirrorServer {
 public:
  /// Serves `dir`; fails with the script's output when it does not come up within `timeout_ms`.
  static Result<std::unique_ptr<StandinMirrorServer>> start(const std::string& dir, int timeout_ms = 120000);
  ~StandinMirrorServer();
  StandinMirrorServer(const StandinMirrorServer&) = delete;
  StandinMirrorServer& operator=(const StandinMirrorServer&) = delete;

  /// "http://127.0.0.1:PORT": the --source-mirror URL.
  [[nodiscard]] const std::string& url() const { return m_url; }
  void stop();

 private:
  StandinMirrorServer() = default;
  pid_t m_pid = -1;
  std::string m_url;
  std::string m_tmp;
};

/// The real-content mirror (real_mirror_dir()), generated if needed, checked to say it serves the real
/// upstream content (a test on stand-ins would prove little), and started.
Result<std::unique_ptr<StandinMirrorServer>> start_real_mirror();

}  // namespace aiplat::testing

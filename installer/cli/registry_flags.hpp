#pragma once
// Registry access flags shared by `airgap pack`/`load` and `install --bundle`. Apart from
// airgap_common.hpp so install's own progress types never meet the airgap ones.
#include <string>
#include <vector>

#include "airgap/registry_pool.hpp"
#include "cli/context.hpp"

namespace CLI {
class App;
}

namespace aiplat {

/// Registry access flags: credentials, TLS, plain HTTP, parallelism.
struct RegistryFlags {
  std::string username;
  bool password_stdin = false;
  std::vector<std::string> insecure;
  std::string ca_file;
  int parallel = 8;
  int retries = 5;
  int chunk_mib = 0;  ///< 0: the default of airgap::RegistryAccess

  void add_to(CLI::App& cmd);
  /// Builds the access settings; explicit credentials go to `credentials_for`.
  Result<airgap::RegistryAccess> access(CliContext& ctx, const std::string& credentials_for) const;
};

}  // namespace aiplat

#pragma once
// `aiplat diff`, with kubectl diff's semantics: every object the install would apply is sent
// with server-side apply and dryRun=All, the answer is compared with the live object (server-set
// fields such as managedFields stripped from both), objects that would be pruned show as
// deletions, and the external `diff -u -N` prints a unified diff of the YAML.
#include <string>

#include "actions/install.hpp"

namespace aiplat::actions {

struct DiffResult {
  bool changed = false;
  std::string text;  ///< the unified diff
  std::size_t objects = 0;
  std::size_t hooks_run = 0;        ///< Helm hooks install would run: not compared (they are re-created)
  std::size_t hooks_set_aside = 0;  ///< delete, rollback and test hooks: never applied by install
};

/// Uses the cluster, catalog, render and force settings of `options`; writes nothing.
Result<DiffResult> run_diff(const InstallOptions& options, Logger& log);

/// A copy of `object` without the fields the server sets (managedFields, resourceVersion,
/// uid, creationTimestamp, generation, status, ...).
Json strip_server_fields(const Json& object);

}  // namespace aiplat::actions

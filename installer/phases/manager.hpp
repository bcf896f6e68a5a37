#pragma once
// Runs phases in order: logs "==> title", stops at the first error or on
// cancellation, and runs the cleanup of every phase that started, newest first.
#include <memory>
#include <vector>

#include "phases/phase.hpp"

namespace aiplat {

class PhaseManager {
 public:
  void add(std::unique_ptr<Phase> phase) { m_phases.push_back(std::move(phase)); }
  /// Runs every phase; the first error (or a cancellation) ends the run after cleanup.
  Result<void> run(PhaseContext& ctx);

 private:
  std::vector<std::unique_ptr<Phase>> m_phases;
};

}  // namespace aiplat

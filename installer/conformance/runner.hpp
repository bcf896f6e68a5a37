#pragma once
// Runs the checks of one checklist against a cluster: one namespace per check, made and
// removed here (waiting for deletion and for DRA claims to be released), a transcript per
// check, and results streamed to the caller as they finish. This is the entry point the
// install workflow calls after each add-on with the ids the add-on provides.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "conformance/check.hpp"
#include "conformance/checklist.hpp"
#include "kube/client.hpp"

namespace aiplat::conformance {

struct RunOptions {
  Checklist checklist;
  /// Requirement ids to run; empty runs every id of the checklist. Ids must belong to the checklist.
  std::vector<std::string> only;
  /// Requirement id -> the profile's justification; such ids are reported n/a without running.
  std::map<std::string, std::string> not_applicable;
  Settings settings;
  std::shared_ptr<Clock> clock;                  ///< default: the real clock
  std::function<std::string()> make_run_id;      ///< default: 6 random [a-z0-9]
  std::chrono::seconds cleanup_timeout{120};
  std::vector<std::string> secrets;              ///< masked in transcripts (the kubeconfig's credentials)
  /// Set by Ctrl-C: the running check stops waiting, its namespace is deleted (not waited
  /// for), and run_checks returns a cancelled error. Null: never cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

using ResultSink = std::function<void(const CheckResult&)>;

/// The ids `options` selects, in checklist order; an input error names unknown ids and ids
/// the checklist does not list.
Result<std::vector<std::string>> selected_ids(const RunOptions& options);

/// Runs the selected checks one after another; `on_result` (may be empty) sees each result
/// as soon as it is known. Requirements without an automated check are reported as skips.
/// A cancellation (options.cancel) returns ErrorKind::cancelled; the interrupted check's
/// verdict is dropped, since it was cut short.
Result<std::vector<CheckResult>> run_checks(kube::Client& client, const RunOptions& options,
                                            const ResultSink& on_result = {});

/// Whether any MUST failed (the exit-code rule of `aiplat verify`).
bool any_must_failed(const std::vector<CheckResult>& results);

}  // namespace aiplat::conformance

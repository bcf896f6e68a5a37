#pragma once
// The install workflow (DESIGN §3 "Data flow of install"): adopt the cluster, read its facts,
// preflight, solve for its minor, render every add-on, refuse foreign owners before anything
// changes, then add-on by add-on: apply tier by tier, wait until ready, run the checks the
// add-on provides, prune what it no longer ships, and record it. Unchanged add-ons are skipped
// with reads only, so a re-run writes nothing; a killed run resumes where it stopped.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "conformance/report.hpp"
#include "kube/client.hpp"
#include "phases/install_events.hpp"
#include "phases/phase.hpp"
#include "phases/record.hpp"
#include "provision/adopt.hpp"

namespace aiplat::actions {

class AddonSource;

/// Whether the checks an add-on provides run after it is ready, and the checklist at the end.
enum class Verify { yes, no };

/// When the full checklist runs at the end: only when some add-on was applied (a no-op
/// re-run writes nothing), or always (--always-verify).
enum class FinalChecks { when_changed, always };

/// What an add-on's readiness wait covers (helm 4's --wait=<strategy> style): `all` = the built-in
/// workload rules and the add-on's own rules; `workloads` = the built-in rules only, for clusters that run no
/// add-on controllers (a simulator), where rules such as "ClusterPolicy .status.state ready" never hold.
enum class WaitFor { all, workloads };

/// Asked before pruning: the add-on and the objects it would delete; false refuses.
using ConfirmPrune = std::function<Result<bool>(const std::string& addon, const std::vector<std::string>& victims)>;

struct InstallOptions {
  const catalog::Catalog* catalog = nullptr;
  catalog::Profile profile;               ///< layered
  Fs* catalog_fs = nullptr;               ///< where add-on files are read
  std::string catalog_root;
  provision::AdoptOptions adopt;
  DryRun dry_run = DryRun::none;
  kube::Force force = kube::Force::no;
  Verify verify = Verify::yes;
  FinalChecks final_checks = FinalChecks::when_changed;
  std::string checklist = "auto";         ///< "auto" (the cluster's minor) or "1.33" .. "1.37"
  WaitFor wait = WaitFor::all;
  std::string source_mirror;              ///< "" = the profile's
  std::string helm;                       ///< "" = helm from PATH
  std::string cache_dir;                  ///< "" = render's default
  std::optional<std::chrono::milliseconds> timeout;  ///< overrides every add-on's timeout
  std::size_t workers = 8;
  std::string tooling = "aiplat/0.0.0";
  ConfirmPrune confirm_prune;             ///< null: pruning refused when there is something to prune
  std::shared_ptr<ProcessRunner> runner;  ///< helm; null: posix
  std::shared_ptr<HttpTransport> http;    ///< url sources; null: curl
  std::shared_ptr<AddonSource> addon_source;  ///< null: render the catalog's sources (addon_source.hpp)
};

/// What happened to one add-on.
struct AddonSummary {
  std::string name;
  std::string version;
  std::string mode;
  std::string state = "not reached";  ///< installed | unchanged | planned | failed | not reached
  std::string detail;                 ///< why it was skipped, what failed, or check results
  std::size_t objects = 0;            ///< rendered members
  std::size_t applied = 0;
  std::size_t pruned = 0;
  double seconds = 0;
  int checks_failed = 0;              ///< MUST checks that failed
  std::vector<RecordedCheck> checks;  ///< this run's results, or the record's for an unchanged add-on
  bool checks_from_record = false;    ///< `checks` are from an earlier run (the add-on was unchanged)
  std::string readiness;              ///< "N add-on readiness rule(s) not waited (--wait=workloads)", or empty
};

struct InstallSummary {
  std::string profile;
  std::string minor;       ///< the cluster's
  std::string server;      ///< API server URL
  std::vector<AddonSummary> addons;
  std::vector<std::string> warnings;
  std::vector<std::string> dry_run_log;  ///< what a client dry run would have done
  std::string checklist;                 ///< the checklist the checks used ("1.35"); "" when none
  /// The full checklist run after the last add-on (the report), when it ran.
  std::optional<conformance::Report> verification;
  std::string verification_skipped;      ///< why the full checklist did not run
  double seconds = 0;
};

/// Runs the workflow; `summary` is filled as far as the run got, also on failure.
Result<void> run_install(const InstallOptions& options, Logger& log, InstallObserver& observer,
                         const std::atomic<bool>& cancel, InstallSummary& summary);

}  // namespace aiplat::actions

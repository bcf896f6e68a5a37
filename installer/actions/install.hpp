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
#include "kube/client.hpp"
#include "phases/install_events.hpp"
#include "phases/phase.hpp"
#include "provision/adopt.hpp"

namespace aiplat::actions {

/// Whether the checks an add-on provides run after it is ready.
enum class Verify { yes, no };

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
  std::string readiness;              ///< "N add-on readiness rule(s) not waited (--wait=workloads)", or empty
};

struct InstallSummary {
  std::string profile;
  std::string minor;       ///< the cluster's
  std::string server;      ///< API server URL
  std::vector<AddonSummary> addons;
  std::vector<std::string> warnings;
  std::vector<std::string> dry_run_log;  ///< what a client dry run would have done
  double seconds = 0;
};

/// Runs the workflow; `summary` is filled as far as the run got, also on failure.
Result<void> run_install(const InstallOptions& options, Logger& log, InstallObserver& observer,
                         const std::atomic<bool>& cancel, InstallSummary& summary);

}  // namespace aiplat::actions

#pragma once
// One check per requirement. A check declares what it needs and how long it may take, runs
// in its own namespace (made and removed by the runner), and returns a Verdict; the runner
// turns it into a CheckResult with the transcript.
#include <atomic>
#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/api.hpp"
#include "conformance/result.hpp"
#include "util/clock.hpp"

namespace aiplat::conformance {

/// What a check needs from the cluster before it can judge the requirement.
enum class Need {
  api,           ///< API calls only
  controller,    ///< the add-on's controller running (no accelerator)
  accelerators,  ///< Ready nodes with accelerators
  elastic_pool,  ///< an autoscaled accelerator node pool
};

std::string_view to_string(Need need);

/// Inputs a profile or the command line gives the checks.
struct Settings {
  std::string accelerator_resource = "nvidia.com/gpu";  ///< extended resource and taint key
  std::string dra_driver = "gpu.nvidia.com";            ///< DeviceClass name and ResourceSlice driver
  std::string autoscaler_node_pool_label;               ///< "key=value" selecting the elastic pool; empty: skip
  std::chrono::seconds gang_negative_window{30};
  double split_tolerance = 0.15;                        ///< allowed deviation of a weighted split (fraction)
  int split_requests = 100;
  /// Probe images are rewritten to this registry (host[:port][/path]) by the mirror rule of
  /// util/image_ref.hpp: air-gapped sites, where `aiplat airgap load` put them. "" = as written.
  std::string image_registry;
};

/// What a check returns; the runner adds id, level, findings and transcript.
struct Verdict {
  Outcome outcome = Outcome::skip;
  SkipReason reason = SkipReason::none;
  std::string message;
  Completeness completeness = Completeness::full;
};

Verdict pass(std::string message, Completeness completeness = Completeness::full);
Verdict fail(std::string message);
Verdict skip(SkipReason reason, std::string message);

/// Everything one check run may use.
class CheckContext {
 public:
  CheckContext(Api& api, Clock& clock, const Settings& settings, std::string ns, std::string run_id,
               std::chrono::milliseconds timeout);

  Api& api;
  Clock& clock;
  const Settings& settings;
  const std::string ns;      ///< the check's own namespace
  const std::string run_id;  ///< short random suffix shared by the objects of this run

  /// Records something proven or observed; it goes to the findings and the transcript.
  void found(const std::string& finding);
  /// Polls `done` until it returns true, at most `timeout` (cut to the check's deadline).
  /// Logs what it waited for and how it ended. Returns whether `done` became true.
  bool wait_for(const std::string& what, std::chrono::milliseconds timeout, const std::function<bool()>& done,
                std::chrono::milliseconds interval = std::chrono::seconds(2));
  /// Runs at cleanup, last registered first (for cluster-scoped objects the namespace does not hold).
  void on_cleanup(std::function<void()> action);
  /// Deletes a cluster-scoped object at cleanup.
  void delete_at_cleanup(const GroupVersionKind& gvk, const std::string& name);
  /// Time left before the check's deadline.
  [[nodiscard]] std::chrono::milliseconds remaining();
  /// Makes every wait end early once `flag` is set (Ctrl-C); the runner then cleans up.
  void cancel_on(const std::atomic<bool>* flag) { m_cancel = flag; }
  [[nodiscard]] bool cancelled() const { return m_cancel != nullptr && m_cancel->load(); }

  [[nodiscard]] const std::vector<std::string>& findings() const { return m_findings; }
  void run_cleanups();

 private:
  Clock::Steady m_deadline;
  const std::atomic<bool>* m_cancel = nullptr;
  std::vector<std::string> m_findings;
  std::vector<std::function<void()>> m_cleanups;
};

/// A check's declaration.
struct CheckDef {
  std::string_view id;
  std::string_view title;
  std::string_view junit_name;  ///< the upstream suite's test name where one exists
  std::vector<Need> needs;
  std::chrono::seconds timeout;
  std::string_view proves;      ///< one paragraph for evidence READMEs and docs
  std::function<Verdict(CheckContext&)> run;
};

/// Every check aiplat has, in checklist order.
const std::vector<CheckDef>& all_checks();
/// The check for a requirement id, or nullptr when aiplat has none.
const CheckDef* find_check(std::string_view id);

// One function per check file.
CheckDef dra_support_check();
CheckDef driver_runtime_management_check();
CheckDef gpu_sharing_check();
CheckDef ai_inference_check();
CheckDef advanced_inference_ingress_check();
CheckDef gang_scheduling_check();
CheckDef cluster_autoscaling_check();
CheckDef pod_autoscaling_check();
CheckDef accelerator_metrics_check();
CheckDef ai_service_metrics_check();
CheckDef secure_accelerator_access_check();
CheckDef workload_sandboxing_check();
CheckDef robust_controller_check();

}  // namespace aiplat::conformance

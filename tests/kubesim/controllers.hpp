#pragma once
// Simulated core controllers, each acting a configurable delay after an object
// last changed: CRDs become Established, workloads report ready, Jobs run one pod and complete
// (or fail, on request),
// APIServices become Available, terminating namespaces are emptied, owners' dependents
// are garbage collected. Nothing here imitates an add-on's controller.
#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "cluster.hpp"

namespace kubesim {

/// A Job annotated with this set to "true" fails (condition Failed, its pod Failed, exit code 1).
inline constexpr const char* k_fail_annotation = "kubesim.aiplat.dev/fail";
/// The text a Job's pod logs (GET .../pods/NAME/log), taken from this annotation of the Job.
inline constexpr const char* k_log_annotation = "kubesim.aiplat.dev/log";

/// Creates the default namespaces and `cpu_nodes` + `gpu_nodes` Ready nodes.
void seed_cluster(Cluster& cluster, int cpu_nodes, int gpu_nodes);

class Controllers {
 public:
  Controllers(Cluster& cluster, std::chrono::milliseconds delay) : m_cluster(cluster), m_delay(delay) {}
  ~Controllers() { stop(); }
  void start();
  void stop();

 private:
  void loop();
  void tick_locked();
  /// True once the object at `key` has stayed at its resourceVersion for the delay.
  bool settled(const std::string& key, const Json& object);

  Cluster& m_cluster;
  std::chrono::milliseconds m_delay;
  std::map<std::string, std::pair<std::string, std::chrono::steady_clock::time_point>> m_seen;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

}  // namespace kubesim

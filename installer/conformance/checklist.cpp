#include "conformance/checklist.hpp"

#include <array>
#include <charconv>

namespace aiplat::conformance {
namespace {

// Sections as the templates spell them under `spec:`.
constexpr std::string_view k_acc = "accelerators";
constexpr std::string_view k_net = "networking";
constexpr std::string_view k_sched = "schedulingOrchestration";
constexpr std::string_view k_obs = "observability";
constexpr std::string_view k_sec = "security";
constexpr std::string_view k_op = "operator";

constexpr Level M = Level::must;
constexpr Level S = Level::should;

// 1.33: DRA was beta, so dra_support is a SHOULD.
constexpr std::array<Requirement, 9> k_v133{{
    {"dra_support", k_acc, S},
    {"ai_inference", k_net, M},
    {"gang_scheduling", k_sched, M},
    {"cluster_autoscaling", k_sched, M},
    {"pod_autoscaling", k_sched, M},
    {"accelerator_metrics", k_obs, M},
    {"ai_service_metrics", k_obs, M},
    {"secure_accelerator_access", k_sec, M},
    {"robust_controller", k_op, M},
}};

// 1.34: resource.k8s.io/v1 went GA, dra_support became a MUST.
constexpr std::array<Requirement, 9> k_v134{{
    {"dra_support", k_acc, M},
    {"ai_inference", k_net, M},
    {"gang_scheduling", k_sched, M},
    {"cluster_autoscaling", k_sched, M},
    {"pod_autoscaling", k_sched, M},
    {"accelerator_metrics", k_obs, M},
    {"ai_service_metrics", k_obs, M},
    {"secure_accelerator_access", k_sec, M},
    {"robust_controller", k_op, M},
}};

// 1.35: three accelerator SHOULDs were added.
constexpr std::array<Requirement, 12> k_v135{{
    {"dra_support", k_acc, M},
    {"driver_runtime_management", k_acc, S},
    {"gpu_sharing", k_acc, S},
    {"virtualized_accelerator", k_acc, S},
    {"ai_inference", k_net, M},
    {"gang_scheduling", k_sched, M},
    {"cluster_autoscaling", k_sched, M},
    {"pod_autoscaling", k_sched, M},
    {"accelerator_metrics", k_obs, M},
    {"ai_service_metrics", k_obs, M},
    {"secure_accelerator_access", k_sec, M},
    {"robust_controller", k_op, M},
}};

// 1.36: dra_support moved to Kubernetes conformance; three networking SHOULDs were added.
constexpr std::array<Requirement, 14> k_v136{{
    {"driver_runtime_management", k_acc, S},
    {"gpu_sharing", k_acc, S},
    {"virtualized_accelerator", k_acc, S},
    {"ai_inference", k_net, M},
    {"advanced_inference_ingress", k_net, S},
    {"high_performance_networking", k_net, S},
    {"disaggregated_inference", k_net, S},
    {"gang_scheduling", k_sched, M},
    {"cluster_autoscaling", k_sched, M},
    {"pod_autoscaling", k_sched, M},
    {"accelerator_metrics", k_obs, M},
    {"ai_service_metrics", k_obs, M},
    {"secure_accelerator_access", k_sec, M},
    {"robust_controller", k_op, M},
}};

// 1.37: workload_sandboxing joined the security section.
constexpr std::array<Requirement, 15> k_v137{{
    {"driver_runtime_management", k_acc, S},
    {"gpu_sharing", k_acc, S},
    {"virtualized_accelerator", k_acc, S},
    {"ai_inference", k_net, M},
    {"advanced_inference_ingress", k_net, S},
    {"high_performance_networking", k_net, S},
    {"disaggregated_inference", k_net, S},
    {"gang_scheduling", k_sched, M},
    {"cluster_autoscaling", k_sched, M},
    {"pod_autoscaling", k_sched, M},
    {"accelerator_metrics", k_obs, M},
    {"ai_service_metrics", k_obs, M},
    {"secure_accelerator_access", k_sec, M},
    {"workload_sandboxing", k_sec, S},
    {"robust_controller", k_op, M},
}};

const std::array<Checklist, 5> k_checklists{{
    {"1.33", k_v133},
    {"1.34", k_v134},
    {"1.35", k_v135},
    {"1.36", k_v136},
    {"1.37", k_v137},
}};

std::string supported_list() {
  std::string out;
  for (const Checklist& c : k_checklists) {
    if (!out.empty()) out += ", ";
    out += c.version;
  }
  return out;
}

// "v1.35.2-gke.1" -> "1.35"; empty when the text does not start with major.minor.
std::string major_minor(std::string_view text) {
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  int major = 0;
  int minor = 0;
  const char* end = text.data() + text.size();
  auto [p1, e1] = std::from_chars(text.data(), end, major);
  if (e1 != std::errc() || p1 == end || *p1 != '.') return {};
  auto [p2, e2] = std::from_chars(p1 + 1, end, minor);
  if (e2 != std::errc()) return {};
  // Cloud providers append "+" build metadata to the minor ("1.35+"); anything else must be ".", "-" or end.
  if (p2 != end && *p2 != '.' && *p2 != '-' && *p2 != '+') return {};
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace

const Requirement* Checklist::find(std::string_view id) const {
  for (const Requirement& r : requirements) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string_view to_string(Level level) { return level == Level::must ? "MUST" : "SHOULD"; }

std::span<const Checklist> all_checklists() { return k_checklists; }

Result<Checklist> checklist_for(std::string_view version) {
  std::string mm = major_minor(version);
  for (const Checklist& c : k_checklists) {
    if (!mm.empty() && c.version == mm) return c;
  }
  return input_error("no AI conformance checklist for Kubernetes \"" + std::string(version) +
                     "\"; supported: " + supported_list() + " (use --checklist to choose one)");
}

Result<Checklist> checklist_for_server(std::string_view git_version) {
  Result<Checklist> c = checklist_for(git_version);
  if (!c) {
    return input_error("the server reports Kubernetes " + std::string(git_version) +
                       ", which has no AI conformance checklist; supported: " + supported_list() +
                       " (pass --checklist to verify against one of them)");
  }
  return c;
}

}  // namespace aiplat::conformance

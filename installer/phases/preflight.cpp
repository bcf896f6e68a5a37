#include "phases/preflight.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "phases/record.hpp"

namespace aiplat {

Result<void> check_cluster(const provision::ClusterFacts& facts, const catalog::Profile& profile,
                           std::vector<std::string>& warnings) {
  std::vector<std::string> problems;
  if (!profile.kubernetes.contains(facts.minor)) {
    problems.push_back(fmt::format(
        "the cluster runs Kubernetes {} ({}), but profile {} supports {}: upgrade the cluster (aiplat upgrade) "
        "or use a profile written for {}",
        facts.minor.to_string(), facts.version.git_version, profile.name, profile.kubernetes.to_string(),
        facts.minor.to_string()));
  }
  if (profile.accelerator.allocation == "dra") {
    bool served = std::any_of(facts.served_apis.begin(), facts.served_apis.end(),
                              [](const std::string& gv) { return gv.starts_with("resource.k8s.io/"); });
    if (!served) {
      problems.push_back(fmt::format(
          "profile {} allocates accelerators with DRA, but the cluster does not serve resource.k8s.io: enable the "
          "DynamicResourceAllocation feature and the resource.k8s.io API on the API server, or use "
          "accelerator.allocation: device-plugin",
          profile.name));
    }
  }
  if (profile.accelerator.vendor == "nvidia" && facts.gpus == 0) {
    bool labelled = std::any_of(facts.nodes.begin(), facts.nodes.end(), [](const provision::NodeFact& n) {
      return n.labels.count("nvidia.com/gpu.present") != 0 || n.labels.count("feature.node.kubernetes.io/pci-10de.present") != 0;
    });
    if (!labelled) {
      warnings.push_back(fmt::format("profile {} expects NVIDIA GPUs, but no node reports nvidia.com/gpu or a GPU "
                                     "label yet; the GPU add-ons install, and their checks will skip",
                                     profile.name));
    }
  }
  if (!problems.empty()) {
    std::string message = "preflight refused the cluster:";
    for (const std::string& p : problems) message += "\n  " + p;
    return input_error(message);
  }
  return {};
}

Result<void> check_foreign(const provision::ClusterFacts& facts, const catalog::Plan& plan, const std::string& tooling) {
  std::vector<std::string> problems;
  for (const catalog::PlanStep& step : plan.steps) {
    for (const catalog::Source& source : step.sources) {
      if (source.type != catalog::SourceType::helm) continue;
      std::string release = source.release_name.empty() ? step.name : source.release_name;
      for (const provision::HelmReleaseFact& r : facts.helm_releases) {
        if (r.name != release) continue;
        problems.push_back(fmt::format(
            "{}: Helm release {}/{} (revision {}, {}) already installs chart {}: aiplat does not take over Helm "
            "releases; run `helm uninstall -n {} {}` first, or remove {} from the profile",
            step.name, r.ns, r.name, r.revision, r.status.empty() ? "unknown status" : r.status, source.chart, r.ns,
            r.name, step.name));
      }
    }
    if (!step.addon) continue;
    std::string our_id = parent_for(step.name, tooling).id;
    for (const auto& [name, crd] : facts.crds) {
      if (std::find(step.addon->crds.owns.begin(), step.addon->crds.owns.end(), crd.group) == step.addon->crds.owns.end()) {
        continue;
      }
      if (crd.part_of == our_id) continue;
      std::string holder;
      if (!crd.part_of.empty()) holder = "another aiplat ApplySet (" + crd.part_of + ")";
      else if (!crd.helm_release.empty()) holder = "the Helm release " + crd.helm_release;
      else {
        std::string managers;
        for (const std::string& m : crd.managers) {
          if (m != "aiplat") managers += (managers.empty() ? "\"" : ", \"") + m + "\"";
        }
        if (!managers.empty()) holder = "field manager " + managers;
      }
      if (holder.empty()) continue;
      problems.push_back(fmt::format(
          "{}: CRD {} (group {}, which {} owns) is already managed by {}: remove that installation first, or drop {} "
          "from the profile and keep the existing one",
          step.name, name, crd.group, step.name, holder, step.name));
    }
  }
  if (!problems.empty()) {
    std::string message = "components are already installed by something else (nothing was changed):";
    for (const std::string& p : problems) message += "\n  " + p;
    return input_error(message);
  }
  return {};
}

}  // namespace aiplat

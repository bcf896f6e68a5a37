#include "controllers.hpp"

#include <set>

#include <fmt/format.h>

#include "listing.hpp"

namespace kubesim {
namespace {

Json condition(const std::string& type, const std::string& reason, const std::string& message) {
  return {{"type", type},       {"status", "True"}, {"lastTransitionTime", now_rfc3339()},
          {"reason", reason},   {"message", message}};
}

// Keeps conditions' transition times stable when nothing but time would change.
bool same_status(const Json& current, const Json& wanted) {
  auto strip = [](Json status) {
    if (status.contains("conditions")) {
      for (Json& c : status["conditions"]) {
        c.erase("lastTransitionTime");
        c.erase("lastUpdateTime");
      }
    }
    status.erase("startTime");
    status.erase("completionTime");
    return status;
  };
  return strip(current) == strip(wanted);
}

bool selector_matches(const Json& node_selector, const Json& labels) {
  if (!node_selector.is_object()) {
    return true;
  }
  for (auto it = node_selector.begin(); it != node_selector.end(); ++it) {
    if (!labels.contains(it.key()) || labels[it.key()] != it.value()) {
      return false;
    }
  }
  return true;
}

// The pod a Job ran, finished: Succeeded, or Failed with exit code 1.
Json job_pod(const Json& job, bool fail, const std::string& log) {
  const Json& meta = job["metadata"];
  std::string name = meta.value("name", "");
  std::string uid = meta.value("uid", "");
  Json labels = {{"batch.kubernetes.io/job-name", name}, {"job-name", name}, {"batch.kubernetes.io/controller-uid", uid},
                 {"controller-uid", uid}};
  Json spec = job.value("/spec/template/spec"_json_pointer, Json::object());
  Json statuses = Json::array();
  for (const Json& container : spec.value("containers", Json::array())) {
    Json terminated = {{"exitCode", fail ? 1 : 0}, {"reason", fail ? "Error" : "Completed"},
                       {"startedAt", now_rfc3339()}, {"finishedAt", now_rfc3339()}};
    statuses.push_back({{"name", container.value("name", "")},
                        {"image", container.value("image", "")},
                        {"ready", false},
                        {"restartCount", 0},
                        {"state", {{"terminated", terminated}}}});
  }
  Json annotations = Json::object();
  if (!log.empty()) {
    annotations[k_log_annotation] = log;
  }
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name + "-" + uid.substr(0, std::min<std::size_t>(uid.size(), 5))},
            {"namespace", meta.value("namespace", "")},
            {"labels", labels},
            {"annotations", annotations},
            {"ownerReferences",
             {{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"name", name}, {"uid", uid}, {"controller", true},
               {"blockOwnerDeletion", true}}}}}},
          {"spec", spec},
          {"status", {{"phase", fail ? "Failed" : "Succeeded"}, {"containerStatuses", statuses}}}};
}

ResourceInfo builtin(Cluster& cluster, const std::string& group, const std::string& version,
                     const std::string& resource) {
  return *cluster.find_resource_locked(group, version, resource);
}

}  // namespace

void seed_cluster(Cluster& cluster, int cpu_nodes, int gpu_nodes) {
  std::lock_guard<std::mutex> lock(cluster.mutex());
  WriteOptions options;
  options.field_manager = "kube-apiserver";
  ResourceInfo namespaces = builtin(cluster, "", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    Json ns = {{"apiVersion", "v1"},
               {"kind", "Namespace"},
               {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/metadata.name", name}}}}}};
    cluster.create_locked(namespaces, "", ns, options);
  }
  ResourceInfo nodes = builtin(cluster, "", "v1", "nodes");
  auto add_node = [&](const std::string& name, bool gpu) {
    Json labels = {{"kubernetes.io/hostname", name}, {"kubernetes.io/os", "linux"}, {"kubernetes.io/arch", "amd64"},
                   {"beta.kubernetes.io/os", "linux"}, {"beta.kubernetes.io/arch", "amd64"}};
    Json capacity = {{"cpu", "16"}, {"memory", "65851396Ki"}, {"pods", "110"}, {"ephemeral-storage", "512Gi"}};
    if (gpu) {
      labels["nvidia.com/gpu.present"] = "true";
      capacity["nvidia.com/gpu"] = "8";
      capacity["cpu"] = "96";
      capacity["memory"] = "1056894336Ki";
    }
    Json node = {{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", name}, {"labels", labels}}},
                 {"spec", Json::object()}};
    options.field_manager = "kubelet";
    Reply created = cluster.create_locked(nodes, "", node, options);
    Json with_status = created.body;
    with_status["status"] = {
        {"capacity", capacity},
        {"allocatable", capacity},
        {"conditions", {condition("Ready", "KubeletReady", "kubelet is posting ready status (simulated by kubesim)")}},
        {"addresses", {{{"type", "InternalIP"}, {"address", "127.0.0.1"}}, {{"type", "Hostname"}, {"address", name}}}},
        {"nodeInfo",
         {{"kubeletVersion", fmt::format("v1.{}.0", cluster.options().minor)},
          {"containerRuntimeVersion", "containerd://2.0.0"},
          {"operatingSystem", "linux"},
          {"architecture", "amd64"},
          {"osImage", "kubesim"},
          {"kernelVersion", "6.1.0"}}}};
    cluster.controller_write_locked(nodes, with_status, "kubelet", Subresource::status);
  };
  for (int i = 0; i < cpu_nodes; ++i) {
    add_node(fmt::format("cpu-node-{}", i), false);
  }
  for (int i = 0; i < gpu_nodes; ++i) {
    add_node(fmt::format("gpu-node-{}", i), true);
  }
}

void Controllers::start() {
  m_thread = std::thread([this] { loop(); });
}

void Controllers::stop() {
  m_stop = true;
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void Controllers::loop() {
  auto tick = std::min(m_delay, std::chrono::milliseconds(50));
  if (tick.count() <= 0) {
    tick = std::chrono::milliseconds(5);
  }
  while (!m_stop) {
    {
      std::lock_guard<std::mutex> lock(m_cluster.mutex());
      tick_locked();
    }
    std::this_thread::sleep_for(tick);
  }
}

bool Controllers::settled(const std::string& key, const Json& object) {
  std::string rv = object["metadata"].value("resourceVersion", "");
  auto now = std::chrono::steady_clock::now();
  auto it = m_seen.find(key);
  if (it == m_seen.end() || it->second.first != rv) {
    m_seen[key] = {rv, now};
    return m_delay.count() == 0;
  }
  return now - it->second.second >= m_delay;
}

void Controllers::tick_locked() {
  Cluster& c = m_cluster;
  auto reconcile = [&](const ResourceInfo& info, const std::string& manager, auto wanted_status) {
    std::vector<Json> writes;
    for (const auto& [key, object] : c.objects_locked(info.group, info.resource)) {
      if (!settled(info.resource + key, object)) {
        continue;
      }
      Json status = wanted_status(object);
      if (status.is_null() || same_status(object.contains("status") ? object["status"] : Json::object(), status)) {
        continue;
      }
      Json next = object;
      next["status"] = status;
      writes.push_back(next);
    }
    for (Json& next : writes) {
      c.controller_write_locked(info, next, manager, Subresource::status);
    }
  };

  // CRDs: names accepted and Established; their resources are served from then on.
  ResourceInfo crds = builtin(c, "apiextensions.k8s.io", "v1", "customresourcedefinitions");
  reconcile(crds, "kube-apiserver", [](const Json& crd) {
    Json status = crd.value("status", Json::object());
    status["acceptedNames"] = crd["spec"]["names"];
    status["conditions"] = {condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                            condition("Established", "InitialNamesAccepted", "the initial names have been accepted")};
    Json stored = Json::array();
    const Json* versions = value_at(crd, {"f:spec", "f:versions"});
    for (const Json& version : versions != nullptr ? *versions : stored) {
      if (version.value("storage", false)) {
        stored.push_back(version.value("name", ""));
      }
    }
    status["storedVersions"] = stored;
    return status;
  });
  for (const auto& [key, crd] : c.objects_locked(crds.group, crds.resource)) {
    const Json* conditions = value_at(crd, {"f:status", "f:conditions"});
    if (conditions != nullptr && conditions->dump().find("Established") != std::string::npos &&
        !crd["metadata"].contains("deletionTimestamp")) {
      c.register_crd_locked(crd);
    }
  }

  reconcile(builtin(c, "apps", "v1", "deployments"), "kube-controller-manager", [](const Json& object) {
    int replicas = object.value("spec", Json::object()).value("replicas", 1);
    return Json{{"observedGeneration", object["metadata"].value("generation", 1)},
                {"replicas", replicas},
                {"updatedReplicas", replicas},
                {"readyReplicas", replicas},
                {"availableReplicas", replicas},
                {"conditions",
                 {condition("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                  condition("Progressing", "NewReplicaSetAvailable", "ReplicaSet has successfully progressed.")}}};
  });
  reconcile(builtin(c, "apps", "v1", "statefulsets"), "kube-controller-manager", [](const Json& object) {
    int replicas = object.value("spec", Json::object()).value("replicas", 1);
    std::string revision = object["metadata"].value("name", "") + "-" +
                           std::to_string(object["metadata"].value("generation", 1));
    return Json{{"observedGeneration", object["metadata"].value("generation", 1)},
                {"replicas", replicas},
                {"readyReplicas", replicas},
                {"currentReplicas", replicas},
                {"updatedReplicas", replicas},
                {"availableReplicas", replicas},
                {"currentRevision", revision},
                {"updateRevision", revision},
                {"collisionCount", 0}};
  });
  Json node_labels = Json::array();
  for (const auto& [key, node] : c.objects_locked("", "nodes")) {
    node_labels.push_back(node["metadata"].value("labels", Json::object()));
  }
  reconcile(builtin(c, "apps", "v1", "daemonsets"), "kube-controller-manager", [&](const Json& object) {
    const Json* selector = value_at(object, {"f:spec", "f:template", "f:spec", "f:nodeSelector"});
    int desired = 0;
    for (const Json& labels : node_labels) {
      desired += selector_matches(selector != nullptr ? *selector : Json(nullptr), labels) ? 1 : 0;
    }
    return Json{{"observedGeneration", object["metadata"].value("generation", 1)},
                {"desiredNumberScheduled", desired},
                {"currentNumberScheduled", desired},
                {"updatedNumberScheduled", desired},
                {"numberReady", desired},
                {"numberAvailable", desired},
                {"numberMisscheduled", 0}};
  });
  // Jobs: one pod each, which succeeds, or fails when the Job carries k_fail_annotation (for
  // tests of failing Helm hooks); the pod's log is the Job's k_log_annotation.
  ResourceInfo pods = builtin(c, "", "v1", "pods");
  std::vector<Json> job_pods;
  reconcile(builtin(c, "batch", "v1", "jobs"), "kube-controller-manager", [&](const Json& object) {
    const Json& spec = object.value("spec", Json::object());
    if (spec.value("suspend", false)) {
      return Json(nullptr);
    }
    const Json annotations = object["metadata"].value("annotations", Json::object());
    bool fail = annotations.value(k_fail_annotation, "") == "true";
    job_pods.push_back(job_pod(object, fail, annotations.value(k_log_annotation, "")));
    Json status = object.value("status", Json::object());
    Json conditions = Json::array();
    if (fail) {
      conditions.push_back(condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
      conditions.push_back(condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
      status["failed"] = 1;
      status.erase("succeeded");
    } else {
      if (c.options().minor >= 31) {
        conditions.push_back(condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of "
                                                                                   "succeeded pods"));
      }
      conditions.push_back(condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods"));
      status["succeeded"] = spec.value("completions", 1);
    }
    status["active"] = 0;
    status["ready"] = 0;
    status["conditions"] = conditions;
    if (!status.contains("startTime")) {
      status["startTime"] = now_rfc3339();
    }
    if (!fail && !status.contains("completionTime")) {
      status["completionTime"] = now_rfc3339();
    }
    return status;
  });
  for (Json& pod : job_pods) {
    std::string ns = pod["metadata"].value("namespace", "");
    if (c.get_locked(pods, ns, pod["metadata"].value("name", "")).status == 200) {
      continue;
    }
    Json status = pod["status"];
    pod.erase("status");
    WriteOptions options;
    options.field_manager = "kube-controller-manager";
    Reply created = c.create_locked(pods, ns, pod, options);
    if (created.status != 201 && created.status != 200) {
      continue;
    }
    Json with_status = created.body;
    with_status["status"] = status;
    c.controller_write_locked(pods, with_status, "kubelet", Subresource::status);
  }
  reconcile(builtin(c, "apiregistration.k8s.io", "v1", "apiservices"), "kube-apiserver", [](const Json&) {
    return Json{{"conditions", {condition("Available", "Passed", "all checks passed")}}};
  });

  // Terminating namespaces: delete their content, then the namespace itself.
  ResourceInfo namespaces = builtin(c, "", "v1", "namespaces");
  std::vector<std::string> finished;
  for (const auto& [key, space] : c.objects_locked("", "namespaces")) {
    if (!space["metadata"].contains("deletionTimestamp") || !settled("namespaces" + key, space)) {
      continue;
    }
    std::string name = space["metadata"].value("name", "");
    bool empty = true;
    for (const ResourceInfo& info : c.resources_locked()) {
      if (info.scope != Scope::namespaced || info.verbs.size() == 1) {
        continue;
      }
      std::vector<std::string> names;
      for (const auto& [object_key, object] : c.objects_locked(info.group, info.resource)) {
        if (object["metadata"].value("namespace", "") == name) {
          names.push_back(object["metadata"].value("name", ""));
        }
      }
      for (const std::string& object_name : names) {
        empty = false;
        c.delete_locked(info, name, object_name, "Background", WriteOptions{});
      }
    }
    if (empty) {
      finished.push_back(name);
    }
  }
  for (const std::string& name : finished) {
    c.remove_object_locked(namespaces, object_key("", name));
  }

  // Background garbage collection: dependents whose owners are all gone.
  std::set<std::string> uids;
  std::vector<ResourceInfo> all = c.resources_locked();
  for (const ResourceInfo& info : all) {
    for (const auto& [key, object] : c.objects_locked(info.group, info.resource)) {
      uids.insert(object["metadata"].value("uid", ""));
    }
  }
  for (const ResourceInfo& info : all) {
    std::vector<std::pair<std::string, std::string>> orphans;
    for (const auto& [key, object] : c.objects_locked(info.group, info.resource)) {
      const Json& refs = object["metadata"].value("ownerReferences", Json::array());
      if (refs.empty() || object["metadata"].contains("deletionTimestamp")) {
        continue;
      }
      bool any_owner = false;
      for (const Json& ref : refs) {
        any_owner = any_owner || uids.count(ref.value("uid", "")) != 0;
      }
      if (!any_owner) {
        orphans.emplace_back(object["metadata"].value("namespace", ""), object["metadata"].value("name", ""));
      }
    }
    for (const auto& [ns, name] : orphans) {
      c.delete_locked(info, ns, name, "Background", WriteOptions{});
    }
  }
}

}  // namespace kubesim

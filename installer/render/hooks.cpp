#include "render/hooks.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <fmt/format.h>

namespace aiplat::render {
namespace {

constexpr std::array<std::pair<const char*, HookEvent>, 9> k_events{{
    {"pre-install", HookEvent::pre_install},
    {"post-install", HookEvent::post_install},
    {"pre-upgrade", HookEvent::pre_upgrade},
    {"post-upgrade", HookEvent::post_upgrade},
    {"pre-delete", HookEvent::pre_delete},
    {"post-delete", HookEvent::post_delete},
    {"pre-rollback", HookEvent::pre_rollback},
    {"post-rollback", HookEvent::post_rollback},
    {"test", HookEvent::test},
}};

// Helm's install order of kinds; hooks of one weight are created in it, unknown kinds last.
constexpr std::array<const char*, 37> k_kind_order{
    "Namespace",          "NetworkPolicy",      "ResourceQuota",
    "LimitRange",         "PodSecurityPolicy",  "PodDisruptionBudget",
    "ServiceAccount",     "Secret",             "SecretList",
    "ConfigMap",          "StorageClass",       "PersistentVolume",
    "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList",    "ClusterRoleBinding", "ClusterRoleBindingList",
    "Role",               "RoleList",           "RoleBinding",
    "RoleBindingList",    "Service",            "DaemonSet",
    "Pod",                "ReplicationController", "ReplicaSet",
    "Deployment",         "HorizontalPodAutoscaler", "StatefulSet",
    "Job",                "CronJob",            "IngressClass",
    "Ingress",            "APIService",         "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
};

std::size_t kind_rank(const std::string& kind) {
  auto it = std::find(k_kind_order.begin(), k_kind_order.end(), kind);
  return static_cast<std::size_t>(it - k_kind_order.begin());
}

std::string annotation(const Json& object, const char* key) {
  const Json* annotations = nullptr;
  if (auto m = object.find("metadata"); m != object.end() && m->is_object()) {
    if (auto a = m->find("annotations"); a != m->end() && a->is_object()) annotations = &*a;
  }
  if (annotations == nullptr) return "";
  auto v = annotations->find(key);
  return v != annotations->end() && v->is_string() ? v->get<std::string>() : std::string();
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// Helm splits these annotations on commas and trims each item ("pre-install, pre-upgrade").
std::vector<std::string> comma_list(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(',', start);
    if (end == std::string::npos) end = value.size();
    std::string item = trim(std::string_view(value).substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

std::string object_name(const Json& o) {
  std::string ns = o.value("/metadata/namespace"_json_pointer, std::string());
  return fmt::format("{} {}{}", o.value("kind", "?"), ns.empty() ? "" : ns + "/",
                     o.value("/metadata/name"_json_pointer, std::string("?")));
}

}  // namespace

bool Hook::runs_on(HookEvent event) const { return std::find(events.begin(), events.end(), event) != events.end(); }

bool Hook::has_policy(DeletePolicy policy) const {
  return std::find(delete_policies.begin(), delete_policies.end(), policy) != delete_policies.end();
}

std::string to_string(HookEvent event) {
  for (const auto& [name, e] : k_events) {
    if (e == event) return name;
  }
  return "?";
}

bool is_hook(const Json& object) { return !comma_list(annotation(object, k_hook_annotation)).empty(); }

Result<Hook> parse_hook(const Json& object) {
  Hook hook;
  hook.object = object;
  for (const std::string& name : comma_list(annotation(object, k_hook_annotation))) {
    auto it = std::find_if(k_events.begin(), k_events.end(), [&](const auto& e) { return name == e.first; });
    // Helm ignores events it does not know (older names such as "crd-install"); so do we.
    if (it != k_events.end()) hook.events.push_back(it->second);
  }
  if (std::string w = trim(annotation(object, k_hook_weight_annotation)); !w.empty()) {
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), hook.weight);
    if (ec != std::errc() || end != w.data() + w.size()) {
      return input_error(fmt::format("{}: annotation {}: \"{}\" is not an integer", object_name(object),
                                     k_hook_weight_annotation, w));
    }
  }
  for (const std::string& p : comma_list(annotation(object, k_hook_delete_policy_annotation))) {
    if (p == "before-hook-creation") hook.delete_policies.push_back(DeletePolicy::before_hook_creation);
    else if (p == "hook-succeeded") hook.delete_policies.push_back(DeletePolicy::hook_succeeded);
    else if (p == "hook-failed") hook.delete_policies.push_back(DeletePolicy::hook_failed);
    else {
      return input_error(fmt::format("{}: annotation {}: unknown policy \"{}\" (before-hook-creation, "
                                     "hook-succeeded or hook-failed)",
                                     object_name(object), k_hook_delete_policy_annotation, p));
    }
  }
  if (hook.delete_policies.empty()) hook.delete_policies.push_back(DeletePolicy::before_hook_creation);
  return hook;
}

Result<std::vector<Hook>> hooks_for(const std::vector<Json>& hooks, HookEvent event) {
  std::vector<Hook> out;
  for (const Json& o : hooks) {
    Result<Hook> h = parse_hook(o);
    if (!h) return tl::unexpected(h.error());
    if (h->runs_on(event)) out.push_back(std::move(*h));
  }
  std::stable_sort(out.begin(), out.end(), [](const Hook& a, const Hook& b) {
    if (a.weight != b.weight) return a.weight < b.weight;
    std::size_t ka = kind_rank(a.object.value("kind", ""));
    std::size_t kb = kind_rank(b.object.value("kind", ""));
    if (ka != kb) return ka < kb;
    return a.object.value("/metadata/name"_json_pointer, std::string()) <
           b.object.value("/metadata/name"_json_pointer, std::string());
  });
  return out;
}

std::vector<Json> set_hooks_apart(std::vector<Json>& objects) {
  std::vector<Json> hooks;
  std::vector<Json> rest;
  rest.reserve(objects.size());
  for (Json& o : objects) {
    if (is_hook(o)) hooks.push_back(std::move(o));
    else rest.push_back(std::move(o));
  }
  objects = std::move(rest);
  return hooks;
}

bool keeps_on_delete(const Json& object) { return trim(annotation(object, k_resource_policy_annotation)) == "keep"; }

HookCounts count_hooks(const std::vector<Json>& hooks) {
  HookCounts counts;
  for (const Json& o : hooks) {
    Result<Hook> h = parse_hook(o);
    bool install = h && (h->runs_on(HookEvent::pre_install) || h->runs_on(HookEvent::post_install) ||
                         h->runs_on(HookEvent::pre_upgrade) || h->runs_on(HookEvent::post_upgrade));
    if (install) ++counts.install;
    else ++counts.set_aside;
  }
  return counts;
}

}  // namespace aiplat::render

#include "phases/apply_addon.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "kube/apply_tiers.hpp"
#include "phases/wait_ready.hpp"
#include "render/hooks.hpp"

namespace aiplat {
namespace {

using kube::GroupVersionKind;
using kube::ResourceRef;

const GroupVersionKind k_crd_gvk{"apiextensions.k8s.io", "v1", "CustomResourceDefinition"};

bool is_crd(const Json& o) {
  return o.value("kind", "") == "CustomResourceDefinition" &&
         o.value("apiVersion", "").starts_with("apiextensions.k8s.io/");
}

/// Who besides this ApplySet manages a live CRD, or "" when nobody does.
std::string foreign_owner(const Json& live, const std::string& our_id) {
  const Json labels = live.value("/metadata/labels"_json_pointer, Json::object());
  const Json annotations = live.value("/metadata/annotations"_json_pointer, Json::object());
  std::string part_of = labels.value(kube::k_applyset_part_of_label, "");
  if (part_of == our_id) return "";
  if (!part_of.empty()) return "another aiplat add-on (ApplySet " + part_of + ")";
  if (labels.value("app.kubernetes.io/managed-by", "") == "Helm" || annotations.contains("meta.helm.sh/release-name")) {
    return fmt::format("the Helm release {}/{}", annotations.value("meta.helm.sh/release-namespace", "?"),
                       annotations.value("meta.helm.sh/release-name", "?"));
  }
  std::set<std::string> managers;
  for (const Json& entry : live.value("/metadata/managedFields"_json_pointer, Json::array())) {
    std::string manager = entry.value("manager", "");
    if (manager == "aiplat" || entry.value("subresource", "") == "status") continue;
    managers.insert(manager);
  }
  if (managers.empty()) return "";
  std::string list;
  for (const std::string& m : managers) list += (list.empty() ? "" : ", ") + ("\"" + m + "\"");
  return "field manager " + list;
}

std::string key_of(const std::string& group, const std::string& kind, const std::string& ns, const std::string& name) {
  return group + "/" + kind + "/" + ns + "/" + name;
}

std::string key_of(const Json& o) {
  GroupVersionKind gvk = GroupVersionKind::from(o.value("apiVersion", ""), o.value("kind", ""));
  return key_of(gvk.group, gvk.kind, o.value("/metadata/namespace"_json_pointer, std::string()),
                o.value("/metadata/name"_json_pointer, std::string()));
}

std::string part_of_selector(const std::string& id) { return std::string(kube::k_applyset_part_of_label) + "=" + id; }

}  // namespace

// Helm charts leave the release namespace to `helm install --create-namespace`; aiplat does the same.
Result<void> ensure_namespaces(kube::Client& client, PhaseContext& ctx, const std::vector<Json>& members,
                               const kube::ApplyOptions& apply_options, const std::string& addon) {
  std::set<std::string> used;
  std::set<std::string> brought;
  for (const Json& o : members) {
    std::string ns = o.value("/metadata/namespace"_json_pointer, std::string());
    if (!ns.empty()) used.insert(ns);
    if (o.value("kind", "") == "Namespace" && o.value("apiVersion", "") == "v1") {
      brought.insert(o.value("/metadata/name"_json_pointer, std::string()));
    }
  }
  const GroupVersionKind namespace_gvk{"", "v1", "Namespace"};
  for (const std::string& ns : used) {
    if (brought.count(ns) != 0) continue;
    auto live = client.get(ResourceRef{namespace_gvk, "", ns});
    if (live) continue;
    if (!live.error().not_found()) {
      return tl::unexpected(live.error().with_context(addon + ": reading namespace " + ns).to_error());
    }
    Json object = {{"apiVersion", "v1"},
                   {"kind", "Namespace"},
                   {"metadata", {{"name", ns}, {"labels", {{"app.kubernetes.io/managed-by", "aiplat"}}}}}};
    auto done = ctx.wet("create Namespace " + ns, [&]() -> Result<void> {
      auto r = client.apply(object, apply_options);
      if (!r) return tl::unexpected(r.error().with_context(addon + ": creating namespace " + ns).to_error());
      return {};
    });
    if (!done) return done;
  }
  return {};
}

Result<bool> up_to_date(kube::Client& client, const render::RenderedAddon& rendered, const kube::ApplySetParent& parent,
                        const std::optional<InstallRecord>& record, std::string& why) {
  if (!record) {
    why = "not installed yet";
    return false;
  }
  if (record->state != "installed") {
    why = "the last run stopped before it finished";
    return false;
  }
  if (record->digest != rendered.digest) {
    why = record->version != rendered.version ? fmt::format("version {} -> {}", record->version, rendered.version)
                                              : "rendered objects changed";
    return false;
  }
  // One list per kind, labelled members only: cheap, and it sees deleted or relabelled objects.
  std::map<std::pair<std::string, std::string>, std::vector<const InventoryItem*>> by_kind;
  for (const InventoryItem& item : record->inventory) by_kind[{item.api_version, item.kind}].push_back(&item);
  for (const auto& [kind, items] : by_kind) {
    kube::ListOptions options;
    options.label_selector = part_of_selector(parent.id);
    options.metadata_only = true;
    auto list = client.list(GroupVersionKind::from(kind.first, kind.second), "", options);
    if (!list) {
      if (list.error().not_found() || list.error().kind == ErrorKind::input) {
        why = kind.second + " is no longer served";
        return false;
      }
      return tl::unexpected(list.error().with_context("checking the live inventory").to_error());
    }
    std::set<std::pair<std::string, std::string>> live;
    for (const Json& o : list->items) {
      if (o.contains("/metadata/deletionTimestamp"_json_pointer)) continue;
      live.insert({o.value("/metadata/namespace"_json_pointer, std::string()),
                   o.value("/metadata/name"_json_pointer, std::string())});
    }
    for (const InventoryItem* item : items) {
      if (live.count({item->ns, item->name}) == 0) {
        why = fmt::format("{} {}{} is missing", item->kind, item->ns.empty() ? "" : item->ns + "/", item->name);
        return false;
      }
    }
  }
  return true;
}

Result<std::vector<Json>> prepare_members(kube::Client& client, const render::RenderedAddon& rendered,
                                          const kube::ApplySetParent& parent, const ApplyAddonOptions& options) {
  std::vector<Json> members;
  std::vector<std::string> problems;
  for (const Json& o : rendered.objects) {
    if (is_crd(o)) {
      std::string group = o.value("/spec/group"_json_pointer, std::string());
      bool deferred = std::find(options.defers_to.begin(), options.defers_to.end(), group) != options.defers_to.end();
      if (deferred) continue;  // its owner add-on installs and upgrades it
      std::string name = o.value("/metadata/name"_json_pointer, std::string());
      auto live = client.get_metadata(ResourceRef{k_crd_gvk, "", name});
      if (live) {
        std::string owner = foreign_owner(*live, parent.id);
        if (!owner.empty()) {
          problems.push_back(fmt::format(
              "CRD {} (group {}) is already managed by {}; one owner per CRD group: remove that installation "
              "(or the add-on from the profile), or let aiplat take it over with --force-conflicts after "
              "removing the other manager",
              name, group, owner));
          if (options.force == kube::Force::no) continue;
          problems.pop_back();
        }
      } else if (!live.error().not_found()) {
        return tl::unexpected(live.error().with_context("checking who owns CRD " + name).to_error());
      }
    }
    members.push_back(kube::with_part_of(o, parent.id));
  }
  if (!problems.empty()) {
    std::string message = rendered.name + ": refusing to install:";
    for (const std::string& p : problems) message += "\n  " + p;
    return input_error(message);
  }
  return members;
}

Result<std::size_t> apply_members(kube::Client& client, PhaseContext& ctx, const std::vector<Json>& members,
                                  const ApplyAddonOptions& options, const std::string& addon) {
  std::vector<std::vector<Json>> tiers = kube::split_tiers(members);
  std::set<std::string> new_crd_groups;
  for (const Json& o : tiers[static_cast<std::size_t>(kube::Tier::crds)]) {
    new_crd_groups.insert(o.value("/spec/group"_json_pointer, std::string()));
  }
  kube::ApplyOptions apply_options;
  apply_options.force = options.force;
  apply_options.dry_run = ctx.dry_run() == DryRun::server ? kube::DryRun::all : kube::DryRun::none;
  bool live_run = ctx.dry_run() == DryRun::none;
  if (auto ns = ensure_namespaces(client, ctx, members, apply_options, addon); !ns) return tl::unexpected(ns.error());
  std::size_t applied = 0;
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    const std::vector<Json>& tier = tiers[t];
    if (tier.empty()) continue;
    if (ctx.cancelled()) return cancelled(addon + ": interrupted before the " + kube::to_string(kube::Tier(t)) + " tier");
    if (static_cast<kube::Tier>(t) == kube::Tier::webhooks && live_run) {
      auto services = webhook_services(tier);
      auto waited = wait_service_endpoints(client, services, members, options.timeout, ctx, addon);
      if (!waited) return tl::unexpected(waited.error());
    }
    std::mutex mutex;
    std::vector<std::string> errors;
    std::size_t tier_applied = 0;
    auto apply_one = [&](std::size_t i) {
      const Json& object = tier[i];
      auto ref = ResourceRef::of(object);
      if (!ref) {
        std::lock_guard<std::mutex> lock(mutex);
        errors.push_back(ref.error().message);
        return;
      }
      Result<void> done = ctx.wet("apply " + ref->to_string(), [&]() -> Result<void> {
        auto r = client.apply(object, apply_options);
        if (r) return {};
        // A dry run cannot create the kinds of CRDs this very add-on brings, nor objects in
        // namespaces it only pretended to create.
        if (!live_run && (new_crd_groups.count(ref->gvk.group) != 0 || r.error().not_found() ||
                          !client.mapping_for(ref->gvk))) {
          return {};
        }
        std::string message = r.error().message;
        if (r.error().conflict()) {
          message += "\n    (another field manager owns these fields: re-run with --force-conflicts to take them over)";
        }
        return failure(message);
      });
      std::lock_guard<std::mutex> lock(mutex);
      if (done) ++tier_applied;
      else errors.push_back(done.error().message);
    };
    // Client dry runs only record messages, in source order, on this thread.
    kube::run_bounded(tier.size(), ctx.dry_run() == DryRun::client ? 1 : options.workers, apply_one);
    applied += tier_applied;
    if (!errors.empty()) {
      std::string message = fmt::format("{}: {} of {} objects of the {} tier failed:", addon, errors.size(), tier.size(),
                                        kube::to_string(kube::Tier(t)));
      for (const std::string& e : errors) message += "\n  " + e;
      return failure(message);
    }
    if (static_cast<kube::Tier>(t) == kube::Tier::crds) {
      if (live_run) {
        std::vector<WaitTarget> targets;
        for (const Json& crd : tier) targets.push_back(WaitTarget{*ResourceRef::of(crd), {}});
        auto established = wait_ready(client, targets, options.timeout, ctx, addon + ": CRDs");
        if (!established) return tl::unexpected(established.error());
      }
      client.invalidate_discovery();
    }
  }
  return applied;
}

Result<std::vector<ResourceRef>> prune_candidates(kube::Client& client, const kube::ApplySetParent& parent,
                                                  const std::vector<Json>& members, std::vector<ResourceRef>* kept) {
  std::set<std::string> wanted;
  for (const Json& m : members) wanted.insert(key_of(m));
  auto discovery = client.discovery();
  if (!discovery) return tl::unexpected(discovery.error().with_context("finding objects to prune").to_error());
  std::vector<ResourceRef> out;
  for (const std::string& gk : parent.group_kinds) {
    auto [kind, group] = kube::split_group_kind(gk);
    std::string version;
    if (auto p = discovery->preferred.find(group); p != discovery->preferred.end()) version = p->second;
    bool served = false;
    for (const kube::ResourceMapping& m : discovery->resources) {
      if (m.gvk.group == group && m.gvk.kind == kind && (version.empty() || m.gvk.version == version)) {
        version = m.gvk.version;
        served = true;
        break;
      }
    }
    if (!served) continue;  // its CRD is gone, and with it every object of the kind
    kube::ListOptions options;
    options.label_selector = part_of_selector(parent.id);
    options.metadata_only = true;
    auto list = client.list(GroupVersionKind{group, version, kind}, "", options);
    if (!list) return tl::unexpected(list.error().with_context("finding objects to prune").to_error());
    for (const Json& o : list->items) {
      // Metadata-only items name their kind PartialObjectMetadata; the kind is the one listed.
      std::string ns = o.value("/metadata/namespace"_json_pointer, std::string());
      std::string name = o.value("/metadata/name"_json_pointer, std::string());
      if (o.contains("/metadata/deletionTimestamp"_json_pointer) || wanted.count(key_of(group, kind, ns, name)) != 0) {
        continue;
      }
      ResourceRef ref{GroupVersionKind{group, version, kind}, ns, name};
      if (render::keeps_on_delete(o)) {
        if (kept != nullptr) kept->push_back(ref);
        continue;
      }
      out.push_back(ref);
    }
  }
  return out;
}

Result<void> prune(kube::Client& client, PhaseContext& ctx, const std::vector<ResourceRef>& victims) {
  kube::DeleteOptions options;
  options.dry_run = ctx.dry_run() == DryRun::server ? kube::DryRun::all : kube::DryRun::none;
  for (const ResourceRef& ref : victims) {
    if (ctx.cancelled()) return cancelled("interrupted while pruning");
    auto done = ctx.wet("prune " + ref.to_string(), [&]() -> Result<void> {
      auto r = client.remove(ref, options);
      if (r || r.error().not_found()) return {};
      return tl::unexpected(r.error().with_context("pruning " + ref.to_string()).to_error());
    });
    if (!done) return done;
  }
  return {};
}

}  // namespace aiplat

#include "phases/record.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace aiplat {

Json to_json(const InstallRecord& r) {
  Json inventory = Json::array();
  for (const InventoryItem& i : r.inventory) {
    Json item = {{"apiVersion", i.api_version}, {"kind", i.kind}, {"name", i.name}};
    if (!i.ns.empty()) item["namespace"] = i.ns;
    inventory.push_back(item);
  }
  Json checks = Json::array();
  for (const RecordedCheck& c : r.checks) {
    Json check = {{"id", c.id}, {"outcome", c.outcome}, {"message", c.message}};
    if (!c.level.empty()) check["level"] = c.level;
    if (!c.reason.empty()) check["reason"] = c.reason;
    checks.push_back(check);
  }
  Json out{{"name", r.name},         {"version", r.version},
              {"mode", r.mode},         {"profile", r.profile},
              {"state", r.state},       {"digest", r.digest},
              {"sourceDigests", r.source_digests},
              {"inventory", inventory}, {"images", r.images},
              {"checks", checks},       {"readiness", r.readiness},
              {"readinessRulesNotWaited", r.rules_not_waited}, {"startedAt", r.started_at},
              {"finishedAt", r.finished_at}, {"tool", r.tool}};
  // Older records have no installedAt; their readers treat an "installed" state as one.
  if (!r.installed_at.empty()) out["installedAt"] = r.installed_at;
  return out;
}

bool ever_installed(const InstallRecord& record) { return !record.installed_at.empty() || record.state == "installed"; }

Result<InstallRecord> record_from_json(const Json& j, const std::string& where) {
  if (!j.is_object()) return failure(where + ": the install record is not a JSON object");
  InstallRecord r;
  try {
    r.name = j.value("name", "");
    r.version = j.value("version", "");
    r.mode = j.value("mode", "");
    r.profile = j.value("profile", "");
    r.state = j.value("state", "");
    r.digest = j.value("digest", "");
    r.source_digests = j.value("sourceDigests", std::map<std::string, std::string>{});
    for (const Json& i : j.value("inventory", Json::array())) {
      r.inventory.push_back(
          InventoryItem{i.value("apiVersion", ""), i.value("kind", ""), i.value("namespace", ""), i.value("name", "")});
    }
    r.images = j.value("images", std::vector<std::string>{});
    for (const Json& c : j.value("checks", Json::array())) {
      r.checks.push_back(RecordedCheck{c.value("id", ""), c.value("outcome", ""), c.value("message", ""),
                                       c.value("level", ""), c.value("reason", "")});
    }
    r.readiness = j.value("readiness", "");
    r.rules_not_waited = j.value("readinessRulesNotWaited", 0);
    r.started_at = j.value("startedAt", "");
    r.finished_at = j.value("finishedAt", "");
    r.installed_at = j.value("installedAt", "");
    r.tool = j.value("tool", "");
  } catch (const Json::exception& e) {
    return failure(fmt::format("{}: the install record has a field of the wrong type: {}", where, e.what()));
  }
  if (r.name.empty()) return failure(where + ": the install record has no name");
  return r;
}

InventoryItem inventory_item(const Json& o) {
  return InventoryItem{o.value("apiVersion", ""), o.value("kind", ""),
                       o.value("/metadata/namespace"_json_pointer, std::string()),
                       o.value("/metadata/name"_json_pointer, std::string())};
}

std::string record_name(const std::string& addon) { return "aiplat-" + addon; }

kube::ApplySetParent parent_for(const std::string& addon, const std::string& tooling) {
  return kube::ApplySetParent::config_map(record_name(addon), k_system_namespace, tooling);
}

namespace {

Result<InstallRecord> record_of(const Json& config_map) {
  std::string where = "ConfigMap " + std::string(k_system_namespace) + "/" +
                      config_map.value("/metadata/name"_json_pointer, std::string());
  std::string text = config_map.value("/data"_json_pointer, Json::object()).value(k_record_key, "");
  if (text.empty()) return failure(where + ": no " + k_record_key + " key");
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return failure(where + ": " + k_record_key + " is not valid JSON");
  return record_from_json(j, where);
}

}  // namespace

Result<std::vector<InstallRecord>> read_records(kube::Client& client) {
  kube::ListOptions options;
  options.label_selector = std::string(k_record_label) + "=true";
  auto list = client.list(kube::GroupVersionKind{"", "v1", "ConfigMap"}, k_system_namespace, options);
  if (!list) return tl::unexpected(list.error().with_context("reading install records").to_error());
  std::vector<InstallRecord> out;
  for (const Json& cm : list->items) {
    auto r = record_of(cm);
    if (!r) return tl::unexpected(r.error());
    out.push_back(std::move(*r));
  }
  std::sort(out.begin(), out.end(), [](const InstallRecord& a, const InstallRecord& b) { return a.name < b.name; });
  return out;
}

Result<std::optional<Json>> read_parent(kube::Client& client, const std::string& addon) {
  auto live = client.get(kube::ResourceRef{{"", "v1", "ConfigMap"}, k_system_namespace, record_name(addon)});
  if (!live) {
    if (live.error().not_found()) return std::optional<Json>();
    return tl::unexpected(live.error().to_error());
  }
  return std::optional<Json>(std::move(*live));
}

Result<void> write_record(kube::Client& client, const kube::ApplySetParent& parent, const InstallRecord& record,
                          kube::DryRun dry_run) {
  Json object = parent.to_object(Json{{k_record_key, to_json(record).dump()}});
  object["metadata"]["labels"][k_record_label] = "true";
  kube::ApplyOptions options;
  options.dry_run = dry_run;
  auto applied = client.apply(object, options);
  if (!applied) return tl::unexpected(applied.error().with_context("writing the install record of " + record.name).to_error());
  return {};
}

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(ms));
}

}  // namespace aiplat

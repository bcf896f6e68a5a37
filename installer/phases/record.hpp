#pragma once
// The install record: what aiplat installed for one add-on, kept in the cluster as the data
// key "record.json" of the add-on's ApplySet parent (ConfigMap aiplat-<add-on> in
// aiplat-system). `aiplat status` reads them; a re-run compares the rendered digest with it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kube/apply_set.hpp"
#include "kube/client.hpp"

namespace aiplat {

inline constexpr const char* k_system_namespace = "aiplat-system";
inline constexpr const char* k_record_label = "aiplat.dev/install-record";
inline constexpr const char* k_record_key = "record.json";

/// One object of an add-on's inventory.
struct InventoryItem {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  friend bool operator==(const InventoryItem&, const InventoryItem&) = default;
  friend auto operator<=>(const InventoryItem&, const InventoryItem&) = default;
};

/// The outcome of one check run after the add-on was applied.
struct RecordedCheck {
  std::string id;
  std::string outcome;  ///< pass | fail | skip | n/a
  std::string message;
  std::string level = {};   ///< MUST | SHOULD ("" in records of older versions)
  std::string reason = {};  ///< why a skip did not judge, e.g. "controller-absent"; "" otherwise
  friend bool operator==(const RecordedCheck&, const RecordedCheck&) = default;
};

struct InstallRecord {
  std::string name;
  std::string version;
  std::string mode;
  std::string profile;
  std::string state;   ///< "applying" while a run is under way, "installed" when it finished
  std::string digest;  ///< RenderedAddon::digest
  std::map<std::string, std::string> source_digests;
  std::vector<InventoryItem> inventory;
  std::vector<std::string> images;
  std::vector<RecordedCheck> checks;
  /// What the readiness wait covered, e.g. "2 add-on readiness rule(s) not waited (--wait=workloads)".
  std::string readiness;
  int rules_not_waited = 0;  ///< add-on readiness rules left out by --wait=workloads
  std::string started_at;   ///< RFC 3339 UTC
  std::string finished_at;  ///< empty while applying
  /// When a run of this add-on first finished; kept by later runs. Set means Helm's "upgrade"
  /// hooks run next, not the "install" ones.
  std::string installed_at;
  std::string tool;         ///< "aiplat/0.1.0"
};

/// Whether the add-on was ever installed (any run finished): hooks of the next run are upgrade hooks.
bool ever_installed(const InstallRecord& record);

Json to_json(const InstallRecord& record);
/// Reads a record; `where` names the ConfigMap in errors.
Result<InstallRecord> record_from_json(const Json& j, const std::string& where);

/// The inventory item of an object.
InventoryItem inventory_item(const Json& object);

/// Name of an add-on's parent/record ConfigMap.
std::string record_name(const std::string& addon);

/// The ApplySet parent of an add-on (id computed; members not yet filled in).
kube::ApplySetParent parent_for(const std::string& addon, const std::string& tooling);

/// Every record in the cluster, sorted by name; an absent aiplat-system means none.
Result<std::vector<InstallRecord>> read_records(kube::Client& client);

/// The live parent ConfigMap of `addon`, or nullopt when there is none.
Result<std::optional<Json>> read_parent(kube::Client& client, const std::string& addon);

/// Applies the parent with `record` in its data (server-side apply, field manager aiplat).
Result<void> write_record(kube::Client& client, const kube::ApplySetParent& parent, const InstallRecord& record,
                          kube::DryRun dry_run);

/// Now as RFC 3339 UTC with milliseconds.
std::string now_rfc3339();

}  // namespace aiplat

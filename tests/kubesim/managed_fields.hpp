#pragma once
// metadata.managedFields bookkeeping shared by every write.
#include <string>
#include <vector>

#include "cluster.hpp"

namespace kubesim {

/// One managedFields entry in parsed form.
struct ManagerEntry {
  std::string manager;
  std::string operation;  ///< "Apply" or "Update"
  std::string api_version;
  std::string time;
  std::string subresource;
  FieldSet fields;
};

/// Reads metadata.managedFields of `object`.
std::vector<ManagerEntry> read_managers(const Json& object);

/// Writes `entries` (dropping empty ones) into metadata.managedFields of `object`.
void write_managers(Json& object, const std::vector<ManagerEntry>& entries);

/// Records a non-apply write by `manager`: it takes every field whose value changed or appeared
/// (taking them from other managers), and fields that disappeared leave every set.
void track_update(Json& next, const Json* old, const std::string& manager, const std::string& api_version,
                  Subresource sub, const ListTypeOracle& oracle, bool has_status);

}  // namespace kubesim

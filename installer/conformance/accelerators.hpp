#pragma once
// Finding accelerators from observable facts: a Ready, schedulable node whose allocatable
// offers the accelerator resource (device plugin), or a complete ResourceSlice published by
// the DRA driver for a Ready node with a matching DeviceClass. Labels alone never count.
#include <string>
#include <vector>

#include "conformance/check.hpp"

namespace aiplat::conformance {

enum class AllocationMode { none, device_plugin, dra };

struct AcceleratorNode {
  std::string name;
  std::string uid;
  int devices = 0;
  Json node;  ///< the Node object
};

struct Accelerators {
  AllocationMode mode = AllocationMode::none;
  std::vector<AcceleratorNode> nodes;
  std::string why_none;  ///< when mode is none: what was looked at

  [[nodiscard]] bool any() const { return mode != AllocationMode::none && !nodes.empty(); }
};

/// Looks at nodes, DeviceClasses and ResourceSlices; DRA wins when both are usable.
Accelerators find_accelerators(CheckContext& ctx);

/// Whether a node is Ready and not cordoned.
bool node_ready(const Json& node);

/// Adds a request for one accelerator to container `container` of `pod` (a claim template in
/// DRA mode, created in the check's namespace, or the extended resource limit).
Result<void> request_accelerator(CheckContext& ctx, const Accelerators& acc, Json& pod, std::size_t container = 0);

}  // namespace aiplat::conformance

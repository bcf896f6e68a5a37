#pragma once
// Image references in rendered objects: every one must be in the add-on's `images` list;
// with a target registry they are rewritten by the mirror rule (util/image_ref.hpp), keeping
// digests and adding the catalog's pinned digest; the closure is collected on the way.
#include <string>
#include <vector>

#include "catalog/model.hpp"

namespace aiplat::render {

/// Pod specs inside `object` as JSON pointers ("/spec/template/spec" of a Deployment), for the
/// kinds that carry one: Pod, PodTemplate, Deployment, StatefulSet, DaemonSet, ReplicaSet,
/// ReplicationController, Job, CronJob.
std::vector<std::string> pod_spec_pointers(const catalog::Json& object);

/// Checks, rewrites (when `registry` is set) and collects the images of `objects`: containers,
/// initContainers and ephemeralContainers of pod specs, the add-on's customResourceImages fields,
/// and its operand images. Returns the closure, sorted and unique; every unlisted image is reported.
Result<std::vector<std::string>> process_images(std::vector<catalog::Json>& objects, const catalog::PlanStep& step,
                                                const std::string& registry);

}  // namespace aiplat::render

#pragma once
// Applying one rendered add-on as one ApplySet: the up-to-date test that lets a re-run
// write nothing, the CRD ownership test against the live cluster, and server-side apply
// tier by tier (DESIGN §4) with a bounded pool of workers inside each tier.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "kube/apply_set.hpp"
#include "kube/client.hpp"
#include "phases/phase.hpp"
#include "phases/record.hpp"
#include "render/render.hpp"

namespace aiplat {

struct ApplyAddonOptions {
  kube::Force force = kube::Force::no;           ///< --force-conflicts
  std::size_t workers = 8;                       ///< concurrent requests inside one tier
  std::chrono::milliseconds timeout{600000};     ///< CRD Established and Service endpoint waits
  std::vector<std::string> defers_to;            ///< CRD groups this add-on leaves to their owner
};

/// Whether the add-on can be skipped: its record says "installed" with the same rendered
/// digest and every inventory object is live and labelled as part of the set. `why` says
/// what differs when it returns false.
Result<bool> up_to_date(kube::Client& client, const render::RenderedAddon& rendered, const kube::ApplySetParent& parent,
                        const std::optional<InstallRecord>& record, std::string& why);

/// The members to apply: part-of labelled, CRDs of groups the add-on defers to left out.
/// Refuses (input error with advice) when a CRD is live and managed by someone else: another
/// field manager, a Helm release, or another aiplat add-on.
Result<std::vector<Json>> prepare_members(kube::Client& client, const render::RenderedAddon& rendered,
                                          const kube::ApplySetParent& parent, const ApplyAddonOptions& options);

/// Server-side applies `members` tier by tier. Waits for CRDs to be Established after the
/// CRD tier and for webhook Services to have ready endpoints before the webhook tier (not in
/// dry runs). Every failure of a tier is reported together. Returns the objects applied.
Result<std::size_t> apply_members(kube::Client& client, PhaseContext& ctx, const std::vector<Json>& members,
                                  const ApplyAddonOptions& options, const std::string& addon);

/// Members of the set that are live but no longer rendered, found by listing every group-kind
/// the parent (old and new) names with the part-of label; never anything without that label.
/// Objects annotated helm.sh/resource-policy: keep are left alone, and listed in `kept` if given.
Result<std::vector<kube::ResourceRef>> prune_candidates(kube::Client& client, const kube::ApplySetParent& parent,
                                                        const std::vector<Json>& members,
                                                        std::vector<kube::ResourceRef>* kept = nullptr);

/// Creates the namespaces `objects` live in and do not bring themselves (as `helm install
/// --create-namespace`), outside every ApplySet, so pruning an add-on never deletes a shared one.
Result<void> ensure_namespaces(kube::Client& client, PhaseContext& ctx, const std::vector<Json>& objects,
                               const kube::ApplyOptions& apply_options, const std::string& addon);

/// Deletes `victims` (through ctx.wet); a victim already gone counts as deleted.
Result<void> prune(kube::Client& client, PhaseContext& ctx, const std::vector<kube::ResourceRef>& victims);

/// Services named by webhook configurations and APIServices among `objects`, as "ns/name".
std::vector<std::pair<std::string, std::string>> webhook_services(const std::vector<Json>& objects);

/// Waits until each service has a ready endpoint (EndpointSlice), or, where the cluster
/// publishes none, until the add-on's workloads the Service selects are ready.
Result<void> wait_service_endpoints(kube::Client& client, const std::vector<std::pair<std::string, std::string>>& services,
                                    const std::vector<Json>& members, std::chrono::milliseconds timeout,
                                    const PhaseContext& ctx, const std::string& addon);

}  // namespace aiplat

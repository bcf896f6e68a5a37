#pragma once
// The only way checks talk to the cluster: the kube client's verbs, each logged into the
// check's transcript as a request line and a one-line summary of the answer. Object bodies
// are summarised (kind, name, phase, conditions), never dumped, so Secret data cannot leak.
#include <optional>
#include <string>

#include "conformance/transcript.hpp"
#include "kube/client.hpp"

namespace aiplat::conformance {

using kube::GroupVersionKind;
using kube::KubeError;
using kube::KubeResult;

class Api {
 public:
  Api(kube::Client& client, Transcript& transcript) : m_client(client), m_transcript(transcript) {}

  KubeResult<Json> get(const GroupVersionKind& gvk, const std::string& ns, const std::string& name);
  KubeResult<kube::ObjectList> list(const GroupVersionKind& gvk, const std::string& ns,
                                    const std::string& label_selector = {}, const std::string& field_selector = {});
  KubeResult<Json> create(const Json& object);
  KubeResult<Json> apply(const Json& object);
  KubeResult<Json> merge_patch(const GroupVersionKind& gvk, const std::string& ns, const std::string& name,
                               const Json& patch);
  KubeResult<Json> remove(const GroupVersionKind& gvk, const std::string& ns, const std::string& name);
  KubeResult<std::string> raw_get(const std::string& path);
  KubeResult<std::string> service_proxy_get(const std::string& ns, const std::string& service,
                                            const std::string& port, const std::string& path);
  KubeResult<std::string> pod_proxy_get(const std::string& ns, const std::string& pod, const std::string& port,
                                        const std::string& path);
  /// A container's log (GET .../pods/NAME/log?container=C).
  KubeResult<std::string> pod_log(const std::string& ns, const std::string& pod, const std::string& container);
  /// The served resource `plural` of group/version, from discovery (logged as an observation).
  std::optional<kube::ResourceMapping> served(const std::string& group, const std::string& version,
                                              const std::string& plural);
  /// The preferred served version of `group`, or empty when the group is not served.
  std::string preferred_version(const std::string& group);
  /// Forgets discovery (after a CRD appears).
  void invalidate_discovery() { m_client.invalidate_discovery(); }
  KubeResult<kube::ServerVersion> server_version();

  /// Records an observation line.
  void note(const std::string& line) { m_transcript.observe(line); }
  [[nodiscard]] Transcript& transcript() { return m_transcript; }
  [[nodiscard]] kube::Client& client() { return m_client; }

 private:
  KubeResult<Json> logged(const std::string& request, KubeResult<Json> result);
  KubeResult<std::string> logged_text(const std::string& request, KubeResult<std::string> result);
  kube::Client& m_client;
  Transcript& m_transcript;
};

/// "Kind ns/name" (or "Kind name") of an object.
std::string object_name(const Json& object);
/// One line: "Kind ns/name phase=Running Ready=True Admitted=False".
std::string summarize(const Json& object);
/// "404 NotFound: message" of an error.
std::string summarize(const KubeError& error);
/// status.conditions[type].status == "True".
bool condition_true(const Json& object, const std::string& type);
/// status.conditions[type] or null.
Json condition(const Json& object, const std::string& type);
/// Shorthand for a GroupVersionKind.
GroupVersionKind gvk(const std::string& api_version, const std::string& kind);

}  // namespace aiplat::conformance

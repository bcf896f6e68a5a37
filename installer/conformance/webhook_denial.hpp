#pragma once
// Telling an admission-webhook denial apart from everything else that can refuse an object.
// Only a Status whose message names one of the operator's webhooks ("admission webhook
// \"x\" denied the request") proves the webhook works; an OpenAPI schema error proves nothing.
#include <string>
#include <vector>

#include "conformance/check.hpp"

namespace aiplat::conformance {

/// How the API server answered an object the webhook should reject.
enum class DenialKind {
  webhook_denied,     ///< denied by a named webhook of the operator
  other_webhook,      ///< denied by a webhook that is not the operator's
  webhook_unreachable,///< "failed calling webhook": configured but not serving
  schema_rejected,    ///< refused by the API server itself (schema, validation), no webhook involved
  accepted,           ///< the object was created
  other_error,
};

struct Denial {
  DenialKind kind = DenialKind::other_error;
  std::string webhook;  ///< the webhook named in the message, if any
  std::string message;
};

/// Classifies the answer to a create; `webhooks` are the operator's webhook names.
Denial classify_denial(const KubeResult<Json>& answer, const std::vector<std::string>& webhooks);

/// Names of validating webhooks (with rules and a caBundle) that cover API group `group`;
/// `problems` collects webhooks that cover it but lack rules or a caBundle.
std::vector<std::string> webhooks_for_group(CheckContext& ctx, const std::string& group, std::vector<std::string>& problems);

}  // namespace aiplat::conformance

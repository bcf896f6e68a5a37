#include "conformance/webhook_denial.hpp"

#include <algorithm>
#include <regex>

namespace aiplat::conformance {

Denial classify_denial(const KubeResult<Json>& answer, const std::vector<std::string>& webhooks) {
  Denial d;
  if (answer) {
    d.kind = DenialKind::accepted;
    d.message = "created " + object_name(*answer);
    return d;
  }
  const KubeError& e = answer.error();
  d.message = e.message;
  std::string text = e.message;
  for (const kube::StatusCause& c : e.causes) text += " " + c.message;
  static const std::regex k_denied(R"re(admission webhook "([^"]+)" denied the request)re");
  std::smatch m;
  if (std::regex_search(text, m, k_denied)) {
    d.webhook = m[1].str();
    d.kind = std::find(webhooks.begin(), webhooks.end(), d.webhook) != webhooks.end() ? DenialKind::webhook_denied
                                                                                    : DenialKind::other_webhook;
    return d;
  }
  static const std::regex k_failed(R"re(failed calling webhook "([^"]+)")re");
  if (std::regex_search(text, m, k_failed)) {
    d.webhook = m[1].str();
    d.kind = DenialKind::webhook_unreachable;
    return d;
  }
  if (e.status == 422 || e.status == 400 || e.reason == "Invalid" || e.reason == "BadRequest") {
    d.kind = DenialKind::schema_rejected;
    return d;
  }
  d.kind = DenialKind::other_error;
  return d;
}

std::vector<std::string> webhooks_for_group(CheckContext& ctx, const std::string& group,
                                            std::vector<std::string>& problems) {
  std::vector<std::string> names;
  KubeResult<kube::ObjectList> vwcs =
      ctx.api.list(gvk("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"), "");
  if (!vwcs) return names;
  for (const Json& cfg : vwcs->items) {
    for (const Json& wh : cfg.value("webhooks", Json::array())) {
      bool covers = false;
      for (const Json& rule : wh.value("rules", Json::array())) {
        for (const Json& g : rule.value("apiGroups", Json::array())) {
          if (g == group || g == "*") covers = true;
        }
      }
      if (!covers) continue;
      std::string name = wh.value("name", std::string());
      std::string ca = wh.value("clientConfig", Json::object()).value("caBundle", std::string());
      if (ca.empty() && !wh.value("clientConfig", Json::object()).contains("url")) {
        problems.push_back("webhook " + name + " of " + cfg["metadata"].value("name", "") + " has an empty caBundle");
        continue;
      }
      names.push_back(name);
    }
  }
  return names;
}

}  // namespace aiplat::conformance

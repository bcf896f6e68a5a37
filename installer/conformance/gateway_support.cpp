#include "conformance/gateway_support.hpp"

namespace aiplat::conformance {

std::string join_words(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::vector<std::string> crd_problems(CheckContext& ctx, const std::vector<std::string>& crd_names) {
  std::vector<std::string> problems;
  const GroupVersionKind crd = gvk("apiextensions.k8s.io/v1", "CustomResourceDefinition");
  for (const std::string& name : crd_names) {
    KubeResult<Json> c = ctx.api.get(crd, "", name);
    if (!c) {
      problems.push_back(name + (c.error().not_found() ? " is not installed" : ": " + summarize(c.error())));
      continue;
    }
    if (!condition_true(*c, "Established")) problems.push_back(name + " is not Established");
    if (!condition_true(*c, "NamesAccepted")) problems.push_back(name + " names are not accepted");
  }
  return problems;
}

GatewayClassChoice accepted_gateway_class(CheckContext& ctx) {
  GatewayClassChoice choice;
  KubeResult<kube::ObjectList> classes = ctx.api.list(gvk("gateway.networking.k8s.io/v1", "GatewayClass"), "");
  if (!classes) return choice;
  choice.classes_seen = static_cast<int>(classes->items.size());
  for (const Json& c : classes->items) {
    if (condition_true(c, "Accepted")) {
      choice.name = c["metadata"].value("name", std::string());
      choice.controller = c.value("spec", Json::object()).value("controllerName", std::string());
      ctx.found("GatewayClass " + choice.name + " is Accepted by controller " + choice.controller);
      return choice;
    }
  }
  return choice;
}

}  // namespace aiplat::conformance

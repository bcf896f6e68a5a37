#include "catalog/profile_parser.hpp"

#include <set>

#include <fmt/format.h>

namespace aiplat::catalog {
namespace {

void parse_entries(DocReader& r, Profile& p) {
  std::set<std::string> seen;
  std::size_t n = r.list("/spec/addons");
  for (std::size_t i = 0; i < n; ++i) {
    std::string ptr = child("/spec/addons", i);
    if (!r.object(ptr, {"name", "version", "mode", "values", "kubernetes"}, Need::required)) continue;
    ProfileAddOn e;
    e.at = r.at(ptr);
    e.name = r.string(child(ptr, "name"), Need::required);
    if (!e.name.empty() && !seen.insert(e.name).second) {
      r.error_at_value(child(ptr, "name"), fmt::format("add-on \"{}\" is listed twice in spec.addons", e.name));
    }
    std::optional<VersionConstraint> c = r.constraint(child(ptr, "version"), Need::optional);
    e.version = c ? *c : *parse_constraint("*");
    e.mode = r.string(child(ptr, "mode"), Need::optional);
    e.values = r.mapping(child(ptr, "values"));
    e.kubernetes = r.minor_range(child(ptr, "kubernetes"));
    if (!e.name.empty()) p.addons.push_back(std::move(e));
  }
}

void parse_minor_layers(DocReader& r, Profile& p) {
  std::size_t n = r.list("/spec/minorLayers");
  for (std::size_t i = 0; i < n; ++i) {
    std::string ptr = child("/spec/minorLayers", i);
    if (!r.object(ptr, {"kubernetes", "profile"}, Need::required)) continue;
    MinorLayer layer;
    layer.at = r.at(ptr);
    layer.profile = r.string(child(ptr, "profile"), Need::required);
    if (r.node(child(ptr, "kubernetes")) == nullptr) {
      r.error(ptr, "a minor layer needs kubernetes: {min, max}; without it the layer would always apply (use extends)");
    }
    layer.kubernetes = r.minor_range(child(ptr, "kubernetes"));
    if (!layer.profile.empty()) p.minor_layers.push_back(std::move(layer));
  }
}

void parse_checklist(DocReader& r, Profile& p) {
  if (!r.object("/spec/checklist", {"notApplicable"}, Need::optional)) return;
  std::set<std::string> seen;
  std::size_t n = r.list("/spec/checklist/notApplicable");
  for (std::size_t i = 0; i < n; ++i) {
    std::string ptr = child("/spec/checklist/notApplicable", i);
    if (!r.object(ptr, {"id", "reason"}, Need::required)) continue;
    NotApplicable na;
    na.at = r.at(ptr);
    na.id = r.string(child(ptr, "id"), Need::required);
    na.reason = r.string(child(ptr, "reason"), Need::required);
    if (!na.id.empty() && !seen.insert(na.id).second) {
      r.error_at_value(child(ptr, "id"), fmt::format("checklist id \"{}\" is marked not applicable twice", na.id));
    }
    if (!na.id.empty()) p.not_applicable.push_back(std::move(na));
  }
}

}  // namespace

Profile parse_profile(const YamlDocument& doc, ParseFindings& f) {
  Profile p;
  p.document = doc.value;
  p.at = SourceRef{doc.file, 1, 1};
  DocReader r(doc, f.problems);
  if (!r.object("", {"apiVersion", "kind", "metadata", "spec"}, Need::required)) return p;
  std::string api = r.string("/apiVersion", Need::required);
  if (!api.empty() && api != "aiplat.dev/v1alpha1") {
    r.error_at_value("/apiVersion", fmt::format("apiVersion is \"{}\"; this aiplat reads aiplat.dev/v1alpha1", api));
  }
  std::string kind = r.string("/kind", Need::required);
  if (!kind.empty() && kind != "Profile") r.error_at_value("/kind", fmt::format("kind is \"{}\"; expected Profile", kind));
  if (r.object("/metadata", {"name"}, Need::required)) p.name = r.string("/metadata/name", Need::required);
  p.layers = {p.name};
  if (!r.object("/spec",
                {"description", "extends", "cluster", "kubernetes", "accelerator", "addons", "registry",
                 "imageRedirection", "sourceMirror", "autoscaler", "checklist", "minorLayers"},
                Need::optional)) {
    return p;
  }
  p.description = r.string("/spec/description", Need::optional);
  p.extends = r.strings("/spec/extends");
  p.extends_at = r.node("/spec/extends") != nullptr ? r.value_at("/spec/extends") : p.at;
  if (r.object("/spec/cluster", {"source"}, Need::optional)) {
    std::string s = r.choice("/spec/cluster/source", {"adopt", "kubeadm", "clusterapi"}, Need::optional);
    if (!s.empty()) p.cluster_source = s;
  }
  if (r.object("/spec/kubernetes", {"default", "min", "max"}, Need::optional)) {
    p.kubernetes_default = r.minor("/spec/kubernetes/default", Need::optional);
    p.kubernetes.min = r.minor("/spec/kubernetes/min", Need::optional);
    p.kubernetes.max = r.minor("/spec/kubernetes/max", Need::optional);
    if (p.kubernetes.min && p.kubernetes.max && *p.kubernetes.max < *p.kubernetes.min) {
      r.error("/spec/kubernetes/max", fmt::format("Kubernetes range is empty: max {} is below min {}",
                                                  p.kubernetes.max->to_string(), p.kubernetes.min->to_string()));
    } else if (p.kubernetes_default && !p.kubernetes.contains(*p.kubernetes_default)) {
      r.error_at_value("/spec/kubernetes/default",
                       fmt::format("default minor {} is outside the profile's range {}",
                                   p.kubernetes_default->to_string(), p.kubernetes.to_string()));
    }
  }
  if (r.object("/spec/accelerator", {"vendor", "driver", "allocation"}, Need::optional)) {
    std::string v = r.choice("/spec/accelerator/vendor", {"nvidia", "none"}, Need::optional);
    if (!v.empty()) p.accelerator.vendor = v;
    p.accelerator.driver = r.choice("/spec/accelerator/driver", {"operator", "host"}, Need::optional);
    p.accelerator.allocation = r.choice("/spec/accelerator/allocation", {"dra", "device-plugin"}, Need::optional);
  }
  parse_entries(r, p);
  if (r.object("/spec/registry", {"mirror", "caFile", "pullSecret", "allowPublicFallback"}, Need::optional)) {
    p.registry.mirror = r.string("/spec/registry/mirror", Need::optional);
    p.registry.ca_file = r.string("/spec/registry/caFile", Need::optional);
    p.registry.pull_secret = r.string("/spec/registry/pullSecret", Need::optional);
    p.registry.allow_public_fallback = r.boolean("/spec/registry/allowPublicFallback").value_or(true);
  }
  std::string redirect = r.choice("/spec/imageRedirection", {"none", "rewrite", "runtime-mirror"}, Need::optional);
  if (!redirect.empty()) p.image_redirection = redirect;
  p.source_mirror = r.string("/spec/sourceMirror", Need::optional);
  std::string autoscaler = r.choice("/spec/autoscaler", {"cluster-autoscaler", "karpenter", "none"}, Need::optional);
  if (!autoscaler.empty()) p.autoscaler = autoscaler;
  parse_checklist(r, p);
  parse_minor_layers(r, p);
  return p;
}

}  // namespace aiplat::catalog

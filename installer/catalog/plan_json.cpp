#include "catalog/plan_json.hpp"

namespace aiplat::catalog {

const char* to_string(SourceType type) {
  switch (type) {
    case SourceType::files: return "files";
    case SourceType::url: return "url";
    case SourceType::helm: return "helm";
  }
  return "files";
}

Json source_to_json(const Source& s) {
  Json j{{"type", to_string(s.type)}};
  switch (s.type) {
    case SourceType::files:
      j["path"] = s.path;
      break;
    case SourceType::url:
      j["url"] = s.url;
      j["sha256"] = s.sha256;
      break;
    case SourceType::helm:
      j["chart"] = s.chart;
      j["repo"] = s.repo;
      j["version"] = s.version;
      j["digest"] = s.digest;
      j["releaseName"] = s.release_name;
      j["values"] = s.values;
      j["valuesFiles"] = s.values_files;
      if (!s.values_by_profile.empty()) {
        Json by = Json::object();
        for (const auto& [profile, values] : s.values_by_profile) by[profile] = values;
        j["valuesByProfile"] = by;
      }
      j["includeCRDs"] = s.include_crds;
      break;
  }
  if (!s.profiles.empty()) j["profiles"] = s.profiles;
  return j;
}

Json plan_to_json(const Plan& plan) {
  Json steps = Json::array();
  for (const PlanStep& s : plan.steps) {
    Json sources = Json::array();
    for (const Source& src : s.sources) sources.push_back(source_to_json(src));
    Json images = Json::array();
    for (const Image& img : s.images) {
      images.push_back(Json{{"ref", img.ref}, {"digest", img.digest}, {"operand", img.operand}});
    }
    Json patches = Json::array();
    for (const Patch& p : s.patches) {
      Json target = Json::object();
      if (!p.target.api_version.empty()) target["apiVersion"] = p.target.api_version;
      if (!p.target.kind.empty()) target["kind"] = p.target.kind;
      if (!p.target.name.empty()) target["name"] = p.target.name;
      if (!p.target.namespace_.empty()) target["namespace"] = p.target.namespace_;
      patches.push_back(Json{{"target", target}, {"patch", p.patch}});
    }
    Json step{{"order", s.order},
              {"name", s.name},
              {"version", s.version.to_string()},
              {"mode", s.mode},
              {"namespace", s.addon ? s.addon->namespace_ : ""},
              {"after", s.after},
              {"values", s.values},
              {"sources", sources},
              {"patches", patches},
              {"images", images},
              {"capabilities", s.capabilities},
              {"provides", s.provides},
              {"checks", s.checks},
              {"reasons", s.reasons}};
    steps.push_back(std::move(step));
  }
  Json skipped = Json::array();
  for (const SkippedEntry& s : plan.skipped) skipped.push_back(Json{{"name", s.name}, {"reason", s.reason}});
  Json na = Json::array();
  for (const NotApplicable& n : plan.not_applicable) na.push_back(Json{{"id", n.id}, {"reason", n.reason}});
  return Json{{"apiVersion", "aiplat.dev/v1alpha1"},
              {"kind", "Plan"},
              {"profile", plan.profile},
              {"profiles", plan.profiles},
              {"kubernetes", plan.minor.to_string()},
              {"cluster", {{"source", plan.cluster_source}}},
              {"accelerator",
               {{"vendor", plan.accelerator.vendor},
                {"driver", plan.accelerator.driver},
                {"allocation", plan.accelerator.allocation}}},
              {"registry",
               {{"mirror", plan.registry.mirror},
                {"caFile", plan.registry.ca_file},
                {"pullSecret", plan.registry.pull_secret},
                {"allowPublicFallback", plan.registry.allow_public_fallback}}},
              {"imageRedirection", plan.image_redirection},
              {"sourceMirror", plan.source_mirror},
              {"autoscaler", plan.autoscaler},
              {"steps", steps},
              {"skipped", skipped},
              {"checklist", {{"notApplicable", na}}}};
}

}  // namespace aiplat::catalog

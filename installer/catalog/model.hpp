#pragma once
// The catalog as plain data: add-ons, profiles and the resolved Plan
// (docs/catalog.md is the file format these mirror). Loading and validation live in
// loader.hpp, profile layering in layering.hpp, the solver in solver.hpp.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/version.hpp"

namespace aiplat::catalog {

using Json = nlohmann::json;

/// Where something was written, for messages ("addons/kueue/0.19.2/addon.yaml:12:3").
struct SourceRef {
  std::string file;  ///< path relative to the catalog root, or as given for profile paths
  int line = 0;
  int column = 0;
  /// "file:line:column", or just "file" when the line is unknown.
  [[nodiscard]] std::string where() const {
    if (line == 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

// ---------------------------------------------------------------- add-on parts

/// One `requires` entry: another add-on (with a version range), a capability, or an API group/version.
struct Requirement {
  enum class Kind { addon, capability, api };
  Kind kind = Kind::addon;
  std::string name;                           ///< add-on name, capability name, or "group/version" ("v1" for core)
  std::optional<VersionConstraint> version;   ///< add-on requirements only; unset means any
  bool optional = false;                      ///< order after it when present, do not demand it
  SourceRef at;
};

/// One `conflicts` entry: none of these may be in the same plan.
struct Conflict {
  enum class Kind { addon, capability };
  Kind kind = Kind::addon;
  std::string name;
  std::string reason;
  SourceRef at;
};

/// `crds`: the CRD groups an add-on owns, and those it ships but leaves to their owner.
struct CrdOwnership {
  std::vector<std::string> owns;
  std::vector<std::string> defers_to;
};

/// A named variant picked by a profile's `mode:`.
struct Mode {
  std::string name;
  std::string description;
  Json values = Json::object();  ///< merged into every helm source's values
  std::vector<std::string> capabilities;
  std::vector<Conflict> conflicts;
  std::vector<Requirement> requirements;  ///< `requires:` (a C++ keyword)
  SourceRef at;
};

enum class SourceType { files, url, helm };

/// One entry of `sources`, applied in order. Fields that do not belong to `type` are empty.
struct Source {
  SourceType type = SourceType::files;
  // files
  std::string path;  ///< relative to the add-on folder; a file or a folder
  // url
  std::string url;
  std::string sha256;  ///< 64 lowercase hex digits or "unknown"
  // helm
  std::string chart;
  std::string repo;  ///< oci://... or https://...
  std::string version;
  std::string digest;        ///< "sha256:<64 hex>" or "unknown"
  std::string release_name;  ///< defaults to the add-on name after loading
  Json values = Json::object();
  std::vector<std::string> values_files;    ///< relative to the add-on folder
  std::map<std::string, Json> values_by_profile;
  bool include_crds = true;
  // every type
  std::vector<std::string> profiles;  ///< apply only for these profiles (empty: always)
  SourceRef at;
};

/// Which rendered object a patch applies to; empty fields match anything.
struct PatchTarget {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string namespace_;
};

/// A JSON merge patch (RFC 7386) on rendered objects.
struct Patch {
  PatchTarget target;
  std::vector<std::string> profiles;
  Json patch = Json::object();
  SourceRef at;
};

/// One image the add-on runs (operand images included).
struct Image {
  std::string ref;
  std::string digest;  ///< "sha256:<64 hex>" or "unknown"
  bool operand = false;
  std::vector<std::string> profiles;
  SourceRef at;
};

/// An image field inside a custom resource (`/spec/driver/image` of a ClusterPolicy).
struct CustomResourceImage {
  std::string api_version;  ///< optional
  std::string kind;
  std::string path;  ///< JSON pointer
  SourceRef at;
};

/// An add-on specific readiness rule, on top of the built-in ones.
struct ReadinessRule {
  std::string api_version;  ///< optional
  std::string kind;
  std::string name;
  std::string namespace_;
  std::string condition;  ///< a status condition type that must be True
  std::string json_path;  ///< or: a field (".status.state") ...
  Json equals;            ///< ... that must equal this value
  SourceRef at;
};

struct StorageMigration {
  std::string group;
  std::string resource;
  std::string from;
  std::string to;
};

/// `upgrade`: which versions upgrade in place to this one, and what to know.
struct Upgrade {
  std::optional<VersionConstraint> from;
  std::vector<std::string> notes;
  std::vector<StorageMigration> storage_migrations;
};

/// One add-on version (`addons/<name>/<version>/addon.yaml`).
struct AddOn {
  std::string name;
  Version version;
  std::string description;
  std::string homepage;
  std::string namespace_;  ///< default namespace of namespaced objects without one
  MinorRange kubernetes;
  std::vector<Requirement> requirements;  ///< `requires:`
  std::vector<Conflict> conflicts;
  std::vector<std::string> capabilities;
  CrdOwnership crds;
  std::vector<std::string> provides;  ///< AI Conformance checklist ids
  std::vector<std::string> checks;    ///< defaults to `provides` after loading
  std::map<std::string, Mode> modes;
  std::string default_mode;           ///< empty when the add-on has no modes
  std::vector<Source> sources;
  std::vector<Patch> patches;
  std::vector<Image> images;
  std::vector<CustomResourceImage> custom_resource_images;
  std::vector<ReadinessRule> readiness;
  std::chrono::seconds timeout{600};
  Upgrade upgrade;

  std::string dir;   ///< the add-on folder relative to the catalog root ("addons/kueue/0.19.2")
  SourceRef at;      ///< the document (addon.yaml:1:1)
  Json document;     ///< the file as loaded, for `catalog show`
};

// ---------------------------------------------------------------- profile

/// One entry of a profile's `addons`.
struct ProfileAddOn {
  std::string name;
  VersionConstraint version;      ///< `*` when the profile gives none
  std::string mode;               ///< empty: the add-on's defaultMode
  Json values = Json::object();   ///< merged over the add-on's values
  MinorRange kubernetes;          ///< only on these minors
  SourceRef at;
};

struct NotApplicable {
  std::string id;
  std::string reason;
  SourceRef at;
};

struct RegistrySettings {
  std::string mirror;
  std::string ca_file;
  std::string pull_secret;
  bool allow_public_fallback = true;
};

struct Accelerator {
  std::string vendor = "none";  ///< nvidia | none
  std::string driver;           ///< operator | host
  std::string allocation;       ///< dra | device-plugin
};

/// A profile layered in only on some Kubernetes minors (`spec.minorLayers`), so that one
/// profile covers minors that need a different setup (1.33: device plugin instead of DRA).
struct MinorLayer {
  MinorRange kubernetes;
  std::string profile;
  SourceRef at;
};

/// A deployment target (`profiles/<name>.yaml`), or several layered into one.
struct Profile {
  std::string name;                 ///< for a layered profile: the last layer's name
  std::vector<std::string> layers;  ///< every profile that went into this one, extends first
  std::string description;
  std::vector<std::string> extends;
  SourceRef extends_at;  ///< where `extends` is written, for errors about it
  std::string cluster_source = "adopt";  ///< adopt | kubeadm | clusterapi
  std::optional<KubeMinor> kubernetes_default;
  MinorRange kubernetes;
  Accelerator accelerator;
  std::vector<ProfileAddOn> addons;
  RegistrySettings registry;
  std::string image_redirection = "none";  ///< none | rewrite | runtime-mirror
  std::string source_mirror;
  std::string autoscaler = "none";  ///< cluster-autoscaler | karpenter | none
  std::vector<NotApplicable> not_applicable;
  std::vector<MinorLayer> minor_layers;  ///< applied by profile_for_minor once the minor is known
  SourceRef at;
  Json document;  ///< the (merged) document
};

// ---------------------------------------------------------------- catalog

/// Every add-on version and profile of one catalog.
struct Catalog {
  /// name -> versions, highest first.
  std::map<std::string, std::vector<std::shared_ptr<const AddOn>>> addons;
  std::map<std::string, Profile> profiles;
  std::string root;  ///< the directory it was loaded from, or "" for the embedded catalog

  /// The add-on `name` at exactly `version`, or null.
  [[nodiscard]] std::shared_ptr<const AddOn> find(const std::string& name, const Version& version) const;
};

// ---------------------------------------------------------------- plan

/// One add-on in the plan, with everything later phases need.
struct PlanStep {
  int order = 0;  ///< 1-based position
  std::shared_ptr<const AddOn> addon;  ///< the whole add-on version (readiness, timeout, dir, ...)
  std::string name;
  Version version;
  std::string mode;  ///< empty when the add-on has no modes
  /// mode values then profile values: merged over each helm source's
  /// values < valuesFiles < valuesByProfile (render applies that order).
  Json values = Json::object();
  std::vector<Source> sources;   ///< filtered by the plan's profiles
  std::vector<Patch> patches;    ///< filtered by the plan's profiles
  std::vector<Image> images;     ///< filtered by the plan's profiles
  std::vector<std::string> capabilities;  ///< add-on and mode capabilities
  std::vector<std::string> provides;
  std::vector<std::string> checks;
  std::vector<std::string> after;    ///< names of steps this one is ordered after (requires edges)
  std::vector<std::string> reasons;  ///< why it is in the plan and why this version
};

/// A profile entry left out of the plan, and why.
struct SkippedEntry {
  std::string name;
  std::string reason;
};

/// The resolved, ordered steps for one profile on one Kubernetes minor.
struct Plan {
  std::string profile;                ///< display name ("onprem+site")
  std::vector<std::string> profiles;  ///< every layer; source/image `profiles:` filters match any of them
  KubeMinor minor;
  std::vector<PlanStep> steps;
  std::vector<SkippedEntry> skipped;
  std::vector<NotApplicable> not_applicable;
  RegistrySettings registry;
  std::string image_redirection;
  std::string source_mirror;
  std::string cluster_source;
  std::string autoscaler;
  Accelerator accelerator;
};

}  // namespace aiplat::catalog

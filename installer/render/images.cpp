#include "render/images.hpp"

#include <set>

#include <fmt/format.h>

#include "render/manifests.hpp"
#include "util/image_ref.hpp"
#include "util/yaml.hpp"

namespace aiplat::render {
namespace {

using catalog::Json;

struct Listed {
  ImageReference ref;
  std::string pinned;  ///< the catalog's digest when known
  const catalog::Image* image = nullptr;
};

std::string str(const Json& object, const char* pointer) {
  Json::json_pointer p(pointer);
  return object.contains(p) && object.at(p).is_string() ? object.at(p).get<std::string>() : std::string();
}

// `used` is listed when name and tag agree and digests, where both are given, agree. Images set
// in custom resources may also match a listed tag that extends theirs with "-...": operators append
// the node OS ("595.91.07" -> "595.91.07-ubuntu24.04").
const Listed* find_listed(const std::vector<Listed>& listed, const ImageReference& used, bool allow_suffix) {
  for (const Listed& l : listed) {
    if (l.ref.name() != used.name()) continue;
    std::string listed_digest = !l.ref.digest.empty() ? l.ref.digest : l.pinned;
    if (!used.digest.empty() && !listed_digest.empty() && used.digest != listed_digest) continue;
    bool tag_ok = used.tag == l.ref.tag || (used.tag.empty() && !used.digest.empty() && used.digest == listed_digest) ||
                  (allow_suffix && !used.tag.empty() && l.ref.tag.starts_with(used.tag + "-"));
    if (tag_ok) return &l;
  }
  return nullptr;
}

// The rewritten reference: the mirror rule, plus the catalog's digest when the object gave none.
ImageReference rewritten(const ImageReference& used, const Listed& listed, const std::string& registry) {
  ImageReference out = rewrite_image_registry(used, registry);
  if (out.digest.empty() && used.tag == listed.ref.tag) out.digest = listed.pinned;
  return out;
}

// Whether the image field sits in a component its operator leaves out: the field's object or an
// enclosing one says `enabled: false` (a ClusterPolicy with `driver.enabled: false` still names the
// driver image, which then never runs).
bool switched_off(const Json& object, Json::json_pointer pointer) {
  while (!pointer.empty()) {
    pointer = pointer.parent_pointer();
    const Json& node = object.at(pointer);
    if (node.is_object()) {
      auto enabled = node.find("enabled");
      if (enabled != node.end() && enabled->is_boolean() && !enabled->get<bool>()) return true;
    }
  }
  return false;
}

class ImageWalker {
 public:
  ImageWalker(const catalog::PlanStep& step, const std::string& registry) : m_step(step), m_registry(registry) {}

  Result<void> load_listed() {
    std::vector<std::string> problems;
    for (const catalog::Image& image : m_step.images) {
      Result<ImageReference> ref = parse_image_reference(image.ref);
      if (!ref) {
        problems.push_back(fmt::format("{}: {}", image.at.where(), ref.error().message));
        continue;
      }
      std::string pinned = image.digest.starts_with("sha256:") ? image.digest : std::string();
      m_listed.push_back(Listed{*ref, pinned, &image});
    }
    return report(problems);
  }

  void pod_spec(Json& object, const std::string& spec_pointer) {
    Json& spec = object.at(Json::json_pointer(spec_pointer));
    for (const char* list : {"containers", "initContainers", "ephemeralContainers"}) {
      if (!spec.contains(list) || !spec[list].is_array()) continue;
      for (std::size_t i = 0; i < spec[list].size(); ++i) {
        Json& container = spec[list][i];
        if (!container.is_object() || !container.contains("image") || !container["image"].is_string()) continue;
        std::string where = fmt::format("{}/{}/{}/image", spec_pointer, list, i);
        visit_plain(object, container["image"], where);
      }
    }
  }

  void custom_resource(Json& object, const catalog::CustomResourceImage& field) {
    Json::json_pointer pointer(field.path);
    if (!object.contains(pointer) || !object.at(pointer).is_string() || object.at(pointer).get<std::string>().empty()) {
      return;
    }
    if (switched_off(object, pointer)) return;
    Json& parent = object.at(pointer.parent_pointer());
    std::string repository = parent.is_object() ? str(parent, "/repository") : "";
    std::string version = parent.is_object() ? str(parent, "/version") : "";
    if (repository.empty()) {
      visit_plain(object, object.at(pointer), field.path);
      return;
    }
    // Operators such as NVIDIA's keep repository, image and version apart. Only `repository` is
    // rewritten, so the operator still derives the tag (and any OS suffix) from `version`.
    std::string image = object.at(pointer).get<std::string>();
    std::string text = repository + "/" + image;
    if (!version.empty()) text += (version.starts_with("sha256:") ? "@" : ":") + version;
    const Listed* listed = check(object, text, field.path, /*allow_suffix=*/true);
    if (listed == nullptr) return;
    // A tag the operator extends ("595.91.07" -> "595.91.07-ubuntu24.04") names no image of its own:
    // the closure gets the listed image instead.
    ImageReference pulled = m_used.tag == listed->ref.tag ? m_used : listed->ref;
    if (m_registry.empty()) {
      m_closure.insert(pulled.str());
      return;
    }
    ImageReference full = rewrite_image_registry(m_used, m_registry);
    std::string name = full.name();
    parent["repository"] = name.substr(0, name.size() - image.size() - 1);
    m_closure.insert(rewrite_image_registry(pulled, m_registry).str());
  }

  void operands() {
    for (const Listed& l : m_listed) {
      if (!l.image->operand) continue;
      ImageReference ref = l.ref;
      if (ref.digest.empty()) ref.digest = l.pinned;
      if (!m_registry.empty()) ref = rewrite_image_registry(ref, m_registry);
      m_closure.insert(m_registry.empty() && l.pinned.empty() ? l.image->ref : ref.str());
    }
  }

  Result<std::vector<std::string>> finish() {
    if (Result<void> r = report(m_problems); !r) return tl::unexpected(r.error());
    return std::vector<std::string>(m_closure.begin(), m_closure.end());
  }

 private:
  void visit_plain(const Json& object, Json& field, const std::string& pointer) {
    std::string text = field.get<std::string>();
    const Listed* listed = check(object, text, pointer, /*allow_suffix=*/false);
    if (listed == nullptr) return;
    if (!m_registry.empty()) {
      text = rewritten(m_used, *listed, m_registry).str();
      field = text;
    }
    m_closure.insert(text);
  }

  // Parses and looks up one reference; records a problem and returns null when it is not listed.
  const Listed* check(const Json& object, const std::string& text, const std::string& pointer, bool allow_suffix) {
    Result<ImageReference> used = parse_image_reference(text);
    if (!used) {
      m_problems.push_back(fmt::format("{} ({}): {}", describe_object(object), pointer, used.error().message));
      return nullptr;
    }
    m_used = *used;
    const Listed* listed = find_listed(m_listed, *used, allow_suffix);
    if (listed == nullptr) {
      m_problems.push_back(fmt::format("{} uses image {} ({}), which is not in the images list of {}",
                                       describe_object(object), text, pointer,
                                       m_step.addon ? m_step.addon->at.file : m_step.name));
    }
    return listed;
  }

  Result<void> report(const std::vector<std::string>& problems) const {
    if (problems.empty()) return {};
    std::string message;
    for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
    return input_error(message);
  }

  const catalog::PlanStep& m_step;
  const std::string& m_registry;
  std::vector<Listed> m_listed;
  ImageReference m_used;
  std::set<std::string> m_closure;
  std::vector<std::string> m_problems;
};

}  // namespace

std::vector<std::string> pod_spec_pointers(const Json& object) {
  std::string kind = str(object, "/kind");
  std::string pointer;
  if (kind == "Pod") pointer = "/spec";
  else if (kind == "PodTemplate") pointer = "/template/spec";
  else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" || kind == "ReplicaSet" ||
           kind == "ReplicationController" || kind == "Job")
    pointer = "/spec/template/spec";
  else if (kind == "CronJob") pointer = "/spec/jobTemplate/spec/template/spec";
  if (pointer.empty()) return {};
  Json::json_pointer p(pointer);
  if (!object.contains(p) || !object.at(p).is_object()) return {};
  return {pointer};
}

Result<std::vector<std::string>> process_images(std::vector<Json>& objects, const catalog::PlanStep& step,
                                                const std::string& registry) {
  ImageWalker walker(step, registry);
  if (Result<void> r = walker.load_listed(); !r) return tl::unexpected(r.error());
  std::vector<catalog::CustomResourceImage> fields;
  if (step.addon) fields = step.addon->custom_resource_images;
  for (Json& object : objects) {
    for (const std::string& pointer : pod_spec_pointers(object)) walker.pod_spec(object, pointer);
    for (const catalog::CustomResourceImage& field : fields) {
      if (field.kind != str(object, "/kind")) continue;
      if (!field.api_version.empty() && field.api_version != str(object, "/apiVersion")) continue;
      walker.custom_resource(object, field);
    }
  }
  walker.operands();
  return walker.finish();
}

}  // namespace aiplat::render

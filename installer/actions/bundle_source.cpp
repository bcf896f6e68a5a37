#include "actions/bundle_source.hpp"

#include "render/hooks.hpp"

#include <set>

#include <fmt/format.h>

#include "airgap/image_presence.hpp"
#include "render/images.hpp"
#include "render/scope.hpp"
#include "util/image_ref.hpp"
#include "util/sha256.hpp"
#include "util/yaml.hpp"

namespace aiplat::actions {
namespace {

/// The mode each add-on was packed with, from the plan summary in bundle.yaml.
std::string packed_mode(const airgap::BundleManifest& m, const std::string& name) {
  if (!m.plan.contains("addons") || !m.plan["addons"].is_array()) return "";
  for (const Json& a : m.plan["addons"]) {
    if (a.is_object() && a.value("name", "") == name) return a.value("mode", "");
  }
  return "";
}

}  // namespace

BundleSource::BundleSource(airgap::VerifiedBundle bundle, std::shared_ptr<airgap::RegistryPool> pool,
                           BundleSourceOptions options)
    : m_bundle(std::move(bundle)), m_pool(std::move(pool)), m_options(std::move(options)) {}

Result<void> BundleSource::accept_cluster(const catalog::KubeMinor& minor) {
  const std::string& packed = m_bundle.manifest.kubernetes;
  if (packed.empty()) {
    return input_error(fmt::format("{} was not packed from a profile (it names no Kubernetes minor): pack it with "
                                   "`aiplat airgap pack --profile P --kubernetes {}`",
                                   m_options.bundle_file, minor.to_string()));
  }
  if (packed != minor.to_string()) {
    return input_error(fmt::format("{} was packed for Kubernetes {} but the cluster runs {}: pack a bundle for {} "
                                   "(`aiplat airgap pack --profile {} --kubernetes {}`); nothing was changed",
                                   m_options.bundle_file, packed, minor.to_string(), minor.to_string(),
                                   m_bundle.manifest.profile.empty() ? "P" : m_bundle.manifest.profile,
                                   minor.to_string()));
  }
  return {};
}

Result<void> BundleSource::check_plan(const catalog::Plan& plan) const {
  const airgap::BundleManifest& m = m_bundle.manifest;
  std::vector<std::string> problems;
  if (m.profile != plan.profile) {
    problems.push_back(fmt::format("the bundle was packed for profile \"{}\", this install is for \"{}\"", m.profile,
                                   plan.profile));
  }
  std::map<std::string, const airgap::BundleAddonEntry*> packed;
  for (const airgap::BundleAddonEntry& a : m.addons) packed[a.name] = &a;
  for (const catalog::PlanStep& step : plan.steps) {
    auto it = packed.find(step.name);
    std::string want = step.version.to_string();
    if (it == packed.end()) {
      problems.push_back(fmt::format("the plan installs {} {}, which the bundle does not carry", step.name, want));
      continue;
    }
    if (it->second->version != want) {
      problems.push_back(
          fmt::format("the plan installs {} {}, the bundle carries {}", step.name, want, it->second->version));
    } else if (std::string mode = packed_mode(m, step.name); mode != step.mode) {
      problems.push_back(fmt::format("the plan installs {} in mode \"{}\", the bundle was packed with mode \"{}\"",
                                     step.name, step.mode, mode));
    }
    packed.erase(it);
  }
  for (const auto& [name, entry] : packed) {
    problems.push_back(fmt::format("the bundle carries {} {}, which the plan does not install", name, entry->version));
  }
  if (problems.empty()) return {};
  std::string message = fmt::format("{} does not match this install (nothing was changed):", m_options.bundle_file);
  for (const std::string& p : problems) message += "\n  " + p;
  message += "\npack the bundle with the same profiles and aiplat version as this install";
  return input_error(message);
}

Result<render::RenderedAddon> BundleSource::prepare(const catalog::PlanStep& step, const catalog::Plan& plan,
                                                    const airgap::BundleAddonEntry& entry) {
  auto text = m_bundle.manifests.find(entry.path);
  if (text == m_bundle.manifests.end()) return failure(entry.path + " was not read from the bundle");
  auto docs = parse_yaml_documents(text->second, entry.path);
  if (!docs) return tl::unexpected(docs.error());
  render::RenderedAddon out;
  out.name = step.name;
  out.version = step.version.to_string();
  out.mode = step.mode;
  for (YamlDocument& d : *docs) {
    if (!d.value.is_null()) out.objects.push_back(std::move(d.value));
  }
  // The objects were rendered at pack time (namespaces, patches); only the registry is new.
  catalog::PlanStep filtered = step;
  std::erase_if(filtered.images, [&](const catalog::Image& i) { return !render::for_profiles(i.profiles, plan.profiles); });
  auto images = render::process_images(out.objects, filtered, m_options.registry);
  if (!images) return tl::unexpected(images.error().with_context(entry.path));
  out.images = std::move(*images);
  out.crd_scopes = render::crd_scopes(out.objects);
  out.hooks = render::set_hooks_apart(out.objects);
  out.source_digests["bundle:" + entry.path] = sha256_hex(text->second);
  out.digest = render::objects_digest(out.objects, out.hooks);
  return out;
}

Result<void> BundleSource::check_registry() {
  std::set<std::string> wanted(m_closure.begin(), m_closure.end());
  // The conformance probes' images are part of the closure too: `aiplat verify` needs them.
  const Json& plan = m_bundle.manifest.plan;
  if (plan.contains("probeImages") && plan["probeImages"].is_array()) {
    for (const Json& p : plan["probeImages"]) {
      if (!p.is_string()) continue;
      auto ref = parse_image_reference(p.get<std::string>());
      if (!ref) return tl::unexpected(ref.error().with_context("bundle.yaml plan.probeImages"));
      wanted.insert(rewrite_image_registry(*ref, m_options.registry).str());
    }
  }
  std::vector<ImageReference> refs;
  for (const std::string& w : wanted) {
    auto ref = parse_image_reference(w);
    if (!ref) return tl::unexpected(ref.error());
    refs.push_back(*ref);
  }
  airgap::RegistryClient& registry = m_pool->get(m_options.registry);
  // A wrong password or CA is reported as such, not as every image missing.
  if (auto ping = registry.ping(); !ping) return tl::unexpected(ping.error());
  auto missing = airgap::missing_images(registry, refs, m_options.parallel);
  if (!missing) return tl::unexpected(missing.error().with_context("checking the images in " + m_options.registry));
  if (missing->empty()) return {};
  std::string message = fmt::format("{} of {} image(s) are missing from {} (nothing was changed):", missing->size(),
                                    refs.size(), m_options.registry);
  for (const std::string& m : *missing) message += "\n  " + m;
  message += fmt::format("\nload them first: aiplat airgap load {} --registry {}", m_options.bundle_file,
                         m_options.registry);
  return failure(message);
}

Result<void> BundleSource::accept(const catalog::Plan& plan) {
  if (auto ok = check_plan(plan); !ok) return ok;
  std::map<std::string, const airgap::BundleAddonEntry*> entries;
  for (const airgap::BundleAddonEntry& a : m_bundle.manifest.addons) entries[a.name] = &a;
  std::set<std::string> closure;
  for (const catalog::PlanStep& step : plan.steps) {
    auto prepared = prepare(step, plan, *entries.at(step.name));
    if (!prepared) return tl::unexpected(prepared.error().with_context("reading " + step.name + " from the bundle"));
    closure.insert(prepared->images.begin(), prepared->images.end());
    m_prepared[step.name] = std::move(*prepared);
  }
  m_closure.assign(closure.begin(), closure.end());
  return check_registry();
}

Result<render::RenderedAddon> BundleSource::render(const catalog::PlanStep& step, const render::RenderOptions&) {
  auto it = m_prepared.find(step.name);
  if (it == m_prepared.end()) return failure(step.name + " is not prepared from the bundle (accept was not called)");
  return it->second;
}

}  // namespace aiplat::actions

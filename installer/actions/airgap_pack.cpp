#include "actions/airgap_pack.hpp"

#include <set>

#include "actions/render.hpp"
#include "conformance/probes.hpp"
#include "util/image_ref.hpp"

namespace aiplat::actions {

std::vector<std::string> pinned_closure(const std::vector<std::string>& images, const catalog::PlanStep& step) {
  std::set<std::string> out;
  for (const std::string& text : images) {
    Result<ImageReference> ref = parse_image_reference(text);
    if (!ref) {  // render parsed every one already; keep it as written
      out.insert(text);
      continue;
    }
    if (ref->digest.empty()) {
      for (const catalog::Image& listed : step.images) {
        Result<ImageReference> l = parse_image_reference(listed.ref);
        if (l && l->name() == ref->name() && l->tag == ref->tag && is_valid_digest(listed.digest)) {
          ref->digest = listed.digest;
          break;
        }
      }
    }
    out.insert(ref->str());
  }
  return {out.begin(), out.end()};
}

Result<airgap::BundleContents> bundle_contents_for_plan(const catalog::Plan& plan, render::RenderOptions options) {
  // The bundle carries source names; the site registry is only known at install.
  options.image_registry.clear();
  Result<std::vector<render::RenderedAddon>> rendered = render_plan(plan, options);
  if (!rendered) return tl::unexpected(rendered.error().with_context("packing " + plan.profile));

  airgap::BundleContents contents;
  contents.profile = plan.profile;
  contents.kubernetes_minor = plan.minor.to_string();
  Json addons = Json::array();
  std::set<std::string> closure;
  for (std::size_t i = 0; i < rendered->size(); ++i) {
    render::RenderedAddon& r = (*rendered)[i];
    std::vector<std::string> images = pinned_closure(r.images, plan.steps[i]);
    closure.insert(images.begin(), images.end());
    addons.push_back(Json{{"name", r.name}, {"version", r.version}, {"mode", r.mode}, {"images", images}});
    // Hooks travel in the same stream; their helm.sh/hook annotation sets them apart again at install.
    std::vector<Json> objects = std::move(r.objects);
    for (Json& h : r.hooks) objects.push_back(std::move(h));
    contents.addons.push_back(airgap::BundleAddon{r.name, r.version, std::move(objects)});
  }
  std::vector<std::string> probes = conformance::probe_images();
  closure.insert(probes.begin(), probes.end());
  contents.images.assign(closure.begin(), closure.end());
  contents.plan_summary = Json{{"profiles", plan.profiles}, {"addons", addons}, {"probeImages", probes}};
  return contents;
}

}  // namespace aiplat::actions

#include "catalog/lint.hpp"

#include <fmt/format.h>

#include "catalog/layering.hpp"
#include "catalog/solver.hpp"

namespace aiplat::catalog {

std::vector<KubeMinor> declared_minors(const Profile& profile) {
  std::vector<KubeMinor> out;
  const MinorRange& r = profile.kubernetes;
  if (r.min && r.max && r.min->major == r.max->major) {
    for (int m = r.min->minor; m <= r.max->minor; ++m) out.push_back(KubeMinor{r.min->major, m});
  } else if (profile.kubernetes_default) {
    out.push_back(*profile.kubernetes_default);
  }
  return out;
}

std::vector<Problem> check_profiles_plan(const Catalog& catalog) {
  std::vector<Problem> problems;
  for (const auto& [name, profile] : catalog.profiles) {
    Result<std::vector<const Profile*>> layers = extends_order(catalog, profile);
    if (!layers) continue;  // reported by the reference checks
    Profile layered = *layers->front();
    for (std::size_t i = 1; i < layers->size(); ++i) layered = merge_profiles(layered, *(*layers)[i]);
    for (const KubeMinor& minor : declared_minors(layered)) {
      SolveOptions options;
      options.minor = minor;
      Result<Plan> plan = solve(catalog, layered, options);
      if (!plan) problems.push_back(Problem{SourceRef{profile.at.file, 1, 1}, plan.error().message});
    }
  }
  return problems;
}

}  // namespace aiplat::catalog

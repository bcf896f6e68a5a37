#pragma once
// Catalog-wide checks beyond single files: every profile must plan for every minor it
// declares (min..max, or its default when the range is open), so a broken combination is
// caught by `aiplat catalog lint` and not by a user on install day.
#include <vector>

#include "catalog/doc_reader.hpp"
#include "catalog/model.hpp"

namespace aiplat::catalog {

/// The minors a profile declares: min..max when both are set, else its default (if any).
std::vector<KubeMinor> declared_minors(const Profile& profile);

/// Solves each catalog profile for each minor it declares; each refusal becomes a problem at the profile file.
std::vector<Problem> check_profiles_plan(const Catalog& catalog);

}  // namespace aiplat::catalog

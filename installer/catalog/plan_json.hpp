#pragma once
// The stable JSON form of a Plan (`aiplat plan -o json|yaml`, bundle.yaml). Keys only get
// added within apiVersion aiplat.dev/v1alpha1; docs/catalog.md "Plan output" describes it.
#include "catalog/model.hpp"

namespace aiplat::catalog {

/// The plan as JSON: apiVersion, kind Plan, profile, kubernetes, settings, steps, skipped, checklist.
Json plan_to_json(const Plan& plan);

/// One source as JSON, with only the fields of its type.
Json source_to_json(const Source& source);

/// "files", "url" or "helm".
const char* to_string(SourceType type);

}  // namespace aiplat::catalog

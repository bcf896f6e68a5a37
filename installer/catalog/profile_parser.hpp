#pragma once
// One profile document -> Profile, checking every field on the way.
#include "catalog/addon_parser.hpp"
#include "catalog/model.hpp"

namespace aiplat::catalog {

/// Parses a profile document; invalid fields stay at their defaults and are described in `findings`.
/// Only apiVersion, kind and metadata.name are required, so an overlay (`--profile ./site.yaml`) may
/// set just what it changes.
Profile parse_profile(const YamlDocument& doc, ParseFindings& findings);

}  // namespace aiplat::catalog

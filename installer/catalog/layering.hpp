#pragma once
// Profile layering (`--profile onprem --profile ./site.yaml`, and `extends:`):
// a later profile's scalars replace earlier ones, maps merge, `addons` entries merge
// by name and `checklist.notApplicable` entries merge by id (docs/catalog.md).
#include <string>
#include <vector>

#include "catalog/model.hpp"
#include "util/fs.hpp"

namespace aiplat::catalog {

/// `top` and every profile it extends, recursively, in the order they apply (extends first).
/// Fails on an unknown name or a cycle, naming the cycle ("a -> b -> a").
Result<std::vector<const Profile*>> extends_order(const Catalog& catalog, const Profile& top);

/// Lays `over` on top of `base`.
Profile merge_profiles(const Profile& base, const Profile& over);

/// True when a --profile argument names a file rather than a catalog profile
/// (it contains a '/' or ends in .yaml or .yml).
bool is_profile_path(const std::string& spec);

/// Reads and validates one profile file from `fs` (every problem at once).
Result<Profile> read_profile_file(Fs& fs, const std::string& path);

/// `profile` as it applies on `minor`: the layers of its `spec.minorLayers` whose range holds
/// `minor` are laid on top (with what they extend), in the order written. The result has no
/// minor layers left, so applying it again changes nothing. Fails on an unknown layer name.
Result<Profile> profile_for_minor(const Catalog& catalog, const Profile& profile, const KubeMinor& minor);

/// Layers the profiles given on the command line, in order. A bare name comes from the
/// catalog; a path is read from `fs`. Each one's `extends` is applied before it, and a
/// profile reached twice is applied once (at its first place).
Result<Profile> layer_profiles(const Catalog& catalog, const std::vector<std::string>& specs, Fs& fs);

}  // namespace aiplat::catalog

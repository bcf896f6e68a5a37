#pragma once
// Small catalogs built in memory for the catalog tests.
#include <string>

#include "catalog/loader.hpp"
#include "util/fs.hpp"

namespace aiplat::catalog::testing {

/// An addon.yaml with `spec_body` (indented two spaces under spec:).
inline std::string addon_yaml(const std::string& name, const std::string& version, const std::string& spec_body = "") {
  return "apiVersion: aiplat.dev/v1alpha1\nkind: AddOn\nmetadata:\n  name: " + name + "\n  version: " + version +
         "\nspec:\n  description: test add-on " + name + "\n" + spec_body;
}

/// A profile with `spec_body` (indented two spaces under spec:).
inline std::string profile_yaml(const std::string& name, const std::string& spec_body) {
  return "apiVersion: aiplat.dev/v1alpha1\nkind: Profile\nmetadata:\n  name: " + name + "\nspec:\n" + spec_body;
}

inline void add_addon(MemoryFs& fs, const std::string& name, const std::string& version, const std::string& spec = "") {
  fs.add("addons/" + name + "/" + version + "/addon.yaml", addon_yaml(name, version, spec));
}

inline void add_profile(MemoryFs& fs, const std::string& name, const std::string& spec) {
  fs.add("profiles/" + name + ".yaml", profile_yaml(name, spec));
}

/// Loads `fs` and expects no problems.
inline Catalog load_clean(MemoryFs& fs) {
  LoadReport r = load_catalog(fs, "");
  EXPECT_TRUE(r.ok()) << r.message();
  return r.catalog;
}

}  // namespace aiplat::catalog::testing

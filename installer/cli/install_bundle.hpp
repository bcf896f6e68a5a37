#pragma once
// `aiplat install --bundle FILE --registry REG [--key PUB]`: the flags, and turning them into
// an install whose add-ons come from the verified bundle (actions/bundle_source.hpp). The
// bundle is checked completely before the install starts: nothing is applied from a bundle
// that fails verification.
#include <string>

#include "actions/install.hpp"
#include "cli/registry_flags.hpp"

namespace aiplat {

struct InstallBundleFlags {
  std::string bundle;
  std::string registry;
  std::string key;
  RegistryFlags reg;

  void add_to(CLI::App& cmd);
};

/// Without --bundle: checks no bundle-only flag was given. With it: verifies the bundle
/// (signature with --key, every digest) and sets options.addon_source.
Result<void> prepare_bundle_install(CliContext& ctx, const InstallBundleFlags& flags, bool source_flags,
                                    actions::InstallOptions& options);

}  // namespace aiplat

#include "cli/install_bundle.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "actions/bundle_source.hpp"
#include "airgap/bundle_verify.hpp"
#include "cli/airgap_common.hpp"

namespace aiplat {

void InstallBundleFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--bundle", bundle, "Install from this air-gap bundle (aiplat airgap pack --profile); no source is "
                                     "fetched")
      ->check(CLI::ExistingFile);
  cmd.add_option("--registry", registry,
                 "With --bundle: the registry (host[:port]) the bundle was loaded into; images are rewritten to it");
  cmd.add_option("--key", key, "With --bundle: PEM public key; the bundle's signature must verify against it")
      ->check(CLI::ExistingFile);
  reg.add_to(cmd);
}

Result<void> prepare_bundle_install(CliContext& ctx, const InstallBundleFlags& flags, bool source_flags,
                                    actions::InstallOptions& options) {
  if (flags.bundle.empty()) {
    if (!flags.registry.empty() || !flags.key.empty() || !flags.reg.username.empty() || !flags.reg.insecure.empty() ||
        !flags.reg.ca_file.empty()) {
      return input_error("install: --registry, --key and the registry flags only apply with --bundle FILE");
    }
    return {};
  }
  if (flags.registry.empty()) return input_error("install --bundle: --registry REG is required (where the bundle was "
                                                 "loaded with `aiplat airgap load`)");
  if (flags.registry.find('/') != std::string::npos) {
    return input_error("install --registry takes host[:port] (\"" + flags.registry + "\" has a path)");
  }
  if (source_flags) {
    return input_error("install --bundle: the manifests come from the bundle; --source-mirror and --helm do not apply");
  }
  airgap::VerifyOptions verify;
  verify.keep_manifests = true;
  if (!flags.key.empty()) {
    auto key = read_text_file(flags.key, "--key");
    if (!key) return tl::unexpected(key.error());
    verify.public_key_pem = *key;
  }
  // Progress bars on a terminal; the install's own output says the rest.
  TransferStyle style = ctx.terminal.smart && ctx.global.output.empty() ? TransferStyle::bars : TransferStyle::quiet;
  CliProgress progress(style, ctx.terminal, ctx.streams.err, ctx.streams.out);
  auto verified = airgap::verify_bundle(flags.bundle, verify, progress);
  if (!verified) return tl::unexpected(verified.error().with_context("refusing to install from " + flags.bundle));
  ctx.log->info(fmt::format("{}: verified ({} files, signature {})", flags.bundle, verified->files,
                            verified->signature == airgap::SignatureState::valid       ? "valid"
                            : verified->signature == airgap::SignatureState::unchecked ? "present, not checked (no --key)"
                                                                                       : "absent"));
  auto access = flags.reg.access(ctx, flags.registry);
  if (!access) return tl::unexpected(access.error());
  auto pool = std::make_shared<airgap::RegistryPool>(std::move(*access), nullptr);
  actions::BundleSourceOptions source{flags.bundle, flags.registry, flags.reg.parallel};
  options.addon_source = std::make_shared<actions::BundleSource>(std::move(*verified), std::move(pool), source);
  return {};
}

}  // namespace aiplat

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "airgap/bundle_load.hpp"
#include "airgap/bundle_verify.hpp"
#include "airgap/signing.hpp"
#include "cli/airgap_common.hpp"
#include "util/fs.hpp"
#include "util/http.hpp"

namespace aiplat {

void RegistryFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--username", username, "Registry user name (the password comes from --password-stdin)");
  cmd.add_flag("--password-stdin", password_stdin, "Read the registry password from standard input");
  cmd.add_option("--insecure-registry", insecure, "Talk plain HTTP to this registry (host:port); repeatable");
  cmd.add_option("--registry-ca", ca_file, "PEM file with the CA that signed the registry's certificate")
      ->check(CLI::ExistingFile);
  cmd.add_option("--parallel", parallel, "Blob transfers in flight at once")->check(CLI::Range(1, 64));
  cmd.add_option("--retries", retries, "Retries per request on 429, 5xx and dropped connections")
      ->check(CLI::Range(0, 20));
  cmd.add_option("--chunk-size", chunk_mib,
                 "Push blobs larger than this many MiB in resumable chunks of this size (default 64)")
      ->check(CLI::Range(1, 4096));
}

Result<airgap::RegistryAccess> RegistryFlags::access(CliContext& ctx, const std::string& credentials_for) const {
  airgap::RegistryAccess access;
  access.http = make_curl_transport(std::max(16, parallel * 2));
  auto store = airgap::CredentialStore::from_docker_config(ctx.env);
  if (!store) return tl::unexpected(store.error());
  access.credentials = std::move(*store);
  if (password_stdin && username.empty()) return input_error("--password-stdin needs --username");
  if (!username.empty()) {
    if (!password_stdin) return input_error("--username needs --password-stdin (passwords are never taken as flags)");
    if (credentials_for.empty()) return input_error("--username: cannot tell which registry the credentials are for");
    std::string password((std::istreambuf_iterator<char>(ctx.streams.in)), {});
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
    if (password.empty()) return input_error("--password-stdin: standard input was empty");
    ctx.log->add_secret(password);
    access.credentials.set(credentials_for, airgap::Credentials{username, password, ""});
  }
  access.insecure.insert(insecure.begin(), insecure.end());
  access.ca_file = ca_file;
  access.max_attempts = retries + 1;
  if (chunk_mib > 0) access.chunk_size = static_cast<std::uint64_t>(chunk_mib) * 1024 * 1024;
  return access;
}

TransferStyle progress_style(const CliContext& ctx) {
  if (ctx.global.output == "json") return TransferStyle::ndjson;
  if (ctx.global.quiet) return TransferStyle::quiet;
  return ctx.terminal.smart ? TransferStyle::bars : TransferStyle::plain;
}

Result<std::string> read_text_file(const std::string& path, const std::string& what) {
  RealFs fs;
  auto text = fs.read_file(path);
  if (!text) return input_error(what + " " + path + ": cannot read it");
  return text;
}

namespace {

Result<void> check_output_format(const CliContext& ctx, const std::string& command) {
  if (!ctx.global.output.empty() && ctx.global.output != "json") {
    return input_error("airgap " + command + ": -o must be json (NDJSON events) or omitted");
  }
  return {};
}

void add_keygen(CLI::App& airgap, CliContext& ctx) {
  auto prefix = std::make_shared<std::string>();
  CLI::App* cmd = airgap.add_subcommand("keygen", "Create an ECDSA P-256 key pair for signing bundles");
  cmd->add_option("--out", *prefix, "Writes PREFIX.key (mode 0600) and PREFIX.pub")->required();
  cmd->callback([&ctx, prefix] {
    ctx.action = [&ctx, prefix]() -> Result<int> {
      auto keys = airgap::generate_key_pair();
      if (!keys) return tl::unexpected(keys.error());
      auto written = airgap::write_key_pair(*keys, *prefix);
      if (!written) return tl::unexpected(written.error());
      ctx.log->info("wrote " + *prefix + ".key (private, keep it secret) and " + *prefix + ".pub");
      return 0;
    };
  });
}

void add_verify(CLI::App& airgap, CliContext& ctx) {
  struct Flags {
    std::string file;
    std::string key;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = airgap.add_subcommand("verify", "Check a bundle's checksums, image closure and signature");
  cmd->add_option("file", f->file, "The *.aiplat.tar.zst bundle")->required();
  cmd->add_option("--key", f->key, "PEM public key; the bundle must carry a valid signature from it");
  cmd->callback([&ctx, f] {
    ctx.action = [&ctx, f]() -> Result<int> {
      auto format = check_output_format(ctx, "verify");
      if (!format) return tl::unexpected(format.error());
      std::string key;
      if (!f->key.empty()) {
        auto text = read_text_file(f->key, "--key");
        if (!text) return tl::unexpected(text.error());
        key = *text;
      }
      CliProgress progress(progress_style(ctx), ctx.terminal, ctx.streams.err, ctx.streams.out);
      auto verified = airgap::verify_bundle(f->file, {key, {}}, progress);
      if (!verified) return tl::unexpected(verified.error());
      const char* sig = verified->signature == airgap::SignatureState::valid       ? "valid"
                        : verified->signature == airgap::SignatureState::unchecked ? "present, not checked (no --key)"
                                                                                   : "none";
      if (ctx.global.output == "json") {
        ctx.streams.out << nlohmann::json{{"event", "result"}, {"file", f->file}, {"ok", true},
                                          {"manifestDigest", verified->manifest_digest}, {"files", verified->files},
                                          {"bytes", verified->bytes}, {"images", verified->manifest.images.size()},
                                          {"signature", sig}, {"delta", verified->manifest.delta.has_value()}}
                               .dump()
                        << "\n";
      } else {
        ctx.streams.out << fmt::format("{}: OK ({} files, {} images, signature: {}{})\n", f->file, verified->files,
                                       verified->manifest.images.size(), sig,
                                       verified->manifest.delta ? ", delta bundle" : "");
      }
      return 0;
    };
  });
}

void add_load(CLI::App& airgap, CliContext& ctx) {
  struct Flags {
    std::string file;
    std::string registry;
    std::string key;
    RegistryFlags reg;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = airgap.add_subcommand("load", "Verify a bundle, then push its images into a registry");
  cmd->add_option("file", f->file, "The *.aiplat.tar.zst bundle")->required();
  cmd->add_option("--registry", f->registry, "Target registry, host[:port]")->required();
  cmd->add_option("--key", f->key, "PEM public key; the bundle must carry a valid signature from it");
  f->reg.add_to(*cmd);
  cmd->callback([&ctx, f] {
    ctx.action = [&ctx, f]() -> Result<int> {
      auto format = check_output_format(ctx, "load");
      if (!format) return tl::unexpected(format.error());
      airgap::LoadOptions options;
      options.registry = f->registry;
      options.parallel = f->reg.parallel;
      if (!f->key.empty()) {
        auto text = read_text_file(f->key, "--key");
        if (!text) return tl::unexpected(text.error());
        options.public_key_pem = *text;
      }
      auto access = f->reg.access(ctx, f->registry);
      if (!access) return tl::unexpected(access.error());
      CliProgress progress(progress_style(ctx), ctx.terminal, ctx.streams.err, ctx.streams.out);
      airgap::RegistryPool pool(std::move(*access), &progress);
      auto loaded = airgap::load_bundle(f->file, pool, options, progress);
      if (!loaded) return tl::unexpected(loaded.error());
      const airgap::PushSummary& s = loaded->push;
      if (ctx.global.output == "json") {
        nlohmann::json images = nlohmann::json::array();
        for (const auto& i : s.images) images.push_back({{"source", i.source}, {"target", i.target}, {"digest", i.digest}});
        ctx.streams.out << nlohmann::json{{"event", "result"}, {"registry", f->registry}, {"images", images},
                                          {"blobs", {{"pushed", s.blobs_pushed}, {"mounted", s.blobs_mounted},
                                                     {"present", s.blobs_present}}},
                                          {"bytesPushed", s.bytes_pushed}}
                               .dump()
                        << "\n";
      } else {
        for (const auto& i : s.images) ctx.streams.out << i.source << " -> " << i.target << "\n";
        ctx.log->info(fmt::format("loaded {} images into {}: {} blobs pushed ({}), {} mounted, {} already present",
                                  s.images.size(), f->registry, s.blobs_pushed,
                                  human_bytes(static_cast<double>(s.bytes_pushed)), s.blobs_mounted, s.blobs_present));
      }
      return 0;
    };
  });
}

}  // namespace

void add_airgap_command(CLI::App& app, CliContext& ctx) {
  CLI::App* airgap = app.add_subcommand("airgap", "Offline bundles: keygen, pack, verify, load");
  airgap->require_subcommand(1);
  add_keygen(*airgap, ctx);
  add_airgap_pack_command(*airgap, ctx);
  add_verify(*airgap, ctx);
  add_load(*airgap, ctx);
  for (CLI::App* sub : airgap->get_subcommands({})) sub->fallthrough();
}

}  // namespace aiplat

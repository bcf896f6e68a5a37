// The built aiplat binary: keygen, pack, verify and load as a user runs them, with
// plain progress lines off a tty, NDJSON with -o json, and passwords never printed.
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "airgap_fixture.hpp"

namespace aiplat::testing {
namespace {

namespace fs = std::filesystem;

std::vector<nlohmann::json> ndjson(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
    out.push_back(j);
  }
  return out;
}

TEST(AirgapCli, KeygenPackVerifyLoadWithSignatureAndImageMap) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  const std::string d = env.dir.path;
  ProcessResult keygen = run_aiplat({"airgap", "keygen", "--out", d + "/site"});
  ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
  struct stat st {};
  ASSERT_EQ(::stat((d + "/site.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(run_aiplat({"airgap", "keygen", "--out", d + "/site"}).exit_code, 0) << "never overwrite a key";

  fs::create_directories(d + "/manifests/01-demo@1.2.3");
  std::ofstream(d + "/manifests/01-demo@1.2.3/deploy.yaml")
      << "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
  std::ofstream(d + "/images.txt") << "# the closure\n" << env.images[0] << "\n\n" << env.images[1] << "  # shared base\n";
  std::string bundle = d + "/site.aiplat.tar.zst";
  ProcessResult pack = run_aiplat({"airgap", "pack", "--images", d + "/images.txt", "--image", env.images[2],
                                   "--manifests", d + "/manifests", "-o", bundle, "--sign-key", d + "/site.key",
                                   "--insecure-registry", env.source->host()});
  ASSERT_EQ(pack.exit_code, 0) << pack.err;
  EXPECT_NE(pack.out.find("3 images"), std::string::npos) << pack.out;
  EXPECT_NE(pack.err.find("==> pull"), std::string::npos) << "plain progress lines off a tty: " << pack.err;
  EXPECT_EQ(pack.err.find('\r'), std::string::npos) << "no carriage returns off a tty";

  ProcessResult verify = run_aiplat({"airgap", "verify", bundle, "--key", d + "/site.pub"});
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  EXPECT_NE(verify.out.find("signature: valid"), std::string::npos) << verify.out;

  ProcessResult load = run_aiplat({"-o", "json", "airgap", "load", bundle, "--registry", env.target->host(), "--key",
                                   d + "/site.pub", "--insecure-registry", env.target->host()});
  ASSERT_EQ(load.exit_code, 0) << load.err;
  auto events = ndjson(load.out);
  ASSERT_FALSE(events.empty());
  const nlohmann::json& result = events.back();
  EXPECT_EQ(result["event"], "result");
  ASSERT_EQ(result["images"].size(), 3u);
  for (const auto& img : result["images"]) {
    std::string target = img["target"];
    EXPECT_TRUE(target.starts_with(env.target->host() + "/")) << target;
    ProcessResult inspect = run_tool({"skopeo", "inspect", "--tls-verify=false", "docker://" + by_digest(target)});
    EXPECT_EQ(inspect.exit_code, 0) << target << ": " << inspect.err;
  }
  bool saw_phase = false;
  for (const auto& e : events) saw_phase = saw_phase || (e["event"] == "phase" && e["phase"] == "push");
  EXPECT_TRUE(saw_phase);

  // Plain text: "source -> target@digest" lines on stdout.
  ProcessResult again = run_aiplat({"airgap", "load", bundle, "--registry", env.target->host(), "--insecure-registry",
                                    env.target->host()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find(env.images[0] + " -> " + env.target->host() + "/app/one:1.0@sha256:"), std::string::npos)
      << again.out;
  EXPECT_NE(again.err.find("0 blobs pushed"), std::string::npos) << again.err;
}

TEST(AirgapCli, RefusalsExitNonZeroWithClearMessages) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  const std::string d = env.dir.path;
  std::string bundle = env.pack("plain.aiplat.tar.zst", {env.images[2]});
  ASSERT_EQ(run_aiplat({"airgap", "keygen", "--out", d + "/k"}).exit_code, 0);
  ProcessResult unsigned_bundle = run_aiplat({"airgap", "verify", bundle, "--key", d + "/k.pub"});
  EXPECT_NE(unsigned_bundle.exit_code, 0);
  EXPECT_NE(unsigned_bundle.err.find("not signed"), std::string::npos) << unsigned_bundle.err;

  // Without --insecure-registry a plain-HTTP registry is spoken to over TLS, which fails.
  ProcessResult no_insecure = run_aiplat({"airgap", "load", bundle, "--registry", env.target->host(), "--retries", "0"});
  EXPECT_NE(no_insecure.exit_code, 0);
  EXPECT_TRUE(env.target_catalog().empty());

  ProcessResult bad_ref = run_aiplat({"airgap", "pack", "--image", "UPPER/Case:x", "-o", d + "/x.aiplat.tar.zst"});
  EXPECT_EQ(bad_ref.exit_code, 2);
  EXPECT_NE(bad_ref.err.find("UPPER/Case"), std::string::npos) << bad_ref.err;
  ProcessResult bad_name = run_aiplat({"airgap", "pack", "--image", env.images[2], "-o", d + "/x.tar"});
  EXPECT_EQ(bad_name.exit_code, 2);
  EXPECT_NE(bad_name.err.find("*.aiplat.tar.zst"), std::string::npos) << bad_name.err;
  EXPECT_FALSE(fs::exists(d + "/x.tar"));
}

TEST(AirgapCli, PasswordFromStdinIsUsedAndNeverPrinted) {
  AirgapEnv env;
  ASSERT_TRUE(env.source && env.target);
  const std::string d = env.dir.path;
  std::string bundle = env.pack("auth.aiplat.tar.zst", {env.images[2]});
  auto htpasswd = make_htpasswd(d, "loader", "Pa55-w0rd-xyz");
  ASSERT_TRUE(htpasswd);
  RegistrySpec spec;
  spec.htpasswd_file = *htpasswd;
  auto secured = RegistryProcess::start(spec, d);
  ASSERT_TRUE(secured) << secured.error().message;
  std::string host = (*secured)->host();
  ProcessResult wrong = run_aiplat({"-v", "10", "airgap", "load", bundle, "--registry", host, "--insecure-registry",
                                    host, "--username", "loader", "--password-stdin", "--retries", "0"},
                                   "not-the-password\n");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("rejected the credentials"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("not-the-password"), std::string::npos);
  ProcessResult right = run_aiplat({"-v", "10", "airgap", "load", bundle, "--registry", host, "--insecure-registry",
                                    host, "--username", "loader", "--password-stdin"},
                                   "Pa55-w0rd-xyz\n");
  EXPECT_EQ(right.exit_code, 0) << right.err;
  EXPECT_EQ(right.err.find("Pa55-w0rd-xyz"), std::string::npos);
  EXPECT_EQ(right.out.find("Pa55-w0rd-xyz"), std::string::npos);
  // The same through docker's config.json (base64 auth field).
  fs::create_directories(d + "/docker");
  std::ofstream(d + "/docker/config.json")
      << nlohmann::json{{"auths", {{"http://" + host, {{"auth", "bG9hZGVyOlBhNTUtdzByZC14eXo="}}}}}}.dump();
  ProcessResult via_config = run_aiplat({"airgap", "load", bundle, "--registry", host, "--insecure-registry", host},
                                        "", {{"DOCKER_CONFIG", d + "/docker"}});
  EXPECT_EQ(via_config.exit_code, 0) << via_config.err;
}

}  // namespace
}  // namespace aiplat::testing

// bench_apply: applies YAML files through aiplat's kube client the way `aiplat install`
// applies an add-on's tiers (kube/apply_tiers.hpp): CRDs first, wait until they are
// Established, then every other tier with a bounded pool of workers. bench/apply runs it
// against kubesim next to `kubectl apply --server-side` with the same files.
//   bench_apply --kubeconfig FILE [--workers N] [--timeout-s S] FILE...
// Prints one line of timings (parse, CRD tier, Established, other tiers) to stdout.
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "kube/apply_tiers.hpp"
#include "kube/client.hpp"
#include "kube/kubeconfig.hpp"
#include "util/fs.hpp"

namespace {

using aiplat::Json;
using Seconds = std::chrono::duration<double>;
namespace kube = aiplat::kube;

double since(std::chrono::steady_clock::time_point start) {
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

/// Every document of every file, in command-line order; files parse in parallel.
aiplat::Result<std::vector<Json>> read_objects(aiplat::Fs& fs, const std::vector<std::string>& files,
                                               std::size_t workers) {
  std::vector<aiplat::Result<std::vector<aiplat::YamlDocument>>> parsed(files.size());
  kube::run_bounded(files.size(), workers, [&](std::size_t i) {
    auto text = fs.read_file(files[i]);
    parsed[i] = text ? aiplat::parse_yaml_documents(*text, files[i])
                     : aiplat::Result<std::vector<aiplat::YamlDocument>>(tl::unexpected(text.error()));
  });
  std::vector<Json> objects;
  for (auto& docs : parsed) {
    if (!docs) return tl::unexpected(docs.error());
    for (aiplat::YamlDocument& d : *docs) {
      if (d.value.is_object()) objects.push_back(std::move(d.value));
    }
  }
  return objects;
}

/// The objects of one tier grouped by identity, keeping source order: an object that appears
/// twice (Gateway API's standard and experimental CRDs) is applied twice, in order, by one worker.
std::vector<std::vector<const Json*>> group_by_identity(const std::vector<Json>& tier) {
  std::vector<std::vector<const Json*>> groups;
  std::map<std::string, std::size_t> index;
  for (const Json& o : tier) {
    auto ref = kube::ResourceRef::of(o);
    std::string key = ref ? ref->to_string() : std::to_string(groups.size());
    auto [it, fresh] = index.emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(&o);
  }
  return groups;
}

bool established(const Json& crd) {
  auto conditions = "/status/conditions"_json_pointer;
  if (!crd.contains(conditions) || !crd[conditions].is_array()) return false;
  for (const Json& c : crd[conditions]) {
    if (c.value("type", "") == "Established" && c.value("status", "") == "True") return true;
  }
  return false;
}

/// Waits until every CRD reports Established=True, polling as phases/wait_ready.cpp does
/// (parallel GETs, 25 ms growing by half each round up to 1 s).
aiplat::Result<void> wait_established(kube::Client& client, const std::vector<Json>& crds,
                                      std::chrono::milliseconds timeout, std::size_t workers) {
  std::vector<kube::ResourceRef> pending;
  for (const Json& crd : crds) pending.push_back(*kube::ResourceRef::of(crd));
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds interval{25};
  while (!pending.empty()) {
    std::vector<char> done(pending.size(), 0);
    kube::run_bounded(pending.size(), workers, [&](std::size_t i) {
      auto live = client.get(pending[i]);
      done[i] = live && established(*live);
    });
    std::vector<kube::ResourceRef> still;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!done[i]) still.push_back(pending[i]);
    }
    pending = std::move(still);
    if (pending.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      return aiplat::failure(fmt::format("{} CRDs not Established after {} s, first {}", pending.size(),
                                         timeout.count() / 1000, pending.front().name));
    }
    std::this_thread::sleep_for(interval);
    interval = std::min(std::chrono::milliseconds(1000), interval * 3 / 2);
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Applies YAML files through aiplat's kube client, tier by tier, with a pool of workers"};
  std::string kubeconfig;
  std::size_t workers = 8;  // what `aiplat install` uses (install.hpp)
  int timeout_s = 120;
  std::vector<std::string> files;
  app.add_option("--kubeconfig", kubeconfig, "kubeconfig of the cluster")->required();
  app.add_option("--workers", workers, "concurrent applies inside one tier")->capture_default_str()->check(
      CLI::Range(1, 256));
  app.add_option("--timeout-s", timeout_s, "wait for CRDs to be Established at most this long")->capture_default_str();
  app.add_option("files", files, "YAML files (multi-document)")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  auto start = std::chrono::steady_clock::now();
  aiplat::RealFs fs;
  auto objects = read_objects(fs, files, workers);
  if (!objects) {
    std::cerr << "bench_apply: " << objects.error().message << "\n";
    return 2;
  }
  double parse_s = since(start);

  kube::KubeconfigOptions kubeconfig_options;
  kubeconfig_options.explicit_path = kubeconfig;
  auto config = kube::load_cluster_config(kubeconfig_options, fs);
  if (!config) {
    std::cerr << "bench_apply: " << config.error().message << "\n";
    return 2;
  }
  kube::Client client(std::move(*config), aiplat::make_curl_transport(16));

  std::vector<std::vector<Json>> tiers = kube::split_tiers(*objects);
  std::atomic<std::size_t> requests{0};
  double crds_s = 0, established_s = 0;
  auto rest_start = start;
  for (std::size_t t = 0; t < tiers.size(); ++t) {
    if (tiers[t].empty()) continue;
    auto tier_start = std::chrono::steady_clock::now();
    std::vector<std::vector<const Json*>> groups = group_by_identity(tiers[t]);
    std::mutex mutex;
    std::vector<std::string> errors;
    kube::run_bounded(groups.size(), workers, [&](std::size_t g) {
      for (const Json* o : groups[g]) {
        auto applied = client.apply(*o);
        ++requests;
        if (!applied) {
          std::lock_guard lock(mutex);
          errors.push_back(applied.error().message);
          return;
        }
      }
    });
    if (!errors.empty()) {
      std::cerr << fmt::format("bench_apply: {} of {} objects of the {} tier failed:\n", errors.size(),
                               tiers[t].size(), kube::to_string(kube::Tier(t)));
      for (const std::string& e : errors) std::cerr << "  " << e << "\n";
      return 1;
    }
    if (kube::Tier(t) == kube::Tier::crds) {
      crds_s = since(tier_start);
      auto wait_start = std::chrono::steady_clock::now();
      auto ready = wait_established(client, tiers[t], std::chrono::seconds(timeout_s), workers);
      if (!ready) {
        std::cerr << "bench_apply: " << ready.error().message << "\n";
        return 1;
      }
      client.invalidate_discovery();  // the new kinds are served now
      established_s = since(wait_start);
      rest_start = std::chrono::steady_clock::now();
    }
  }
  double rest_s = since(rest_start);
  std::cout << fmt::format(
      "bench_apply: {} objects in {} applies, {} workers: parse {:.2f}s, CRD tier {:.2f}s, Established {:.2f}s, "
      "other tiers {:.2f}s, total {:.2f}s\n",
      objects->size(), requests.load(), workers, parse_s, crds_s, established_s,
      tiers[0].empty() ? since(start) - parse_s : rest_s, since(start));
  return 0;
}

#include "conformance/probes.hpp"

#include <regex>
#include <set>

#include <fmt/format.h>

#include "catalog/embedded.hpp"
#include "util/image_ref.hpp"
#include "util/yaml.hpp"

namespace aiplat::conformance {
namespace {

constexpr std::string_view k_dir = "manifests/conformance/";

Result<std::string> probe_text(const std::string& file) {
  std::string path = std::string(k_dir) + file;
  for (const catalog::EmbeddedFile& f : catalog::embedded_files()) {
    if (f.path == path) return std::string(f.content);
  }
  return failure("probe manifest " + path + " is not in the binary");
}

std::string substitute(std::string text, const ProbeVars& vars) {
  for (const auto& [key, value] : vars) {
    std::string token = "__" + key + "__";
    for (std::size_t pos = text.find(token); pos != std::string::npos; pos = text.find(token, pos + value.size())) {
      text.replace(pos, token.size(), value);
    }
  }
  return text;
}

void collect_images(const Json& node, std::set<std::string>& out) {
  if (node.is_object()) {
    for (const char* key : {"containers", "initContainers"}) {
      if (node.contains(key) && node[key].is_array()) {
        for (const Json& c : node[key]) {
          if (c.contains("image") && c["image"].is_string()) out.insert(c["image"].get<std::string>());
        }
      }
    }
    for (const auto& [k, v] : node.items()) collect_images(v, out);
  } else if (node.is_array()) {
    for (const Json& v : node) collect_images(v, out);
  }
}

Result<void> rewrite_images(Json& node, const std::string& registry) {
  if (node.is_object()) {
    for (const char* key : {"containers", "initContainers"}) {
      if (!node.contains(key) || !node[key].is_array()) continue;
      for (Json& c : node[key]) {
        if (!c.contains("image") || !c["image"].is_string()) continue;
        Result<ImageReference> ref = parse_image_reference(c["image"].get<std::string>());
        if (!ref) return tl::unexpected(ref.error());
        c["image"] = rewrite_image_registry(*ref, registry).str();
      }
    }
    for (auto& [k, v] : node.items()) {
      if (Result<void> r = rewrite_images(v, registry); !r) return r;
    }
  } else if (node.is_array()) {
    for (Json& v : node) {
      if (Result<void> r = rewrite_images(v, registry); !r) return r;
    }
  }
  return {};
}

bool terminal(const Json& pod) {
  std::string phase = pod.value("status", Json::object()).value("phase", std::string());
  return phase == "Succeeded" || phase == "Failed";
}

// Container start failures a real kubelet reports; they mean "configured but broken", not "simulated".
std::string waiting_problem(const Json& pod) {
  const Json& st = pod.value("status", Json::object());
  for (const char* key : {"initContainerStatuses", "containerStatuses"}) {
    for (const Json& cs : st.value(key, Json::array())) {
      const Json& waiting = cs.value("state", Json::object()).value("waiting", Json::object());
      std::string reason = waiting.value("reason", std::string());
      if (!reason.empty() && reason != "ContainerCreating" && reason != "PodInitializing") {
        return cs.value("name", std::string("?")) + ": " + reason + " " + waiting.value("message", std::string());
      }
    }
  }
  return {};
}

}  // namespace

Result<std::vector<Json>> load_probe(const std::string& file, const ProbeVars& vars) {
  Result<std::string> text = probe_text(file);
  if (!text) return tl::unexpected(text.error());
  std::string filled = substitute(*text, vars);
  std::smatch m;
  static const std::regex k_token("__[A-Z][A-Z_]*__");
  if (std::regex_search(filled, m, k_token)) {
    return failure(fmt::format("{}{}: token {} has no value", k_dir, file, m.str()));
  }
  Result<std::vector<YamlDocument>> docs = parse_yaml_documents(filled, std::string(k_dir) + file);
  if (!docs) return tl::unexpected(docs.error());
  std::vector<Json> out;
  for (YamlDocument& d : *docs) out.push_back(std::move(d.value));
  return out;
}

Result<std::vector<Json>> load_probe(const CheckContext& ctx, const std::string& file, ProbeVars vars) {
  vars["NAMESPACE"] = ctx.ns;
  vars["RUN"] = ctx.run_id;
  Result<std::vector<Json>> objects = load_probe(file, vars);
  if (!objects || ctx.settings.image_registry.empty()) return objects;
  for (Json& o : *objects) {
    if (Result<void> r = rewrite_images(o, ctx.settings.image_registry); !r) {
      return tl::unexpected(r.error().with_context(std::string(k_dir) + file));
    }
  }
  return objects;
}

std::vector<std::string> probe_images() {
  std::set<std::string> images;
  static const std::regex k_token("__[A-Z][A-Z_]*__");
  for (const catalog::EmbeddedFile& f : catalog::embedded_files()) {
    if (f.path.substr(0, k_dir.size()) != k_dir || !f.path.ends_with(".yaml")) continue;
    // Tokens become harmless placeholders so every template parses; images never hold tokens.
    std::string text = std::regex_replace(std::string(f.content), k_token, "x1");
    Result<std::vector<YamlDocument>> docs = parse_yaml_documents(text, std::string(f.path));
    if (!docs) continue;  // test_probes parses every template and would fail first
    for (const YamlDocument& d : *docs) collect_images(d.value, images);
  }
  return {images.begin(), images.end()};
}

std::vector<std::map<std::string, std::string>> parse_probe_lines(const std::string& log) {
  std::vector<std::map<std::string, std::string>> out;
  std::size_t start = 0;
  while (start <= log.size()) {
    std::size_t end = log.find('\n', start);
    std::string line = log.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::size_t at = line.find("AIPLAT-PROBE");
    if (at != std::string::npos) {
      std::map<std::string, std::string> fields;
      std::string rest = line.substr(at + 12);
      std::size_t i = 0;
      while (i < rest.size()) {
        while (i < rest.size() && rest[i] == ' ') ++i;
        std::size_t j = rest.find(' ', i);
        std::string word = rest.substr(i, j == std::string::npos ? std::string::npos : j - i);
        std::size_t eq = word.find('=');
        if (eq != std::string::npos) fields[word.substr(0, eq)] = word.substr(eq + 1);
        if (j == std::string::npos) break;
        i = j + 1;
      }
      out.push_back(std::move(fields));
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::string unscheduled_reason(const Json& pod) {
  Json c = condition(pod, "PodScheduled");
  if (!c.is_object()) return "no PodScheduled condition";
  return c.value("reason", std::string("?")) + ": " + c.value("message", std::string());
}

ProbeRun run_probe(CheckContext& ctx, const Json& pod, std::chrono::seconds timeout, ProbeWait wait) {
  ProbeRun run;
  const GroupVersionKind pod_kind = gvk("v1", "Pod");
  KubeResult<Json> created = ctx.api.create(pod);
  if (!created) {
    run.state = ProbeState::not_created;
    run.message = summarize(created.error());
    return run;
  }
  std::string name = pod["metadata"]["name"].get<std::string>();
  run.pod = *created;
  ctx.wait_for("pod " + name + (wait == ProbeWait::finished ? " to finish" : " to run"), timeout, [&] {
    KubeResult<Json> p = ctx.api.get(pod_kind, ctx.ns, name);
    if (!p) return false;
    run.pod = *p;
    if (!waiting_problem(run.pod).empty()) return true;
    if (terminal(run.pod)) return true;
    return wait == ProbeWait::running && run.pod.value("status", Json::object()).value("phase", "") == "Running";
  });
  run.node = run.pod.value("spec", Json::object()).value("nodeName", std::string());
  if (run.node.empty() && !condition(run.pod, "PodScheduled").is_object()) {
    // A real scheduler records why it cannot place a pod; silence means nothing schedules.
    run.state = ProbeState::no_output;
    run.message = "pod " + name + " was neither bound nor marked unschedulable: no scheduler acted on it";
    return run;
  }
  if (run.node.empty()) {
    run.state = ProbeState::unscheduled;
    run.message = "pod " + name + " was not bound to a node: " + unscheduled_reason(run.pod);
    return run;
  }
  if (std::string problem = waiting_problem(run.pod); !problem.empty()) {
    run.state = ProbeState::failed;
    run.message = "pod " + name + " on " + run.node + " could not start: " + problem;
    return run;
  }
  // The log may trail the phase a little on a real node; poll briefly for the probe line.
  std::vector<std::string> containers;
  for (const Json& c : run.pod["spec"].value("containers", Json::array())) containers.push_back(c.value("name", ""));
  ctx.wait_for("probe output of pod " + name, std::chrono::seconds(30), [&] {
    for (const std::string& c : containers) {
      if (run.reports.count(c) != 0) continue;
      KubeResult<std::string> log = ctx.api.pod_log(ctx.ns, name, c);
      if (!log) continue;
      auto lines = parse_probe_lines(*log);
      if (!lines.empty()) {
        run.reports[c] = lines.front();
        run.all_reports[c] = lines;
      }
    }
    return run.reports.size() == containers.size();
  }, std::chrono::seconds(3));
  if (run.reports.size() == containers.size()) {
    run.state = ProbeState::ran;
    return run;
  }
  std::string phase = run.pod.value("status", Json::object()).value("phase", std::string("none"));
  run.state = ProbeState::no_output;
  run.message = fmt::format("pod {} is bound to {} with phase {}, but its containers printed no probe output: "
                            "the node did not run them", name, run.node, phase);
  return run;
}

void delete_pod_and_wait(CheckContext& ctx, const std::string& name) {
  const GroupVersionKind pod_kind = gvk("v1", "Pod");
  KubeResult<Json> del = ctx.api.remove(pod_kind, ctx.ns, name);
  if (!del) return;
  ctx.wait_for("pod " + name + " to be deleted", std::chrono::seconds(90), [&] {
    KubeResult<Json> p = ctx.api.get(pod_kind, ctx.ns, name);
    return !p && p.error().not_found();
  });
  if (!ctx.api.served("resource.k8s.io", "v1", "resourceclaims")) return;
  // Generated claims outlive their pod briefly; a single-GPU node is busy until they are released.
  const GroupVersionKind claim_kind = gvk("resource.k8s.io/v1", "ResourceClaim");
  ctx.wait_for("resource claims of pod " + name + " to be released", std::chrono::seconds(90), [&] {
    KubeResult<kube::ObjectList> claims = ctx.api.list(claim_kind, ctx.ns);
    if (!claims) return true;
    for (const Json& c : claims->items) {
      for (const Json& owner : c["metadata"].value("ownerReferences", Json::array())) {
        if (owner.value("name", std::string()) == name) return false;
      }
    }
    return true;
  });
}

}  // namespace aiplat::conformance

// accelerator_metrics: an exporter (NVIDIA DCGM) runs on the accelerator nodes and serves
// per-device utilisation and memory series in Prometheus format, read through the API
// server's service proxy; device labels cover at least the node's allocatable accelerators.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "conformance/accelerators.hpp"
#include "conformance/check.hpp"
#include "conformance/prometheus_text.hpp"

namespace aiplat::conformance {
namespace {

const std::vector<std::string> k_device_labels = {"gpu", "UUID", "uuid", "device_id", "dev_id", "card_id",
                                                  "GPU_I_ID", "minor_number", "pci_bus_id"};

std::string device_of(const Series& s) {
  for (const std::string& l : k_device_labels) {
    auto it = s.labels.find(l);
    if (it != s.labels.end() && !it->second.empty()) return l + "=" + it->second;
  }
  return {};
}

bool contains_any(std::string name, const std::vector<std::string>& words) {
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return name.find(w) != std::string::npos; });
}

Verdict run(CheckContext& ctx) {
  Accelerators acc = find_accelerators(ctx);
  if (!acc.any()) return skip(SkipReason::needs_accelerators, acc.why_none);

  KubeResult<kube::ObjectList> svcs = ctx.api.list(gvk("v1", "Service"), "", "app=nvidia-dcgm-exporter");
  if (!svcs || svcs->items.empty()) {
    return fail("accelerators are present but no accelerator metrics exporter Service (app=nvidia-dcgm-exporter) exists");
  }
  const Json& svc = svcs->items.front();
  std::string ns = svc["metadata"].value("namespace", "");
  std::string name = svc["metadata"].value("name", "");
  std::string port = "9400";
  for (const Json& p : svc["spec"].value("ports", Json::array())) {
    if (p.contains("port")) port = std::to_string(p["port"].get<int>());
    break;
  }
  ctx.found("exporter Service " + ns + "/" + name + ":" + port);

  std::string text;
  bool scraped = ctx.wait_for("a 200 answer from the exporter through the service proxy", std::chrono::seconds(120), [&] {
    KubeResult<std::string> body = ctx.api.service_proxy_get(ns, name, port, "/metrics");
    if (body) text = *body;
    return body.has_value();
  }, std::chrono::seconds(10));
  if (!scraped) {
    return fail("the exporter Service " + ns + "/" + name + " did not answer /metrics through the API server proxy "
                "within 120s");
  }
  Exposition e = parse_exposition(text);
  if (e.help_lines == 0 || e.type_lines == 0 || e.series.empty()) {
    return fail("the exporter's /metrics answer is not Prometheus exposition text (no # HELP/# TYPE lines or samples)");
  }
  std::set<std::string> util_devices;
  std::set<std::string> mem_devices;
  std::set<std::string> extras;
  std::string host;
  for (const Series& s : e.series) {
    std::string dev = device_of(s);
    if (dev.empty()) continue;
    if (auto h = s.labels.find("Hostname"); h != s.labels.end()) host = h->second;
    if (contains_any(s.name, {"util"})) util_devices.insert(dev);
    else if (contains_any(s.name, {"fb_used", "fb_free", "mem", "vram", "hbm"})) mem_devices.insert(dev);
    if (contains_any(s.name, {"temp"})) extras.insert("temperature");
    if (contains_any(s.name, {"power", "energy"})) extras.insert("power");
    if (contains_any(s.name, {"nvlink", "pcie_tx", "pcie_rx", "xgmi", "bandwidth"})) extras.insert("interconnect");
  }
  if (util_devices.empty()) return fail("no per-device utilisation series (name containing \"util\" with a device label)");
  if (mem_devices.empty()) return fail("no per-device memory series (framebuffer or memory with a device label)");
  int expected = 1;
  for (const AcceleratorNode& n : acc.nodes) {
    if (n.name == host || host.empty()) expected = std::max(expected, host.empty() ? 1 : n.devices);
  }
  if (static_cast<int>(util_devices.size()) < expected) {
    return fail(fmt::format("utilisation is reported for {} device(s) of node {}, which offers {}", util_devices.size(),
                            host.empty() ? "?" : host, expected));
  }
  ctx.found(fmt::format("per-device utilisation for {} device(s) and memory for {} device(s){}", util_devices.size(),
                        mem_devices.size(), host.empty() ? "" : " on node " + host));
  std::string extra_words;
  for (const std::string& x : extras) extra_words += (extra_words.empty() ? "" : ", ") + x;
  ctx.found(extra_words.empty() ? "no temperature, power or interconnect series (SHOULD)"
                                 : "also exposed: " + extra_words);
  return pass("accelerator metrics are served per device in Prometheus format");
}

}  // namespace

CheckDef accelerator_metrics_check() {
  return CheckDef{
      "accelerator_metrics",
      "Accelerator metrics",
      "TestAcceleratorPerformanceMetrics",
      {Need::accelerators},
      std::chrono::seconds(300),
      "The DCGM exporter Service answers /metrics through the API server's service proxy with Prometheus text; "
      "utilisation and memory series carry a device label, for at least as many devices as the node offers; "
      "temperature, power and interconnect series are recorded when present.",
      run,
  };
}

}  // namespace aiplat::conformance

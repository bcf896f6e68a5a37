// kubesim: a Kubernetes API simulator for aiplat's tests and demo.
// Prints "kubesim ready https://127.0.0.1:PORT" once serving; SIGTERM/SIGINT stop it (exit 0).
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "auth.hpp"
#include "cluster.hpp"
#include "controllers.hpp"
#include "faults.hpp"
#include "kubeconfig.hpp"
#include "server.hpp"
#include "tls.hpp"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"kubesim: a Kubernetes API simulator that real kubectl accepts"};
  std::string minor_text = "1.35";
  std::string listen = "127.0.0.1:0";
  std::string kubeconfig_out;
  std::string request_log;
  std::vector<std::string> tokens;
  std::vector<std::string> forbidden_tokens;
  std::string token_file;
  int gpu_nodes = 0;
  int cpu_nodes = 1;
  double faults = 0;
  int latency_ms = 0;
  int controller_delay_ms = 200;
  kubesim::ServeOptions serve;
  app.add_option("--minor", minor_text, "Kubernetes minor to simulate, e.g. 1.35")->capture_default_str();
  app.add_option("--listen", listen, "host:port to serve on (port 0: any free port)")->capture_default_str();
  app.add_option("--kubeconfig-out", kubeconfig_out, "write a kubeconfig for this server here")->required();
  app.add_option("--gpu-nodes", gpu_nodes, "nodes with nvidia.com/gpu: 8")->capture_default_str();
  app.add_option("--cpu-nodes", cpu_nodes, "nodes without GPUs")->capture_default_str();
  app.add_option("--faults", faults, "fraction of requests answered 429/500/503 or reset")->capture_default_str();
  app.add_option("--latency-ms", latency_ms, "delay added to every request")->capture_default_str();
  app.add_option("--request-log", request_log, "append 'METHOD TARGET STATUS' per request to this file");
  app.add_option("--controller-delay-ms", controller_delay_ms, "delay before simulated controllers act")
      ->capture_default_str();
  app.add_option("--token", tokens, "accept this bearer token (repeatable)");
  app.add_option("--forbidden-token", forbidden_tokens, "a bearer token that authenticates but is refused (403)");
  app.add_option("--token-file", token_file, "accept each token in this file (one per line)");
  app.add_flag("--enable-dra", serve.enable_dra, "serve resource.k8s.io beta versions on 1.33");
  app.add_flag("--enable-scheduling-alpha", serve.enable_scheduling_alpha, "serve scheduling.k8s.io/v1alpha2 (1.36+)");
  CLI11_PARSE(app, argc, argv);

  if (minor_text.rfind("1.", 0) == 0) {
    minor_text = minor_text.substr(2);
  }
  serve.minor = std::atoi(minor_text.c_str());
  if (serve.minor < kubesim::k_min_minor || serve.minor > kubesim::k_max_minor) {
    std::cerr << "kubesim: --minor 1." << minor_text << " is not simulated; use 1." << kubesim::k_min_minor
              << " to 1." << kubesim::k_max_minor << "\n";
    return 2;
  }
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "kubesim: --listen " << listen << ": expected host:port\n";
    return 2;
  }
  std::string host = listen.substr(0, colon);
  int port = std::atoi(listen.substr(colon + 1).c_str());

  kubesim::Authenticator auth;
  for (const std::string& token : tokens) {
    auth.add_token(token, false);
  }
  for (const std::string& token : forbidden_tokens) {
    auth.add_token(token, true);
  }
  if (!token_file.empty()) {
    std::ifstream in(token_file);
    if (!in) {
      std::cerr << "kubesim: --token-file " << token_file << ": cannot read it\n";
      return 2;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line[0] != '#') {
        tokens.push_back(line);
        auth.add_token(line, false);
      }
    }
  }

  kubesim::Pki pki;
  std::string error;
  if (!kubesim::make_pki(pki, error)) {
    std::cerr << "kubesim: " << error << "\n";
    return 1;
  }
  kubesim::Cluster cluster(serve);
  kubesim::seed_cluster(cluster, cpu_nodes, gpu_nodes);
  kubesim::Faults fault_injector;
  fault_injector.set_rate(faults);
  fault_injector.set_latency_ms(latency_ms);
  kubesim::ApiServer server(cluster, auth, fault_injector, pki);
  if (!server.valid()) {
    std::cerr << "kubesim: the TLS server could not be set up\n";
    return 1;
  }
  if (!request_log.empty() && !server.open_request_log(request_log)) {
    std::cerr << "kubesim: --request-log " << request_log << ": cannot open it for appending\n";
    return 2;
  }
  int bound = server.bind(host, port);
  if (bound <= 0) {
    std::cerr << "kubesim: cannot listen on " << listen << "\n";
    return 1;
  }
  std::string url = "https://" + host + ":" + std::to_string(bound);
  if (!kubesim::write_kubeconfig(kubeconfig_out, url, pki, tokens.empty() ? "" : tokens.front(), error)) {
    std::cerr << "kubesim: " << error << "\n";
    return 1;
  }

  // Signals are taken by a waiting thread so that shutdown runs outside a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  kubesim::Controllers controllers(cluster, std::chrono::milliseconds(controller_delay_ms));
  controllers.start();
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    server.stop();
  });
  std::thread serving([&] { server.run(); });
  // The server accepts once listen_after_bind runs; the socket already queues connections.
  std::cout << "kubesim ready " << url << std::endl;
  serving.join();
  controllers.stop();
  if (waiter.joinable()) {
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }

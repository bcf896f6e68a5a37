#include "conformance/runner.hpp"

#include <algorithm>
#include <exception>
#include <random>

#include <fmt/format.h>

namespace aiplat::conformance {
namespace {

std::string random_id() {
  static const char k_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::mt19937 gen(rd());
  std::uniform_int_distribution<int> pick(0, 35);
  std::string out;
  for (int i = 0; i < 6; ++i) out += k_chars[pick(gen)];
  return out;
}

std::string dashed(std::string_view id) {
  std::string out(id);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// Namespace names are DNS labels (63 characters at most).
std::string namespace_for(std::string_view id, const std::string& run_id) {
  std::string base = "aiplat-conf-" + dashed(id);
  if (base.size() > 63 - 1 - run_id.size()) base.resize(63 - 1 - run_id.size());
  return base + "-" + run_id;
}

// Deletes the namespace and waits until it and its ResourceClaims are gone, so a following
// check on a single-GPU node finds the device free again.
std::string cleanup_namespace(CheckContext& ctx, std::chrono::seconds timeout) {
  const GroupVersionKind ns_kind = gvk("v1", "Namespace");
  KubeResult<Json> del = ctx.api.remove(ns_kind, "", ctx.ns);
  if (!del && del.error().not_found()) return {};
  if (!del) return "deleting namespace " + ctx.ns + ": " + summarize(del.error());
  bool dra = ctx.api.served("resource.k8s.io", "v1", "resourceclaims").has_value();
  const GroupVersionKind claim_kind = gvk("resource.k8s.io/v1", "ResourceClaim");
  // Cleanup gets its own budget: a check that used up its time must still clean up.
  Clock::Steady until = ctx.clock.now() + timeout;
  while (true) {
    if (ctx.cancelled()) {
      ctx.api.note("interrupted: deletion of namespace " + ctx.ns + " requested, not waited for");
      return {};
    }
    bool claims_gone = true;
    if (dra) {
      KubeResult<kube::ObjectList> claims = ctx.api.list(claim_kind, ctx.ns);
      claims_gone = !claims || claims->items.empty();
    }
    KubeResult<Json> ns = ctx.api.get(ns_kind, "", ctx.ns);
    if (claims_gone && !ns && ns.error().not_found()) {
      ctx.api.note("namespace " + ctx.ns + " and its resource claims are gone");
      return {};
    }
    if (ctx.clock.now() >= until) break;
    ctx.clock.sleep_for(std::chrono::seconds(2));
  }
  return fmt::format("namespace {} still exists {}s after deletion (finalizers or unreleased resource claims)",
                     ctx.ns, timeout.count());
}

CheckResult run_one(kube::Client& client, const RunOptions& options, const Requirement& req, Clock& clock,
                    const std::string& run_id) {
  CheckResult result;
  result.id = std::string(req.id);
  result.level = req.level;
  result.started_at = format_rfc3339(clock.wall_now());
  Clock::Steady start = clock.now();
  Transcript transcript(clock);
  transcript.add_secrets(options.secrets);
  auto finish = [&](CheckResult r) {
    r.transcript = transcript.lines();
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
    return r;
  };

  if (auto na = options.not_applicable.find(result.id); na != options.not_applicable.end()) {
    result.outcome = Outcome::not_applicable;
    result.message = na->second;
    transcript.observe("not run: the profile declares this requirement N/A: " + na->second);
    return finish(std::move(result));
  }
  const CheckDef* def = find_check(req.id);
  if (def == nullptr) {
    result.outcome = Outcome::skip;
    result.reason = SkipReason::no_check;
    result.message = std::string(describe(SkipReason::no_check)) + "; provide evidence by hand";
    transcript.observe("not run: " + result.message);
    return finish(std::move(result));
  }

  Api api(client, transcript);
  std::string ns = namespace_for(req.id, run_id);
  CheckContext ctx(api, clock, options.settings, ns, run_id, def->timeout);
  ctx.cancel_on(options.cancel);
  Json ns_object = {{"apiVersion", "v1"},
                    {"kind", "Namespace"},
                    {"metadata",
                     {{"name", ns},
                      {"labels", {{"aiplat.dev/conformance", dashed(req.id)}, {"aiplat.dev/conformance-run", run_id}}}}}};
  KubeResult<Json> created = api.create(ns_object);
  if (!created) {
    result.outcome = Outcome::fail;
    result.message = "could not create the check's namespace " + ns + ": " + summarize(created.error());
    return finish(std::move(result));
  }
  result.namespace_name = ns;
  Verdict verdict;
  try {
    verdict = def->run(ctx);
  } catch (const std::exception& e) {
    // An answer shaped unlike any Kubernetes object (a field of the wrong type) must not end the run.
    verdict = fail(std::string("unexpected answer from the cluster: ") + e.what());
  }
  ctx.run_cleanups();
  result.cleanup_warning = cleanup_namespace(ctx, options.cleanup_timeout);
  result.outcome = verdict.outcome;
  result.reason = verdict.reason;
  result.message = verdict.message;
  result.completeness = verdict.completeness;
  result.findings = ctx.findings();
  transcript.observe(fmt::format("verdict: {}{} {}", to_string(result.outcome),
                                 result.reason == SkipReason::none ? "" : " (" + std::string(to_string(result.reason)) + ")",
                                 result.message));
  return finish(std::move(result));
}

}  // namespace

Result<std::vector<std::string>> selected_ids(const RunOptions& options) {
  std::vector<std::string> problems;
  for (const std::string& id : options.only) {
    if (options.checklist.find(id) != nullptr) continue;
    bool known = false;
    for (const Checklist& c : all_checklists()) known = known || c.find(id) != nullptr;
    problems.push_back(known ? fmt::format("\"{}\" is not part of the {} checklist", id, options.checklist.version)
                             : fmt::format("\"{}\" is not a requirement id of any checklist", id));
  }
  for (const auto& [id, why] : options.not_applicable) {
    if (options.checklist.find(id) == nullptr) {
      problems.push_back(fmt::format("N/A declared for \"{}\", which the {} checklist does not list", id,
                                     options.checklist.version));
    }
    if (why.empty()) problems.push_back(fmt::format("N/A for \"{}\" needs a justification", id));
  }
  if (!problems.empty()) {
    std::string msg = "cannot select checks:";
    for (const std::string& p : problems) msg += "\n  " + p;
    std::string ids;
    for (const Requirement& r : options.checklist.requirements) ids += (ids.empty() ? "" : ", ") + std::string(r.id);
    return input_error(msg + "\n  ids of " + std::string(options.checklist.version) + ": " + ids);
  }
  std::vector<std::string> out;
  for (const Requirement& r : options.checklist.requirements) {
    if (options.only.empty() ||
        std::find(options.only.begin(), options.only.end(), r.id) != options.only.end()) {
      out.emplace_back(r.id);
    }
  }
  return out;
}

Result<std::vector<CheckResult>> run_checks(kube::Client& client, const RunOptions& options,
                                            const ResultSink& on_result) {
  Result<std::vector<std::string>> ids = selected_ids(options);
  if (!ids) return tl::unexpected(ids.error());
  std::shared_ptr<Clock> clock = options.clock ? options.clock : real_clock();
  std::vector<CheckResult> results;
  auto interrupted = [&] { return options.cancel != nullptr && options.cancel->load(); };
  for (const std::string& id : *ids) {
    if (interrupted()) return cancelled("interrupted before check " + id);
    const Requirement* req = options.checklist.find(id);
    std::string run_id = options.make_run_id ? options.make_run_id() : random_id();
    CheckResult r = run_one(client, options, *req, *clock, run_id);
    if (interrupted()) {
      return cancelled(r.namespace_name.empty()
                           ? "interrupted during check " + id
                           : "interrupted during check " + id + " (deletion of its namespace " + r.namespace_name +
                                 " was requested)");
    }
    if (on_result) on_result(r);
    results.push_back(std::move(r));
  }
  return results;
}

bool any_must_failed(const std::vector<CheckResult>& results) {
  return std::any_of(results.begin(), results.end(),
                     [](const CheckResult& r) { return r.level == Level::must && r.outcome == Outcome::fail; });
}

}  // namespace aiplat::conformance

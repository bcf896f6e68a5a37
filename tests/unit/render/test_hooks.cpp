// Helm hook annotations: which events, what order, which delete policies; and which hooks are set
// apart from the objects to apply.
#include <gtest/gtest.h>

#include "render/hooks.hpp"

namespace aiplat::render {
namespace {

Json hook(const std::string& kind, const std::string& name, const std::string& events, const std::string& weight = "",
          const std::string& policy = "") {
  Json o = {{"apiVersion", kind == "Job" ? "batch/v1" : "v1"},
            {"kind", kind},
            {"metadata", {{"name", name}, {"namespace", "ns"}, {"annotations", Json::object()}}}};
  if (!events.empty()) o["metadata"]["annotations"][k_hook_annotation] = events;
  if (!weight.empty()) o["metadata"]["annotations"][k_hook_weight_annotation] = weight;
  if (!policy.empty()) o["metadata"]["annotations"][k_hook_delete_policy_annotation] = policy;
  return o;
}

std::vector<std::string> names(const std::vector<Hook>& hooks) {
  std::vector<std::string> out;
  for (const Hook& h : hooks) out.push_back(h.object["metadata"]["name"]);
  return out;
}

TEST(Hooks, EventsAreSplitOnCommasWithSpaces) {
  // envoy-gateway writes "pre-install, pre-upgrade".
  Result<Hook> h = parse_hook(hook("Job", "certgen", "pre-install, pre-upgrade"));
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_TRUE(h->runs_on(HookEvent::pre_install));
  EXPECT_TRUE(h->runs_on(HookEvent::pre_upgrade));
  EXPECT_FALSE(h->runs_on(HookEvent::post_install));
}

TEST(Hooks, DefaultDeletePolicyIsBeforeHookCreation) {
  Result<Hook> plain = parse_hook(hook("Job", "a", "pre-install"));
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->has_policy(DeletePolicy::before_hook_creation));
  Result<Hook> explicit_ = parse_hook(hook("Job", "b", "pre-install", "", "hook-succeeded, hook-failed"));
  ASSERT_TRUE(explicit_);
  EXPECT_FALSE(explicit_->has_policy(DeletePolicy::before_hook_creation));
  EXPECT_TRUE(explicit_->has_policy(DeletePolicy::hook_succeeded));
  EXPECT_TRUE(explicit_->has_policy(DeletePolicy::hook_failed));
}

TEST(Hooks, BadWeightOrPolicyIsAnInputErrorNamingTheObject) {
  Result<Hook> weight = parse_hook(hook("Job", "w", "pre-install", "first"));
  ASSERT_FALSE(weight);
  EXPECT_EQ(weight.error().kind, ErrorKind::input);
  EXPECT_NE(weight.error().message.find("Job ns/w"), std::string::npos) << weight.error().message;
  EXPECT_NE(weight.error().message.find("helm.sh/hook-weight"), std::string::npos);
  Result<Hook> policy = parse_hook(hook("Job", "p", "pre-install", "", "hook-maybe"));
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().message.find("hook-maybe"), std::string::npos) << policy.error().message;
}

TEST(Hooks, OrderIsWeightThenKindThenName) {
  std::vector<Json> hooks = {
      hook("Job", "z-job", "pre-install", "0"),
      hook("ServiceAccount", "sa", "pre-install", "-1"),
      hook("Job", "a-job", "pre-install", "0"),
      hook("ConfigMap", "cm", "pre-install", "0"),
      hook("Job", "late", "pre-install", "5"),
      hook("Job", "post", "post-install", "-10"),
  };
  Result<std::vector<Hook>> pre = hooks_for(hooks, HookEvent::pre_install);
  ASSERT_TRUE(pre);
  EXPECT_EQ(names(*pre), (std::vector<std::string>{"sa", "cm", "a-job", "z-job", "late"}));
  Result<std::vector<Hook>> post = hooks_for(hooks, HookEvent::post_install);
  ASSERT_TRUE(post);
  EXPECT_EQ(names(*post), (std::vector<std::string>{"post"}));
}

TEST(Hooks, EveryHookKindIsSetApartAndOnlyInstallAndUpgradeOnesCountAsRun) {
  std::vector<Json> objects = {hook("ConfigMap", "plain", "")};
  for (const char* event : {"pre-install", "post-install", "pre-upgrade", "post-upgrade", "pre-delete", "post-delete",
                            "pre-rollback", "post-rollback", "test"}) {
    objects.push_back(hook("Job", std::string("job-") + event, event));
  }
  std::vector<Json> hooks = set_hooks_apart(objects);
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(objects[0]["metadata"]["name"], "plain");
  EXPECT_EQ(hooks.size(), 9U);
  HookCounts counts = count_hooks(hooks);
  EXPECT_EQ(counts.install, 4U);
  EXPECT_EQ(counts.set_aside, 5U);
  for (HookEvent e : {HookEvent::pre_install, HookEvent::post_install, HookEvent::pre_upgrade, HookEvent::post_upgrade}) {
    Result<std::vector<Hook>> due = hooks_for(hooks, e);
    ASSERT_TRUE(due);
    ASSERT_EQ(due->size(), 1U) << to_string(e);
    EXPECT_EQ((*due)[0].object["metadata"]["name"], "job-" + to_string(e));
  }
}

TEST(Hooks, EmptyAnnotationIsNotAHookAndKeepPolicyIsRead) {
  Json o = hook("ConfigMap", "c", "");
  o["metadata"]["annotations"][k_hook_annotation] = " ";
  EXPECT_FALSE(is_hook(o));
  EXPECT_FALSE(keeps_on_delete(o));
  o["metadata"]["annotations"][k_resource_policy_annotation] = "keep";
  EXPECT_TRUE(keeps_on_delete(o));
}

}  // namespace
}  // namespace aiplat::render

#include "engine/baseline.h"

#include <ctime>
#include <filesystem>
#include <system_error>

#include "engine/deploy.h"
#include "template/template_reader.h"

namespace rex::engine {

namespace {

// "2026-12-01 10:02 UTC".
std::string FormatMinute(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M UTC", &tm);
  return buffer;
}

bool HoldsNestedStacks(const base::Json& tmpl) {
  auto resources = tmpl.find("Resources");
  if (resources == tmpl.end() || !resources->is_object()) return false;
  for (const auto& [id, resource] : resources->items()) {
    auto type = resource.find("Type");
    if (type != resource.end() && type->is_string() &&
        type->get<std::string>() == "AWS::CloudFormation::Stack") {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string Baseline::Describe() const {
  switch (source) {
    case Source::kCloudFormation:
      if (deployed()) return "the template CloudFormation holds (" + stack_status + ")";
      return "nothing deployed (stack " + stack_name +
             (stack_status.empty() ? " does not exist"
                                   : " is " + stack_status + ", holding nothing") +
             (region.empty() ? "" : " in " + region) + ")";
    case Source::kCache:
      return "the copy" + (cached_at ? " of " + FormatMinute(*cached_at) : std::string()) + " in " +
             cache_path + ", not checked with AWS";
    case Source::kNone:
      return "nothing deployed as far as this folder knows (no " + cache_path +
             "; not checked with AWS)";
  }
  return "";
}

base::Result<Baseline> ReadDeployedBaseline(aws::CloudFormationClient& cfn,
                                            const std::string& stack_name,
                                            const std::string& region) {
  const std::string context = "read the deployed template of " + stack_name;
  Baseline baseline{
      .source = Baseline::Source::kCloudFormation, .stack_name = stack_name, .region = region};
  auto found = FindStack(cfn, stack_name);
  if (!found.ok()) return std::move(found).error().WithContext(context);
  if (!found->has_value()) return baseline;
  const aws::Stack& stack = **found;
  baseline.stack_status = stack.stack_status;
  if (stack.stack_status == "REVIEW_IN_PROGRESS" || stack.stack_status == "ROLLBACK_COMPLETE") {
    return baseline;
  }
  for (const aws::CfnParameter& p : stack.parameters) baseline.parameters[p.key] = p.value;
  auto got = cfn.GetTemplate(stack_name, "", "Original");
  if (!got.ok()) return std::move(got).error().WithContext(context);
  auto tmpl =
      tmpl::ReadTemplate(got->template_body, "the template CloudFormation holds for " + stack_name);
  if (!tmpl.ok()) return std::move(tmpl).error().WithContext(context);
  baseline.nested = HoldsNestedStacks(*tmpl);
  baseline.tmpl = std::move(*tmpl);
  return baseline;
}

base::Result<Baseline> ReadCachedBaseline(const StateStore& state, std::string_view stack) {
  Baseline baseline{.source = Baseline::Source::kNone,
                    .cache_path = StateStore::DeployedTemplateRelativePath(stack)};
  REX_ASSIGN_OR_RETURN(std::optional<base::Json> tmpl, state.ReadDeployedTemplate(stack));
  if (!tmpl) return baseline;
  baseline.source = Baseline::Source::kCache;
  baseline.tmpl = std::move(*tmpl);
  std::error_code error;
  auto written = std::filesystem::last_write_time(state.DeployedTemplatePath(stack), error);
  if (!error) {
    baseline.cached_at = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        std::chrono::file_clock::to_sys(written));
  }
  return baseline;
}

}  // namespace rex::engine

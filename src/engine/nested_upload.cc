#include "engine/nested_upload.h"

#include <string>

#include "aws/hash.h"
#include "aws/http.h"
#include "cfn/registry.gen.h"

namespace rex::engine {
namespace {

std::string Compact(const base::Json& j) {
  return j.dump(-1, ' ', false, base::Json::error_handler_t::replace);
}

}  // namespace

base::Result<std::string> PrepareNestedTemplate(DeployClients& clients,
                                                const std::string& stack_name,
                                                const std::string& template_body,
                                                const std::string& bucket, DeployObserver& observer,
                                                tmpl::NestedOptions options) {
  auto parsed = base::ParseJson(template_body, "template");
  if (!parsed.ok()) return template_body;
  const base::Json& tmpl = *parsed;
  if (!tmpl.is_object() || !tmpl.contains("Resources") || !tmpl["Resources"].is_object() ||
      tmpl["Resources"].size() <= options.split_above) {
    return template_body;
  }
  if (!options.schemas) options.schemas = cfn::FindResourceSchema;
  REX_ASSIGN_OR_RETURN(tmpl::NestedStacks nested, tmpl::SplitIntoNestedStacks(tmpl, options));
  if (!nested.split()) return template_body;
  size_t resources = tmpl["Resources"].size();
  if (bucket.empty() || clients.s3 == nullptr) {
    return base::FailedPrecondition(
        "the template has " + std::to_string(resources) + " resources, over CloudFormation's " +
        std::to_string(options.max_resources) + " per stack, so rex deploys it as " +
        std::to_string(nested.children.size()) +
        " nested stacks whose templates go through S3; run \"rex bootstrap\" once to create "
        "the bucket");
  }
  std::string prefix = "templates/" + stack_name + "/nested/";
  observer.OnStep("splitting " + std::to_string(resources) + " resources into " +
                  std::to_string(nested.children.size()) +
                  " nested stacks; uploading their templates to s3://" + bucket + "/" + prefix);
  base::Json& parent_resources = nested.parent["Resources"];
  for (const auto& [name, child] : nested.children) {
    std::string body = Compact(child);
    std::string key = prefix + aws::Sha256Hex(body) + ".json";
    aws::PutObjectRequest put{
        .bucket = bucket, .key = key, .body = std::move(body), .content_type = "application/json"};
    auto uploaded = clients.s3->PutObject(put);
    if (!uploaded.ok()) {
      return std::move(uploaded).error().WithContext("upload nested stack template " + name);
    }
    parent_resources[name]["Properties"]["TemplateURL"] =
        clients.s3->client().endpoint().url + "/" + bucket + "/" + aws::UriEncode(key, true);
  }
  return Compact(nested.parent);
}

}  // namespace rex::engine

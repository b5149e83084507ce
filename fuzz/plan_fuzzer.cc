// libFuzzer target: tmpl::ComputePlan against a hostile baseline. The baseline is what
// `rex preview` reads from CloudFormation or .rex/<stack>/deployed.template.json, so it goes
// through the template reader first (as rex does); the new template is a fixed one with a
// stateful database, a bucket and parameters, and a small schema table marks replacing
// properties, so the data-loss paths are reached. The plan is rendered as JSON too.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/schema.h"
#include "template/plan.h"
#include "template/template_reader.h"

namespace {

constexpr std::string_view kAfter = R"({
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"DbPassword": {"Type": "String", "NoEcho": true}, "Tag": {"Type": "String"}},
  "Conditions": {"HasTag": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Tag"}, ""]}]}},
  "Resources": {
    "Database": {"Type": "AWS::RDS::DBCluster", "DeletionPolicy": "Snapshot",
                 "Properties": {"Engine": "aurora-postgresql", "DatabaseName": "app",
                                "MasterUserPassword": {"Ref": "DbPassword"}}},
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "b-${Tag}"}}},
    "Queue": {"Type": "AWS::SQS::Queue", "Condition": "HasTag", "DependsOn": ["Bucket"]}
  },
  "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}}
})";

constexpr std::array<rex::core::PropertySchema, 3> kDbProperties = {{
    {.name = "Engine", .replacement = rex::core::Replacement::kYes},
    {.name = "DatabaseName", .replacement = rex::core::Replacement::kYes},
    {.name = "MasterUserPassword"},
}};
constexpr std::array<rex::core::PropertySchema, 1> kBucketProperties = {{
    {.name = "BucketName", .replacement = rex::core::Replacement::kYes},
}};
const rex::core::ResourceSchema kDb{
    .type = "AWS::RDS::DBCluster", .properties = kDbProperties, .stateful = true};
const rex::core::ResourceSchema kBucket{
    .type = "AWS::S3::Bucket", .properties = kBucketProperties, .stateful = true};

const rex::core::ResourceSchema* Schema(std::string_view type) {
  if (type == kDb.type) return &kDb;
  if (type == kBucket.type) return &kBucket;
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rex::base::Json after = *rex::tmpl::ReadTemplate(kAfter, "after.json");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto before = rex::tmpl::ReadTemplate(text, "deployed.template.json");
  if (!before.has_value()) return 0;
  rex::tmpl::Plan plan = rex::tmpl::ComputePlan(*before, after, &Schema);
  (void)rex::tmpl::PlanToJson(plan);
  rex::tmpl::Plan back = rex::tmpl::ComputePlan(after, *before, &Schema);
  (void)back.HasChanges();
  return 0;
}

#include "constructs/queue.h"

#include <utility>

#include "constructs/iam_policy.h"

namespace rex::constructs {

using core::Str;
using core::Value;

namespace {

constexpr int kDeadLetterRetentionSeconds = 14 * 24 * 3600;

}  // namespace

Queue::Queue(core::Construct& scope, std::string id, QueueProps props)
    : core::Construct(scope, std::move(id)), props_(std::move(props)) {
  if (props_.name.empty()) AddError("name is required; it names the grant policies");
  if (props_.max_receive_count < 1 || props_.max_receive_count > 1000) {
    AddError("max_receive_count " + std::to_string(props_.max_receive_count) +
             " is outside 1 to 1000");
  }
  if (props_.visibility_timeout < 0 || props_.visibility_timeout > 43200) {
    AddError("visibility_timeout " + std::to_string(props_.visibility_timeout) +
             " is outside 0 to 43200 seconds");
  }
  if (props_.retention_seconds < 60 || props_.retention_seconds > kDeadLetterRetentionSeconds) {
    AddError("retention_seconds " + std::to_string(props_.retention_seconds) +
             " is outside 60 to 1209600");
  }
  dead_letter_ = &Add<cfn::sqs::CfnQueue>(
      "DeadLetterQueue", cfn::sqs::CfnQueueProps{
                             .message_retention_period = kDeadLetterRetentionSeconds,
                             .sqs_managed_sse_enabled = true,
                         });
  queue_ = &Add<cfn::sqs::CfnQueue>(
      "Resource", cfn::sqs::CfnQueueProps{
                      .message_retention_period = props_.retention_seconds,
                      .redrive_policy = core::Json(Value::Object({
                          {"deadLetterTargetArn", dead_letter_->attr_arn().value()},
                          {"maxReceiveCount", props_.max_receive_count},
                      })),
                      .sqs_managed_sse_enabled = true,
                      .visibility_timeout = props_.visibility_timeout,
                  });
  // TLS only (cdk-nag AwsSolutions-SQS4): every request to either queue over plain HTTP is
  // denied. Adding the policy does not replace the queues.
  Value deny_plain_http = Value::Object({
      {"Sid", "DenyWithoutTls"},
      {"Effect", "Deny"},
      {"Principal", "*"},
      {"Action", "sqs:*"},
      {"Resource", Value::List({queue_arn().value(), dead_letter_->attr_arn().value()})},
      {"Condition", Value::Object({{"Bool", Value::Object({{"aws:SecureTransport", "false"}})}})},
  });
  Add<cfn::sqs::CfnQueuePolicy>(
      "Policy", cfn::sqs::CfnQueuePolicyProps{
                    .policy_document = core::Json(PolicyDocument({deny_plain_http})),
                    .queues = core::List<Str>{queue_->Ref(), dead_letter_->Ref()},
                });
}

cfn::iam::CfnPolicy& Queue::GrantSend(std::vector<Str> role_names) {
  return AddRolePolicy(*this, "SendPolicy", "queue-" + props_.name + "-send", std::move(role_names),
                       {AllowStatement("SendMessages", {"sqs:SendMessage"}, {queue_arn()})});
}

cfn::iam::CfnPolicy& Queue::GrantConsume(std::vector<Str> role_names) {
  return AddRolePolicy(
      *this, "ConsumePolicy", "queue-" + props_.name + "-consume", std::move(role_names),
      {AllowStatement("ConsumeMessages",
                      {"sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes",
                       "sqs:GetQueueUrl", "sqs:ReceiveMessage"},
                      {queue_arn()})});
}

}  // namespace rex::constructs

#pragma once

// IAM policy documents as template values, for the constructs that grant access (Queue,
// Bucket, ScheduledTask): statements with exact resources (tokens of the resources they
// protect), service trust policies pinned to the calling account, and an AWS::IAM::Policy
// attached to roles given by their tokens. Pure value builders plus one resource factory.

#include <optional>
#include <string>
#include <vector>

#include "cfn/iam.gen.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::constructs {

// {"Sid", "Effect": "Allow", "Action": [...], "Resource": [...]}; `condition`, when not null,
// is the statement's Condition.
core::Value AllowStatement(std::string sid, std::vector<std::string> actions,
                           std::vector<core::Str> resources, core::Value condition = {});

// {"Version": "2012-10-17", "Statement": [...]}.
core::Value PolicyDocument(std::vector<core::Value> statements);

// The trust policy of a role that `service_principal` ("scheduler.amazonaws.com") assumes
// on behalf of this account only (aws:SourceAccount), the confused-deputy guard AWS
// recommends.
core::Value ServiceTrustPolicy(const std::string& service_principal);

// The role name (Ref) of the AWS::IAM::Role that `role_arn` was read from (a GetAtt Arn of a
// role in the same stack), or nullopt when `role_arn` is not such a token. Lets a construct
// attach a policy to a role it was given only by ARN, wherever the role was made.
std::optional<core::Str> RoleNameFromArn(const core::Str& role_arn);

// Adds an AWS::IAM::Policy `id` under `scope` named `policy_name`, holding `statements`,
// attached to the roles `role_names` (Refs of AWS::IAM::Role). An empty role list is recorded
// as an error on `scope`.
cfn::iam::CfnPolicy& AddRolePolicy(core::Construct& scope, const std::string& id,
                                   const std::string& policy_name,
                                   std::vector<core::Str> role_names,
                                   std::vector<core::Value> statements);

}  // namespace rex::constructs

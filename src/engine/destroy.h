#pragma once

// Deleting a deployed stack: list what holds data first, empty the ECR repositories so
// CloudFormation can delete them, DeleteStack, and follow the events to DELETE_COMPLETE.

#include <atomic>
#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "aws/cloudformation.h"
#include "aws/ecr.h"
#include "base/json.h"
#include "base/result.h"
#include "engine/deploy.h"
#include "engine/observer.h"
#include "template/plan.h"

namespace rex::engine {

// A resource whose deletion destroys data (schema `stateful`: database, cache, bucket,
// repository, log group).
struct StatefulResource {
  std::string logical_id = {};
  std::string type = {};
  std::string deletion_policy = {};  // "" (delete), "Retain", "RetainExceptOnCreate", "Snapshot"
  // False when CloudFormation keeps the resource (or a snapshot of it) on stack deletion.
  bool data_lost() const {
    return deletion_policy != "Retain" && deletion_policy != "RetainExceptOnCreate" &&
           deletion_policy != "Snapshot";
  }
};

// The stateful resources of `tmpl`, by logical id. `schemas` is cfn::FindResourceSchema in
// production.
std::vector<StatefulResource> StatefulResources(const base::Json& tmpl,
                                                const tmpl::SchemaLookup& schemas);

// The template CloudFormation holds for `stack_name` (GetTemplate, stage Original), parsed.
// kNotFound when the stack does not exist; kInvalidArgument when it is not JSON.
base::Result<base::Json> DeployedTemplate(aws::CloudFormationClient& cfn,
                                          const std::string& stack_name);

struct DestroyRequest {
  std::string stack_name = {};
  // The stack's template; null: read with DeployedTemplate().
  base::Json deployed_template = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  PollOptions poll = {};
};

struct Destroyed {
  std::chrono::milliseconds duration{0};
  // Logical ids CloudFormation left in place (DeletionPolicy Retain/Snapshot).
  std::vector<std::string> retained = {};
};

struct NothingToDestroy {};

using DestroyOutcome = std::variant<Destroyed, NothingToDestroy, Failed, Cancelled>;

// Deletes the stack:
//  1. DescribeStacks: absent → NothingToDestroy; an operation in progress → kFailedPrecondition.
//  2. Every AWS::ECR::Repository without DeletionPolicy Retain is emptied first (ListImages +
//     BatchDeleteImage) unless it sets EmptyOnDelete, in which case CloudFormation empties it
//     (the observer is told either way). With `ecr` null the repositories are left as they are
//     and the observer is told that their deletion fails if they hold images.
//  3. DeleteStack, then the events are followed (by stack id) to DELETE_COMPLETE (Destroyed)
//     or DELETE_FAILED (Failed, with the first failing resource's reason).
// Errors: AWS errors with context "destroy <stack>".
base::Result<DestroyOutcome> Destroy(DeployClients& clients, aws::EcrClient* ecr,
                                     const DestroyRequest& request, DeployObserver& observer);

}  // namespace rex::engine

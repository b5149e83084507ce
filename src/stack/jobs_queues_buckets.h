#pragma once

// The jobs, queues and buckets of the stack config (config/workload_types.h) as constructs of
// the Rex stack, wired to the components that already exist. Called once by RexStack, after
// every service exists; adds nothing when the config has none (the presets), so their
// templates do not change.
//
//   jobs.<name>     a constructs::ScheduledTask "Jobs/<Name>": family and container
//                   "<p>-<e>-<name>" / "<name>", log group "/ecs/<p>-<e>-<name>"
//                   (logRetentionDays), the shared execution role (plus a policy for the
//                   job's log group), the services security group and private subnets;
//                   image: a service's name runs that service's image (tag included);
//                   environment references and app secrets are those of services.
//   queues.<name>   a constructs::Queue "Queues/<Name>" (logical id "Queues<Name>", its
//                   dead-letter queue "Queues<Name>DeadLetterQueue"); producers get
//                   "Queues<Name>SendPolicy", consumers "Queues<Name>ConsumePolicy", both on
//                   their task roles; each of them gets <NAME>_QUEUE_URL in its environment,
//                   and its ECS service DependsOn its grant; output "<name>QueueUrl".
//   buckets.<name>  a constructs::Bucket "Buckets/<Name>"; readers get
//                   "Buckets<Name>ReadPolicy", writers "Buckets<Name>WritePolicy";
//                   <NAME>_BUCKET in their environment; output "<name>BucketName".
//
// Construct ids come from the names ("email-jobs" -> "EmailJobs"): renaming an entry
// replaces its resources (a bucket is retained, not deleted).
//
// Errors (AddError on the stack, reported at synthesis): a service named by a grant or a job
// image that the stack does not have (ValidateConfig refuses them first).

#include "stack/rex_stack.h"

namespace rex::stack {

void AddJobsQueuesAndBuckets(RexStack& stack);

}  // namespace rex::stack

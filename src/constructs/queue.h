#pragma once

// Queue: an SQS standard queue with its dead-letter queue, both encrypted with SQS-managed
// keys (SSE-SQS), and the grants that let roles use it, from a props struct that says
// everything (no stack config). A message received `max_receive_count` times without being
// deleted moves to the dead-letter queue, which keeps it 14 days (the most SQS allows).
//
// Placement: a node of the construct tree; logical ids are "<path>" for the queue (its
// construct id is "Resource"), "<path>DeadLetterQueue", "<path>Policy" for the queue policy
// denying every request without TLS to both queues, and "<path>SendPolicy" /
// "<path>ConsumePolicy" for the grants ("Queues/Jobs" -> "QueuesJobs").
//
// Errors (AddError, reported at synthesis): values outside what SQS accepts; a grant to no
// role.
//
// Not thread-safe, like the construct tree.

#include <string>
#include <vector>

#include "cfn/iam.gen.h"
#include "cfn/sqs.gen.h"
#include "core/construct.h"
#include "core/value.h"

namespace rex::constructs {

struct QueueProps {
  // Receives before a message moves to the dead-letter queue. Default: 5. Allowed: 1 to 1000.
  int max_receive_count = 5;
  // Seconds a received message stays hidden from other consumers. Default: 30. Allowed: 0 to
  // 43200.
  int visibility_timeout = 30;
  // Seconds a message waits in the queue. Default: 4 days. Allowed: 60 to 1209600.
  int retention_seconds = 4 * 24 * 3600;
  // What the grant policies are called in IAM ("queue-<name>-send"), e.g. the queue's config
  // name. Required.
  std::string name = "";
};

class Queue : public core::Construct {
 public:
  Queue(core::Construct& scope, std::string id, QueueProps props);

  core::Str queue_url() const { return queue_->Ref(); }
  core::Str queue_arn() const { return queue_->attr_arn(); }
  core::Str dead_letter_queue_url() const { return dead_letter_->Ref(); }

  // Lets the roles (Refs of AWS::IAM::Role) send messages: sqs:SendMessage on this queue.
  // Adds the policy "SendPolicy"; call at most once.
  cfn::iam::CfnPolicy& GrantSend(std::vector<core::Str> role_names);
  // Lets the roles receive and delete messages, change their visibility and read the queue's
  // attributes. Adds the policy "ConsumePolicy"; call at most once.
  cfn::iam::CfnPolicy& GrantConsume(std::vector<core::Str> role_names);

  cfn::sqs::CfnQueue& queue() { return *queue_; }
  cfn::sqs::CfnQueue& dead_letter_queue() { return *dead_letter_; }

 private:
  QueueProps props_;
  cfn::sqs::CfnQueue* queue_ = nullptr;
  cfn::sqs::CfnQueue* dead_letter_ = nullptr;
};

}  // namespace rex::constructs

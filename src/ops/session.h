#pragma once

// What every day-2 operation (src/ops/) needs to talk to AWS: the clients of one command and
// how to poll. The CLI builds one from its global flags (cli/ops_session.h); tests fill it
// with clients on a FakeTransport.

#include <atomic>
#include <string>

#include "aws/cloudformation.h"
#include "aws/ecs.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "base/clock.h"
#include "engine/deploy.h"

namespace rex::ops {

// Non-owning: every pointer must outlive the operation it is passed to. A client an operation
// needs must be set (a null one is a bug, REX_CHECKed); the others may stay null.
// Thread-compatible (one operation at a time).
struct Session {
  std::string region;  // for messages ("stack X does not exist in us-east-1")
  base::Clock* clock = nullptr;
  aws::CloudFormationClient* cfn = nullptr;
  aws::EcsClient* ecs = nullptr;
  aws::LogsClient* logs = nullptr;
  // Poll intervals for task and service waits and for `rex logs -f`. Default: 1 s growing to
  // 5 s (REX_POLL_INTERVAL_MS in the CLI).
  engine::PollOptions poll = {};
  // Set (e.g. by Ctrl-C) to stop waiting or following; operations then return what they
  // know, marked as cancelled. Default: never.
  const std::atomic<bool>* cancel = nullptr;
  // The bootstrap bucket's client (the SuperTokens bootstrap record lives there,
  // ops/db_bootstrap.h). Default: none (the record is then local only).
  aws::S3Client* s3 = nullptr;

  bool cancelled() const { return cancel != nullptr && cancel->load(); }
};

}  // namespace rex::ops

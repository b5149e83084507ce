#pragma once

// The session of the day-2 commands (rex migrate, db bootstrap, logs, redeploy, status): the
// deploy commands' AWS session (cli/progress.h: region, credentials, --endpoint-url, retries,
// timeout) plus the clients day-2 needs, as one ops::Session.

#include <memory>
#include <optional>

#include "aws/ecs.h"
#include "aws/logs.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "cli/stack_select.h"
#include "config/config.h"
#include "ops/session.h"
#include "ops/stack_info.h"

namespace rex::cli {

// Owns the clients that `session` points at; keep it alive while the session is used.
struct OpsSession {
  std::unique_ptr<AwsSession> aws;
  std::unique_ptr<aws::EcsClient> ecs;
  std::unique_ptr<aws::LogsClient> logs;
  ops::Session session;
};

// OpenAwsSession, then the ECS and CloudWatch Logs clients on the same transport and
// credentials; poll intervals from REX_POLL_INTERVAL_MS (PollOptionsFromEnvironment).
// `cancel` (e.g. CancelOnInterrupt::flag()) may be null. kInvalidArgument for bad flags or
// settings, as OpenAwsSession.
base::Result<std::unique_ptr<OpsSession>> OpenOpsSession(const Context& ctx,
                                                         const config::Config& config,
                                                         const std::atomic<bool>* cancel);

// What every day-2 command starts with: the selected stack's config, the session and the
// deployed stack (ops::LoadStackInfo: it exists and is usable).
struct DayTwo {
  SelectedStack selected;
  std::unique_ptr<OpsSession> ops;
  ops::StackInfo stack;
};

// Prints the error and sets `exit_code` (2 for bad config, flags or a stack that does not
// exist; 1 for AWS failures and unusable stacks) when it returns nullopt. Day-2 commands act
// on a deployed stack, so by default they need its stacks/<name>.yaml (StackUse::kChangesAws:
// no built-in preset stands in); a read-only command may pass kOffline.
std::optional<DayTwo> OpenDayTwo(Context& ctx, const std::atomic<bool>* cancel, int* exit_code,
                                 StackUse use = StackUse::kChangesAws);

}  // namespace rex::cli

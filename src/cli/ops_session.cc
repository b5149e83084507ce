#include "cli/ops_session.h"

#include "aws/endpoints.h"
#include "aws/env.h"
#include "aws/retry.h"
#include "stack/rex_stack.h"

namespace rex::cli {

base::Result<std::unique_ptr<OpsSession>> OpenOpsSession(const Context& ctx,
                                                         const config::Config& config,
                                                         const std::atomic<bool>* cancel) {
  auto ops = std::make_unique<OpsSession>();
  REX_ASSIGN_OR_RETURN(ops->aws, OpenAwsSession(ctx, &config));
  auto getenv = ctx.io.getenv;
  aws::EnvLookup env = [getenv](const std::string& name) -> std::optional<std::string> {
    if (!getenv) return std::nullopt;
    return getenv(name);
  };
  REX_ASSIGN_OR_RETURN(aws::RetryOptions retry, aws::RetryOptionsFromEnvironment(env));
  aws::EndpointOptions endpoints{.region = ops->aws->region,
                                 .endpoint_url = ctx.global.endpoint_url};
  REX_ASSIGN_OR_RETURN(aws::Endpoint ecs, aws::ResolveEndpoint("ecs", endpoints));
  REX_ASSIGN_OR_RETURN(aws::Endpoint logs, aws::ResolveEndpoint("logs", endpoints));
  AwsSession& s = *ops->aws;
  ops->ecs =
      std::make_unique<aws::EcsClient>(ecs, s.credentials.get(), *s.transport, *s.clock, retry);
  ops->logs =
      std::make_unique<aws::LogsClient>(logs, s.credentials.get(), *s.transport, *s.clock, retry);
  ops->session = ops::Session{.region = s.region,
                              .clock = s.clock,
                              .cfn = s.cfn.get(),
                              .ecs = ops->ecs.get(),
                              .logs = ops->logs.get(),
                              .poll = PollOptionsFromEnvironment(ctx),
                              .cancel = cancel,
                              .s3 = s.s3.get()};
  return ops;
}

std::optional<DayTwo> OpenDayTwo(Context& ctx, const std::atomic<bool>* cancel, int* exit_code,
                                 StackUse use) {
  auto fail = [&](const base::Status& s) -> std::optional<DayTwo> {
    ctx.PrintError(s);
    PrintCredentialsHint(ctx, s);
    *exit_code = ExitCodeFor(s);
    return std::nullopt;
  };
  auto selected = SelectStack(ctx, use);
  if (!selected.ok()) return fail(selected.error());
  auto ops = OpenOpsSession(ctx, selected->config, cancel);
  if (!ops.ok()) return fail(ops.error());
  const std::string stack_name = stack::StackName(selected->config);
  auto info = ops::LoadStackInfo(*(*ops)->session.cfn, stack_name, (*ops)->session.region);
  if (!info.ok()) return fail(info.error());
  return DayTwo{std::move(*selected), std::move(*ops), std::move(*info)};
}

}  // namespace rex::cli

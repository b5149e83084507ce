#include "stack/rex_stack.h"

#include "core/intrinsics.h"

namespace rex::stack {

std::string StackName(const Config& config) {
  return config.project_name + "-" + config.environment;
}

RexStack::RexStack(core::Construct& scope, std::string id, const Config& config)
    : core::Stack(scope, std::move(id),
                  core::StackProps{.description = "Rex Backend (" + StackName(config) +
                                                  "), synthesized by rex"}),
      config_(config) {
  const std::string prefix = StackName(config_);
  networking_ = &Add<Networking>("Network", NetworkingProps{
                                                .name_prefix = prefix,
                                                .vpc_cidr = config_.vpc_cidr,
                                                .nat_gateways = config_.nat_gateways,
                                                .enable_flow_logs = config_.enable_flow_logs,
                                                .enable_s3_endpoint = config_.enable_s3_endpoint,
                                                .log_retention_days = config_.log_retention_days,
                                            });

  // Outputs keep the names of the original Pulumi program; lists are comma-separated.
  Add<core::Output>("vpcId", core::OutputProps{.value = networking_->vpc_id().value(),
                                               .description = "the VPC id"});
  Add<core::Output>(
      "publicSubnetIds",
      core::OutputProps{.value = core::JoinList(",", networking_->public_subnet_ids()).value(),
                        .description = "public subnet ids, comma-separated"});
  Add<core::Output>(
      "privateSubnetIds",
      core::OutputProps{.value = core::JoinList(",", networking_->private_subnet_ids()).value(),
                        .description = "private subnet ids, comma-separated"});
}

base::Result<core::Template> SynthesizeRexStack(const Config& config) {
  REX_RETURN_IF_ERROR(ValidateConfig(config, "config"));
  core::App app;
  app.Add<RexStack>("Rex", config);
  return app.children().front()->stack()->Synthesize();
}

}  // namespace rex::stack

// Generated classes compiled against core and rendered: what a stack author writes.
#include <gtest/gtest.h>

#include "base/json.h"
#include "cfn/ec2.gen.h"
#include "cfn/ecs.gen.h"
#include "core/construct.h"
#include "core/stack.h"

namespace rex::cfn {
namespace {

TEST(RenderTest, SubnetReferencesItsVpc) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Net");
  auto& vpc = stack.Add<ec2::CfnVPC>(
      "Vpc", ec2::CfnVPCProps{.cidr_block = "10.0.0.0/16", .enable_dns_hostnames = true});
  auto& subnet = stack.Add<ec2::CfnSubnet>(
      "Subnet", ec2::CfnSubnetProps{.cidr_block = "10.0.0.0/24",
                                    .map_public_ip_on_launch = false,
                                    .tags = core::List<core::Tag>{{.key = "Name", .value = "a"}},
                                    .vpc_id = vpc.Ref()});
  EXPECT_EQ(subnet.Properties().json(), base::Json::parse(R"({
    "CidrBlock": "10.0.0.0/24",
    "MapPublicIpOnLaunch": false,
    "Tags": [{"Key": "Name", "Value": "a"}],
    "VpcId": {"Ref": "Vpc"}
  })"));
  EXPECT_EQ(subnet.attr_subnet_id().value().json(),
            base::Json::parse(R"({"Fn::GetAtt": ["Subnet", "SubnetId"]})"));
  EXPECT_EQ(subnet.attr_ipv6_cidr_blocks().token().json(),
            base::Json::parse(R"({"Fn::GetAtt": ["Subnet", "Ipv6CidrBlocks"]})"));
  auto synthesized = stack.Synthesize();
  ASSERT_TRUE(synthesized.has_value()) << synthesized.error().ToString();
}

TEST(RenderTest, NestedPropertyTypes) {
  core::App app;
  auto& stack = app.Add<core::Stack>("App");
  ecs::CfnService::Props props;
  props.network_configuration = ecs::CfnService::NetworkConfiguration{
      .awsvpc_configuration = ecs::CfnService::AwsVpcConfiguration{
          .assign_public_ip = "DISABLED", .subnets = core::List<core::Str>{"subnet-1"}}};
  props.load_balancers =
      core::List<ecs::CfnServiceLoadBalancer>{{.container_name = "api", .container_port = 8080}};
  auto& service = stack.Add<ecs::CfnService>("Service", std::move(props));
  EXPECT_EQ(service.Properties().json(), base::Json::parse(R"({
    "LoadBalancers": [{"ContainerName": "api", "ContainerPort": 8080}],
    "NetworkConfiguration": {"AwsvpcConfiguration": {"AssignPublicIp": "DISABLED",
                                                     "Subnets": ["subnet-1"]}}
  })"));
}

TEST(RenderTest, SynthesisRejectsAMissingRequiredProperty) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Net");
  stack.Add<ec2::CfnSubnet>("Subnet", ec2::CfnSubnetProps{.cidr_block = "10.0.0.0/24"});
  auto synthesized = stack.Synthesize();
  ASSERT_FALSE(synthesized.has_value());
  EXPECT_NE(synthesized.error().message().find("VpcId"), std::string::npos)
      << synthesized.error().message();
}

}  // namespace
}  // namespace rex::cfn

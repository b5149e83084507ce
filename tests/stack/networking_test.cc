#include "stack/networking.h"

#include <gtest/gtest.h>

#include "core/stack.h"
#include "support/golden.h"
#include "support/template_matcher.h"

namespace rex::stack {
namespace {

using base::Json;
using rex::testing::FindResources;
using rex::testing::HasResourceProperties;
using rex::testing::PropertiesOf;
using rex::testing::ResourceCountIs;

base::Result<core::Template> SynthNetworking(NetworkingProps props) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Rex");
  stack.Add<Networking>("Network", std::move(props));
  return stack.Synthesize();
}

Json Synth(NetworkingProps props) {
  auto result = SynthNetworking(std::move(props));
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result.has_value() ? result->json : Json();
}

TEST(NetworkingTest, GoldenTemplate) {
  auto result = SynthNetworking(NetworkingProps{});
  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_TRUE(rex::testing::MatchesGolden("networking.template.json", result->ToJson()));
}

TEST(NetworkingTest, VpcWithDns) {
  Json t = Synth({});
  EXPECT_TRUE(HasResourceProperties(t, "AWS::EC2::VPC", Json::parse(R"({"CidrBlock": "10.0.0.0/16",
                                        "EnableDnsHostnames": true, "EnableDnsSupport": true})")));
}

TEST(NetworkingTest, SubnetsComputedAtSynthInTwoAzs) {
  Json t = Synth({});
  ASSERT_TRUE(ResourceCountIs(t, "AWS::EC2::Subnet", 4));
  struct Expect {
    const char* id;
    const char* cidr;
    int az;
    bool is_public;
  };
  for (const Expect& e : {Expect{"NetworkPublicSubnet1", "10.0.0.0/18", 0, true},
                          Expect{"NetworkPublicSubnet2", "10.0.64.0/18", 1, true},
                          Expect{"NetworkPrivateSubnet1", "10.0.128.0/18", 0, false},
                          Expect{"NetworkPrivateSubnet2", "10.0.192.0/18", 1, false}}) {
    Json props = PropertiesOf(t, e.id);
    ASSERT_FALSE(props.is_null()) << e.id;
    EXPECT_EQ(props["CidrBlock"], e.cidr) << e.id;
    EXPECT_EQ(props["MapPublicIpOnLaunch"], e.is_public) << e.id;
    EXPECT_EQ(props["AvailabilityZone"], Json::parse(R"({"Fn::Select": [)" + std::to_string(e.az) +
                                                     R"(, {"Fn::GetAZs": ""}]})"))
        << e.id;
  }
}

TEST(NetworkingTest, SmallVpcIsSplitInQuarters) {
  Json t = Synth({.vpc_cidr = "192.168.4.0/24"});
  EXPECT_EQ(PropertiesOf(t, "NetworkPublicSubnet1")["CidrBlock"], "192.168.4.0/26");
  EXPECT_EQ(PropertiesOf(t, "NetworkPrivateSubnet2")["CidrBlock"], "192.168.4.192/26");
}

TEST(NetworkingTest, InternetThroughGatewayAfterAttachment) {
  Json t = Synth({});
  EXPECT_TRUE(HasResourceProperties(t, "AWS::EC2::Route",
                                    Json::parse(R"({"DestinationCidrBlock": "0.0.0.0/0",
                      "GatewayId": {"Ref": "NetworkInternetGateway"},
                      "RouteTableId": {"Ref": "NetworkPublicRouteTable"}})")));
  EXPECT_EQ(t["Resources"]["NetworkPublicDefaultRoute"]["DependsOn"],
            Json::parse(R"(["NetworkGatewayAttachment"])"));
}

TEST(NetworkingTest, OneSharedNatByDefault) {
  Json t = Synth({});
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::NatGateway", 1));
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::EIP", 1));
  // Both private subnets route through the one NAT gateway.
  EXPECT_EQ(FindResources(t, "AWS::EC2::Route",
                          Json::parse(R"({"NatGatewayId": {"Ref": "NetworkNatGateway1"}})"))
                .size(),
            2u);
  EXPECT_TRUE(HasResourceProperties(t, "AWS::EC2::NatGateway",
                                    Json::parse(R"({"SubnetId": {"Ref": "NetworkPublicSubnet1"},
                      "AllocationId": {"Fn::GetAtt": ["NetworkNatEip1", "AllocationId"]}})")));
}

TEST(NetworkingTest, OneNatPerAzForHighAvailability) {
  Json t = Synth({.nat_gateways = 2});
  EXPECT_TRUE(ResourceCountIs(t, "AWS::EC2::NatGateway", 2));
  EXPECT_TRUE(HasResourceProperties(t, "AWS::EC2::Route",
                                    Json::parse(R"({"NatGatewayId": {"Ref": "NetworkNatGateway2"},
                      "RouteTableId": {"Ref": "NetworkPrivateSubnet2RouteTable"}})")));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::EC2::NatGateway", Json::parse(R"({"SubnetId": {"Ref": "NetworkPublicSubnet2"}})")));
}

TEST(NetworkingTest, S3GatewayEndpointOnPrivateRouteTables) {
  Json t = Synth({});
  EXPECT_TRUE(HasResourceProperties(t, "AWS::EC2::VPCEndpoint",
                                    Json::parse(R"({"VpcEndpointType": "Gateway",
                      "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"},
                      "RouteTableIds": [{"Ref": "NetworkPrivateSubnet1RouteTable"},
                                        {"Ref": "NetworkPrivateSubnet2RouteTable"}]})")));
  EXPECT_TRUE(ResourceCountIs(Synth({.enable_s3_endpoint = false}), "AWS::EC2::VPCEndpoint", 0));
}

TEST(NetworkingTest, FlowLogsToCloudWatch) {
  EXPECT_TRUE(ResourceCountIs(Synth({}), "AWS::EC2::FlowLog", 0));
  Json t = Synth({.enable_flow_logs = true, .log_retention_days = 30});
  EXPECT_TRUE(HasResourceProperties(t, "AWS::EC2::FlowLog",
                                    Json::parse(R"({"ResourceType": "VPC", "TrafficType": "ALL",
                      "ResourceId": {"Ref": "NetworkVpc"},
                      "LogDestinationType": "cloud-watch-logs"})")));
  EXPECT_TRUE(HasResourceProperties(
      t, "AWS::Logs::LogGroup",
      Json::parse(R"({"RetentionInDays": 30, "LogGroupName": "/vpc/rex-backend-dev-flow-logs"})")));
}

TEST(NetworkingTest, BadInputsAreErrorsOnTheConstruct) {
  auto bad_cidr = SynthNetworking({.vpc_cidr = "10.0.0.0/8"});
  ASSERT_FALSE(bad_cidr.has_value());
  EXPECT_EQ(bad_cidr.error().message(),
            "error: Rex/Network: vpcCidr: \"10.0.0.0/8\" has prefix /8; a VPC block must be from "
            "/16 (65,536 addresses) to /24 (256)\n1 error; no template written");
  auto bad_nat = SynthNetworking({.nat_gateways = 3});
  ASSERT_FALSE(bad_nat.has_value());
  EXPECT_EQ(bad_nat.error().message(),
            "error: Rex/Network: natGateways is 3; use 1 (one shared gateway) or 2 (one per "
            "availability zone)\n1 error; no template written");
}

TEST(NetworkingTest, DeterministicBytes) {
  auto a = SynthNetworking({.nat_gateways = 2, .enable_flow_logs = true});
  auto b = SynthNetworking({.nat_gateways = 2, .enable_flow_logs = true});
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->ToJson(), b->ToJson());
  EXPECT_EQ(a->ToYaml(), b->ToYaml());
}

}  // namespace
}  // namespace rex::stack

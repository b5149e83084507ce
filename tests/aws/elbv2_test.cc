// Elbv2Client: query-protocol encoding and decoding of target health and target groups.
#include "aws/elbv2.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::aws {
namespace {

using rex::testing::FakeClock;
using rex::testing::FakeTransport;

class Elbv2Test : public ::testing::Test {
 protected:
  StaticCredentialsProvider credentials_{Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
  Elbv2Client elb_{Endpoint{"https://elasticloadbalancing.eu-west-1.amazonaws.com", "eu-west-1",
                            "elasticloadbalancing"},
                   &credentials_, transport_, clock_};
};

TEST_F(Elbv2Test, DescribeTargetHealth) {
  transport_.Respond(
      200,
      "<DescribeTargetHealthResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/"
      "doc/2015-12-01/\"><DescribeTargetHealthResult><TargetHealthDescriptions>"
      "<member><Target><Id>10.0.1.5</Id><Port>8080</Port></Target>"
      "<HealthCheckPort>8080</HealthCheckPort><TargetHealth><State>unhealthy</State>"
      "<Reason>Target.ResponseCodeMismatch</Reason><Description>Health checks failed"
      "</Description></TargetHealth></member></TargetHealthDescriptions>"
      "</DescribeTargetHealthResult><ResponseMetadata><RequestId>r</RequestId>"
      "</ResponseMetadata></DescribeTargetHealthResponse>");
  auto health = elb_.DescribeTargetHealth("arn:tg/api");
  ASSERT_TRUE(health.ok()) << health.error().ToString();
  ASSERT_EQ(health->size(), 1u);
  EXPECT_EQ((*health)[0].target_id, "10.0.1.5");
  EXPECT_EQ((*health)[0].port, 8080);
  EXPECT_EQ((*health)[0].state, "unhealthy");
  EXPECT_EQ((*health)[0].reason, "Target.ResponseCodeMismatch");
  EXPECT_EQ(transport_.requests()[0].body,
            "Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Atg%2Fapi");
}

TEST_F(Elbv2Test, DescribeTargetGroupsFollowsMarker) {
  transport_.Respond(200,
                     "<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups>"
                     "<member><TargetGroupName>api</TargetGroupName><Port>80</Port>"
                     "<LoadBalancerArns><member>arn:lb</member></LoadBalancerArns></member>"
                     "</TargetGroups><NextMarker>m2</NextMarker></DescribeTargetGroupsResult>"
                     "</DescribeTargetGroupsResponse>");
  transport_.Respond(200,
                     "<DescribeTargetGroupsResponse><DescribeTargetGroupsResult><TargetGroups>"
                     "<member><TargetGroupName>web</TargetGroupName></member></TargetGroups>"
                     "</DescribeTargetGroupsResult></DescribeTargetGroupsResponse>");
  auto groups = elb_.DescribeTargetGroups("arn:lb");
  ASSERT_TRUE(groups.ok()) << groups.error().ToString();
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].load_balancer_arns, std::vector<std::string>{"arn:lb"});
  EXPECT_EQ((*groups)[1].target_group_name, "web");
  EXPECT_EQ(transport_.requests()[1].body,
            "Action=DescribeTargetGroups&Version=2015-12-01&LoadBalancerArn=arn%3Alb&Marker=m2");
}

TEST_F(Elbv2Test, UnknownTargetGroupIsNotFound) {
  transport_.Respond(400,
                     "<ErrorResponse><Error><Type>Sender</Type><Code>TargetGroupNotFound</Code>"
                     "<Message>One or more target groups not found</Message></Error>"
                     "<RequestId>r</RequestId></ErrorResponse>");
  auto health = elb_.DescribeTargetHealth("arn:tg/nope");
  ASSERT_FALSE(health.ok());
  EXPECT_EQ(health.error().code(), base::Code::kNotFound);
}

}  // namespace
}  // namespace rex::aws

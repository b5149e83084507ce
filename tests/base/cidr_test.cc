#include "base/cidr.h"

#include <gtest/gtest.h>

namespace rex::base {
namespace {

std::vector<std::string> Plan(const std::string& vpc, int prefix, int count) {
  auto cidr = ParseVpcCidr(vpc);
  EXPECT_TRUE(cidr.has_value()) << cidr.error().message();
  auto plan = PlanSubnets(*cidr, prefix, count);
  EXPECT_TRUE(plan.has_value()) << plan.error().message();
  std::vector<std::string> out;
  for (const Cidr& c : *plan) out.push_back(c.ToString());
  return out;
}

TEST(CidrTest, ParseAndPrint) {
  auto c = ParseCidr("10.0.0.0/16");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->address, 0x0A000000u);
  EXPECT_EQ(c->prefix, 16);
  EXPECT_EQ(c->ToString(), "10.0.0.0/16");
  EXPECT_EQ(c->size(), 65536u);
}

TEST(CidrTest, PlansQuartersForEachVpcSize) {
  EXPECT_EQ(
      Plan("10.0.0.0/16", 18, 4),
      (std::vector<std::string>{"10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"}));
  EXPECT_EQ(Plan("172.16.32.0/20", 22, 4),
            (std::vector<std::string>{"172.16.32.0/22", "172.16.36.0/22", "172.16.40.0/22",
                                      "172.16.44.0/22"}));
  EXPECT_EQ(Plan("192.168.1.0/24", 26, 4),
            (std::vector<std::string>{"192.168.1.0/26", "192.168.1.64/26", "192.168.1.128/26",
                                      "192.168.1.192/26"}));
}

TEST(CidrTest, MalformedBlocks) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"10.0.0.0",
                "\"10.0.0.0\" is not a CIDR block: expected a.b.c.d/n, e.g. 10.0.0.0/16"},
           Case{"10.0.0/16",
                "\"10.0.0/16\" is not a CIDR block: expected four dot-separated numbers before the "
                "'/'"},
           Case{"10.0.300.0/16",
                "\"10.0.300.0/16\" is not a CIDR block: \"300\" is not a number from 0 to 255"},
           Case{"10.0.0.0/33",
                "\"10.0.0.0/33\" is not a CIDR block: the prefix length must be a number from 0 to "
                "32"},
           Case{"10.0.0.1/16",
                "\"10.0.0.1/16\" is not a CIDR block: host bits are set; use 10.0.0.0/16"},
           Case{"10.0.0.0/x",
                "\"10.0.0.0/x\" is not a CIDR block: the prefix length must be a number from 0 to "
                "32"},
       }) {
    auto r = ParseCidr(c.text);
    ASSERT_FALSE(r.has_value()) << c.text;
    EXPECT_EQ(r.error().message(), c.message);
  }
}

TEST(CidrTest, VpcRules) {
  EXPECT_EQ(ParseVpcCidr("8.8.0.0/16").error().message(),
            "\"8.8.0.0/16\" is not in a private range; use a block inside 10.0.0.0/8, "
            "172.16.0.0/12 or 192.168.0.0/16");
  EXPECT_EQ(ParseVpcCidr("172.32.0.0/16").error().message(),
            "\"172.32.0.0/16\" is not in a private range; use a block inside 10.0.0.0/8, "
            "172.16.0.0/12 or 192.168.0.0/16");
  EXPECT_EQ(ParseVpcCidr("10.0.0.0/8").error().message(),
            "\"10.0.0.0/8\" has prefix /8; a VPC block must be from /16 (65,536 addresses) to /24 "
            "(256)");
  EXPECT_EQ(ParseVpcCidr("10.0.0.0/25").error().message(),
            "\"10.0.0.0/25\" has prefix /25; a VPC block must be from /16 (65,536 addresses) to "
            "/24 (256)");
  EXPECT_TRUE(ParseVpcCidr("10.0.0.0/16").has_value());
  EXPECT_TRUE(ParseVpcCidr("10.0.0.0/24").has_value());
}

TEST(CidrTest, PlanRejectsWhatDoesNotFit) {
  Cidr vpc = *ParseVpcCidr("10.0.0.0/24");
  EXPECT_EQ(PlanSubnets(vpc, 25, 4).error().message(),
            "4 subnets of /25 do not fit in 10.0.0.0/24");
  EXPECT_EQ(PlanSubnets(vpc, 29, 1).error().message(),
            "subnet prefix /29 must be from /24 to /28 inside 10.0.0.0/24");
  EXPECT_EQ(PlanSubnets(vpc, 20, 1).error().message(),
            "subnet prefix /20 must be from /24 to /28 inside 10.0.0.0/24");
}

}  // namespace
}  // namespace rex::base

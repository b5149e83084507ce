#include "base/strings.h"

#include <gtest/gtest.h>

namespace rex::base {
namespace {

TEST(EditDistanceTest, Table) {
  struct Case {
    const char* a;
    const char* b;
    size_t distance;
  };
  for (const Case& c :
       {Case{"", "", 0}, Case{"abc", "abc", 0}, Case{"abc", "abd", 1},
        Case{"vpcCidr", "vpcCdir", 2}, Case{"", "abc", 3}, Case{"kitten", "sitting", 3}}) {
    EXPECT_EQ(EditDistance(c.a, c.b), c.distance) << c.a << " vs " << c.b;
  }
}

TEST(ClosestMatchTest, SuggestsTyposOnly) {
  std::vector<std::string> keys = {"vpcCidr", "natGateways", "projectName"};
  EXPECT_EQ(ClosestMatch("vpcCdir", keys), "vpcCidr");
  EXPECT_EQ(ClosestMatch("natGateway", keys), "natGateways");
  EXPECT_EQ(ClosestMatch("completelyDifferent", keys), "");
}

TEST(SplitJoinTest, RoundTrip) {
  EXPECT_EQ(Split("a/b//c", '/'), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_TRUE(StartsWith("rex-backend:vpcCidr", "rex-backend:"));
  EXPECT_TRUE(EndsWith("file.svg", ".svg"));
  EXPECT_FALSE(EndsWith("g", ".svg"));
}

}  // namespace
}  // namespace rex::base

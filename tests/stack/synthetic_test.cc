#include "stack/synthetic.h"

#include <gtest/gtest.h>

#include "support/template_matcher.h"

namespace rex::stack {
namespace {

TEST(SyntheticStackTest, HasTheAdvertisedResourceCountAndSynthesizesCleanly) {
  for (int services : {0, 1, 50}) {
    core::App app;
    auto& stack = app.Add<SyntheticStack>("Synthetic", SyntheticProps{.services = services});
    auto result = stack.Synthesize();
    ASSERT_TRUE(result.has_value()) << result.error().message();
    EXPECT_EQ(static_cast<int>(result->json["Resources"].size()),
              SyntheticStack::ResourceCount(services));
    EXPECT_TRUE(rex::testing::ResourceCountIs(result->json, "AWS::ECS::Service",
                                              static_cast<size_t>(services)));
  }
}

TEST(SyntheticStackTest, ServicesForReachesTheTarget) {
  for (int target : {100, 1000, 2000, 20000}) {
    int services = SyntheticStack::ServicesFor(target);
    EXPECT_GE(SyntheticStack::ResourceCount(services), target);
    EXPECT_LT(SyntheticStack::ResourceCount(services - 1), target);
  }
}

}  // namespace
}  // namespace rex::stack

#include "base/keep.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace rex::base {
namespace {

// Counts its live copies (moved-from ones included) through a shared counter.
struct Counted {
  explicit Counted(int* counter) : live(counter) { ++*live; }
  Counted(Counted&& other) noexcept : live(other.live), payload(std::move(other.payload)) {
    ++*live;
  }
  Counted(const Counted&) = delete;
  ~Counted() { --*live; }
  int* live;
  std::vector<std::string> payload;
};

// The two tests run in this order: the second enables keeping for the rest of the process.
TEST(KeepUntilExitTest, DestroysTheValuesRightAwayUntilEnabled) {
  int live = 0;
  Counted a(&live);
  Counted b(&live);
  a.payload = {"x", "y"};
  ASSERT_EQ(live, 2);
  KeepUntilExit(std::move(a), std::move(b));
  // The moved-in copies are gone; only the moved-from originals are left.
  EXPECT_EQ(live, 2);
  EXPECT_TRUE(a.payload.empty());
  auto owned = std::make_unique<Counted>(&live);
  KeepUntilExit(std::move(owned));
  EXPECT_EQ(owned, nullptr);
  EXPECT_EQ(live, 2);
}

TEST(KeepUntilExitTest, KeepsTheValuesOnceEnabled) {
  EnableKeepUntilExit();
  int* live = new int(0);  // read by the kept values' destructors, which never run
  {
    Counted a(live);
    a.payload = {"kept"};
    auto owned = std::make_unique<Counted>(live);
    KeepUntilExit(std::move(a), std::move(owned));
    EXPECT_TRUE(a.payload.empty());
    EXPECT_EQ(owned, nullptr);
    // a (moved from) and the copy of a and the object owned are alive.
    EXPECT_EQ(*live, 3);
  }
  // a's scope ended: the two kept values are still alive.
  EXPECT_EQ(*live, 2);
}

}  // namespace
}  // namespace rex::base

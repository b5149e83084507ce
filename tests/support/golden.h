#pragma once

// Golden files: tests/golden/<name>, compared byte for byte. Regenerate on purpose with
// REX_UPDATE_GOLDEN=1 (e.g. `REX_UPDATE_GOLDEN=1 ctest -R golden`) and review the diff like
// code: for templates it is the deploy diff.

#include <gtest/gtest.h>

#include <string>

namespace rex::testing {

// Passes if tests/golden/<name> holds exactly `actual`. With REX_UPDATE_GOLDEN=1 set, writes
// `actual` there instead (and passes). On mismatch the message names the first differing line
// and how to update.
::testing::AssertionResult MatchesGolden(const std::string& name, const std::string& actual);

}  // namespace rex::testing

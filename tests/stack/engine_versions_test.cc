#include "stack/engine_versions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"

namespace rex::stack {
namespace {

TEST(EngineVersionsTest, BuiltInCopyEqualsSpecFile) {
  auto text = base::ReadFile(std::string(REX_SOURCE_DIR) + "/spec/rds-engine-versions.json");
  ASSERT_TRUE(text.has_value()) << text.error().message();
  auto spec = base::ParseJson(*text, "spec/rds-engine-versions.json");
  ASSERT_TRUE(spec.has_value()) << spec.error().message();
  const EngineVersions& built_in = AuroraPostgresVersions();
  EXPECT_EQ(built_in.engine, (*spec)["engine"].get<std::string>());
  EXPECT_EQ(built_in.major, (*spec)["major"].get<std::string>());
  EXPECT_EQ(built_in.accepted, (*spec)["accepted"].get<std::vector<std::string>>());
  EXPECT_EQ(built_in.deprecated, (*spec)["deprecated"].get<std::vector<std::string>>());
  EXPECT_EQ(built_in.default_version, (*spec)["default"].get<std::string>());
}

TEST(EngineVersionsTest, DefaultIsTheLatestAccepted) {
  const EngineVersions& v = AuroraPostgresVersions();
  ASSERT_FALSE(v.accepted.empty());
  EXPECT_EQ(v.default_version, v.accepted.back());
}

TEST(EngineVersionsTest, Classify) {
  const EngineVersions& v = AuroraPostgresVersions();
  struct Case {
    const char* version;
    EngineVersionStatus want;
  };
  for (const Case& c :
       {Case{"15.17", EngineVersionStatus::kAccepted}, Case{"15.8", EngineVersionStatus::kAccepted},
        Case{"15.4", EngineVersionStatus::kDeprecated},
        Case{"15.7", EngineVersionStatus::kDeprecated}, Case{"15.9", EngineVersionStatus::kUnknown},
        Case{"15.1", EngineVersionStatus::kUnknown}, Case{"16.4", EngineVersionStatus::kNotCovered},
        Case{"150.4", EngineVersionStatus::kNotCovered}}) {
    EXPECT_EQ(ClassifyEngineVersion(v, c.version), c.want) << c.version;
  }
}

TEST(EngineVersionsTest, AutoPauseNeedsRecentMinors) {
  struct Case {
    const char* version;
    bool want;
  };
  for (const Case& c :
       {Case{"13.14", false}, Case{"13.15", true}, Case{"14.11", false}, Case{"14.12", true},
        Case{"15.4", false}, Case{"15.6", false}, Case{"15.7", true}, Case{"15.17", true},
        Case{"16.2", false}, Case{"16.3", true}, Case{"17.4", true}, Case{"12.22", false},
        Case{"15", false}, Case{"15.x", false}, Case{"", false}, Case{".7", false},
        Case{"15.", false}}) {
    EXPECT_EQ(SupportsAutoPause(c.version), c.want) << c.version;
  }
}

}  // namespace
}  // namespace rex::stack

// aws::ParseIni bounds what it reads: a config or credentials file beyond kMaxIniBytes is
// refused with the file's name (and never quoted: it may hold a secret key).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "aws/credentials.h"

namespace rex::aws {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(IniBoundsTest, AFileBeyondTheLimitIsRefusedByName) {
  std::string text = "[default]\naws_secret_access_key = SECRETVALUE\n";
  text += "x = " + std::string(kMaxIniBytes, 'a') + "\n";
  auto ini = ParseIni(text, "/home/u/.aws/credentials");
  ASSERT_FALSE(ini.ok());
  EXPECT_EQ(ini.error().code(), base::Code::kInvalidArgument);
  EXPECT_THAT(ini.error().message(),
              AllOf(HasSubstr("/home/u/.aws/credentials"), Not(HasSubstr("SECRETVALUE"))));
}

TEST(IniBoundsTest, AFileAtTheLimitIsRead) {
  std::string text = "[default]\nregion = eu-west-1\n# ";
  text += std::string(kMaxIniBytes - text.size() - 1, 'c') + "\n";
  ASSERT_EQ(text.size(), kMaxIniBytes);
  auto ini = ParseIni(text, "config");
  ASSERT_TRUE(ini.ok()) << ini.error().message();
  EXPECT_EQ((*ini)["default"]["region"], "eu-west-1");
}

}  // namespace
}  // namespace rex::aws

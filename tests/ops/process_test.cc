// The system process runner's child environment (an allow-list, so docker never sees rex's
// secrets) and the shell quoting of commands printed for a person to paste. The integration
// test tests/integration/images_test.cc proves the same through the real binary with a
// recording docker script.
#include "ops/process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "support/run_rex.h"

namespace rex::ops {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ChildEnvironmentTest, KeepsOnlyTheAllowList) {
  const char* environ[] = {"PATH=/usr/bin:/bin",
                           "HOME=/home/dev",
                           "REX_CONFIG_PASSPHRASE=correct horse battery",
                           "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG",
                           "AWS_ACCESS_KEY_ID=AKIAEXAMPLE",
                           "AWS_SESSION_TOKEN=token",
                           "GITHUB_TOKEN=ghp_x",
                           "DOCKER_CONFIG=/home/dev/.docker",
                           "DOCKER_HOST=unix:///run/docker.sock",
                           "XDG_RUNTIME_DIR=/run/user/1000",
                           "HTTPS_PROXY=http://proxy:3128",
                           "no_proxy=localhost",
                           "LC_ALL=C.UTF-8",
                           "DOCKER_=odd but a prefix only",
                           "PATHX=not PATH",
                           "=no name",
                           "no equals sign",
                           nullptr};
  EXPECT_THAT(ChildEnvironment(environ),
              ElementsAre("PATH=/usr/bin:/bin", "HOME=/home/dev", "DOCKER_CONFIG=/home/dev/.docker",
                          "DOCKER_HOST=unix:///run/docker.sock", "XDG_RUNTIME_DIR=/run/user/1000",
                          "HTTPS_PROXY=http://proxy:3128", "no_proxy=localhost", "LC_ALL=C.UTF-8"));
  EXPECT_TRUE(ChildEnvironment(nullptr).empty());
}

TEST(ChildEnvironmentTest, ARealChildSeesNoSecrets) {
  rex::testing::TempDir dir;
  dir.Write("printenv-all", "#!/bin/sh\nenv\n");
  ::chmod((dir.path() + "/printenv-all").c_str(), 0755);
  ::setenv("REX_CONFIG_PASSPHRASE", "process test passphrase", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "process-test-secret-key", 1);
  ::setenv("DOCKER_CONFIG", "/tmp/docker-config-for-test", 1);
  auto runner = NewSystemProcessRunner(dir.path() + ":/usr/bin:/bin");
  auto run = runner->Run({"printenv-all"}, "");
  ::unsetenv("REX_CONFIG_PASSPHRASE");
  ::unsetenv("AWS_SECRET_ACCESS_KEY");
  ::unsetenv("DOCKER_CONFIG");
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_THAT(run->output, HasSubstr("DOCKER_CONFIG=/tmp/docker-config-for-test\n"));
  EXPECT_THAT(run->output, Not(HasSubstr("process test passphrase")));
  EXPECT_THAT(run->output, Not(HasSubstr("process-test-secret-key")));
  EXPECT_THAT(run->output, Not(HasSubstr("REX_CONFIG_PASSPHRASE")));
}

TEST(ShellQuoteTest, LeavesSafeWordsAndQuotesTheRest) {
  EXPECT_EQ(ShellQuote("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.2"),
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1.2");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("my image"), "'my image'");
  EXPECT_EQ(ShellQuote("$(rm -rf ~)"), "'$(rm -rf ~)'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("a;b|c&d`e`"), "'a;b|c&d`e`'");
}

}  // namespace
}  // namespace rex::ops

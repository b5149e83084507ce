// Hostile input through the real rex binary: each input that used to crash rex (a signal, not
// an exit code) now gives exit 2 (a file of the user's) or 1 (an answer of the endpoint's)
// with a message naming where it came from. Files are written into the working directory;
// answers come from the fake AWS endpoint (tests/support/fake_aws_server.h), which can answer
// any request with a status and body of the test's choosing (FaultKind::kAnswer).
//
// - stacks/<name>.yaml with a 200 KB value for a key checked by pattern (region,
//   dbEngineVersion, supertokensImage) or a 200 KB secure value: std::regex recursed per
//   character and overflowed the stack.
// - a history record with 1e999 (nlohmann's out_of_range was not caught) or 400 KB of nested
//   brackets (copied recursively).
// - 2 MB of nested XML in a CloudFormation answer, as a 200 (exit 1, an unreadable answer) and
//   as a 400 (an AWS error) (recursive Find and node destructor).
// - a JSON-protocol answer (CloudWatch Logs) with 1e999 or 400 KB of nested brackets.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/fake_aws_server.h"
#include "support/fake_ecs.h"
#include "support/fake_logs.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "hostile input passphrase 5";

// Exit codes of a process rex ran to completion; a signal shows as -1 or 128+n in RunRex.
bool ExitedNormally(const RexRun& run) { return run.exit_code == 1 || run.exit_code == 2; }

std::string Nested(char open, char close, size_t depth) {
  return std::string(depth, open) + std::string(depth, close);
}

std::string NestedXml(size_t bytes) {
  std::string out;
  out.reserve(bytes + 16);
  while (out.size() < bytes) out += "<a>";
  return out;  // never closed: the parser must stop at the depth limit before the end
}

class HostileFileTest : public ::testing::Test {
 protected:
  // No credentials and no metadata service: commands that can work locally do.
  RexRun Rex(std::vector<std::string> args) {
    return RunRex(args, {.cwd = dir_.path(), .env = {{"AWS_EC2_METADATA_DISABLED", "true"}}});
  }

  TempDir dir_;
};

TEST_F(HostileFileTest, LongValuesOfPatternCheckedKeysAreRefused) {
  const std::string huge(200 * 1024, 'a');
  for (const char* key : {"region", "dbEngineVersion", "supertokensImage"}) {
    dir_.Write("stacks/dev.yaml", std::string(key) + ": " + huge + "\n");
    RexRun run = Rex({"synth"});
    EXPECT_EQ(run.exit_code, 2) << key << ": " << run.err.substr(0, 400);
    EXPECT_THAT(run.err, AllOf(HasSubstr("stacks/dev.yaml"), HasSubstr(key))) << key;
  }
}

TEST_F(HostileFileTest, ALongSecureValueIsRefusedNotDecrypted) {
  dir_.Write("stacks/dev.yaml",
             "dbMasterPassword:\n  secure: \"" + std::string(200 * 1024, 'v') + "\"\n");
  RexRun run = Rex({"synth"});
  EXPECT_EQ(run.exit_code, 2) << run.err.substr(0, 400);
  EXPECT_THAT(run.err, AllOf(HasSubstr("stacks/dev.yaml"), HasSubstr("dbMasterPassword"),
                             HasSubstr("not encrypted by rex")));
}

class HostileHistoryTest : public HostileFileTest {
 protected:
  void SetUp() override {
    RexRun init = Rex({"init", "dev"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }

  // A history record whose template is `tmpl` and whose number is `number` (JSON text).
  static std::string Record(const std::string& number, const std::string& tmpl) {
    return R"({"version": 1, "number": )" + number +
           R"(, "stack": "dev", "stackName": "rex-backend-dev", "operation": "up",
               "result": "succeeded", "template": )" +
           tmpl + "}";
  }
};

TEST_F(HostileHistoryTest, ANumberOutOfRangeIsBadInputNamingTheRecord) {
  dir_.Write(".rex/dev/history/0001.json", Record("1e999", "{}"));
  RexRun run = Rex({"history"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_THAT(run.err, AllOf(HasSubstr(".rex/dev/history/0001.json"), HasSubstr("JSON")));
}

TEST_F(HostileHistoryTest, DeeplyNestedTemplateIsBadInputNamingTheRecord) {
  dir_.Write(".rex/dev/history/0001.json", Record("1", Nested('[', ']', 200 * 1024)));
  RexRun run = Rex({"history"});
  EXPECT_EQ(run.exit_code, 2) << run.err.substr(0, 400);
  EXPECT_THAT(run.err, AllOf(HasSubstr(".rex/dev/history/0001.json"), HasSubstr("nested deeper")));
  RexRun rollback = Rex({"rollback", "1", "--yes"});
  EXPECT_TRUE(ExitedNormally(rollback)) << rollback.exit_code;
}

class HostileAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0); }

  RexRun Rex(std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    return RunRex(args, {.cwd = dir_.path(), .env = server_.RexEnv(kPassphrase)});
  }

  // Answers the next `count` requests for `action` with `status` and `body`.
  void Answer(const std::string& action, int status, std::string body, int count = 10) {
    server_.aws().InjectFault({.kind = FaultKind::kAnswer,
                               .action = action,
                               .count = count,
                               .status = status,
                               .body = std::move(body)});
  }

  FakeAwsServer server_;
  TempDir dir_;
};

TEST_F(HostileAnswerTest, DeeplyNestedXmlInASuccessIsARemoteFailure) {
  Answer("DescribeStacks", 200,
         "<DescribeStacksResponse><DescribeStacksResult>" + NestedXml(2 * 1024 * 1024));
  RexRun run = Rex({"outputs"});
  EXPECT_EQ(run.exit_code, 1) << run.err.substr(0, 400);
  EXPECT_THAT(run.err, AllOf(HasSubstr("describe stack rex-backend-dev"),
                             HasSubstr("unreadable answer"), HasSubstr("nested deeper")));
}

TEST_F(HostileAnswerTest, DeeplyNestedXmlInAnErrorIsARemoteFailure) {
  Answer("DescribeStacks", 400, "<ErrorResponse><Error>" + NestedXml(2 * 1024 * 1024));
  RexRun run = Rex({"outputs"});
  // A 400 is the endpoint refusing the request: reported like any AWS error (HTTP 400).
  EXPECT_TRUE(ExitedNormally(run)) << run.exit_code << " " << run.err.substr(0, 400);
  EXPECT_THAT(run.err, AllOf(HasSubstr("describe stack rex-backend-dev"), HasSubstr("HTTP 400")));
}

class HostileJsonAnswerTest : public HostileAnswerTest {
 protected:
  void SetUp() override {
    server_.aws().AddService("ecs", &ecs_);
    server_.aws().AddService("logs", &logs_);
    ecs_.Follow(server_.aws(), kStackName);
    logs_.Follow(server_.aws(), kStackName);
    HostileAnswerTest::SetUp();
    ecs_.ScriptTask("ComputeBootstrapTaskDefinition", {.log_lines = {"database created"}});
    RexRun up = Rex({"up", "--yes"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
  }

  FakeLogs logs_{3};
  FakeEcs ecs_{&logs_};
};

TEST_F(HostileJsonAnswerTest, OutOfRangeNumbersAndDeepNestingAreRemoteFailures) {
  // One answer each: rex logs stops at the first unreadable page.
  Answer("FilterLogEvents", 200, R"({"events": [{"timestamp": 1e999, "message": "x"}]})", 1);
  RexRun range = Rex({"logs", "api"});
  EXPECT_EQ(range.exit_code, 1) << range.err;
  EXPECT_THAT(range.err, AllOf(HasSubstr("unreadable answer"), HasSubstr("response body")));

  Answer("FilterLogEvents", 200, R"({"events": )" + Nested('[', ']', 200 * 1024) + "}", 1);
  RexRun deep = Rex({"logs", "api"});
  EXPECT_EQ(deep.exit_code, 1) << deep.err.substr(0, 400);
  EXPECT_THAT(deep.err, AllOf(HasSubstr("unreadable answer"), HasSubstr("nested deeper")));

  Answer("FilterLogEvents", 400, Nested('{', '}', 200 * 1024), 1);
  RexRun error = Rex({"logs", "api"});
  EXPECT_TRUE(ExitedNormally(error)) << error.exit_code << " " << error.err.substr(0, 400);
  EXPECT_THAT(error.err, HasSubstr("HTTP 400"));
}

}  // namespace
}  // namespace rex::testing

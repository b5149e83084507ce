// AWS calls that never surprise (issue 15), through the real rex binary against the fake AWS
// endpoint (tests/support/fake_aws_server.h, a test double on 127.0.0.1):
// - a stalled endpoint (it reads the request and never answers) fails at the read timeout
//   (REX_READ_TIMEOUT) with a message naming the endpoint and the limit, after bounded retries;
//   a bad timeout setting is exit 2 naming the variable;
// - with no credentials anywhere, one line "no AWS credentials found (tried: ...)" and exit 1,
//   whether the metadata address stalls or answers HTTP 403;
// - rex redeploy --image-tag refuses a stack that does not exist in CloudFormation, and an
//   interrupted one (Ctrl-C) leaves the stack config as it was;
// - the "waiting for ..." line shows on a terminal (a pseudo-terminal here) and never when
//   stderr is piped.
// No assertion depends on how long anything took: the limits are set small (1 s) and the tests
// check the messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/strings.h"
#include "support/fake_aws_server.h"
#include "support/rex_process.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "aws calls test passphrase";

class AwsCallsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0); }

  std::map<std::string, std::string> Env(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env = server_.RexEnv(kPassphrase);
    env["REX_HTTP_TIMEOUT"] = "30";
    for (auto& [k, v] : extra) env[k] = v;
    return env;
  }

  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> extra = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    return RunRex(args, {.cwd = dir_.path(), .env = Env(std::move(extra))});
  }

  // Runs rex on a pseudo-terminal (stdout and stderr both) and returns everything it showed.
  std::string OnTerminal(std::vector<std::string> args,
                         std::map<std::string, std::string> extra = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    RexOptions options{.cwd = dir_.path(), .env = Env(std::move(extra))};
    std::vector<std::string> env = RexChildEnvironment(options);
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) {
      ADD_FAILURE() << "forkpty failed";
      return "";
    }
    if (pid == 0) ExecRex(args, options, env);
    std::string screen;
    int status = 0;
    bool exited = false;
    while (!exited) {
      pollfd fd{master, POLLIN, 0};
      if (::poll(&fd, 1, 100) > 0) {
        char buffer[4096];
        ssize_t n = ::read(master, buffer, sizeof(buffer));
        if (n > 0) screen.append(buffer, static_cast<size_t>(n));
      }
      exited = ::waitpid(pid, &status, WNOHANG) == pid;
    }
    // What is left in the terminal after the exit.
    while (true) {
      pollfd fd{master, POLLIN, 0};
      if (::poll(&fd, 1, 100) <= 0) break;
      char buffer[4096];
      ssize_t n = ::read(master, buffer, sizeof(buffer));
      if (n <= 0) break;
      screen.append(buffer, static_cast<size_t>(n));
    }
    ::close(master);
    return screen;
  }

  FakeAwsServer server_;
  TempDir dir_;
};

// The error lines rex printed ("rex: error: ..." or "error: ...").
std::vector<std::string> ErrorLines(const std::string& err) {
  std::vector<std::string> out;
  for (const std::string& line : base::Split(err, '\n')) {
    if (line.find("error:") != std::string::npos) out.push_back(line);
  }
  return out;
}

TEST_F(AwsCallsTest, StalledEndpointFailsAtTheReadTimeoutNamingTheEndpointAndTheLimit) {
  server_.aws().InjectFault({.kind = FaultKind::kStall, .count = 100});
  RexRun run = Rex({"outputs"}, {{"REX_READ_TIMEOUT", "1"}, {"AWS_MAX_ATTEMPTS", "2"}});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, AllOf(HasSubstr("POST " + server_.url() +
                                       "/: no answer within the read timeout of 1s "
                                       "(REX_READ_TIMEOUT)"),
                             HasSubstr("gave up after 2 tries")));
  EXPECT_EQ(run.out, "");
}

// rex preview stays a preview: the offline plan, and the warning that CloudFormation could not
// be asked names the endpoint and the limit.
TEST_F(AwsCallsTest, PreviewAgainstAStalledEndpointShowsTheOfflinePlanAndNamesTheLimit) {
  server_.aws().InjectFault({.kind = FaultKind::kStall, .count = 100});
  RexRun run = Rex({"preview"}, {{"REX_READ_TIMEOUT", "1"}, {"AWS_MAX_ATTEMPTS", "1"}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Preview of rex-backend-dev"));
  EXPECT_THAT(run.err, HasSubstr("no answer within the read timeout of 1s (REX_READ_TIMEOUT)"));
  EXPECT_THAT(run.err, HasSubstr(server_.url()));
}

TEST_F(AwsCallsTest, BadTimeoutSettingIsExit2NamingTheVariable) {
  RexRun run = Rex({"outputs"}, {{"REX_CONNECT_TIMEOUT", "0"}});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_THAT(run.err, HasSubstr("REX_CONNECT_TIMEOUT must be a whole number of seconds from 1 to "
                                 "3600; got \"0\""));
  EXPECT_TRUE(server_.aws().Requests().empty());
}

// No credentials at all, on a machine where something answers the instance-metadata address:
// first it stalls, then it answers HTTP 403. Either way one line says no credentials were found
// and where rex looked; nothing about metadata answers.
TEST_F(AwsCallsTest, NoCredentialsAtAllIsOneLineListingWhereRexLooked) {
  std::map<std::string, std::string> env = Env();
  env.erase("AWS_ACCESS_KEY_ID");
  env.erase("AWS_SECRET_ACCESS_KEY");
  env.erase("AWS_EC2_METADATA_DISABLED");
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = server_.url();
  auto run_outputs = [&] {
    return RunRex({"--endpoint-url", server_.url(), "outputs"}, {.cwd = dir_.path(), .env = env});
  };

  server_.aws().InjectFault({.kind = FaultKind::kStall, .count = 100});
  RexRun stalled = run_outputs();
  EXPECT_EQ(stalled.exit_code, 1) << stalled.err;
  std::vector<std::string> errors = ErrorLines(stalled.err);
  ASSERT_EQ(errors.size(), 1u) << stalled.err;
  EXPECT_THAT(errors[0], AllOf(HasSubstr("no AWS credentials found (tried: environment "
                                         "(AWS_ACCESS_KEY_ID), profile \"default\" in "),
                               HasSubstr("SSO, container, instance metadata)")));
  EXPECT_THAT(stalled.err, AllOf(Not(HasSubstr("AWS refused")), Not(HasSubstr("timeout")),
                                 Not(HasSubstr("/latest/"))));

  FakeAwsServer forbidding;
  forbidding.aws().InjectFault(
      {.kind = FaultKind::kAnswer, .count = 100, .status = 403, .body = "Forbidden"});
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = forbidding.url();
  RexRun refused = run_outputs();
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  errors = ErrorLines(refused.err);
  ASSERT_EQ(errors.size(), 1u) << refused.err;
  EXPECT_THAT(errors[0], HasSubstr("no AWS credentials found (tried: "));
  EXPECT_THAT(refused.err, AllOf(Not(HasSubstr("403")), Not(HasSubstr("IAM role"))));
}

TEST_F(AwsCallsTest, RedeployImageTagOnAStackThatDoesNotExistIsRefused) {
  const std::string config = dir_.Read("stacks/dev.yaml");
  RexRun run = Rex({"redeploy", "api", "--image-tag", "v10", "--yes"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("stack rex-backend-dev does not exist in CloudFormation (region "
                                 "us-east-1); run \"rex up\" first"));
  EXPECT_EQ(dir_.Read("stacks/dev.yaml"), config);
  EXPECT_FALSE(server_.aws().HasStack(kStackName));
  EXPECT_EQ(server_.aws().ChangeSetsCreated(kStackName), 0);
}

// Ctrl-C while the tag is on its way (the change set is slow to be made): the change set is
// deleted, nothing is deployed and the stack config has its old tag back.
TEST_F(AwsCallsTest, RedeployImageTagInterruptedLeavesTheConfigAsItWas) {
  RexRun bootstrap = Rex({"bootstrap"});
  ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  RexRun up = Rex({"up", "--yes", "--skip-bootstrap"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  const std::string config = dir_.Read("stacks/dev.yaml");
  const std::string status = server_.aws().StackStatus(kStackName);
  auto executions = [&] {
    std::vector<std::string> requests = server_.aws().Requests();
    return std::count(requests.begin(), requests.end(), "cloudformation:ExecuteChangeSet");
  };
  const auto executed_before = executions();

  server_.aws().InjectFault({.kind = FaultKind::kSlow,
                             .action = "DescribeChangeSet",
                             .count = 1,
                             .delay = std::chrono::milliseconds(3000)});
  RexProcess redeploy(
      {"--endpoint-url", server_.url(), "redeploy", "api", "--image-tag", "v10", "--yes"},
      {.cwd = dir_.path(), .env = Env()});
  ASSERT_TRUE(redeploy.WaitForError("rolling the new tag out"));
  redeploy.Interrupt();
  RexRun run = redeploy.Wait();
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("are back to what they were (interrupted)"));
  EXPECT_EQ(dir_.Read("stacks/dev.yaml"), config);
  EXPECT_EQ(server_.aws().StackStatus(kStackName), status);
  EXPECT_EQ(executions(), executed_before) << "a change set was executed after Ctrl-C";
}

// The warning that CloudFormation could not be asked comes after the plan it qualifies, on a
// terminal where both streams meet.
TEST_F(AwsCallsTest, PreviewWarningsComeAfterThePlan) {
  server_.aws().InjectFault({.kind = FaultKind::kStall, .count = 100});
  std::string screen =
      OnTerminal({"preview"}, {{"REX_READ_TIMEOUT", "1"}, {"AWS_MAX_ATTEMPTS", "1"}});
  size_t plan = screen.find("Preview of rex-backend-dev");
  size_t warning = screen.find("the template CloudFormation holds could not be read");
  ASSERT_NE(plan, std::string::npos) << screen;
  ASSERT_NE(warning, std::string::npos) << screen;
  EXPECT_LT(plan, warning) << screen;
  EXPECT_NE(screen.find("CloudFormation's view is unavailable", warning), std::string::npos)
      << screen;
}

TEST_F(AwsCallsTest, NoWaitingLineWhenStderrIsPiped) {
  server_.aws().InjectFault({.kind = FaultKind::kSlow,
                             .action = "DescribeStacks",
                             .count = 1,
                             .delay = std::chrono::milliseconds(2500)});
  RexRun run = Rex({"outputs"});
  EXPECT_EQ(server_.aws().faults_served(), 1);
  EXPECT_THAT(run.err, Not(HasSubstr("waiting for")));
}

// On a terminal a slow answer shows what rex waits for; --json never does.
TEST_F(AwsCallsTest, WaitingLineOnATerminalNamesTheCall) {
  auto run_on_terminal = [&](std::vector<std::string> args) {
    server_.aws().InjectFault({.kind = FaultKind::kSlow,
                               .action = "DescribeStacks",
                               .count = 1,
                               .delay = std::chrono::milliseconds(2500)});
    return OnTerminal(std::move(args));
  };
  std::string screen = run_on_terminal({"outputs"});
  EXPECT_THAT(screen, HasSubstr("waiting for CloudFormation DescribeStacks ("));
  // The line is erased before rex goes on.
  size_t shown = screen.rfind("waiting for CloudFormation DescribeStacks");
  ASSERT_NE(shown, std::string::npos);
  EXPECT_NE(screen.find("\r\x1b[2K", shown), std::string::npos) << screen;

  std::string json = run_on_terminal({"--json", "outputs"});
  EXPECT_THAT(json, Not(HasSubstr("waiting for")));
}

}  // namespace
}  // namespace rex::testing

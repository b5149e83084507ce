// A hardened process, through the real binary against the fake AWS endpoint:
// - SIGTERM (a cancelled CI job) is handled like Ctrl-C: `rex up` stopped after its change set
//   was created but before it was executed deletes the change set, releases the deploy lease in
//   the bootstrap bucket, never executes, and exits 1 saying nothing was deployed;
// - SIGTERM while `rex up` asks "Type yes" on a terminal (a pseudo-terminal here) ends the
//   question: the change set is deleted, nothing executed;
// - an endpoint whose clock is 20 minutes ahead refuses rex's first signature as expired; rex
//   learns the offset from the answer's Date header and succeeds.
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
#include <string>
#include <vector>

#include "support/fake_aws_server.h"
#include "support/rex_process.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStackName = "rex-backend-dev";
constexpr const char* kPassphrase = "signal test passphrase";

class SignalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Rex({"init", "dev"}).exit_code, 0);
    RexRun bootstrap = Rex({"bootstrap"});
    ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
    bucket_ = bootstrap.out.substr(8, bootstrap.out.find('\n') - 8);
  }

  RexOptions Options() {
    std::map<std::string, std::string> env = server_.RexEnv(kPassphrase);
    // Room for the slow DescribeChangeSet below.
    env["REX_HTTP_TIMEOUT"] = "30";
    return {.cwd = dir_.path(), .env = env};
  }

  RexRun Rex(std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    return RunRex(args, Options());
  }

  TempDir dir_;
  FakeAwsServer server_;
  std::string bucket_;
};

TEST_F(SignalTest, SigtermBeforeExecutionDeletesTheChangeSetAndReleasesTheLease) {
  // The first DescribeChangeSet answers late, so the signal lands after the change set was
  // created and before rex could execute it (the test waits for the "created" line; no timer
  // decides the outcome: whenever the signal lands before execution, the result is the same).
  server_.aws().InjectFault({.kind = FaultKind::kSlow,
                             .action = "DescribeChangeSet",
                             .count = 1,
                             .delay = std::chrono::milliseconds(3000)});
  const size_t before = server_.aws().Requests().size();  // bootstrap's own change set
  RexProcess up({"--endpoint-url", server_.url(), "up", "--yes"}, Options());
  ASSERT_TRUE(up.WaitForError(") created"));
  up.Terminate();
  RexRun run = up.Wait();
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_THAT(run.err, HasSubstr("stopped before anything was deployed"));

  std::vector<std::string> all = server_.aws().Requests();
  std::vector<std::string> requests(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
  EXPECT_THAT(requests, Contains("cloudformation:DeleteChangeSet"));
  EXPECT_THAT(requests, Not(Contains("cloudformation:ExecuteChangeSet")));
  // The deploy lease was released on the way out.
  EXPECT_FALSE(server_.aws().Object(bucket_, std::string("locks/") + kStackName + ".json"));
  // And the next rex up goes through.
  RexRun again = Rex({"up", "--yes"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_F(SignalTest, SigtermAtTheConfirmationQuestionDeclines) {
  const size_t before = server_.aws().Requests().size();
  RexOptions options = Options();
  std::vector<std::string> env = RexChildEnvironment(options);
  int master = -1;
  pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0);
  if (pid == 0) ExecRex({"--endpoint-url", server_.url(), "up"}, options, env);

  // Reads what rex writes to the terminal until `done` says so or 60 s pass.
  std::string screen;
  auto read_until = [&](const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      pollfd fd{master, POLLIN, 0};
      if (::poll(&fd, 1, 100) > 0) {
        char buffer[4096];
        ssize_t n = ::read(master, buffer, sizeof(buffer));
        if (n > 0) screen.append(buffer, static_cast<size_t>(n));
      }
    }
  };
  read_until([&] { return screen.find("Type yes to go on") != std::string::npos; });
  ASSERT_NE(screen.find("Type yes to go on"), std::string::npos) << screen;
  ::kill(pid, SIGTERM);
  int status = 0;
  bool exited = false;
  read_until([&] { return exited = exited || ::waitpid(pid, &status, WNOHANG) == pid; });
  ::close(master);
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL() << "rex kept waiting for an answer after SIGTERM:\n" << screen;
  }
  ASSERT_TRUE(WIFEXITED(status)) << screen;
  EXPECT_EQ(WEXITSTATUS(status), 1) << screen;
  EXPECT_THAT(screen, HasSubstr("not deployed: the change set was deleted and nothing changed"));
  std::vector<std::string> all = server_.aws().Requests();
  std::vector<std::string> requests(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
  EXPECT_THAT(requests, Contains("cloudformation:DeleteChangeSet"));
  EXPECT_THAT(requests, Not(Contains("cloudformation:ExecuteChangeSet")));
  EXPECT_FALSE(server_.aws().Object(bucket_, std::string("locks/") + kStackName + ".json"));
}

TEST(ClockSkewTest, AnEndpointTwentyMinutesAheadStillWorks) {
  FakeAwsServer server(FakeAwsOptions{.clock_skew = std::chrono::minutes(20)});
  TempDir dir;
  RexOptions options{.cwd = dir.path(), .env = server.RexEnv(kPassphrase)};
  auto rex = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint-url", server.url()});
    return RunRex(args, options);
  };
  ASSERT_EQ(rex({"init", "dev"}).exit_code, 0);
  RexRun bootstrap = rex({"bootstrap"});
  ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  RexRun up = rex({"up", "--yes"});
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(server.aws().HasStack(kStackName));
  // The fake did refuse rex's first signatures: the correction is what made it work.
  std::vector<std::string> failures = server.aws().AuthFailures();
  EXPECT_FALSE(failures.empty());
  for (const std::string& failure : failures) {
    EXPECT_TRUE(failure.find("Signature expired") != std::string::npos ||
                failure.find("RequestTimeTooSkewed") != std::string::npos)
        << failure;
  }
}

}  // namespace
}  // namespace rex::testing

// `rex images push SERVICE TAG` through the real binary against the fake AWS endpoint, with
// the prod stack deployed by `rex up --yes`: without Docker on PATH the exact commands are
// printed (the login through `aws ecr get-login-password | docker login --password-stdin`);
// with a fake `docker` script on PATH that records each invocation's argv and stdin, rex
// runs login/tag/push and the record proves the ECR password went through stdin only. The
// password never appears in rex's output. Replaces the original README's
// `aws ecr get-login-password | docker login ...`, `docker tag`, `docker push`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
#include <string>
#include <vector>

#include "support/fake_aws_server.h"
#include "support/fake_ecr.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The prod preset: its template (over 51,200 bytes compact) goes through the bootstrap bucket.
// The dev template would go inline, and the fake endpoint's HTTP server (cpp-httplib 0.11)
// refuses form bodies over 8 KiB with HTTP 413.
constexpr const char* kStackName = "rex-backend-prod";

// A stand-in for docker: appends "ARGV: <args>" and "STDIN: <input>" for every call to
// $DOCKER_LOG; `info` and `image inspect` succeed; `push` fails when $DOCKER_FAIL_PUSH is set.
constexpr const char* kFakeDocker = R"(#!/bin/sh
echo "ARGV: $*" >> "$DOCKER_LOG"
case "$1" in
  login) input=$(cat); echo "STDIN: $input" >> "$DOCKER_LOG"; echo "Login Succeeded";;
  push) if [ -n "$DOCKER_FAIL_PUSH" ]; then echo "denied: not authorized" >&2; exit 1; fi
        echo "v1.2.0: digest: sha256:0123 size: 1570";;
  info) echo "24.0.7";;
esac
exit 0
)";

class ImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.aws().AddService("ecr", &ecr_);
    server_.aws().SetOutputOverride("apiRepositoryUrl", Remote("api"));
    server_.aws().SetOutputOverride("workerRepositoryUrl", Remote("worker"));
    ASSERT_EQ(Rex({"init", "prod"}).exit_code, 0);
    ASSERT_EQ(Rex({"bootstrap"}).exit_code, 0);
    RexRun up = Rex({"up", "--yes"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
    bin_.Write("docker", kFakeDocker);
    ::chmod((bin_.path() + "/docker").c_str(), 0755);
  }

  std::string Remote(const std::string& service) {
    return ecr_.Registry() + "/" + kStackName + "-" + service;
  }

  RexRun Rex(std::vector<std::string> args, std::map<std::string, std::string> extra_env = {}) {
    args.insert(args.begin(), {"--endpoint-url", server_.url()});
    std::map<std::string, std::string> env = server_.RexEnv("images passphrase");
    env["REX_STACK"] = "prod";
    for (auto& [k, v] : extra_env) env[k] = v;
    RexRun run = RunRex(args, {.cwd = dir_.path(), .env = env});
    transcript_ += run.out + run.err;
    return run;
  }

  std::map<std::string, std::string> WithFakeDocker() {
    return {{"PATH", bin_.path() + ":/usr/bin:/bin"}, {"DOCKER_LOG", log_.path() + "/log"}};
  }

  void TearDown() override {
    EXPECT_THAT(transcript_, Not(HasSubstr(FakeEcr::kPassword)));
    EXPECT_THAT(transcript_, Not(HasSubstr(server_.aws().options().secret_access_key)));
  }

  TempDir dir_;
  TempDir bin_;
  TempDir empty_bin_;
  TempDir log_;
  FakeAwsServer server_;
  FakeEcr ecr_;
  std::string transcript_;
};

TEST_F(ImagesTest, WithoutDockerPrintsTheExactCommands) {
  RexRun run = Rex({"images", "push", "api", "v1.2.0"}, {{"PATH", empty_bin_.path()}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::string registry = ecr_.Registry();
  EXPECT_EQ(run.out,
            "aws ecr get-login-password --region us-east-1 | docker login --username AWS "
            "--password-stdin " +
                registry +
                "\n"
                "docker tag rex-backend-api:v1.2.0 " +
                Remote("api") +
                ":v1.2.0\n"
                "docker push " +
                Remote("api") + ":v1.2.0\n");
  EXPECT_THAT(run.err, HasSubstr("docker is not on PATH"));
  EXPECT_EQ(ecr_.TokensIssued(), 0);
}

TEST_F(ImagesTest, DryRunPrintsTheCommandsAndCallsNothing) {
  RexRun run =
      Rex({"images", "push", "worker", "latest", "--local-image", "my-worker:dev", "--dry-run"},
          WithFakeDocker());
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("docker tag my-worker:dev " + Remote("worker") + ":latest\n"));
  EXPECT_EQ(log_.Read("log"), "");
  EXPECT_EQ(ecr_.TokensIssued(), 0);
}

TEST_F(ImagesTest, WithDockerLogsInTagsPushesAndVerifiesWithThePasswordOnStdinOnly) {
  ecr_.AddImage(std::string(kStackName) + "-api", "v1.2.0");
  RexRun run = Rex({"images", "push", "api", "v1.2.0"}, WithFakeDocker());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const std::string remote = Remote("api") + ":v1.2.0";
  EXPECT_THAT(run.out, HasSubstr("pushed " + remote + " (sha256:"));
  EXPECT_EQ(log_.Read("log"),
            "ARGV: info --format {{.ServerVersion}}\n"
            "ARGV: image inspect --format {{.Id}} -- rex-backend-api:v1.2.0\n"
            "ARGV: login --username AWS --password-stdin -- " +
                ecr_.Registry() +
                "\n"
                "STDIN: " +
                std::string(FakeEcr::kPassword) +
                "\n"
                "ARGV: tag -- rex-backend-api:v1.2.0 " +
                remote +
                "\n"
                "ARGV: push -- " +
                remote + "\n");
  EXPECT_EQ(ecr_.TokensIssued(), 1);
  EXPECT_THAT(run.err, HasSubstr("Login Succeeded"));
}

// docker and its credential helpers get an allow-listed environment: the recording script
// writes everything it sees, and neither REX_CONFIG_PASSPHRASE nor the AWS secret is there.
TEST_F(ImagesTest, DockerSeesNoPassphraseAndNoAwsSecret) {
  ecr_.AddImage(std::string(kStackName) + "-api", "v1.2.0");
  bin_.Write("docker", std::string("#!/bin/sh\nenv >> \"$DOCKER_LOG.env\"\n") +
                           std::string(kFakeDocker).substr(std::string("#!/bin/sh\n").size()));
  ::chmod((bin_.path() + "/docker").c_str(), 0755);
  RexRun run = Rex({"images", "push", "api", "v1.2.0"}, WithFakeDocker());
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::string seen = log_.Read("log.env");
  EXPECT_THAT(seen, HasSubstr("DOCKER_LOG=" + log_.path() + "/log\n"));
  EXPECT_THAT(seen, HasSubstr("PATH=" + bin_.path()));
  EXPECT_THAT(seen, Not(HasSubstr("REX_CONFIG_PASSPHRASE")));
  EXPECT_THAT(seen, Not(HasSubstr("images passphrase")));
  EXPECT_THAT(seen, Not(HasSubstr("AWS_SECRET_ACCESS_KEY")));
  EXPECT_THAT(seen, Not(HasSubstr(server_.aws().options().secret_access_key)));
  EXPECT_THAT(seen, Not(HasSubstr("AWS_ACCESS_KEY_ID")));
}

TEST_F(ImagesTest, TagMissingFromEcrAfterThePushFails) {
  RexRun run = Rex({"images", "push", "api", "v2"}, WithFakeDocker());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("the push ended but ECR does not show " + std::string(kStackName) +
                                 "-api:v2"));
}

TEST_F(ImagesTest, FailedPushExitsOne) {
  std::map<std::string, std::string> env = WithFakeDocker();
  env["DOCKER_FAIL_PUSH"] = "1";
  RexRun run = Rex({"images", "push", "api", "v3"}, env);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.err, HasSubstr("docker exited with 1: denied: not authorized"));
}

TEST_F(ImagesTest, UnknownServiceIsExitTwoWithTheAllowedOnes) {
  RexRun run = Rex({"images", "push", "web", "v1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("unknown service \"web\"; stack rex-backend-prod has services "
                                 "api, supertokens, worker; jobs bootstrap, migration (rex images "
                                 "push takes a service with an ECR repository: api, worker)"));
}

}  // namespace
}  // namespace rex::testing

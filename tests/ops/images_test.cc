// ops/images.h: push target resolution, the printed commands, the Docker check and the push
// sequence against a recording process runner (which proves the ECR password reaches
// `docker login` on stdin only) and a scripted ECR.
#include "ops/images.h"

#include <gtest/gtest.h>

#include "aws/hash.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"

namespace rex::ops {
namespace {

using rex::testing::FakeClock;
using rex::testing::FakeTransport;

constexpr const char* kPassword = "ecr-password-SECRET-5510";
constexpr const char* kRegistry = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

// A deployed stack as FindWorkloads leaves it: api and worker with a repository of their own,
// supertokens running an external image, one job.
StackInfo Stack() {
  StackInfo stack;
  stack.stack_name = "rex-backend-dev";
  stack.services["api"] = {.name = "api",
                           .repository_url = std::string(kRegistry) + "/rex-backend-dev-api"};
  stack.services["worker"] = {.name = "worker",
                              .repository_url = std::string(kRegistry) + "/rex-backend-dev-worker"};
  stack.services["supertokens"] = {.name = "supertokens"};
  stack.jobs["migration"] = {.name = "migration"};
  return stack;
}
const StackInfo kStack = Stack();

// Records every run (argv and stdin) and answers from a script by argv[1].
class RecordingRunner : public ProcessRunner {
 public:
  struct Call {
    std::vector<std::string> argv;
    std::string stdin_data;
  };
  std::string Find(const std::string& program) override {
    return program == "docker" && has_docker ? "/usr/bin/docker" : "";
  }
  base::Result<ProcessResult> Run(const std::vector<std::string>& argv,
                                  const std::string& stdin_data,
                                  const std::function<void(std::string_view)>& on_output) override {
    calls.push_back({argv, stdin_data});
    ProcessResult result{0, argv.size() > 1 ? argv[1] + " ok\n" : ""};
    if (argv.size() > 1 && exit_codes.count(argv[1]) != 0) {
      result.exit_code = exit_codes[argv[1]];
      result.output = argv[1] + " failed\nlast line of " + argv[1] + "\n";
    }
    if (on_output) on_output(result.output);
    return result;
  }
  bool has_docker = true;
  std::map<std::string, int> exit_codes;  // by sub-command (info, image, login, tag, push)
  std::vector<Call> calls;
};

class CollectingObserver : public PushObserver {
 public:
  void OnStep(std::string_view step) override { steps.emplace_back(step); }
  void OnOutput(std::string_view chunk) override { output += chunk; }
  std::vector<std::string> steps;
  std::string output;
};

TEST(ImagesTest, ResolvePushTarget) {
  auto target = ResolvePushTarget(kStack, "rex-backend", "api", "v1.2.0");
  ASSERT_TRUE(target.ok()) << target.error().ToString();
  EXPECT_EQ(target->registry, kRegistry);
  EXPECT_EQ(target->repository, "rex-backend-dev-api");
  EXPECT_EQ(target->local_image, "rex-backend-api:v1.2.0");
  EXPECT_EQ(target->remote_image, std::string(kRegistry) + "/rex-backend-dev-api:v1.2.0");
  auto named = ResolvePushTarget(kStack, "rex-backend", "worker", "latest", "my/worker:dev");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->local_image, "my/worker:dev");
}

TEST(ImagesTest, BadInputIsRefusedWithTheAllowedValues) {
  auto unknown = ResolvePushTarget(kStack, "rex-backend", "web", "v1");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(unknown.error().message(),
            "unknown service \"web\"; stack rex-backend-dev has services api, supertokens, worker; "
            "jobs migration (rex images push takes a service with an ECR repository: api, "
            "worker)");
  auto external = ResolvePushTarget(kStack, "rex-backend", "supertokens", "v1");
  ASSERT_FALSE(external.ok());
  EXPECT_EQ(external.error().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(external.error().message(),
            "service supertokens of stack rex-backend-dev has no ECR repository of its own (no "
            "output supertokensRepositoryUrl; its image is not built here); rex images push "
            "takes a service with an ECR repository: api, worker");
  auto tag = ResolvePushTarget(kStack, "rex-backend", "api", "-bad/tag");
  ASSERT_FALSE(tag.ok());
  EXPECT_EQ(tag.error().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(ValidateImageTag("-bad/tag").code(), base::Code::kInvalidArgument);
  EXPECT_TRUE(ValidateImageTag("v1.2.0").ok());
  StackInfo broken = kStack;
  broken.services["api"].repository_url = "not-a-uri";
  auto missing = ResolvePushTarget(broken, "rex-backend", "api", "v1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), base::Code::kFailedPrecondition);
}

TEST(ImagesTest, ManualCommandsNeverHoldAPassword) {
  auto target = ResolvePushTarget(kStack, "rex-backend", "api", "v1.2.0");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(ManualPushCommands(*target, "us-east-1"),
            (std::vector<std::string>{
                "aws ecr get-login-password --region us-east-1 | docker login --username AWS "
                "--password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "docker tag rex-backend-api:v1.2.0 "
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/rex-backend-dev-api:v1.2.0",
                "docker push 123456789012.dkr.ecr.us-east-1.amazonaws.com/rex-backend-dev-api:"
                "v1.2.0"}));
}

TEST(ImagesTest, CheckDocker) {
  RecordingRunner runner;
  EXPECT_TRUE(CheckDocker(runner).usable);
  runner.exit_codes["info"] = 1;
  DockerCheck down = CheckDocker(runner);
  EXPECT_FALSE(down.usable);
  EXPECT_EQ(down.reason, "docker info failed (is the Docker daemon running?): last line of info");
  runner.has_docker = false;
  EXPECT_EQ(CheckDocker(runner).reason, "docker is not on PATH");
}

class PushTest : public ::testing::Test {
 protected:
  void RespondToken() {
    transport_.Respond(
        200,
        base::Json{{"authorizationData",
                    base::Json::array({{{"authorizationToken",
                                         aws::Base64Encode(std::string("AWS:") + kPassword)},
                                        {"proxyEndpoint", std::string("https://") + kRegistry}}})}}
            .dump());
  }
  aws::StaticCredentialsProvider credentials_{aws::Credentials{"AKID", "secret", "", {}}};
  FakeTransport transport_;
  FakeClock clock_;
  aws::EcrClient ecr_{aws::Endpoint{"https://api.ecr.us-east-1.amazonaws.com", "us-east-1", "ecr"},
                      &credentials_, transport_, clock_};
  RecordingRunner runner_;
  CollectingObserver observer_;
  PushTarget target_ = ResolvePushTarget(kStack, "rex-backend", "api", "v1.2.0").value();
};

TEST_F(PushTest, LoginTagPushVerifyWithThePasswordOnStdinOnly) {
  RespondToken();
  transport_.Respond(200,
                     R"({"imageDetails":[{"imageDigest":"sha256:abc","imageTags":["v1.2.0"]}]})");
  auto pushed = PushImage(ecr_, runner_, "docker", target_, observer_);
  ASSERT_TRUE(pushed.ok()) << pushed.error().ToString();
  EXPECT_EQ(pushed->image.image_digest, "sha256:abc");

  ASSERT_EQ(runner_.calls.size(), 4u);
  const std::string remote = target_.remote_image;
  EXPECT_EQ(runner_.calls[0].argv,
            (std::vector<std::string>{"docker", "image", "inspect", "--format", "{{.Id}}", "--",
                                      "rex-backend-api:v1.2.0"}));
  EXPECT_EQ(runner_.calls[1].argv, (std::vector<std::string>{"docker", "login", "--username", "AWS",
                                                             "--password-stdin", "--", kRegistry}));
  EXPECT_EQ(runner_.calls[1].stdin_data, kPassword);
  EXPECT_EQ(runner_.calls[2].argv,
            (std::vector<std::string>{"docker", "tag", "--", "rex-backend-api:v1.2.0", remote}));
  EXPECT_EQ(runner_.calls[3].argv, (std::vector<std::string>{"docker", "push", "--", remote}));
  // The password went to exactly one place: login's stdin.
  for (size_t i = 0; i < runner_.calls.size(); ++i) {
    for (const std::string& arg : runner_.calls[i].argv) {
      EXPECT_EQ(arg.find(kPassword), std::string::npos) << "argv of call " << i;
    }
    if (i != 1) {
      EXPECT_EQ(runner_.calls[i].stdin_data, "") << "stdin of call " << i;
    }
  }
  for (const std::string& step : observer_.steps)
    EXPECT_EQ(step.find(kPassword), std::string::npos);
  EXPECT_EQ(observer_.steps,
            (std::vector<std::string>{std::string("log in to ") + kRegistry,
                                      "tag rex-backend-api:v1.2.0 as " + remote, "push " + remote,
                                      "verify rex-backend-dev-api:v1.2.0 in ECR"}));
  EXPECT_EQ(base::Json::parse(transport_.requests()[1].body)["imageIds"][0]["imageTag"], "v1.2.0");
}

TEST_F(PushTest, MissingLocalImageStopsBeforeLogin) {
  runner_.exit_codes["image"] = 1;
  auto pushed = PushImage(ecr_, runner_, "docker", target_, observer_);
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.error().code(), base::Code::kFailedPrecondition);
  EXPECT_EQ(pushed.error().message(),
            "there is no local image rex-backend-api:v1.2.0; build it (e.g. \"docker build -t "
            "rex-backend-api:v1.2.0 .\") or name another with --local-image");
  EXPECT_EQ(transport_.request_count(), 0u);
}

TEST_F(PushTest, FailedPushNamesTheStepAndNeverThePassword) {
  RespondToken();
  runner_.exit_codes["push"] = 1;
  auto pushed = PushImage(ecr_, runner_, "docker", target_, observer_);
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.error().message(),
            "docker push " + target_.remote_image + ": docker exited with 1: last line of push");
  EXPECT_EQ(pushed.error().ToString().find(kPassword), std::string::npos);
}

TEST_F(PushTest, TagMissingAfterThePushIsAnError) {
  RespondToken();
  transport_.Respond(400, R"({"__type":"ImageNotFoundException","message":"not there"})");
  auto pushed = PushImage(ecr_, runner_, "docker", target_, observer_);
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.error().code(), base::Code::kNotFound);
  EXPECT_NE(pushed.error().message().find("the push ended but ECR does not show "
                                          "rex-backend-dev-api:v1.2.0"),
            std::string::npos);
}

}  // namespace
}  // namespace rex::ops

// Jobs, queues and buckets through the real binary: examples/workloads.yaml as stacks/dev.yaml
// synthesizes the cleanup job, the tasks queue and the uploads bucket; `rex preview` against
// the example without them shows what they add; bad entries are exit 2 naming the entry, the
// key and what is allowed, with nothing on stdout.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

std::string Example() {
  auto text = base::ReadFile(std::string(REX_SOURCE_DIR) + "/examples/workloads.yaml");
  EXPECT_TRUE(text.ok()) << text.error().message();
  return text.ok() ? *text : std::string();
}

// The example up to its jobs: section: the dev preset plus the notifier.
std::string ExampleWithoutJobsQueuesAndBuckets() {
  std::string text = Example();
  size_t at = text.find("\njobs:");
  EXPECT_NE(at, std::string::npos);
  // Back to the start of the comment block above "jobs:".
  size_t comment = text.rfind("\n\n", at);
  return text.substr(0, comment == std::string::npos ? at : comment + 1);
}

// The lines of `text` that start with `prefix`.
std::vector<std::string> LinesStartingWith(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

bool AnyLineHas(const std::vector<std::string>& lines, const std::string& a, const std::string& b) {
  for (const std::string& line : lines) {
    if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
  }
  return false;
}

TEST(JobsQueuesIntegrationTest, ExampleSynthesizesTheJobTheQueueAndTheBucket) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", Example());
  RexRun run = RunRex({"synth"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto tmpl = base::ParseJson(run.out, "stdout");
  ASSERT_TRUE(tmpl.has_value());
  const base::Json& resources = (*tmpl)["Resources"];
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"JobsCleanupTaskDefinition", "AWS::ECS::TaskDefinition"},
      {"JobsCleanupLogGroup", "AWS::Logs::LogGroup"},
      {"JobsCleanupTaskRole", "AWS::IAM::Role"},
      {"JobsCleanupExecutionPolicy", "AWS::IAM::Policy"},
      {"JobsCleanupScheduleRole", "AWS::IAM::Role"},
      {"JobsCleanupSchedule", "AWS::Scheduler::Schedule"},
      {"QueuesTasks", "AWS::SQS::Queue"},
      {"QueuesTasksDeadLetterQueue", "AWS::SQS::Queue"},
      {"QueuesTasksSendPolicy", "AWS::IAM::Policy"},
      {"QueuesTasksConsumePolicy", "AWS::IAM::Policy"},
      {"BucketsUploads", "AWS::S3::Bucket"},
      {"BucketsUploadsPolicy", "AWS::S3::BucketPolicy"},
      {"BucketsUploadsReadPolicy", "AWS::IAM::Policy"},
      {"BucketsUploadsWritePolicy", "AWS::IAM::Policy"},
  };
  for (const auto& [id, type] : expected) {
    ASSERT_TRUE(resources.contains(id)) << id;
    EXPECT_EQ(resources[id]["Type"], type) << id;
  }
  EXPECT_TRUE((*tmpl)["Outputs"].contains("tasksQueueUrl"));
  EXPECT_TRUE((*tmpl)["Outputs"].contains("uploadsBucketName"));
}

TEST(JobsQueuesIntegrationTest, PreviewShowsWhatTheyAdd) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", ExampleWithoutJobsQueuesAndBuckets());
  std::filesystem::create_directories(dir.path() + "/.rex/dev");
  RexRun deployed = RunRex({"synth", "-o", ".rex/dev/deployed.template.json"}, {.cwd = dir.path()});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.err;

  dir.Write("stacks/dev.yaml", Example());
  RexRun run = RunRex({"preview"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> created = LinesStartingWith(run.out, "  +");
  for (const auto& [type, id] : std::vector<std::pair<std::string, std::string>>{
           {"AWS::Scheduler::Schedule", "Jobs/Cleanup/Schedule"},
           {"AWS::ECS::TaskDefinition", "Jobs/Cleanup/TaskDefinition"},
           {"AWS::SQS::Queue", "Queues/Tasks"},
           {"AWS::SQS::Queue", "Queues/Tasks/DeadLetterQueue"},
           {"AWS::S3::Bucket", "Buckets/Uploads"},
           {"AWS::IAM::Policy", "Queues/Tasks/SendPolicy"},
       }) {
    EXPECT_TRUE(AnyLineHas(created, type, id)) << type << " " << id << "\n" << run.out;
  }
  // The services that got a variable change; nothing else of the deployed stack does, and no
  // data is at risk.
  for (const std::string& line : LinesStartingWith(run.out, "  -/+")) {
    EXPECT_NE(line.find("AWS::ECS::TaskDefinition"), std::string::npos) << line;
  }
  EXPECT_EQ(run.out.find("DATA LOSS"), std::string::npos) << run.out;
  EXPECT_TRUE(LinesStartingWith(run.out, "  - ").empty()) << run.out;

  RexRun json = RunRex({"preview", "--json"}, {.cwd = dir.path()});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto plan = base::ParseJson(json.out, "stdout");
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ((*plan)["summary"]["create"], 15);  // with the queues' TLS-only policy
  EXPECT_EQ((*plan)["summary"]["delete"], 0);
}

void ExpectRefused(const std::string& yaml, const std::string& expected) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", "environment: dev\n" + yaml);
  RexRun run = RunRex({"synth"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(JobsQueuesIntegrationTest, InvalidCronIsExitTwo) {
  ExpectRefused("jobs:\n  cleanup: {image: api, schedule: 'cron(0 3 * * * *)'}\n",
                "stacks/dev.yaml: jobs.cleanup.schedule: \"cron(0 3 * * * *)\" is not allowed: "
                "day-of-month and day-of-week are both set: put ? in one of them; use cron(");
}

TEST(JobsQueuesIntegrationTest, QueueGrantedToAnUnknownServiceIsExitTwo) {
  ExpectRefused("queues:\n  tasks: {producers: [api], consumers: [mailer]}\n",
                "stacks/dev.yaml: queues.tasks.consumers: \"mailer\" is not allowed: name a "
                "service: api, worker, supertokens");
}

TEST(JobsQueuesIntegrationTest, BucketGrantedToAnUnknownServiceIsExitTwo) {
  ExpectRefused("buckets:\n  uploads: {readers: [wroker]}\n",
                "stacks/dev.yaml: buckets.uploads.readers: \"wroker\" is not allowed: name a "
                "service: api, worker, supertokens; did you mean \"worker\"?");
}

TEST(JobsQueuesIntegrationTest, JobImageNamingAnUnknownServiceIsExitTwo) {
  ExpectRefused("jobs:\n  cleanup: {image: notifier}\n",
                "stacks/dev.yaml: jobs.cleanup.image: \"notifier\" is not allowed: name a service "
                "(api, worker, supertokens) or give an external image with its tag");
}

TEST(JobsQueuesIntegrationTest, BadJobSizeIsExitTwo) {
  ExpectRefused("jobs:\n  cleanup: {image: api, cpu: 256, memory: 4096}\n",
                "stacks/dev.yaml: jobs.cleanup.memory: 4096 is not allowed with cpu 256: use 512, "
                "1024 or 2048 MiB");
}

}  // namespace
}  // namespace rex::testing

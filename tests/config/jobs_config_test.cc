// YAML "jobs:": good entries load with their values and survive ConfigToYaml; each bad entry
// is refused naming the entry, the key and what is allowed; schedule expressions are checked
// as EventBridge Scheduler reads them.

#include "config/jobs_config.h"

#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config/presets.h"

namespace rex::config {
namespace {

constexpr char kSource[] = "stacks/dev.yaml";

std::string LoadError(const std::string& yaml) {
  base::Result<Config> config = LoadConfig(yaml, kSource, Env{});
  if (config.ok()) return "OK";
  EXPECT_EQ(config.error().code(), base::Code::kInvalidArgument);
  return config.error().message();
}

Config MustLoad(const std::string& yaml) {
  base::Result<Config> config = LoadConfig(yaml, kSource, Env{});
  EXPECT_TRUE(config.ok()) << config.error().message();
  return config.ok() ? config.value() : Config{};
}

// The error of a config with one job entry `entry` (YAML flow map or block text).
std::string JobError(const std::string& entry) { return LoadError("jobs:\n  cleanup: " + entry); }

TEST(JobsConfigTest, ScheduledJobLoadsWithItsValues) {
  Config c = MustLoad(
      "jobs:\n"
      "  cleanup:\n"
      "    image: api\n"
      "    command: ./cleanup --older-than 30d\n"
      "    cpu: 512\n"
      "    memory: 1024\n"
      "    environment: {REDIS_URL: '${redisUrl}', MODE: nightly}\n"
      "    secrets: {DB_PASSWORD: db.password}\n"
      "    schedule: cron(0 3 * * ? *)\n"
      "    timezone: Europe/Berlin\n"
      "  report: {image: 'public.ecr.aws/docker/library/alpine:3.20'}\n");
  ASSERT_EQ(c.jobs.size(), 2u);
  EXPECT_EQ(c.jobs[0].first, "cleanup");
  const JobConfig& job = c.jobs[0].second;
  EXPECT_EQ(job.image, "api");
  EXPECT_EQ(job.command, (std::vector<std::string>{"./cleanup", "--older-than", "30d"}));
  EXPECT_EQ(job.cpu, 512);
  EXPECT_EQ(job.memory, 1024);
  EXPECT_EQ(job.environment.at("MODE"), "nightly");
  EXPECT_EQ(job.secrets.at("DB_PASSWORD"), "db.password");
  EXPECT_EQ(job.schedule, "cron(0 3 * * ? *)");
  EXPECT_EQ(job.timezone, "Europe/Berlin");
  // A one-off job: defaults everywhere but the image.
  EXPECT_EQ(c.jobs[1].first, "report");
  EXPECT_EQ(c.jobs[1].second.schedule, "");
  EXPECT_EQ(c.jobs[1].second.timezone, "UTC");
  EXPECT_EQ(c.jobs[1].second.cpu, 256);
  EXPECT_EQ(c.jobs[1].second.memory, 512);
}

TEST(JobsConfigTest, JobsSurviveConfigToYaml) {
  Config c = MustLoad(
      "jobs:\n"
      "  cleanup: {image: worker, command: [./cleanup, 'a b'], schedule: rate(1 day),"
      " environment: {A: '1'}, secrets: {P: db.password}}\n"
      "  once: {image: 'alpine:3.20', cpu: 1024, memory: 2048, schedule: 'cron(0 3 * * ? *)',"
      " timezone: America/New_York}\n");
  std::string yaml = ConfigToYaml(c);
  base::Result<Config> again = LoadConfig(yaml, "written", Env{});
  ASSERT_TRUE(again.ok()) << again.error().message() << "\n" << yaml;
  EXPECT_EQ(again->jobs, c.jobs);
}

TEST(JobsConfigTest, PresetsHaveNoJobsAndWriteNoJobsSection) {
  for (Preset preset : {Preset::kDev, Preset::kStaging, Preset::kProd}) {
    Config c = PresetConfig(preset);
    EXPECT_TRUE(c.jobs.empty());
    EXPECT_EQ(ConfigToYaml(c).find("jobs:"), std::string::npos);
  }
}

TEST(JobsConfigTest, InvalidCronNamesTheEntryTheKeyAndWhatIsAllowed) {
  EXPECT_NE(JobError("{image: api, schedule: 'cron(0 3 * * *)'}")
                .find("stacks/dev.yaml: jobs.cleanup.schedule: \"cron(0 3 * * *)\" is not "
                      "allowed: a cron expression has 6 fields (minutes hours day-of-month month "
                      "day-of-week year), this one has 5; use cron(minutes hours day-of-month "
                      "month day-of-week year) such as \"cron(0 3 * * ? *)\", or rate(<n> "
                      "minutes|hours|days) such as \"rate(1 day)\""),
            std::string::npos);
  EXPECT_NE(JobError("{image: api, schedule: 'cron(0 3 * * * *)'}")
                .find("jobs.cleanup.schedule: \"cron(0 3 * * * *)\" is not allowed: day-of-month "
                      "and day-of-week are both set: put ? in one of them"),
            std::string::npos);
  EXPECT_NE(JobError("{image: api, schedule: 'cron(61 3 * * ? *)'}")
                .find("jobs.cleanup.schedule: \"cron(61 3 * * ? *)\" is not allowed: the minutes "
                      "field \"61\" is not a cron value of 0 to 59 with , - * /"),
            std::string::npos);
  EXPECT_NE(JobError("{image: api, schedule: 'every night'}")
                .find("jobs.cleanup.schedule: \"every night\" is not allowed: it is neither "
                      "cron(...) nor rate(...)"),
            std::string::npos);
}

TEST(JobsConfigTest, ScheduleExpressions) {
  struct Case {
    const char* expression;
    const char* problem;  // "" when accepted
  };
  const Case cases[] = {
      {"cron(0 3 * * ? *)", ""},
      {"cron(0/15 8-18 ? * MON-FRI *)", ""},
      {"cron(30 2 1,15 * ? 2027)", ""},
      {"cron(0 12 L * ? *)", ""},
      {"cron(0 12 15W * ? *)", ""},
      {"cron(0 9 ? * 2#1 *)", ""},
      {"cron(0 9 ? JAN-MAR 6L *)", ""},
      {"cron(*/5 * * * ? *)", ""},
      {"rate(1 day)", ""},
      {"rate(5 minutes)", ""},
      {"rate(12 hours)", ""},
      {"cron(0 24 * * ? *)", "the hours field \"24\" is not a cron value of 0 to 23 with , - * /"},
      {"cron(0 3 ? * ? *)", "day-of-month and day-of-week are both ?: set one of them"},
      {"cron(0 3 * 13 ? *)",
       "the month field \"13\" is not a cron value of 1 to 12 (or names such as JAN) with , - * /"},
      {"cron(0 3 ? * 2#6 *)",
       "the day-of-week field \"2#6\" is not a cron value of 1 to 7 (or names such as SUN) with , "
       "- * / ?"},
      {"cron(0/0 3 * * ? *)",
       "the minutes field \"0/0\" is not a cron value of 0 to 59 with , - * /"},
      {"rate(1 days)", "use the singular unit with 1: day"},
      {"rate(2 day)", "use the plural unit with 2: days"},
      {"rate(0 days)", "a rate is rate(<n> <unit>) with a whole n of at least 1"},
      {"rate(1 week)", "the unit \"week\" is not one of minute(s), hour(s), day(s)"},
      {"at(2027-01-01T00:00:00)",
       "one-time at(...) schedules are not supported; run it with rex run"},
      {"cron 0 3 * * ? *", "it is neither cron(...) nor rate(...)"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(jobs::ScheduleProblem(c.expression), c.problem) << c.expression;
  }
}

TEST(JobsConfigTest, ImageNamingAnUnknownServiceIsRefused) {
  EXPECT_NE(JobError("{image: apu}")
                .find("stacks/dev.yaml: jobs.cleanup.image: \"apu\" is not allowed: name a "
                      "service (api, worker, supertokens) or give an external image with its "
                      "tag, such as \"public.ecr.aws/docker/library/alpine:3.20\"; did you mean "
                      "\"api\"?"),
            std::string::npos);
  EXPECT_NE(JobError("{command: ./cleanup}")
                .find("jobs.cleanup.image: is required: name a service (api, worker, "
                      "supertokens) or give"),
            std::string::npos);
  EXPECT_EQ(JobError("{image: 'ghcr.io/acme/tools:1.2'}"), "OK");
}

TEST(JobsConfigTest, BadSizesAreRefused) {
  EXPECT_NE(JobError("{image: api, cpu: 300}")
                .find("jobs.cleanup.cpu: 300 is not allowed: use a Fargate CPU value: 256, 512, "
                      "1024, 2048, 4096, 8192 or 16384"),
            std::string::npos);
  EXPECT_NE(JobError("{image: api, cpu: 1024, memory: 512}")
                .find("jobs.cleanup.memory: 512 is not allowed with cpu 1024: use 2048 to 8192 "
                      "MiB in steps of 1024"),
            std::string::npos);
  EXPECT_NE(JobError("{image: api, memory: lots}")
                .find("jobs.cleanup.memory: expected a whole number, got \"lots\""),
            std::string::npos);
}

TEST(JobsConfigTest, BadEntriesAreAllReported) {
  std::string error = LoadError(
      "jobs:\n"
      "  Cleanup: {image: api}\n"
      "  worker: {image: api}\n"
      "  migration: {image: api}\n"
      "  nightly:\n"
      "    image: api\n"
      "    schedul: rate(1 day)\n"
      "    environment: {URL: 'http://x:${port}', 1X: a}\n"
      "    secrets: {TOKEN: github.token, URL: db.host}\n"
      "    timezone: Mars/Olympus Mons\n"
      "  once: {image: api, timezone: Europe/Berlin}\n");
  for (const char* line : {
           "jobs.Cleanup: \"Cleanup\" is not allowed as a job name: use 1 to 20 lowercase "
           "letters, digits and hyphens, starting with a letter",
           "jobs.worker: \"worker\" is not allowed: services.worker has that name; give the job a "
           "name of its own",
           "jobs.migration: \"migration\" is not allowed: the name is taken by rex's own migration "
           "task; choose another name",
           "jobs.nightly.schedul: unknown key; did you mean \"schedule\"?; allowed: image, "
           "command, cpu, memory, environment, secrets, schedule, timezone",
           "jobs.nightly.environment.URL: the reference ${port} is not allowed: a job may use "
           "${dbName}, ${redisUrl}, ${namespace}, ${supertokensImage} (it has no port)",
           "jobs.nightly.environment.1X: \"1X\" is not allowed: use a variable name",
           "jobs.nightly.secrets.TOKEN: \"github.token\" is not allowed: use an app secret: "
           "db.host",
           "jobs.nightly.secrets.URL: is also in environment",
           "jobs.nightly.timezone: \"Mars/Olympus Mons\" is not allowed: use \"UTC\" or an IANA "
           "time zone name such as \"Europe/Berlin\"",
           "jobs.once.timezone: needs schedule: the time zone applies to a job's schedule",
       }) {
    EXPECT_NE(error.find(line), std::string::npos) << line << "\n" << error;
  }
}

TEST(JobsConfigTest, WrongShapesAreRefused) {
  EXPECT_NE(LoadError("jobs: [cleanup]\n")
                .find("stacks/dev.yaml: jobs: expected a map of named entries, got a list"),
            std::string::npos);
  EXPECT_NE(LoadError("jobs:\n  cleanup: api\n")
                .find("jobs.cleanup: expected a map of job keys (image, command, cpu, memory, "
                      "environment, secrets, schedule, timezone), got \"api\""),
            std::string::npos);
  EXPECT_NE(LoadError("job:\n  cleanup: {image: api}\n")
                .find("stacks/dev.yaml: job: unknown key; did you mean \"jobs\"?"),
            std::string::npos);
}

}  // namespace
}  // namespace rex::config

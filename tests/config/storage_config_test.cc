// YAML "queues:" and "buckets:": good entries load with their values and survive
// ConfigToYaml; each bad entry is refused naming the entry, the key and what is allowed.

#include "config/storage_config.h"

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

void ExpectError(const std::string& yaml, const std::string& expected) {
  std::string error = LoadError(yaml);
  EXPECT_NE(error.find(expected), std::string::npos) << expected << "\n" << error;
}

TEST(StorageConfigTest, QueuesAndBucketsLoadWithTheirValues) {
  Config c = MustLoad(
      "queues:\n"
      "  jobs: {producers: [api], consumers: [worker], maxReceiveCount: 3,"
      " visibilityTimeout: 120, retentionDays: 7}\n"
      "  events:\n"
      "buckets:\n"
      "  uploads: {readers: [api, worker], writers: [api], encryption: kms, expireDays: 30}\n");
  ASSERT_EQ(c.queues.size(), 2u);
  EXPECT_EQ(c.queues[0].first, "jobs");
  const QueueConfig& q = c.queues[0].second;
  EXPECT_EQ(q.producers, (std::vector<std::string>{"api"}));
  EXPECT_EQ(q.consumers, (std::vector<std::string>{"worker"}));
  EXPECT_EQ(q.max_receive_count, 3);
  EXPECT_EQ(q.visibility_timeout, 120);
  EXPECT_EQ(q.retention_days, 7);
  EXPECT_EQ(c.queues[1].second, QueueConfig{});  // "events:" alone takes the defaults
  ASSERT_EQ(c.buckets.size(), 1u);
  const BucketConfig& b = c.buckets[0].second;
  EXPECT_EQ(b.readers, (std::vector<std::string>{"api", "worker"}));
  EXPECT_EQ(b.writers, (std::vector<std::string>{"api"}));
  EXPECT_EQ(b.encryption, "kms");
  EXPECT_EQ(b.expire_days, 30);
}

TEST(StorageConfigTest, QueuesAndBucketsSurviveConfigToYaml) {
  Config c = MustLoad(
      "queues:\n"
      "  jobs: {producers: [api, supertokens], consumers: [worker], maxReceiveCount: 9}\n"
      "buckets:\n"
      "  uploads: {readers: [worker], writers: [api]}\n"
      "  archive: {encryption: kms, expireDays: 365}\n");
  std::string yaml = ConfigToYaml(c);
  base::Result<Config> again = LoadConfig(yaml, "written", Env{});
  ASSERT_TRUE(again.ok()) << again.error().message() << "\n" << yaml;
  EXPECT_EQ(again->queues, c.queues);
  EXPECT_EQ(again->buckets, c.buckets);
}

TEST(StorageConfigTest, PresetsHaveNoQueuesOrBuckets) {
  for (Preset preset : {Preset::kDev, Preset::kStaging, Preset::kProd}) {
    Config c = PresetConfig(preset);
    EXPECT_TRUE(c.queues.empty());
    EXPECT_TRUE(c.buckets.empty());
    std::string yaml = ConfigToYaml(c);
    EXPECT_EQ(yaml.find("queues:"), std::string::npos);
    EXPECT_EQ(yaml.find("buckets:"), std::string::npos);
  }
}

TEST(StorageConfigTest, QueueGrantedToAnUnknownServiceIsRefused) {
  ExpectError("queues:\n  jobs: {producers: [api], consumers: [wroker]}\n",
              "stacks/dev.yaml: queues.jobs.consumers: \"wroker\" is not allowed: name a "
              "service: api, worker, supertokens; did you mean \"worker\"?");
  ExpectError("queues:\n  jobs: {producers: [api, api]}\n",
              "queues.jobs.producers: \"api\" is named twice; name each service once");
  ExpectError("buckets:\n  uploads: {writers: [nobody]}\n",
              "buckets.uploads.writers: \"nobody\" is not allowed: name a service: api, worker, "
              "supertokens");
  ExpectError("queues:\n  jobs: {consumers: worker}\n",
              "queues.jobs.consumers: expected a list of service names such as [api, worker], "
              "got \"worker\"");
}

TEST(StorageConfigTest, ValuesOutsideTheirRangeAreRefused) {
  ExpectError("queues:\n  jobs: {maxReceiveCount: 0}\n",
              "queues.jobs.maxReceiveCount: 0 is not allowed: use 1 to 1000 receives");
  ExpectError("queues:\n  jobs: {visibilityTimeout: 50000}\n",
              "queues.jobs.visibilityTimeout: 50000 is not allowed: use 0 to 43200 seconds");
  ExpectError("queues:\n  jobs: {retentionDays: 15}\n",
              "queues.jobs.retentionDays: 15 is not allowed: use 1 to 14 days");
  ExpectError("buckets:\n  uploads: {encryption: aes}\n",
              "buckets.uploads.encryption: \"aes\" is not allowed: use \"s3\" (SSE-S3) or \"kms\" "
              "(SSE-KMS with the AWS managed key aws/s3)");
  ExpectError("buckets:\n  uploads: {expireDays: 4000}\n",
              "buckets.uploads.expireDays: 4000 is not allowed: use 1 to 3650 days, or 0 to keep "
              "objects");
  ExpectError("buckets:\n  uploads: {expireDay: 4}\n",
              "buckets.uploads.expireDay: unknown key; did you mean \"expireDays\"?; allowed: "
              "readers, writers, encryption, expireDays");
}

TEST(StorageConfigTest, AVariableTheServiceAlreadySetsIsRefused) {
  ExpectError(
      "services:\n  worker: {environment: {JOBS_QUEUE_URL: 'http://x'}}\n"
      "queues:\n  jobs: {consumers: [worker]}\n",
      "queues.jobs: adds JOBS_QUEUE_URL to services.worker, which already sets it in environment "
      "or secrets; remove it there");
  ExpectError(
      "services:\n  api: {secrets: {UPLOADS_BUCKET: db.host}}\n"
      "buckets:\n  uploads: {readers: [api]}\n",
      "buckets.uploads: adds UPLOADS_BUCKET to services.api, which already sets it");
}

TEST(StorageConfigTest, BadNamesAreRefused) {
  ExpectError("queues:\n  Jobs: {}\n",
              "queues.Jobs: \"Jobs\" is not allowed as a queue name: use 1 to 20 lowercase "
              "letters, digits and hyphens, starting with a letter");
  ExpectError("buckets:\n  a-very-long-bucket-name: {}\n",
              "buckets.a-very-long-bucket-name: \"a-very-long-bucket-name\" is not allowed as a "
              "bucket name");
}

TEST(StorageConfigTest, VariableNames) {
  EXPECT_EQ(QueueUrlVariable("jobs"), "JOBS_QUEUE_URL");
  EXPECT_EQ(QueueUrlVariable("email-jobs"), "EMAIL_JOBS_QUEUE_URL");
  EXPECT_EQ(BucketVariable("uploads"), "UPLOADS_BUCKET");
  EXPECT_EQ(BucketVariable("user-files2"), "USER_FILES2_BUCKET");
}

}  // namespace
}  // namespace rex::config

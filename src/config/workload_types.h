#pragma once

// The jobs, queues and buckets of the stack config: YAML "jobs:", "queues:" and "buckets:",
// three maps of named entries next to "services:". Types only (config/config.h holds them in
// config::Config); reading and checking are in config/jobs_config.h and
// config/storage_config.h, and stack/jobs_queues_buckets.h turns them into resources.
//
//     jobs:
//       cleanup:
//         image: api                       # a service's image, or "alpine:3.20"
//         command: ["./cleanup", "--older-than", "30d"]
//         schedule: cron(0 3 * * ? *)      # or rate(1 day); none: a one-off task
//         timezone: Europe/Berlin
//     queues:
//       jobs:
//         producers: [api]
//         consumers: [worker]
//     buckets:
//       uploads:
//         readers: [api, worker]
//         writers: [api]
//
// The presets have none of them. A name is 1 to 20 lowercase letters, digits and hyphens,
// starting with a letter; entries keep their file order. Pure data; no state.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rex::config {

// One ECS task on Fargate that no service keeps running: YAML "jobs.<name>". With a schedule,
// EventBridge Scheduler starts it; without one, "rex run <name>" does.
//
// `environment` values may use the references of services except ${port} (a job listens on
// nothing); `secrets` names app secrets exactly as a service does.
struct JobConfig {
  // image: the name of a service (the job runs that service's image, tag included), or an
  // external image with its tag ("public.ecr.aws/docker/library/alpine:3.20"). Required.
  std::string image = "";
  // command: a YAML list, or a string split at spaces. Default: the image's own.
  std::vector<std::string> command = {};
  // cpu: Fargate CPU units. Default: 256. Allowed: as for services.
  int cpu = 256;
  // memory in MiB. Default: 512. Allowed: what Fargate pairs with `cpu`, as for services.
  int memory = 512;
  // environment: container variables (name -> value). Default: none.
  std::map<std::string, std::string> environment = {};
  // secrets: container variable -> app secret name. Default: none.
  std::map<std::string, std::string> secrets = {};
  // schedule: "cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)" or
  // "rate(<n> minute[s]|hour[s]|day[s])", as EventBridge Scheduler reads them. Default: ""
  // (no schedule: a one-off task).
  std::string schedule = "";
  // timezone of a cron schedule: an IANA name such as "Europe/Berlin". Default: "UTC".
  // Allowed: "UTC" or Area/Location names; needs schedule.
  std::string timezone = "UTC";

  bool operator==(const JobConfig& other) const = default;
};

// One SQS queue with its dead-letter queue: YAML "queues.<name>". Both queues are encrypted
// with SQS-managed keys (SSE-SQS). The producers and consumers get the queue URL as
// <NAME>_QUEUE_URL (QueueUrlVariable) in their environment.
struct QueueConfig {
  // producers: services that may send messages (sqs:SendMessage). Default: none.
  std::vector<std::string> producers = {};
  // consumers: services that may receive, delete and change the visibility of messages and
  // read the queue's attributes. Default: none.
  std::vector<std::string> consumers = {};
  // maxReceiveCount: receives after which a message moves to the dead-letter queue.
  // Default: 5. Allowed: 1 to 1000.
  int max_receive_count = 5;
  // visibilityTimeout in seconds. Default: 30. Allowed: 0 to 43200.
  int visibility_timeout = 30;
  // retentionDays: how long a message waits in the queue. Default: 4. Allowed: 1 to 14 (the
  // dead-letter queue always keeps messages 14 days).
  int retention_days = 4;

  bool operator==(const QueueConfig& other) const = default;
};

// One S3 bucket: YAML "buckets.<name>". Versioned, every public access blocked, object
// ownership enforced (no ACLs), requests without TLS denied. The readers and writers get the
// bucket name as <NAME>_BUCKET (BucketVariable) in their environment.
struct BucketConfig {
  // readers: services that may list the bucket and get objects. Default: none.
  std::vector<std::string> readers = {};
  // writers: services that may put and delete objects. Default: none.
  std::vector<std::string> writers = {};
  // encryption: "s3" (SSE-S3, AES-256) or "kms" (SSE-KMS with the AWS managed key aws/s3 and
  // an S3 bucket key). Default: "s3".
  std::string encryption = "s3";
  // expireDays: objects (and noncurrent versions) are deleted this many days after they were
  // written (replaced). Default: 0 (never). Allowed: 0, or 1 to 3650.
  int expire_days = 0;

  bool operator==(const BucketConfig& other) const = default;
};

// Entries of "jobs:", "queues:" and "buckets:" in file order.
using JobsConfig = std::vector<std::pair<std::string, JobConfig>>;
using QueuesConfig = std::vector<std::pair<std::string, QueueConfig>>;
using BucketsConfig = std::vector<std::pair<std::string, BucketConfig>>;

// The environment variable holding a queue's URL: "<NAME>_QUEUE_URL" with the name upper-cased
// and '-' as '_' ("email-jobs" -> "EMAIL_JOBS_QUEUE_URL").
std::string QueueUrlVariable(std::string_view queue);
// The environment variable holding a bucket's name: "<NAME>_BUCKET" ("uploads" ->
// "UPLOADS_BUCKET").
std::string BucketVariable(std::string_view bucket);

}  // namespace rex::config

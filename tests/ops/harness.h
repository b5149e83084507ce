#pragma once

// The day-2 operations against the fake AWS in process (no network, no sleeping): the dev
// stack's golden template deployed through the engine, and ECS / CloudWatch Logs clients for
// the services tests teach to the fake.

#include <gtest/gtest.h>

#include <string>

#include "aws/cloudformation.h"
#include "aws/credentials.h"
#include "aws/ecs.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "base/files.h"
#include "base/json.h"
#include "engine/deploy.h"
#include "ops/session.h"
#include "support/fake_aws_server.h"
#include "support/fake_clock.h"
#include "support/fake_transport.h"
#include "support/recording_observer.h"

namespace rex::ops::testing {

inline constexpr const char* kStackName = "rex-backend-dev";

inline std::string GoldenPath(const std::string& name) {
  return std::string(REX_SOURCE_DIR) + "/tests/golden/" + name + ".template.json";
}

struct OpsHarness {
  rex::testing::FakeClock clock;
  rex::testing::FakeAws fake{rex::testing::FakeAwsOptions{.events_per_tick = 50, .clock = &clock}};
  rex::testing::FakeTransport transport;
  aws::StaticCredentialsProvider credentials{
      aws::Credentials{"AKIDREXTESTKEY", "rex-test-secret/K7MDENG+bPxRfiCY"}};
  aws::CloudFormationClient cfn{
      {"https://cloudformation.us-east-1.amazonaws.com", "us-east-1", "cloudformation"},
      &credentials,
      transport,
      clock};
  aws::EcsClient ecs{
      {"https://ecs.us-east-1.amazonaws.com", "us-east-1", "ecs"}, &credentials, transport, clock};
  aws::LogsClient logs{{"https://logs.us-east-1.amazonaws.com", "us-east-1", "logs"},
                       &credentials,
                       transport,
                       clock};
  // For templates over kMaxTemplateBodyBytes (the workloads golden), as rex bootstrap's bucket.
  aws::S3Client s3{
      {"https://s3.us-east-1.amazonaws.com", "us-east-1", "s3"}, &credentials, transport, clock};
  Session session{
      .region = "us-east-1",
      .clock = &clock,
      .cfn = &cfn,
      .ecs = &ecs,
      .logs = &logs,
      .poll = {.initial = std::chrono::milliseconds(100), .max = std::chrono::milliseconds(500)}};

  OpsHarness() {
    transport.SetHandler([this](const aws::HttpRequest& r) { return fake.Handle(r); });
  }

  // Deploys tests/golden/<golden>.template.json as kStackName; true when it was created.
  bool Deploy(const std::string& golden = "dev") {
    auto text = base::ReadFile(GoldenPath(golden));
    if (!text.ok()) return false;
    auto tmpl = base::ParseJson(*text, golden);
    if (!tmpl.ok()) return false;
    engine::DeployClients clients{cfn, clock, &s3};
    engine::DeployRequest request;
    request.stack_name = kStackName;
    request.template_body = engine::CompactTemplateBody(*tmpl);
    if (request.template_body.size() > engine::kMaxTemplateBodyBytes) {
      if (!s3.CreateBucket("rex-bootstrap-bucket").ok()) return false;
      request.template_bucket = "rex-bootstrap-bucket";
    }
    request.poll = {.initial = std::chrono::milliseconds(10), .max = std::chrono::milliseconds(10)};
    rex::testing::RecordingObserver observer;
    auto outcome = engine::Deploy(clients, request, observer);
    return outcome.ok() && std::holds_alternative<engine::Deployed>(*outcome);
  }
};

}  // namespace rex::ops::testing

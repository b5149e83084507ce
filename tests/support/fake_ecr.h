#pragma once

// A TEST DOUBLE of Amazon ECR (JSON 1.1, AmazonEC2ContainerRegistry_V20150921) for FakeAws:
// GetAuthorizationToken (base64 "AWS:<password>" with a password the test can search rex's
// output for), DescribeImages and ListImages over images the test adds (the fake `docker
// push` of a test cannot reach this fake, so the test says what a push left in ECR).
//
// Thread-safe.

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "support/fake_aws_server.h"

namespace rex::testing {

class FakeEcr : public FakeService {
 public:
  // The password inside every authorization token. A secret: rex must never print it.
  static constexpr const char* kPassword = "ecr-Secret-Passw0rd-b64-Never-Printed-7731";

  explicit FakeEcr(std::string account = "123456789012", std::string region = "us-east-1");

  FakeAnswer Serve(const FakeCall& call) override;

  // An image tagged `tag` in `repository` from now on.
  void AddImage(const std::string& repository, const std::string& tag);
  // "<registry>", the proxy endpoint's host: "<account>.dkr.ecr.<region>.amazonaws.com".
  std::string Registry() const;
  int TokensIssued() const;

 private:
  std::string account_;
  std::string region_;
  mutable std::mutex mu_;
  std::map<std::string, std::set<std::string>> images_;  // repository -> tags
  int tokens_issued_ = 0;
};

}  // namespace rex::testing

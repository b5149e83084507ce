#pragma once

// A TEST DOUBLE of AWS Secrets Manager (JSON 1.1, X-Amz-Target "secretsmanager.*") for
// FakeAws: the secrets of a deployed stack with their versions and staging labels, as
// CloudFormation and the rotation calls leave them. Operations: DescribeSecret,
// PutSecretValue, UpdateSecretVersionStage, in the shapes of botocore's model.
//
// Follow(aws, stack) makes it track the stack's AWS::SecretsManager::Secret resources the way
// CloudFormation writes them: a new secret gets one version labelled AWSCURRENT (its
// SecretString, resolved through a {"Ref": parameter}, or a generated value for
// GenerateSecretString); an update that changes a SecretString adds a version that takes
// AWSCURRENT and moves AWSPREVIOUS to the one it left, as UpdateSecret does. PutSecretValue
// and UpdateSecretVersionStage move labels as Secrets Manager documents it (a version left
// without labels is kept but no longer listed by DescribeSecret, like a deprecated one).
//
//   FakeSecretsManager secrets;
//   server.aws().AddService("secretsmanager", &secrets);
//   secrets.Follow(server.aws(), "rex-backend-dev");
//
// Thread-safe (its own mutex).

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/fake_aws_server.h"

namespace rex::testing {

class FakeSecretsManager : public FakeService {
 public:
  FakeAnswer Serve(const FakeCall& call) override;

  // Tracks the secrets of `stack` from now on (see the file comment). Call before the deploy.
  void Follow(FakeAws& aws, const std::string& stack);

  // Inspection, by secret ARN or name. The value labelled `stage` ("" if none).
  std::string ValueWithStage(const std::string& secret, const std::string& stage) const;
  // Every value the secret ever held that still carries a staging label.
  std::vector<std::string> LabelledValues(const std::string& secret) const;
  // The ARNs of the secrets it knows.
  std::vector<std::string> Secrets() const;
  // Operation names received, in order ("PutSecretValue", ...).
  std::vector<std::string> Calls() const;

 private:
  struct Version {
    std::string id;
    std::string value;
    std::vector<std::string> stages;
  };
  struct Secret {
    std::string arn;
    std::string name;
    std::vector<Version> versions;  // oldest first
  };

  void Apply(const std::map<std::string, FakeAws::ResourceInfo>& resources, const base::Json& tmpl,
             const std::map<std::string, std::string>& params);
  Secret* Find(const std::string& id);
  const Secret* Find(const std::string& id) const;
  std::string ValueLocked(const std::string& secret, const std::string& stage) const;
  // Adds a version labelled AWSCURRENT (AWSPREVIOUS moves to the version that had it).
  void AddCurrent(Secret& secret, const std::string& id, const std::string& value);
  FakeAnswer DescribeSecret(const base::Json& in);
  FakeAnswer PutSecretValue(const base::Json& in);
  FakeAnswer UpdateSecretVersionStage(const base::Json& in);

  mutable std::mutex mu_;
  std::map<std::string, Secret> secrets_;  // by ARN
  std::vector<std::string> calls_;
  int counter_ = 0;
};

}  // namespace rex::testing

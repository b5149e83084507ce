#pragma once

// rex's own stack, `rex-bootstrap`: one S3 bucket for templates over CloudFormation's inline
// limit (51,200 bytes) and for the copy of the deploy history. The bucket is versioned,
// encrypted by default (SSE-S3, AES256), blocks every form of public access, denies any request
// that does not use TLS (aws:SecureTransport false) and expires non-current versions after
// 90 days. It is retained when the stack is deleted, since it holds history. Its name, chosen
// by CloudFormation, is the stack output "BucketName".

#include <optional>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "engine/deploy.h"

namespace rex::engine {

inline constexpr std::string_view kBootstrapStackName = "rex-bootstrap";
inline constexpr std::string_view kBootstrapBucketOutput = "BucketName";
// Days a non-current object version is kept. Default of the bootstrap template.
inline constexpr int kBootstrapNoncurrentDays = 90;

// The bootstrap template (deterministic JSON).
base::Json BootstrapTemplate();

// The bootstrap bucket's name: the stack output BucketName, or, when a complete stack
// (CREATE/UPDATE/IMPORT_COMPLETE, UPDATE_ROLLBACK_COMPLETE) lacks that output, the physical id
// of its AWS::S3::Bucket "Bucket" from ListStackResources. nullopt when the bootstrap stack does
// not exist, has not completed, or has no such bucket. AWS errors as DescribeStacks and
// ListStackResources report them.
base::Result<std::optional<std::string>> FindBootstrapBucket(aws::CloudFormationClient& cfn);

// Deploys BootstrapTemplate() as kBootstrapStackName through Deploy() (tagged
// project=rex); `request` supplies confirm/cancel/poll settings, its stack name, template and
// parameters are overwritten.
base::Result<DeployOutcome> DeployBootstrap(DeployClients& clients, DeployRequest request,
                                            DeployObserver& observer);

}  // namespace rex::engine

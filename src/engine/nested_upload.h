#pragma once

// The deploy side of nested stacks (template/nested.h): a template over CloudFormation's
// 500-resource limit is split, its children are uploaded to the bootstrap bucket, and the
// parent is what the change set deploys.

#include "base/result.h"
#include "engine/deploy.h"
#include "engine/observer.h"
#include "template/nested.h"

namespace rex::engine {

// When `template_body` (JSON) has more than options.split_above resources: splits it
// (SplitIntoNestedStacks, with the generated resource schemas unless options.schemas is set),
// uploads every child, compact JSON, to `bucket` as templates/<stack>/nested/<sha256>.json
// (content-addressed: a retry or an unchanged child uploads the same key), and returns the
// parent, compact JSON, with each child's TemplateURL set to the S3 URL of its upload. The
// observer gets one step naming the split and the bucket. Otherwise returns `template_body`
// unchanged, without any call (a body that is not JSON is left to CloudFormation to refuse).
// kFailedPrecondition when a split is needed and there is no bucket (`bucket` empty or no S3
// client: "run rex bootstrap") or the resources cannot be split (the message says why); S3
// errors as the client reports them, with the child's name as context.
base::Result<std::string> PrepareNestedTemplate(DeployClients& clients,
                                                const std::string& stack_name,
                                                const std::string& template_body,
                                                const std::string& bucket, DeployObserver& observer,
                                                tmpl::NestedOptions options = {});

}  // namespace rex::engine

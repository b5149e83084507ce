#pragma once

// `rex images push SERVICE TAG`: the original README's ECR steps —
//   aws ecr get-login-password --region R | docker login --username AWS --password-stdin REG
//   docker tag rex-backend-api:latest REG/rex-backend-dev-api:latest
//   docker push REG/rex-backend-dev-api:latest
// — with the repository taken from the deployed stack (the service's output
// <name>RepositoryUrl: apiRepositoryUrl, notifierRepositoryUrl, ...; ServiceInfo), run for the
// user when Docker works, printed exactly when it does not, and the pushed tag verified with
// ECR DescribeImages.
//
// The ECR password is a secret: it reaches `docker login` on its standard input only (never
// its command line), and no message, printed command or error of this file contains it.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/ecr.h"
#include "base/result.h"
#include "ops/process.h"
#include "ops/stack_info.h"

namespace rex::ops {

struct PushTarget {
  std::string service = {};         // "api"
  std::string tag = {};             // "v1.2.0"
  std::string local_image = {};     // "rex-backend-api:v1.2.0"
  std::string registry = {};        // "123456789012.dkr.ecr.us-east-1.amazonaws.com"
  std::string repository = {};      // "rex-backend-dev-api"
  std::string repository_uri = {};  // registry + "/" + repository
  std::string remote_image = {};    // repository_uri + ":" + tag
};

// kInvalidArgument for a tag docker refuses; OK otherwise. Needs no AWS call.
base::Status ValidateImageTag(const std::string& tag);

// Resolves what to push where, from the deployed stack's service (its repository_url).
// `local_image` empty: "<project>-<service>:<tag>" (the original README's `docker build -t
// rex-backend-api:...` names). kInvalidArgument for a tag docker refuses, a service the stack
// does not have (UnknownWorkload, naming the services with a repository) or one without a
// repository of its own (an external image such as supertokens'); kFailedPrecondition when the
// output is not a repository URI.
base::Result<PushTarget> ResolvePushTarget(const StackInfo& stack, const std::string& project,
                                           const std::string& service, const std::string& tag,
                                           const std::string& local_image = "");

// The commands to run by hand (one per line, ready to paste), for a machine without Docker
// or for --dry-run. The login line asks the AWS CLI for the password and pipes it; it never
// holds the password itself.
std::vector<std::string> ManualPushCommands(const PushTarget& target, const std::string& region);

// Whether Docker can be used: the program is found and `docker info` succeeds.
struct DockerCheck {
  bool usable = false;
  std::string program = {};  // the resolved path when found
  std::string reason = {};   // why not: "docker is not on PATH", "docker info failed: ..."
};
DockerCheck CheckDocker(ProcessRunner& runner, const std::string& docker = "docker");

// What PushImage reports as it goes (the CLI prints it).
class PushObserver {
 public:
  virtual ~PushObserver() = default;
  // "log in to <registry>", "tag ...", "push ...", "verify ...".
  virtual void OnStep(std::string_view step) = 0;
  // Docker's own output, as it comes.
  virtual void OnOutput(std::string_view chunk) = 0;
};

struct PushResult {
  aws::EcrImageDetail image = {};  // what ECR holds under the tag after the push
};

// Runs the push with `docker` (a DockerCheck'ed program): checks that the local image
// exists (`docker image inspect`), gets the ECR token, `docker login --username <user>
// --password-stdin <registry>` with the password on stdin, `docker tag`, `docker push`, then
// DescribeImages on the tag. Errors: kFailedPrecondition for a missing local image (with
// the docker build command to make it) or a docker step that failed (its exit code and last
// output line); AWS errors as the client returns them, with context.
base::Result<PushResult> PushImage(aws::EcrClient& ecr, ProcessRunner& runner,
                                   const std::string& docker, const PushTarget& target,
                                   PushObserver& observer);

}  // namespace rex::ops

#include "ops/images.h"

#include <cctype>

#include "base/strings.h"

namespace rex::ops {

namespace {

// Docker's tag grammar: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
bool ValidTag(const std::string& tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(tag[i]);
    bool ok = std::isalnum(c) || c == '_' || (i > 0 && (c == '.' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

std::string LastLine(const std::string& output) {
  std::string text = output;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  size_t nl = text.rfind('\n');
  return nl == std::string::npos ? text : text.substr(nl + 1);
}

// The services of the stack with an ECR repository of their own.
std::vector<std::string> ImageServices(const StackInfo& stack) {
  std::vector<std::string> names;
  for (const auto& [name, service] : stack.services) {
    if (!service.repository_url.empty()) names.push_back(name);
  }
  return names;
}

// Runs one docker step; kFailedPrecondition naming the step when it exits non-zero.
base::Status Step(ProcessRunner& runner, PushObserver& observer,
                  const std::vector<std::string>& argv, const std::string& stdin_data,
                  const std::string& what) {
  auto result = runner.Run(argv, stdin_data,
                           [&observer](std::string_view chunk) { observer.OnOutput(chunk); });
  if (!result.ok()) return std::move(result).error().WithContext(what);
  if (result->exit_code != 0) {
    std::string last = LastLine(result->output);
    return base::FailedPrecondition(what + ": docker exited with " +
                                    std::to_string(result->exit_code) +
                                    (last.empty() ? "" : ": " + last));
  }
  return base::Status::Ok();
}

}  // namespace

base::Status ValidateImageTag(const std::string& tag) {
  if (!ValidTag(tag)) {
    return base::InvalidArgument("invalid tag \"" + tag +
                                 "\": docker tags are letters, digits, '_', '.' and '-', up to "
                                 "128, not starting with '.' or '-'");
  }
  return base::Status::Ok();
}

base::Result<PushTarget> ResolvePushTarget(const StackInfo& stack, const std::string& project,
                                           const std::string& service, const std::string& tag,
                                           const std::string& local_image) {
  REX_RETURN_IF_ERROR(ValidateImageTag(tag));
  const std::vector<std::string> allowed = ImageServices(stack);
  const std::string usage =
      "rex images push takes a service with an ECR repository: " +
      (allowed.empty() ? std::string("none in this stack") : base::Join(allowed, ", "));
  const ServiceInfo* info = stack.FindService(service);
  if (info == nullptr) return UnknownWorkload(stack, "service", service, allowed, usage);
  if (info->repository_url.empty()) {
    return base::InvalidArgument("service " + service + " of stack " + stack.stack_name +
                                 " has no ECR repository of its own (no output " +
                                 RepositoryOutputName(service) + "; its image is not built " +
                                 "here); " + usage);
  }
  const std::string output_key = RepositoryOutputName(service);
  PushTarget target;
  target.service = service;
  target.tag = tag;
  target.repository_uri = info->repository_url;
  size_t slash = target.repository_uri.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == target.repository_uri.size()) {
    return base::FailedPrecondition("output " + output_key + " \"" + target.repository_uri +
                                    "\" is not a repository URI (registry/name)");
  }
  target.registry = target.repository_uri.substr(0, slash);
  target.repository = target.repository_uri.substr(slash + 1);
  target.remote_image = target.repository_uri + ":" + tag;
  target.local_image = local_image.empty() ? project + "-" + service + ":" + tag : local_image;
  return target;
}

std::vector<std::string> ManualPushCommands(const PushTarget& target, const std::string& region) {
  // Quoted for the shell: --local-image and tags come from the command line.
  return {"aws ecr get-login-password --region " + ShellQuote(region) +
              " | docker login --username AWS --password-stdin " + ShellQuote(target.registry),
          "docker tag " + ShellQuote(target.local_image) + " " + ShellQuote(target.remote_image),
          "docker push " + ShellQuote(target.remote_image)};
}

DockerCheck CheckDocker(ProcessRunner& runner, const std::string& docker) {
  DockerCheck check;
  check.program = runner.Find(docker);
  if (check.program.empty()) {
    check.reason = docker + " is not on PATH";
    return check;
  }
  auto info = runner.Run({check.program, "info", "--format", "{{.ServerVersion}}"}, "");
  if (!info.ok()) {
    check.reason = docker + " info failed: " + info.error().message();
  } else if (info->exit_code != 0) {
    std::string last = LastLine(info->output);
    check.reason =
        docker + " info failed (is the Docker daemon running?)" + (last.empty() ? "" : ": " + last);
  } else {
    check.usable = true;
  }
  return check;
}

base::Result<PushResult> PushImage(aws::EcrClient& ecr, ProcessRunner& runner,
                                   const std::string& docker, const PushTarget& target,
                                   PushObserver& observer) {
  auto inspect =
      runner.Run({docker, "image", "inspect", "--format", "{{.Id}}", "--", target.local_image}, "");
  if (!inspect.ok()) return std::move(inspect).error().WithContext("inspect " + target.local_image);
  if (inspect->exit_code != 0) {
    return base::FailedPrecondition(
        "there is no local image " + target.local_image + "; build it (e.g. \"docker build -t " +
        ShellQuote(target.local_image) + " .\") or name another with --local-image");
  }

  observer.OnStep("log in to " + target.registry);
  REX_ASSIGN_OR_RETURN(aws::EcrAuthorization auth, ecr.GetAuthorizationToken());
  // The password goes to stdin only; the command line holds the user name and registry.
  REX_RETURN_IF_ERROR(Step(
      runner, observer,
      {docker, "login", "--username", auth.username, "--password-stdin", "--", target.registry},
      auth.password, "docker login to " + target.registry));
  observer.OnStep("tag " + target.local_image + " as " + target.remote_image);
  REX_RETURN_IF_ERROR(Step(runner, observer,
                           {docker, "tag", "--", target.local_image, target.remote_image}, "",
                           "docker tag " + target.local_image));
  observer.OnStep("push " + target.remote_image);
  REX_RETURN_IF_ERROR(Step(runner, observer, {docker, "push", "--", target.remote_image}, "",
                           "docker push " + target.remote_image));
  observer.OnStep("verify " + target.repository + ":" + target.tag + " in ECR");
  auto image = ecr.DescribeImage(target.repository, target.tag);
  if (!image.ok()) {
    return std::move(image).error().WithContext("the push ended but ECR does not show " +
                                                target.repository + ":" + target.tag);
  }
  return PushResult{std::move(image).value()};
}

}  // namespace rex::ops

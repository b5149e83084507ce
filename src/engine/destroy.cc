#include "engine/destroy.h"

#include <algorithm>
#include <optional>

#include "aws/http.h"
#include "template/template_reader.h"

namespace rex::engine {

namespace {

constexpr size_t kEcrDeleteBatch = 100;

std::string DeletionPolicyOf(const base::Json& resource) {
  auto it = resource.find("DeletionPolicy");
  return it != resource.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const base::Json& PropertiesOf(const base::Json& resource) {
  static const base::Json kEmpty = base::Json::object();
  auto it = resource.find("Properties");
  return it != resource.end() && it->is_object() ? *it : kEmpty;
}

// The physical id of `logical_id`, from the stack's events (newest first, a few pages).
base::Result<std::string> PhysicalIdFromEvents(aws::CloudFormationClient& cfn,
                                               const std::string& stack,
                                               const std::string& logical_id) {
  std::string token;
  for (int page = 0; page < 10; ++page) {
    REX_ASSIGN_OR_RETURN(aws::StackEventsPage events, cfn.DescribeStackEvents(stack, token));
    for (const aws::StackEvent& e : events.events) {
      if (e.logical_resource_id == logical_id && !e.physical_resource_id.empty()) {
        return e.physical_resource_id;
      }
    }
    if (events.next_token.empty()) break;
    token = events.next_token;
  }
  return std::string();
}

base::Status EmptyRepository(aws::EcrClient& ecr, const std::string& repository,
                             DeployObserver& observer) {
  std::vector<aws::EcrImageId> images;
  std::string token;
  while (true) {
    auto page = ecr.ListImages(repository, "", token);
    if (!page.ok()) {
      if (page.error().code() == base::Code::kNotFound) return base::Status::Ok();
      return std::move(page).error();
    }
    for (auto& id : page->image_ids) images.push_back(std::move(id));
    if (page->next_token.empty() || page->next_token == token) break;
    token = page->next_token;
  }
  if (images.empty()) return base::Status::Ok();
  observer.OnStep("deleting " + std::to_string(images.size()) + " image(s) from repository " +
                  repository);
  for (size_t i = 0; i < images.size(); i += kEcrDeleteBatch) {
    std::vector<aws::EcrImageId> batch(
        images.begin() + static_cast<std::ptrdiff_t>(i),
        images.begin() + static_cast<std::ptrdiff_t>(std::min(images.size(), i + kEcrDeleteBatch)));
    REX_ASSIGN_OR_RETURN(aws::BatchDeleteImageResult result,
                         ecr.BatchDeleteImage(repository, batch));
    for (const aws::EcrImageFailure& f : result.failures) {
      if (f.failure_code == "ImageNotFound") continue;
      return base::Aborted("delete image " + f.image_id.image_digest + f.image_id.image_tag +
                           " from " + repository + ": " + f.failure_code + ": " + f.failure_reason);
    }
  }
  return base::Status::Ok();
}

base::Status EmptyRepositories(DeployClients& clients, aws::EcrClient* ecr,
                               const std::string& stack, const base::Json& tmpl,
                               DeployObserver& observer) {
  auto resources = tmpl.find("Resources");
  if (resources == tmpl.end() || !resources->is_object()) return base::Status::Ok();
  for (const auto& [logical_id, resource] : resources->items()) {
    if (!resource.is_object() || resource.value("Type", "") != "AWS::ECR::Repository") continue;
    std::string policy = DeletionPolicyOf(resource);
    if (policy == "Retain" || policy == "RetainExceptOnCreate") continue;
    const base::Json& props = PropertiesOf(resource);
    auto empty_on_delete = props.find("EmptyOnDelete");
    if (empty_on_delete != props.end() && empty_on_delete->is_boolean() &&
        empty_on_delete->get<bool>()) {
      observer.OnNote("repository " + logical_id +
                      " is emptied by CloudFormation on deletion (EmptyOnDelete)");
      continue;
    }
    if (ecr == nullptr) {
      observer.OnNote("repository " + logical_id +
                      " was not emptied (no ECR client); its deletion fails if it holds images");
      continue;
    }
    std::string name;
    auto name_it = props.find("RepositoryName");
    if (name_it != props.end() && name_it->is_string()) {
      name = name_it->get<std::string>();
    } else {
      REX_ASSIGN_OR_RETURN(name, PhysicalIdFromEvents(clients.cfn, stack, logical_id));
    }
    if (name.empty()) continue;  // never created
    REX_RETURN_IF_ERROR(EmptyRepository(*ecr, name, observer));
  }
  return base::Status::Ok();
}

base::Result<DestroyOutcome> DestroyImpl(DeployClients& clients, aws::EcrClient* ecr,
                                         const DestroyRequest& request, DeployObserver& observer) {
  const std::string& name = request.stack_name;
  observer.OnStep("checking stack " + name);
  REX_ASSIGN_OR_RETURN(std::optional<aws::Stack> stack, FindStack(clients.cfn, name));
  if (!stack) return DestroyOutcome(NothingToDestroy{});
  if (IsInProgressStackStatus(stack->stack_status)) {
    return base::FailedPrecondition("stack " + name + " is " + stack->stack_status +
                                    "; wait for it to finish, then destroy");
  }
  base::Json tmpl = request.deployed_template;
  if (tmpl.is_null()) {
    auto fetched = DeployedTemplate(clients.cfn, name);
    if (fetched.ok()) {
      tmpl = std::move(*fetched);
    } else {
      observer.OnNote("could not read the deployed template (" + fetched.error().message() +
                      "); repositories are not emptied first");
      tmpl = base::Json::object();
    }
  }
  REX_RETURN_IF_ERROR(EmptyRepositories(clients, ecr, name, tmpl, observer));

  StackEventPoller poller(clients.cfn, stack->stack_id);
  REX_RETURN_IF_ERROR(poller.SkipExisting());
  observer.OnStep("deleting stack " + name);
  std::string token = "rex-destroy-" + aws::FormatAmzDate(clients.clock.Now());
  REX_RETURN_IF_ERROR(clients.cfn.DeleteStack(name, {}, "", token));
  observer.OnExecuteStarted(name, clients.clock.Monotonic());
  REX_ASSIGN_OR_RETURN(FollowResult followed,
                       FollowStackOperation(clients, stack->stack_id, poller, request.poll,
                                            request.cancel, observer));
  if (followed.cancelled) {
    return DestroyOutcome(Cancelled{.change_set_id = "",
                                    .executed = true,
                                    .stack_status = followed.final_status,
                                    .resume = "rex status"});
  }
  if (followed.final_status == "DELETE_COMPLETE") {
    Destroyed done{followed.duration, {}};
    auto resources = tmpl.find("Resources");
    if (resources != tmpl.end() && resources->is_object()) {
      for (const auto& [logical_id, resource] : resources->items()) {
        if (!resource.is_object()) continue;
        std::string policy = DeletionPolicyOf(resource);
        if (policy == "Retain" || policy == "RetainExceptOnCreate") {
          done.retained.push_back(logical_id);
        }
      }
    }
    return DestroyOutcome(std::move(done));
  }
  Failed failed{.final_status = followed.final_status, .duration = followed.duration};
  if (followed.first_failure) {
    failed.first_failure_reason = followed.first_failure->event.resource_status_reason;
    failed.failed_resource = followed.first_failure->event.logical_resource_id;
    failed.failed_resource_type = followed.first_failure->event.resource_type;
  } else {
    failed.first_failure_reason = followed.status_reason.empty()
                                      ? "the stack ended in " + followed.final_status
                                      : followed.status_reason;
  }
  return DestroyOutcome(std::move(failed));
}

}  // namespace

std::vector<StatefulResource> StatefulResources(const base::Json& tmpl,
                                                const tmpl::SchemaLookup& schemas) {
  std::vector<StatefulResource> out;
  if (!tmpl.is_object()) return out;
  auto resources = tmpl.find("Resources");
  if (resources == tmpl.end() || !resources->is_object()) return out;
  for (const auto& [logical_id, resource] : resources->items()) {
    if (!resource.is_object()) continue;
    std::string type = resource.value("Type", "");
    const core::ResourceSchema* schema = schemas ? schemas(type) : nullptr;
    if (schema == nullptr || !schema->stateful) continue;
    out.push_back({logical_id, type, DeletionPolicyOf(resource)});
  }
  return out;
}

base::Result<base::Json> DeployedTemplate(aws::CloudFormationClient& cfn,
                                          const std::string& stack_name) {
  REX_ASSIGN_OR_RETURN(aws::GetTemplateResult got, cfn.GetTemplate(stack_name, "", "Original"));
  return tmpl::ReadTemplate(got.template_body, "the template of stack " + stack_name);
}

base::Result<DestroyOutcome> Destroy(DeployClients& clients, aws::EcrClient* ecr,
                                     const DestroyRequest& request, DeployObserver& observer) {
  auto outcome = DestroyImpl(clients, ecr, request, observer);
  if (!outcome.ok()) {
    return std::move(outcome).error().WithContext("destroy " + request.stack_name);
  }
  return outcome;
}

}  // namespace rex::engine

#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "config/config.h"
#include "core/stack.h"
#include "stack/app_secrets.h"
#include "stack/cache.h"
#include "stack/compute.h"
#include "stack/database.h"
#include "stack/frontend.h"
#include "stack/load_balancer.h"
#include "stack/monitoring.h"
#include "stack/networking.h"
#include "stack/registry.h"
#include "stack/security.h"

namespace rex::stack {

// The Rex Backend as one CloudFormation stack: every component of ARCHITECTURE.md, composed
// from one validated Config, and the outputs of the original Pulumi program. Construct ids
// below are part of the deployed identity (they make the logical ids): renaming one replaces
// resources.
//
// The config is copied; components keep pointers into the copy, which lives as long as the
// stack.
class RexStack : public core::Stack {
 public:
  RexStack(core::Construct& scope, std::string id, const config::Config& config);

  const config::Config& config() const { return *config_; }
  Networking& networking() { return *networking_; }
  Security& security() { return *security_; }
  Database& database() { return *database_; }
  Cache& cache() { return *cache_; }
  Registry& registry() { return *registry_; }
  AppSecrets& secrets() { return *secrets_; }
  Monitoring& monitoring() { return *monitoring_; }
  LoadBalancer& load_balancer() { return *load_balancer_; }
  Compute& compute() { return *compute_; }
  Frontend& frontend() { return *frontend_; }

 private:
  std::unique_ptr<const config::Config> config_;
  Networking* networking_ = nullptr;
  Security* security_ = nullptr;
  Monitoring* monitoring_ = nullptr;
  Database* database_ = nullptr;
  Cache* cache_ = nullptr;
  Registry* registry_ = nullptr;
  AppSecrets* secrets_ = nullptr;
  LoadBalancer* load_balancer_ = nullptr;
  Compute* compute_ = nullptr;
  Frontend* frontend_ = nullptr;
};

// "<projectName>-<environment>", the CloudFormation stack name and resource name prefix.
std::string StackName(const config::Config& config);

// Validates `config`, builds the RexStack under a fresh App and synthesizes it.
// kInvalidArgument listing every config or synthesis problem.
base::Result<core::Template> SynthesizeRexStack(const config::Config& config);

}  // namespace rex::stack

#pragma once

#include <string>

#include "base/result.h"
#include "core/stack.h"
#include "stack/config.h"
#include "stack/networking.h"

namespace rex::stack {

// The Rex Backend as one CloudFormation stack: every component of ARCHITECTURE.md, composed
// from one validated Config. Construct ids below are part of the deployed identity (they
// make the logical ids): renaming one replaces resources.
class RexStack : public core::Stack {
 public:
  RexStack(core::Construct& scope, std::string id, const Config& config);

  const Config& config() const { return config_; }
  Networking& networking() { return *networking_; }

 private:
  Config config_;
  Networking* networking_ = nullptr;
};

// "<projectName>-<environment>", the CloudFormation stack name and resource name prefix.
std::string StackName(const Config& config);

// Validates `config`, builds the RexStack under a fresh App and synthesizes it.
// kInvalidArgument listing every config or synthesis problem.
base::Result<core::Template> SynthesizeRexStack(const Config& config);

}  // namespace rex::stack

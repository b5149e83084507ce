#pragma once

#include <string>

#include "core/stack.h"

namespace rex::stack {

struct SyntheticProps {
  // Copies of a service: log group, task definition, target group, listener rule, ECS
  // service and CPU alarm (6 resources each). Default: 100.
  int services = 100;
};

// A synthetic stack for benchmarks and scale tests: a VPC (the networking component), an
// ECS cluster, an ALB with a listener and security groups, and `services` copies of a
// service. Not the Rex Backend: it exists to measure synthesis and planning at scale.
class SyntheticStack : public core::Stack {
 public:
  SyntheticStack(core::Construct& scope, std::string id, SyntheticProps props);

  // The number of resources a stack with `services` copies has.
  static int ResourceCount(int services);
  // The smallest number of copies giving at least `resources` resources.
  static int ServicesFor(int resources);
};

}  // namespace rex::stack

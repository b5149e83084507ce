#pragma once

// Statistics of a CloudFormation template for bench/compare: its size, its resource count
// and the longest dependency chain between its resources. CloudFormation creates a resource
// only once everything it refers to (Ref, Fn::GetAtt, Fn::Sub) or depends on (DependsOn)
// exists, so the longest chain bounds how much of a deploy can run in parallel: a stack
// whose longest chain has N resources needs at least N rounds of creation, however wide.
//
// The edges come from tmpl::BuildGraph, the graph `rex graph` draws, so rex's and CDK's
// templates are measured by the same rules.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "template/graph.h"

namespace rex::bench {

// The longest path of `graph`, counted in resources, in creation order: chain[0] needs
// nothing in the graph, and every later resource needs the one before it. Deterministic:
// among equally long chains it takes, from the end backwards, the smallest logical id at
// each step. Empty for a graph without nodes. An error naming a resource on the cycle if
// the graph has one (CloudFormation would reject such a template).
base::Result<std::vector<std::string>> LongestChain(const tmpl::ResourceGraph& graph);

struct TemplateStats {
  size_t bytes = 0;                      // size of the template text as given
  size_t resources = 0;                  // entries of "Resources"
  size_t edges = 0;                      // resource pairs (a needs b), each counted once
  std::vector<std::string> chain;        // LongestChain, in creation order
  std::vector<std::string> chain_types;  // the CloudFormation type of each chain entry
};

// The statistics of a template's JSON text; an error if it is not JSON, not an object, or
// its resources form a cycle. `what` names the template in messages (a file name).
base::Result<TemplateStats> ComputeStats(std::string_view text, std::string_view what);

}  // namespace rex::bench

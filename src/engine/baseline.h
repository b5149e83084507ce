#pragma once

// The "before" side of every plan that can reach AWS (DESIGN.md, "Where the truth lives"):
// what is deployed is what CloudFormation holds. `rex preview`, `rex up` and `rex rollback`
// read it with ReadDeployedBaseline whenever credentials resolve; the copy under .rex/ (engine/
// state.h) is a cache for offline work only, and a plan made against it says so in its
// headline (Baseline::Describe).
//
// ReadDeployedBaseline, step by step:
//  1. DescribeStacks. No such stack, REVIEW_IN_PROGRESS (a CREATE change set never executed) or
//     ROLLBACK_COMPLETE (a first create that failed; it holds nothing): nothing is deployed.
//  2. GetTemplate with TemplateStage Original (the template as submitted: JSON or YAML, short
//     tags included; template/template_reader.h reads both), and the stack's current parameter
//     values from DescribeStacks (NoEcho ones read "****", as CloudFormation answers them).
//  3. A stack deployed as nested stacks (its template holds AWS::CloudFormation::Stack
//     resources; template/nested.h) cannot be compared resource by resource with a synthesized
//     template: `nested` is set, and the caller decides (the CLI falls back to the cache,
//     labelled, and relies on the change set).
// Errors: AWS errors as the client reports them, and kInvalidArgument when the template
// CloudFormation returns cannot be read (naming the stack), each with context "read the
// deployed template of <stack>". Nothing is written.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "aws/cloudformation.h"
#include "base/json.h"
#include "base/result.h"
#include "engine/state.h"

namespace rex::engine {

struct Baseline {
  enum class Source {
    kCloudFormation,  // read from CloudFormation just now (tmpl null: nothing deployed)
    kCache,           // the copy under .rex/, not checked with AWS
    kNone,            // offline and no copy: nothing known to be deployed
  };
  Source source = Source::kNone;
  std::string stack_name = {};
  std::optional<base::Json> tmpl = {};  // null when nothing is deployed
  // kCloudFormation: the stack's current parameters by key (NoEcho values "****").
  std::map<std::string, std::string> parameters = {};
  std::string stack_status = {};  // kCloudFormation: "" when the stack does not exist
  std::string region = {};        // kCloudFormation: where it was looked up; "" if unknown
  bool nested = false;            // kCloudFormation: deployed as nested stacks (step 3)
  std::string cache_path = {};    // kCache / kNone: ".rex/<stack>/deployed.template.json"
  std::optional<std::chrono::system_clock::time_point> cached_at = {};  // kCache: file time

  bool deployed() const { return tmpl.has_value(); }

  // The phrase a plan's headline shows after "against":
  //   kCloudFormation: "the template CloudFormation holds (UPDATE_COMPLETE)"
  //                    or "nothing deployed (stack X does not exist in REGION)"
  //   kCache:          "the copy of 2026-12-01 10:02 UTC in .rex/dev/deployed.template.json, not
  //                     checked with AWS"
  //   kNone:           "nothing deployed as far as this folder knows (no .rex/dev/deployed.
  //                     template.json; not checked with AWS)"
  std::string Describe() const;
};

// Online: steps 1-3 above.
base::Result<Baseline> ReadDeployedBaseline(aws::CloudFormationClient& cfn,
                                            const std::string& stack_name,
                                            const std::string& region = "");

// Offline: the cached copy of `stack` (the config name) under `state`'s root, labelled with its
// modification time. Errors as StateStore::ReadDeployedTemplate.
base::Result<Baseline> ReadCachedBaseline(const StateStore& state, std::string_view stack);

}  // namespace rex::engine

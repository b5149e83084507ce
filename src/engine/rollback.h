#pragma once

// `rex rollback N`: deploy the template of history record N again, through a change set like
// any deploy. Secrets are not in history (NoEcho values are "****"), so they are filled in
// again from the current config's secrets.

#include <map>
#include <string>

#include "base/result.h"
#include "engine/deploy.h"
#include "engine/history.h"

namespace rex::engine {

// The DeployRequest (stack name, template, parameters) re-deploying `record`. The record's
// plain parameter values are kept; NoEcho parameters take their values from `secrets` (see
// ParametersForTemplate). kFailedPrecondition when the record has no template (a destroy) or
// names no stack; kInvalidArgument when a parameter has no value.
base::Result<DeployRequest> RollbackRequest(const HistoryRecord& record,
                                            const std::map<std::string, std::string>& secrets);

}  // namespace rex::engine

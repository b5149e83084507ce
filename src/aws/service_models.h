#pragma once

#include <string_view>

#include "aws/codec.h"
#include "base/result.h"

// The botocore service models (subsets) rex's service clients are driven by, generated into
// service_models.gen.cc by tools/extract_models.py. Each is a JSON object with "metadata",
// "operations" and "shapes", in botocore's format.
namespace rex::aws {

std::string_view CloudformationModelJson();
std::string_view S3ModelJson();
std::string_view EcsModelJson();
std::string_view LogsModelJson();
std::string_view EcrModelJson();
std::string_view Elbv2ModelJson();
std::string_view RdsModelJson();
std::string_view ElasticacheModelJson();
std::string_view AmplifyModelJson();
std::string_view KmsModelJson();
std::string_view SecretsmanagerModelJson();

// A service model with its operations, parsed once from one of the texts above.
struct LoadedModel {
  ServiceModel service;
  ModelJson operations;  // name -> botocore operation

  // The operation `name`; a name missing from the generated subset is a bug (checked).
  OperationModel Operation(std::string_view name) const;
};

// Parses `json` (one of the texts above). A malformed built-in model is a bug (checked).
LoadedModel LoadModel(std::string_view json);

}  // namespace rex::aws

#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aws/http.h"
#include "base/json.h"
#include "base/result.h"

// Wire codecs for the four AWS protocols rex speaks: query (CloudFormation, STS, ELBv2, RDS,
// ElastiCache), JSON 1.1 (ECS, Logs, ECR), REST-XML (S3) and REST-JSON (Amplify). REST-JSON
// binds URI labels, query string and headers as REST-XML does and carries a JSON body as
// JSON 1.1 does (Content-Type application/json; "{}" when the input has body members but
// none is set).
//
// A codec is driven by a small model in botocore's shape format (the same JSON that
// botocore's `service-2.json` and its protocol test suites use): named shapes of type
// structure / list / map / string / integer / long / float / double / boolean / timestamp /
// blob, with the traits locationName, location (uri, querystring, header, headers,
// statusCode), payload, flattened, xmlAttribute, xmlNamespace, timestampFormat, hostLabel
// and idempotencyToken.
//
// Values are a generic tree (base::Json or nlohmann::ordered_json): structures and maps are
// objects, lists are arrays, timestamps are epoch seconds (numbers), blobs are raw byte
// strings, and floats may be the strings "NaN", "Infinity" and "-Infinity". Null members are
// omitted. All functions are pure and thread-safe.
namespace rex::aws {

// Shapes keep their declaration order, which decides XML element order.
using ModelJson = nlohmann::ordered_json;

enum class Protocol { kQuery, kJson, kRestXml, kRestJson };

struct ServiceModel {
  Protocol protocol = Protocol::kQuery;
  std::string api_version;    // query: the Version parameter
  std::string target_prefix;  // json: X-Amz-Target prefix
  std::string json_version = "1.1";
  ModelJson shapes = ModelJson::object();  // name -> shape
};

struct OperationModel {
  std::string name;
  std::string http_method = "POST";
  std::string request_uri =
      "/";                  // rest-xml, rest-json: template such as "/{Bucket}/{Key+}?tagging"
  std::string input_shape;  // empty: no input
  std::string input_location_name;  // rest-xml: body root element when the shape has none
  std::string output_shape;         // empty: no output
  std::string host_prefix;          // e.g. "foo.{label}."; empty for none
  std::vector<std::string> error_shapes;
  // The service requires a body checksum (httpChecksumRequired, or httpChecksum with
  // requestChecksumRequired); AwsClient then sends Content-MD5.
  bool checksum_required = false;
};

// Builds a ServiceModel from a botocore "metadata" object and "shapes" object.
// kInvalidArgument for an unknown protocol.
base::Result<ServiceModel> ServiceModelFromBotocore(const ModelJson& metadata,
                                                    const ModelJson& shapes);

// Builds an OperationModel from a botocore operation ("name", "http", "input", "output",
// "errors", "endpoint").
OperationModel OperationModelFromBotocore(const ModelJson& operation);

// Parses model JSON text (ordered). kInvalidArgument naming `what` on malformed text.
base::Result<ModelJson> ParseModelJson(std::string_view text, std::string_view what);

struct SerializeOptions {
  // Fills idempotency-token members the caller left out. Default: a random UUID v4.
  std::function<std::string()> idempotency_token = {};
};

// A request relative to the service endpoint.
struct SerializedRequest {
  std::string method;
  std::string path;  // starts with '/', percent-encoded, may hold a "?query"
  Headers headers;
  std::string body;
  std::string host_prefix;  // prepend to the endpoint host (labels filled in)
};

// Serializes `params` (an object matching the input shape) for `op`. kInvalidArgument if a
// required URI label or host label is missing, a value has the wrong JSON type, or a string
// is not UTF-8 (a JSON body cannot hold it). Never throws.
base::Result<SerializedRequest> SerializeRequest(const ServiceModel& service,
                                                 const OperationModel& op, const base::Json& params,
                                                 const SerializeOptions& options = {});
base::Result<SerializedRequest> SerializeRequest(const ServiceModel& service,
                                                 const OperationModel& op, const ModelJson& params,
                                                 const SerializeOptions& options = {});

// Joins an endpoint ("https://host[:port][/base]") and a serialized request into a URL,
// with the host prefix applied.
base::Result<std::string> RequestUrl(std::string_view endpoint, const SerializedRequest& request);

// A parsed AWS error response.
struct AwsError {
  std::string code;  // e.g. "ValidationError"; the HTTP status text if the body has none
  std::string message;
  std::string request_id;
  int http_status = 0;
  base::Json fields = base::Json::object();  // modeled error members, when the shape is known
};

// Parses an error response (any status). Never fails: unparseable bodies give a code from
// the HTTP status ("Http503") and the start of the body as the message.
AwsError ParseError(const ServiceModel& service, const OperationModel& op,
                    const HttpResponse& response);

// The request id of `response` (x-amzn-RequestId, x-amz-request-id, or the body's
// RequestId), or "".
std::string ResponseRequestId(const HttpResponse& response);

// Parses a successful response into the output shape. kInvalidArgument if the body is not
// valid XML/JSON or does not match the shape.
base::Result<base::Json> ParseResponse(const ServiceModel& service, const OperationModel& op,
                                       const HttpResponse& response);

// Maps an AWS error to a Status whose message is
// "<code> (HTTP <status>, request <id>): <message>" and whose AwsErrorInfo is filled in.
// Codes: throttling codes, 5xx, RequestTimeout → kUnavailable; AccessDenied* →
// kPermissionDenied; ExpiredToken, InvalidClientTokenId, UnrecognizedClient,
// SignatureDoesNotMatch, ... → kUnauthenticated; ValidationError → kNotFound if the message
// says "does not exist", else kInvalidArgument; *NotFound*, NoSuch*, 404 → kNotFound;
// *AlreadyExists*, BucketAlreadyOwnedByYou → kAlreadyExists; InvalidChangeSetStatus,
// OperationInProgressException, InsufficientCapabilitiesException → kFailedPrecondition;
// other 4xx → kInvalidArgument.
base::Status ErrorToStatus(const AwsError& error);

// True for the throttling codes of the AWS CLI's standard retry mode.
bool IsThrottlingCode(std::string_view code);

// True for errors the standard retry mode retries: throttling, transient codes
// (RequestTimeout, RequestTimeoutException, PriorRequestNotComplete, IDPCommunicationError)
// and HTTP 500/502/503/504.
bool IsRetryableError(const AwsError& error);

}  // namespace rex::aws

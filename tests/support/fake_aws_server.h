#pragma once

// A TEST DOUBLE of the AWS endpoints rex talks to: CloudFormation (query protocol, XML answers
// in the real shapes), S3 (REST-XML, path-style) and STS GetCallerIdentity, kept in memory.
// Other services (ECS, CloudWatch Logs, ECR, ELBv2, ...) are taught to it from outside as
// FakeService objects (AddService), each in its own file under tests/support/.
//
// FakeAws is the logic: it checks every request's SigV4 signature (expected access key,
// credential scope date/region/service, and the signature itself, recomputed with
// aws/sigv4.h), keeps stacks, change sets and buckets, turns an executed change set into a
// scripted sequence of stack events, and injects faults. It can answer in process (as a
// FakeTransport handler) or behind FakeAwsServer, a cpp-httplib server on 127.0.0.1.
//
// Time: stack operations advance by "ticks", not by wall-clock time: every DescribeStacks and
// DescribeStackEvents call releases up to `events_per_tick` scripted events of the stack, so
// polling drives the fake and tests run as fast as rex polls. Event timestamps come from the
// clock given in the options.
//
// Thread-safe: one mutex guards everything (httplib serves requests from a thread pool).

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "aws/http.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/result.h"

namespace httplib {
class Server;
}

namespace rex::testing {

enum class FaultKind {
  kThrottle,            // HTTP 400 Throttling "Rate exceeded" (query) / 503 SlowDown (S3)
  kServiceUnavailable,  // HTTP 503, empty body
  kDropConnection,      // headers sent, then the connection closes (in process: kUnavailable)
  kSlow,                // answers after `delay` (in process: kDeadlineExceeded)
  kExpiredToken,        // HTTP 403 ExpiredToken "The security token included in the request is
                        // expired"
  kAnswer,              // HTTP `status` with `body` as given (hostile or malformed answers)
  kStall,               // reads the request and never answers, until the server stops (a
                        // stalled endpoint; in process: kDeadlineExceeded)
};

struct Fault {
  FaultKind kind = FaultKind::kThrottle;
  // Which requests: a CloudFormation/STS action ("CreateChangeSet"), "s3:PUT", "s3:GET", ... or
  // "" for any request. Default: any.
  std::string action = {};
  int count = 1;                          // how many matching requests get it
  std::chrono::milliseconds delay{5000};  // for kSlow
  int status = 200;                       // for kAnswer
  std::string body = {};                  // for kAnswer
};

struct FakeAwsOptions {
  std::string access_key_id = "AKIDREXTESTKEY";
  std::string secret_access_key = "rex-test-secret/K7MDENG+bPxRfiCY";
  std::string region = "us-east-1";
  std::string account = "123456789012";
  // Scripted events released per DescribeStacks / DescribeStackEvents call. Default: 8.
  size_t events_per_tick = 8;
  // Events per DescribeStackEvents page (newest first). Default: 10.
  size_t events_page_size = 10;
  // Changes per DescribeChangeSet page. Default: 20.
  size_t changes_page_size = 20;
  // Timestamps. Default: base::SystemClock().
  base::Clock* clock = nullptr;
  // Added to the fake's clock: a server whose time is off. When set (not 0), requests whose
  // X-Amz-Date is more than 15 minutes from the fake's time are refused as AWS refuses them
  // (S3: 403 RequestTimeTooSkewed; JSON: 400 InvalidSignatureException "Signature expired";
  // query: 403 SignatureDoesNotMatch "Signature expired"), with the fake's time in a Date
  // header. Default: 0 (no check, so scripted clocks need not match rex's).
  std::chrono::milliseconds clock_skew{0};
};

// One answer of the fake, before it goes on the wire.
struct FakeAnswer {
  aws::HttpResponse response;
  bool drop = false;                   // close the connection after the headers
  std::chrono::milliseconds delay{0};  // wait this long first
  bool stall = false;                  // never answer (until the server stops)
};

// The wire protocol a request came in.
enum class FakeProtocol { kQuery, kJson, kRestXml, kRestJson };

// A request for a service taught to the fake with AddService, after its signature was checked.
struct FakeCall {
  const aws::HttpRequest* request = nullptr;
  aws::Url url;
  FakeProtocol protocol = FakeProtocol::kQuery;
  // The credential-scope name: "ecs", "logs", "ecr", "elasticloadbalancing", "rds",
  // "elasticache", "amplify".
  std::string service;
  // The query Action, the operation of X-Amz-Target ("RunTask"), or "<METHOD> <path>" for the
  // REST protocols.
  std::string action;
  std::map<std::string, std::string> query;  // kQuery: the form parameters
  base::Json json;                           // kJson / kRestJson: the parsed body, or null
};

// A service taught to FakeAws. Serve runs under FakeAws's lock: it must not call FakeAws.
class FakeService {
 public:
  virtual ~FakeService() = default;
  virtual FakeAnswer Serve(const FakeCall& call) = 0;
};

// Answers in the real wire shapes, for FakeService implementations.
// JSON 1.1 / REST-JSON: 200 with `body` (application/x-amz-json-1.1).
FakeAnswer FakeJsonAnswer(const base::Json& body);
// JSON 1.1 error: {"__type": code, "message": message} with x-amzn-RequestId.
FakeAnswer FakeJsonError(int status, const std::string& code, const std::string& message);
// Query: <ActionResponse xmlns=...><ActionResult>result_xml</ActionResult>...
FakeAnswer FakeQueryAnswer(const std::string& action, const std::string& result_xml,
                           const std::string& xmlns);
// Query error: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>.
FakeAnswer FakeQueryError(int status, const std::string& code, const std::string& message);
// <name>escaped value</name>.
std::string FakeXmlElement(std::string_view name, std::string_view value);
// A fresh request id.
std::string FakeRequestId();

class FakeAws {
 public:
  explicit FakeAws(FakeAwsOptions options = {});

  // The whole answer for `request` (URL absolute, headers and body as sent).
  FakeAnswer Serve(const aws::HttpRequest& request);
  // In process: drop → kUnavailable, delay → kDeadlineExceeded, else the response.
  base::Result<aws::HttpResponse> Handle(const aws::HttpRequest& request);

  // --- other services
  // Routes `service` (a credential-scope name, see FakeCall) to `handler` (not owned; must
  // outlive this object). Requests are recognized by their X-Amz-Target prefix (ecs, logs,
  // ecr), their query Version (elasticloadbalancing 2015-12-01, rds 2014-10-31, elasticache
  // 2015-02-02) or their path (amplify: /apps/...). A recognized service without a handler
  // answers UnknownOperationException / InvalidAction.
  void AddService(const std::string& service, FakeService* handler);

  // --- scripting
  // Faults match `Fault::action`: the query Action, the JSON operation ("RunTask"), or
  // "s3:<METHOD>".
  void InjectFault(Fault fault);
  // From now on, executing a change set (or deleting a stack) that touches `logical_id` fails
  // there with `reason`, and the operation rolls back. "*" fails the first resource a change
  // set creates or modifies (not deletions).
  void FailResource(const std::string& logical_id, const std::string& reason);
  void ClearFailures();
  // From now on every stack's output `key` has `value` (whatever its template says): e.g.
  // apiUrl pointed at a local test server, since the fake's ALB DNS name resolves nowhere.
  void SetOutputOverride(const std::string& key, const std::string& value);
  // Makes DescribeStacks report `status` for `stack` during the next `ticks` calls (and
  // CreateChangeSet refuse it as busy meanwhile).
  void SetBusy(const std::string& stack, const std::string& status, int ticks);

  // --- inspection
  std::string StackStatus(const std::string& stack) const;  // "" if absent
  bool HasStack(const std::string& stack) const;
  // Change sets ever created for `stack` (idempotent retries count once).
  int ChangeSetsCreated(const std::string& stack) const;
  // The parameter values the last change set of `stack` was given (NoEcho included).
  std::map<std::string, std::string> LastParameters(const std::string& stack) const;
  std::map<std::string, std::string> Outputs(const std::string& stack) const;
  struct ResourceInfo {
    std::string type;
    std::string physical_id;
  };
  // The resources of a live stack by logical id (what ListStackResources answers).
  std::map<std::string, ResourceInfo> StackResources(const std::string& stack) const;
  // Called whenever a stack operation has applied its change set (a create or an update
  // finished), with the stack's name, resources and template, under the fake's lock: it must
  // not call FakeAws. FakeEcs and FakeLogs seed themselves from it, so the day-2 calls a
  // `rex up` makes right after creating the stack find what it created.
  using StackListener = std::function<void(const std::string& stack,
                                           const std::map<std::string, ResourceInfo>& resources,
                                           const base::Json& tmpl)>;
  void OnStackApplied(StackListener listener);
  // As OnStackApplied, with the stack's parameter values (NoEcho included), for a fake that
  // follows what CloudFormation writes from them (FakeSecretsManager: a SecretString).
  using StackParametersListener = std::function<void(
      const std::string& stack, const std::map<std::string, ResourceInfo>& resources,
      const base::Json& tmpl, const std::map<std::string, std::string>& params)>;
  void OnStackAppliedWithParameters(StackParametersListener listener);
  std::optional<std::string> Object(const std::string& bucket, const std::string& key) const;
  std::vector<std::string> Buckets() const;
  // "cloudformation:CreateChangeSet", "s3:PUT /bucket/key", "sts:GetCallerIdentity", ... for
  // every request that passed authentication, in order.
  std::vector<std::string> Requests() const;
  // Requests refused for their signature, with the reason.
  std::vector<std::string> AuthFailures() const;
  int faults_served() const;

  const FakeAwsOptions& options() const { return options_; }

 private:
  struct Resource {
    std::string logical_id;
    std::string type;
    std::string physical_id;
  };
  // A DescribeChangeSet ResourceChangeDetail.
  struct ChangeDetail {
    std::string attribute;            // Properties | Metadata
    std::string name;                 // the top-level property; "" for Metadata
    std::string requires_recreation;  // Never | Conditionally | Always
    std::string evaluation;           // Static | Dynamic
    // DirectModification | ParameterReference | ResourceReference | ResourceAttribute.
    std::string change_source;
    std::string causing_entity;  // the parameter, "LogicalId" or "LogicalId.Attribute"
  };
  struct Change {
    std::string action;  // Add | Modify | Remove
    std::string logical_id;
    std::string type;
    // Modify: True | Conditional | False, the strongest RequiresRecreation of the details,
    // from the generated schemas (cfn::FindResourceSchema; an unknown type or property counts
    // as Conditionally); a changed Type is True.
    std::string replacement;
    std::vector<ChangeDetail> details = {};  // Modify only
  };
  struct ChangeSet {
    std::string name;
    std::string id;
    std::string type;  // CREATE | UPDATE
    std::string status;
    std::string status_reason;
    std::string execution_status;
    std::string client_token;
    std::string template_body;
    base::Json tmpl;
    std::map<std::string, std::string> parameters;
    std::set<std::string> no_echo;
    std::vector<std::pair<std::string, std::string>> tags;
    std::vector<Change> changes;
    std::chrono::system_clock::time_point creation_time;
    int describes = 0;
  };
  struct Event {
    std::string event_id;
    std::string logical_id;
    std::string physical_id;
    std::string type;
    std::string status;
    std::string reason;
    std::string client_request_token;
    std::chrono::system_clock::time_point timestamp;
  };
  // A scripted step: an event and, for the stack's own events, the stack status it sets.
  struct Step {
    Event event;
    bool stack_level = false;
  };
  struct Stack {
    std::string name;
    std::string id;
    std::string status;
    std::string status_reason;
    std::string template_body;
    base::Json tmpl = base::Json::object();
    std::map<std::string, std::string> parameters;
    std::set<std::string> no_echo;
    std::vector<std::pair<std::string, std::string>> tags;
    std::map<std::string, Resource> resources;
    std::vector<Event> events;  // released, oldest first
    std::deque<Step> pending;
    // Applied when the pending script ends: the new template/parameters/resources.
    std::optional<ChangeSet> applying;
    bool deleting = false;
    std::string executed_token;
    std::map<std::string, ChangeSet> change_sets;  // by name
    int change_sets_created = 0;
    std::string busy_status;
    int busy_ticks = 0;
    std::chrono::system_clock::time_point creation_time;
    std::optional<std::chrono::system_clock::time_point> last_updated_time;
  };
  struct Object_ {
    std::string body;
    std::string content_type;
    std::string etag;
  };

  FakeAnswer ServeLocked(const aws::HttpRequest& request);
  std::optional<FakeAnswer> CheckSignature(const aws::HttpRequest& request, const aws::Url& url,
                                           const std::string& service, FakeProtocol protocol);
  std::optional<FakeAnswer> TakeFault(const std::string& action, FakeProtocol protocol);

  FakeAnswer Cloudformation(const std::map<std::string, std::string>& params);
  FakeAnswer S3(const aws::HttpRequest& request, const aws::Url& url);
  FakeAnswer Sts(const std::map<std::string, std::string>& params);

  FakeAnswer CreateChangeSet(const std::map<std::string, std::string>& p);
  FakeAnswer DescribeChangeSet(const std::map<std::string, std::string>& p);
  FakeAnswer ExecuteChangeSet(const std::map<std::string, std::string>& p);
  FakeAnswer DeleteChangeSet(const std::map<std::string, std::string>& p);
  FakeAnswer DescribeStacks(const std::map<std::string, std::string>& p);
  FakeAnswer DescribeStackEvents(const std::map<std::string, std::string>& p);
  FakeAnswer DeleteStack(const std::map<std::string, std::string>& p);
  FakeAnswer GetTemplate(const std::map<std::string, std::string>& p);
  FakeAnswer ValidateTemplate(const std::map<std::string, std::string>& p);
  FakeAnswer ListStackResources(const std::map<std::string, std::string>& p);

  Stack* FindStack(const std::string& name_or_id);
  const Stack* FindStack(const std::string& name_or_id) const;
  ChangeSet* FindChangeSet(const std::string& name_or_id, const std::string& stack, Stack** owner);
  void Tick(Stack& stack);
  void Finish(Stack& stack);
  void ScriptExecution(Stack& stack, const ChangeSet& cs, const std::string& token);
  void ScriptDeletion(Stack& stack);
  Step MakeStep(const Stack& stack, const std::string& logical_id, const std::string& type,
                const std::string& physical_id, const std::string& status,
                const std::string& reason, bool stack_level);
  std::string PhysicalId(const Stack& stack, const std::string& logical_id,
                         const std::string& type) const;
  std::string ResolveValue(const Stack& stack, const base::Json& value) const;
  std::map<std::string, std::string> ComputeOutputs(const Stack& stack) const;
  std::string RequestId();
  FakeAnswer QueryError(int status, const std::string& code, const std::string& message);
  FakeAnswer S3Error(int status, const std::string& code, const std::string& message,
                     const std::string& resource);
  FakeAnswer QueryResult(const std::string& action, const std::string& result_xml,
                         const std::string& ns);
  std::chrono::system_clock::time_point Now() const;

  FakeAwsOptions options_;
  mutable std::mutex mu_;
  std::deque<Fault> faults_;
  int faults_served_ = 0;
  std::map<std::string, std::string> failures_;  // logical id -> reason
  std::map<std::string, Stack> stacks_;          // live stacks by name
  std::map<std::string, Stack> deleted_;         // deleted stacks by id
  std::map<std::string, std::map<std::string, Object_>> buckets_;
  std::vector<std::string> requests_;
  std::vector<std::string> auth_failures_;
  std::map<std::string, FakeService*> services_;
  std::map<std::string, std::string> output_overrides_;
  std::vector<StackListener> stack_listeners_;
  std::vector<StackParametersListener> parameter_listeners_;
  uint64_t counter_ = 0;
};

// FakeAws behind a real HTTP server on 127.0.0.1 (a free port), served from a background
// thread until the object is destroyed.
class FakeAwsServer {
 public:
  explicit FakeAwsServer(FakeAwsOptions options = {});
  ~FakeAwsServer();
  FakeAwsServer(const FakeAwsServer&) = delete;
  FakeAwsServer& operator=(const FakeAwsServer&) = delete;

  // "http://127.0.0.1:<port>".
  std::string url() const;
  int port() const { return port_; }
  FakeAws& aws() { return aws_; }
  // The environment a rex child process needs to talk to this fake: its credentials and
  // region, IMDS off, `passphrase` for encrypted config, fast polls and a 5 s HTTP timeout.
  std::map<std::string, std::string> RexEnv(const std::string& passphrase) const;

 private:
  FakeAws aws_;
  // Stalled answers wait on this until the destructor says stop.
  std::mutex stall_mu_;
  std::condition_variable stall_cv_;
  bool stopping_ = false;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace rex::testing

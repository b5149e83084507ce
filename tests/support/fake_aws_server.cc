#include "support/fake_aws_server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "aws/hash.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "base/strings.h"
#include "cfn/registry.gen.h"

namespace rex::testing {

namespace {

constexpr const char* kCfnNs = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
constexpr const char* kStsNs = "https://sts.amazonaws.com/doc/2011-06-15/";
constexpr const char* kS3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

// Element text and attribute values, escaped the way rex's own XML writer does.
std::string Xml(std::string_view text) { return aws::XmlEscape(text, /*attribute=*/true); }

std::string El(std::string_view name, std::string_view value) {
  return "<" + std::string(name) + ">" + Xml(value) + "</" + std::string(name) + ">";
}

// ISO-8601 with milliseconds, as CloudFormation writes its timestamps.
std::string IsoMillis(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buffer;
}

std::optional<std::chrono::system_clock::time_point> ParseAmzDate(const std::string& text) {
  int y, mo, d, h, mi, s;
  if (text.size() != 16 ||
      std::sscanf(text.c_str(), "%4d%2d%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi, &s) != 6) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Param(const std::map<std::string, std::string>& p, const std::string& key) {
  auto it = p.find(key);
  return it == p.end() ? std::string() : it->second;
}

// "Prefix.member.N.Field" lists of the query protocol, in N order.
std::vector<std::map<std::string, std::string>> Members(const std::map<std::string, std::string>& p,
                                                        const std::string& prefix) {
  std::map<int, std::map<std::string, std::string>> by_index;
  std::string head = prefix + ".member.";
  for (const auto& [k, v] : p) {
    if (!base::StartsWith(k, head)) continue;
    std::string rest = k.substr(head.size());
    size_t dot = rest.find('.');
    int index = std::atoi(rest.substr(0, dot).c_str());
    by_index[index][dot == std::string::npos ? "" : rest.substr(dot + 1)] = v;
  }
  std::vector<std::map<std::string, std::string>> out;
  for (auto& [i, m] : by_index) out.push_back(std::move(m));
  return out;
}

const base::Json& Section(const base::Json& tmpl, const char* name) {
  static const base::Json kEmpty = base::Json::object();
  if (!tmpl.is_object()) return kEmpty;
  auto it = tmpl.find(name);
  return it != tmpl.end() && it->is_object() ? *it : kEmpty;
}

std::string Hex6(const std::string& seed) { return aws::Sha256Hex(seed).substr(0, 12); }

// NoEcho: true, or the string "true" as CloudFormation also accepts.
bool IsNoEcho(const base::Json& declaration) {
  auto it = declaration.find("NoEcho");
  if (it == declaration.end()) return false;
  return (it->is_boolean() && it->get<bool>()) ||
         (it->is_string() && it->get<std::string>() == "true");
}

}  // namespace

FakeAws::FakeAws(FakeAwsOptions options) : options_(std::move(options)) {}

std::chrono::system_clock::time_point FakeAws::Now() const {
  return (options_.clock != nullptr ? options_.clock->Now() : std::chrono::system_clock::now()) +
         options_.clock_skew;
}

std::string FakeAws::RequestId() { return FakeRequestId(); }

std::string FakeRequestId() {
  static std::atomic<unsigned long long> counter{0};
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "fa4e0000-0000-4000-8000-%012llu", ++counter);
  return buffer;
}

std::string FakeXmlElement(std::string_view name, std::string_view value) {
  return El(name, value);
}

FakeAnswer FakeJsonAnswer(const base::Json& body) {
  FakeAnswer a;
  a.response.status = 200;
  a.response.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                        {"x-amzn-RequestId", FakeRequestId()}};
  a.response.body = body.dump();
  return a;
}

FakeAnswer FakeJsonError(int status, const std::string& code, const std::string& message) {
  FakeAnswer a;
  a.response.status = status;
  a.response.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                        {"x-amzn-RequestId", FakeRequestId()}};
  a.response.body = base::Json{{"__type", code}, {"message", message}}.dump();
  return a;
}

FakeAnswer FakeQueryAnswer(const std::string& action, const std::string& result_xml,
                           const std::string& xmlns) {
  FakeAnswer a;
  a.response.status = 200;
  a.response.headers = {{"Content-Type", "text/xml"}};
  a.response.body = "<" + action + "Response xmlns=\"" + xmlns + "\"><" + action + "Result>" +
                    result_xml + "</" + action + "Result><ResponseMetadata>" +
                    El("RequestId", FakeRequestId()) + "</ResponseMetadata></" + action +
                    "Response>";
  return a;
}

FakeAnswer FakeQueryError(int status, const std::string& code, const std::string& message) {
  FakeAnswer a;
  a.response.status = status;
  a.response.headers = {{"Content-Type", "text/xml"}};
  a.response.body = "<ErrorResponse xmlns=\"" + std::string(kCfnNs) + "\"><Error>" +
                    El("Type", status >= 500 ? "Receiver" : "Sender") + El("Code", code) +
                    El("Message", message) + "</Error>" + El("RequestId", FakeRequestId()) +
                    "</ErrorResponse>";
  return a;
}

base::Result<aws::HttpResponse> FakeAws::Handle(const aws::HttpRequest& request) {
  FakeAnswer answer = Serve(request);
  if (answer.drop) return base::Unavailable("fake aws: connection dropped");
  if (answer.stall) return base::DeadlineExceeded("fake aws: no answer");
  if (answer.delay.count() > 0) return base::DeadlineExceeded("fake aws: answer too slow");
  return answer.response;
}

FakeAnswer FakeAws::Serve(const aws::HttpRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  return ServeLocked(request);
}

FakeAnswer FakeAws::QueryError(int status, const std::string& code, const std::string& message) {
  return FakeQueryError(status, code, message);
}

FakeAnswer FakeAws::S3Error(int status, const std::string& code, const std::string& message,
                            const std::string& resource) {
  FakeAnswer a;
  a.response.status = status;
  std::string id = RequestId();
  a.response.headers = {{"Content-Type", "application/xml"}, {"x-amz-request-id", id}};
  a.response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>" + El("Code", code) +
                    El("Message", message) + El("Resource", resource) + El("RequestId", id) +
                    El("HostId", "fake-host-id") + "</Error>";
  return a;
}

FakeAnswer FakeAws::QueryResult(const std::string& action, const std::string& result_xml,
                                const std::string& ns) {
  return FakeQueryAnswer(action, result_xml, ns);
}

std::optional<FakeAnswer> FakeAws::TakeFault(const std::string& action, FakeProtocol protocol) {
  const bool s3 = protocol == FakeProtocol::kRestXml;
  const bool json = protocol == FakeProtocol::kJson || protocol == FakeProtocol::kRestJson;
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->action.empty() && it->action != action) continue;
    Fault fault = *it;
    if (--it->count <= 0) faults_.erase(it);
    ++faults_served_;
    switch (fault.kind) {
      case FaultKind::kThrottle:
        if (s3) return S3Error(503, "SlowDown", "Please reduce your request rate.", "/");
        if (json) return FakeJsonError(400, "ThrottlingException", "Rate exceeded");
        return QueryError(400, "Throttling", "Rate exceeded");
      case FaultKind::kServiceUnavailable: {
        FakeAnswer a;
        a.response.status = 503;
        return a;
      }
      case FaultKind::kDropConnection: {
        FakeAnswer a;
        a.response.status = 200;
        a.response.headers = {{"Content-Type", "text/xml"}};
        a.drop = true;
        return a;
      }
      case FaultKind::kStall: {
        FakeAnswer a;
        a.stall = true;
        return a;
      }
      case FaultKind::kSlow: {
        // ServeLocked computes the real answer and sends it after the delay.
        FakeAnswer a;
        a.delay = fault.delay;
        return a;
      }
      case FaultKind::kExpiredToken:
        if (s3) return S3Error(400, "ExpiredToken", "The provided token has expired.", "/");
        if (json) {
          return FakeJsonError(400, "ExpiredTokenException",
                               "The security token included in the request is expired");
        }
        return QueryError(403, "ExpiredToken",
                          "The security token included in the request is expired");
      case FaultKind::kAnswer: {
        FakeAnswer a;
        a.response.status = fault.status;
        a.response.headers = {{"Content-Type", json ? "application/x-amz-json-1.1" : "text/xml"},
                              {"x-amzn-RequestId", FakeRequestId()}};
        a.response.body = fault.body;
        return a;
      }
    }
  }
  return std::nullopt;
}

std::optional<FakeAnswer> FakeAws::CheckSignature(const aws::HttpRequest& request,
                                                  const aws::Url& url, const std::string& service,
                                                  FakeProtocol protocol) {
  bool s3 = service == "s3";
  auto refuse = [&](int status, const std::string& code, const std::string& message) {
    auth_failures_.push_back(code + ": " + message);
    if (s3) return S3Error(status, code, message, url.path);
    if (protocol == FakeProtocol::kJson || protocol == FakeProtocol::kRestJson) {
      return FakeJsonError(status, code, message);
    }
    return QueryError(status, code, message);
  };
  auto authorization = aws::FindHeader(request.headers, "Authorization");
  if (!authorization) {
    return refuse(403, s3 ? "AccessDenied" : "MissingAuthenticationToken",
                  "Request is missing Authentication Token");
  }
  const std::string prefix = "AWS4-HMAC-SHA256 ";
  if (!base::StartsWith(*authorization, prefix)) {
    return refuse(400, "IncompleteSignature", "Unsupported authorization type");
  }
  std::map<std::string, std::string> fields;
  for (std::string part : base::Split(authorization->substr(prefix.size()), ',')) {
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    size_t eq = part.find('=');
    if (eq != std::string::npos) fields[part.substr(0, eq)] = part.substr(eq + 1);
  }
  std::vector<std::string> scope = base::Split(fields["Credential"], '/');
  if (scope.size() != 5 || scope[4] != "aws4_request" || fields["SignedHeaders"].empty() ||
      fields["Signature"].empty()) {
    return refuse(400, "IncompleteSignature",
                  "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders'");
  }
  if (scope[0] != options_.access_key_id) {
    return refuse(403, s3 ? "InvalidAccessKeyId" : "InvalidClientTokenId",
                  "The security token included in the request is invalid.");
  }
  auto amz_date = aws::FindHeader(request.headers, "X-Amz-Date");
  auto time = amz_date ? ParseAmzDate(*amz_date) : std::nullopt;
  if (!time) return refuse(400, "IncompleteSignature", "missing or malformed X-Amz-Date");
  if (options_.clock_skew.count() != 0) {
    const auto now = Now();
    const auto window = std::chrono::minutes(15);
    if (*time < now - window || *time > now + window) {
      bool late = *time < now - window;
      std::string message = late ? "Signature expired: " + *amz_date + " is now earlier than " +
                                       aws::FormatAmzDate(now - window) + " (" +
                                       aws::FormatAmzDate(now) + " - 15 min.)"
                                 : "Signature not yet current: " + *amz_date +
                                       " is still later than " + aws::FormatAmzDate(now + window) +
                                       " (" + aws::FormatAmzDate(now) + " + 15 min.)";
      bool json = protocol == FakeProtocol::kJson || protocol == FakeProtocol::kRestJson;
      FakeAnswer answer =
          s3 ? refuse(403, "RequestTimeTooSkewed",
                      "The difference between the request time and the current time is too "
                      "large.")
             : refuse(json ? 400 : 403,
                      json ? "InvalidSignatureException" : "SignatureDoesNotMatch", message);
      answer.response.headers.emplace_back(
          "Date",
          aws::FormatHttpDate(static_cast<double>(
              std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())));
      return answer;
    }
  }
  if (scope[1] != amz_date->substr(0, 8)) {
    return refuse(403, "SignatureDoesNotMatch",
                  "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                  "date from HTTP: '" +
                      scope[1] + "' != '" + amz_date->substr(0, 8) + "'");
  }
  if (scope[2] != options_.region) {
    if (s3) {
      return refuse(400, "AuthorizationHeaderMalformed",
                    "The authorization header is malformed; the region '" + scope[2] +
                        "' is wrong; expecting '" + options_.region + "'");
    }
    return refuse(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region.");
  }
  if (scope[3] != service) {
    return refuse(403, "SignatureDoesNotMatch",
                  "Credential should be scoped to correct service: '" + service + "'.");
  }

  // Recompute the signature over the headers the client signed.
  aws::HttpRequest copy;
  copy.method = request.method;
  copy.url = request.url;
  copy.body = request.body;
  std::optional<std::string> payload_hash;
  for (const std::string& name : base::Split(fields["SignedHeaders"], ';')) {
    auto value = aws::FindHeader(request.headers, name);
    if (!value) return refuse(403, "SignatureDoesNotMatch", "signed header " + name + " missing");
    if (name == "x-amz-date") continue;
    if (name == "x-amz-content-sha256") {
      payload_hash = *value;
      continue;
    }
    copy.headers.emplace_back(name, *value);
  }
  aws::Credentials credentials{options_.access_key_id, options_.secret_access_key};
  aws::SigningParams params;
  if (s3) {
    params = aws::SigningParams::ForS3(credentials, options_.region, *time);
    params.payload_hash = payload_hash;
  } else {
    params.credentials = credentials;
    params.region = options_.region;
    params.service = service;
    params.time = *time;
  }
  auto expected = aws::SignRequest(copy, params);
  if (!expected.ok() || expected->signature != fields["Signature"]) {
    return refuse(403, "SignatureDoesNotMatch",
                  "The request signature we calculated does not match the signature you "
                  "provided. Check your AWS Secret Access Key and signing method.");
  }
  return std::nullopt;
}

namespace {

// The services rex reaches through the JSON 1.1 protocol, by X-Amz-Target prefix.
constexpr std::pair<std::string_view, std::string_view> kJsonTargets[] = {
    {"AmazonEC2ContainerServiceV20141113", "ecs"},
    {"Logs_20140328", "logs"},
    {"AmazonEC2ContainerRegistry_V20150921", "ecr"},
    {"TrentService", "kms"},
    {"secretsmanager", "secretsmanager"},
};

// The services rex reaches through the query protocol, by API version.
constexpr std::pair<std::string_view, std::string_view> kQueryVersions[] = {
    {"2010-05-15", "cloudformation"},       {"2011-06-15", "sts"},
    {"2015-12-01", "elasticloadbalancing"}, {"2014-10-31", "rds"},
    {"2015-02-02", "elasticache"},
};

template <size_t N>
std::string Lookup(const std::pair<std::string_view, std::string_view> (&table)[N],
                   std::string_view key) {
  for (const auto& [k, v] : table) {
    if (k == key) return std::string(v);
  }
  return "";
}

}  // namespace

FakeAnswer FakeAws::ServeLocked(const aws::HttpRequest& request) {
  auto url = aws::ParseUrl(request.url);
  if (!url.ok()) return QueryError(400, "InvalidURI", "bad url");
  FakeCall call;
  call.request = &request;
  call.url = *url;
  auto target = aws::FindHeader(request.headers, "X-Amz-Target");
  if (request.method == "POST" && url->path == "/" && target) {
    call.protocol = FakeProtocol::kJson;
    size_t dot = target->find('.');
    call.service = Lookup(kJsonTargets, target->substr(0, dot));
    call.action = dot == std::string::npos ? "" : target->substr(dot + 1);
    if (call.service.empty()) {
      return FakeJsonError(400, "UnknownOperationException", "unknown target " + *target);
    }
    call.json = base::Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    if (call.json.is_discarded()) {
      return FakeJsonError(400, "SerializationException", "body is not JSON");
    }
  } else if (request.method == "POST" && url->path == "/") {
    call.protocol = FakeProtocol::kQuery;
    for (auto& [k, v] : aws::ParseQuery(request.body)) call.query[k] = v;
    call.action = Param(call.query, "Action");
    call.service = Lookup(kQueryVersions, Param(call.query, "Version"));
    if (call.action == "GetCallerIdentity") call.service = "sts";
    if (call.service.empty()) {
      return QueryError(400, "InvalidAction",
                        "unknown API version " + Param(call.query, "Version"));
    }
  } else if (base::StartsWith(url->path, "/apps")) {
    call.protocol = FakeProtocol::kRestJson;
    call.service = "amplify";
    call.action = request.method + " " + url->path;
    if (!request.body.empty()) {
      call.json = base::Json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    }
  } else {
    call.protocol = FakeProtocol::kRestXml;
    call.service = "s3";
    call.action = "s3:" + request.method;
  }
  std::chrono::milliseconds delay{0};
  if (auto fault = TakeFault(call.action, call.protocol)) {
    if (fault->delay.count() == 0) return *fault;
    delay = fault->delay;
  }
  FakeAnswer answer;
  if (auto refused = CheckSignature(request, *url, call.service, call.protocol)) {
    answer = *refused;
  } else if (call.service == "s3") {
    requests_.push_back("s3:" + request.method + " " + url->path);
    answer = S3(request, *url);
  } else {
    requests_.push_back(call.service + ":" + call.action);
    if (call.service == "sts") {
      answer = Sts(call.query);
    } else if (call.service == "cloudformation") {
      answer = Cloudformation(call.query);
    } else if (auto it = services_.find(call.service); it != services_.end()) {
      answer = it->second->Serve(call);
    } else if (call.protocol == FakeProtocol::kQuery) {
      answer = QueryError(400, "InvalidAction", "the fake does not serve " + call.service);
    } else {
      answer = FakeJsonError(400, "UnknownOperationException",
                             "the fake does not serve " + call.service);
    }
  }
  answer.delay = delay;
  return answer;
}

void FakeAws::OnStackApplied(StackListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  stack_listeners_.push_back(std::move(listener));
}

void FakeAws::OnStackAppliedWithParameters(StackParametersListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  parameter_listeners_.push_back(std::move(listener));
}

void FakeAws::AddService(const std::string& service, FakeService* handler) {
  std::lock_guard<std::mutex> lock(mu_);
  services_[service] = handler;
}

void FakeAws::SetOutputOverride(const std::string& key, const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  output_overrides_[key] = value;
}

// ---------------------------------------------------------------- STS

FakeAnswer FakeAws::Sts(const std::map<std::string, std::string>& p) {
  if (Param(p, "Action") != "GetCallerIdentity") {
    return QueryError(400, "InvalidAction", "Could not find operation " + Param(p, "Action"));
  }
  return QueryResult("GetCallerIdentity",
                     El("Arn", "arn:aws:iam::" + options_.account + ":user/rex-test") +
                         El("UserId", "AIDAREXTESTUSER") + El("Account", options_.account),
                     kStsNs);
}

// ---------------------------------------------------------------- S3

FakeAnswer FakeAws::S3(const aws::HttpRequest& request, const aws::Url& url) {
  std::string path = url.path.substr(1);
  size_t slash = path.find('/');
  std::string bucket = aws::UriDecode(path.substr(0, slash));
  std::string key = slash == std::string::npos ? "" : aws::UriDecode(path.substr(slash + 1));
  std::map<std::string, std::string> query;
  for (auto& [k, v] : aws::ParseQuery(url.query)) query[k] = v;
  auto found = buckets_.find(bucket);
  FakeAnswer ok;
  ok.response.status = 200;
  if (key.empty()) {
    if (request.method == "PUT" && query.empty()) {
      if (found != buckets_.end()) {
        return S3Error(409, "BucketAlreadyOwnedByYou",
                       "Your previous request to create the named bucket succeeded and you "
                       "already own it.",
                       "/" + bucket);
      }
      buckets_[bucket];
      ok.response.headers = {{"Location", "/" + bucket}};
      return ok;
    }
    if (found == buckets_.end()) {
      if (request.method == "HEAD") {
        FakeAnswer missing;
        missing.response.status = 404;
        return missing;
      }
      return S3Error(404, "NoSuchBucket", "The specified bucket does not exist", "/" + bucket);
    }
    if (request.method == "PUT" || request.method == "HEAD") return ok;
    if (request.method == "GET") {
      std::string prefix = query.count("prefix") ? query["prefix"] : "";
      std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"" +
                        std::string(kS3Ns) + "\">" + El("Name", bucket) + El("Prefix", prefix);
      int count = 0;
      std::string contents;
      for (const auto& [k, object] : found->second) {
        if (!base::StartsWith(k, prefix)) continue;
        ++count;
        contents += "<Contents>" + El("Key", k) + El("LastModified", IsoMillis(Now())) +
                    El("ETag", object.etag) + El("Size", std::to_string(object.body.size())) +
                    El("StorageClass", "STANDARD") + "</Contents>";
      }
      xml += El("KeyCount", std::to_string(count)) + El("MaxKeys", "1000") +
             El("IsTruncated", "false") + contents + "</ListBucketResult>";
      ok.response.headers = {{"Content-Type", "application/xml"}};
      ok.response.body = xml;
      return ok;
    }
    return S3Error(405, "MethodNotAllowed", "The specified method is not allowed", "/" + bucket);
  }
  if (found == buckets_.end()) {
    return S3Error(404, "NoSuchBucket", "The specified bucket does not exist", "/" + bucket);
  }
  // Conditional requests, as S3 answers them: If-None-Match: * only creates; If-Match: <etag>
  // only replaces (or deletes) that version; a condition that does not hold is 412
  // PreconditionFailed, an If-Match on a missing key 404 NoSuchKey.
  std::string if_none_match = aws::FindHeader(request.headers, "If-None-Match").value_or("");
  std::string if_match = aws::FindHeader(request.headers, "If-Match").value_or("");
  if (request.method == "PUT" || request.method == "DELETE") {
    auto existing = found->second.find(key);
    bool exists = existing != found->second.end();
    if (!if_match.empty() && !exists) {
      return S3Error(404, "NoSuchKey", "The specified key does not exist.",
                     "/" + bucket + "/" + key);
    }
    if ((if_none_match == "*" && exists) ||
        (!if_match.empty() && exists && existing->second.etag != if_match)) {
      return S3Error(412, "PreconditionFailed",
                     "At least one of the pre-conditions you specified did not hold",
                     "/" + bucket + "/" + key);
    }
  }
  if (request.method == "PUT") {
    Object_ object;
    object.body = request.body;
    object.content_type = aws::FindHeader(request.headers, "Content-Type").value_or("");
    object.etag = "\"" + aws::Sha256Hex(request.body).substr(0, 32) + "\"";
    found->second[key] = object;
    ok.response.headers = {{"ETag", object.etag}, {"x-amz-version-id", "v" + Hex6(object.etag)}};
    return ok;
  }
  auto object = found->second.find(key);
  if (request.method == "DELETE") {
    if (object != found->second.end()) found->second.erase(object);
    ok.response.status = 204;
    return ok;
  }
  if (object == found->second.end()) {
    if (request.method == "HEAD") {
      FakeAnswer missing;
      missing.response.status = 404;
      return missing;
    }
    return S3Error(404, "NoSuchKey", "The specified key does not exist.", "/" + bucket + "/" + key);
  }
  ok.response.headers = {{"ETag", object->second.etag}};
  if (!object->second.content_type.empty()) {
    ok.response.headers.emplace_back("Content-Type", object->second.content_type);
  }
  if (request.method == "GET") ok.response.body = object->second.body;
  return ok;
}

// ---------------------------------------------------------------- CloudFormation

FakeAnswer FakeAws::Cloudformation(const std::map<std::string, std::string>& p) {
  const std::string action = Param(p, "Action");
  if (action == "CreateChangeSet") return CreateChangeSet(p);
  if (action == "DescribeChangeSet") return DescribeChangeSet(p);
  if (action == "ExecuteChangeSet") return ExecuteChangeSet(p);
  if (action == "DeleteChangeSet") return DeleteChangeSet(p);
  if (action == "DescribeStacks") return DescribeStacks(p);
  if (action == "DescribeStackEvents") return DescribeStackEvents(p);
  if (action == "DeleteStack") return DeleteStack(p);
  if (action == "GetTemplate") return GetTemplate(p);
  if (action == "ValidateTemplate") return ValidateTemplate(p);
  if (action == "ListStackResources") return ListStackResources(p);
  return QueryError(400, "InvalidAction", "Could not find operation " + action);
}

FakeAws::Stack* FakeAws::FindStack(const std::string& name_or_id) {
  auto it = stacks_.find(name_or_id);
  if (it != stacks_.end()) return &it->second;
  for (auto& [name, s] : stacks_) {
    if (s.id == name_or_id) return &s;
  }
  auto gone = deleted_.find(name_or_id);
  return gone != deleted_.end() ? &gone->second : nullptr;
}

const FakeAws::Stack* FakeAws::FindStack(const std::string& name_or_id) const {
  return const_cast<FakeAws*>(this)->FindStack(name_or_id);
}

FakeAws::ChangeSet* FakeAws::FindChangeSet(const std::string& name_or_id, const std::string& stack,
                                           Stack** owner) {
  for (auto& [name, s] : stacks_) {
    if (!stack.empty() && s.name != stack && s.id != stack) continue;
    for (auto& [cs_name, cs] : s.change_sets) {
      if (cs_name == name_or_id || cs.id == name_or_id) {
        *owner = &s;
        return &cs;
      }
    }
  }
  return nullptr;
}

std::string FakeAws::PhysicalId(const Stack& stack, const std::string& logical_id,
                                const std::string& type) const {
  std::string h = Hex6(stack.id + "/" + logical_id + "/" + type);
  if (type == "AWS::EC2::VPC") return "vpc-" + h;
  if (type == "AWS::EC2::Subnet") return "subnet-" + h;
  if (type == "AWS::EC2::SecurityGroup") return "sg-" + h;
  if (type == "AWS::EC2::InternetGateway") return "igw-" + h;
  if (type == "AWS::EC2::NatGateway") return "nat-" + h;
  if (type == "AWS::EC2::RouteTable") return "rtb-" + h;
  if (type == "AWS::S3::Bucket") {
    std::string name = Lower(stack.name + "-" + logical_id).substr(0, 48) + "-" + h;
    return name;
  }
  return stack.name + "-" + logical_id + "-" + h;
}

std::string FakeAws::ResolveValue(const Stack& stack, const base::Json& v) const {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  auto resource = [&](const std::string& id) -> std::string {
    auto r = stack.resources.find(id);
    return r != stack.resources.end() ? r->second.physical_id : "unknown-" + id;
  };
  auto ref = [&](const std::string& id) -> std::string {
    if (id == "AWS::Region") return options_.region;
    if (id == "AWS::AccountId") return options_.account;
    if (id == "AWS::StackName") return stack.name;
    if (id == "AWS::StackId") return stack.id;
    if (id == "AWS::URLSuffix") return "amazonaws.com";
    if (id == "AWS::Partition") return "aws";
    auto param = stack.parameters.find(id);
    if (param != stack.parameters.end()) return param->second;
    return resource(id);
  };
  auto getatt = [&](const std::string& id, const std::string& attribute) -> std::string {
    if (attribute == "Arn") {
      return "arn:aws:fake:" + options_.region + ":" + options_.account + ":" + resource(id);
    }
    return resource(id) + "." + attribute;
  };
  if (v.is_object() && v.size() == 1) {
    auto first = v.begin();
    const std::string fn = first.key();
    const base::Json& arg = first.value();
    if (fn == "Ref" && arg.is_string()) return ref(arg.get<std::string>());
    if (fn == "Fn::GetAtt") {
      if (arg.is_array() && arg.size() == 2 && arg[0].is_string() && arg[1].is_string()) {
        return getatt(arg[0].get<std::string>(), arg[1].get<std::string>());
      }
      if (arg.is_string()) {
        std::string s = arg.get<std::string>();
        size_t dot = s.find('.');
        return getatt(s.substr(0, dot), dot == std::string::npos ? "" : s.substr(dot + 1));
      }
    }
    if (fn == "Fn::Join" && arg.is_array() && arg.size() == 2 && arg[1].is_array()) {
      std::string out;
      std::string sep = arg[0].is_string() ? arg[0].get<std::string>() : "";
      for (size_t i = 0; i < arg[1].size(); ++i) {
        out += (i ? sep : "") + ResolveValue(stack, arg[1][i]);
      }
      return out;
    }
    if (fn == "Fn::Select" && arg.is_array() && arg.size() == 2 && arg[1].is_array()) {
      size_t i = arg[0].is_number()
                     ? arg[0].get<size_t>()
                     : static_cast<size_t>(std::atoi(ResolveValue(stack, arg[0]).c_str()));
      return i < arg[1].size() ? ResolveValue(stack, arg[1][i]) : "";
    }
    if (fn == "Fn::Sub") {
      std::string text = arg.is_string() ? arg.get<std::string>()
                                         : (arg.is_array() && !arg.empty() && arg[0].is_string()
                                                ? arg[0].get<std::string>()
                                                : "");
      std::string out;
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
          size_t end = text.find('}', i);
          if (end == std::string::npos) break;
          std::string name = text.substr(i + 2, end - i - 2);
          size_t dot = name.find('.');
          out += dot == std::string::npos ? ref(name)
                                          : getatt(name.substr(0, dot), name.substr(dot + 1));
          i = end;
        } else {
          out += text[i];
        }
      }
      return out;
    }
  }
  return "fake-value";
}

std::map<std::string, std::string> FakeAws::ComputeOutputs(const Stack& stack) const {
  std::map<std::string, std::string> out;
  for (const auto& [key, output] : Section(stack.tmpl, "Outputs").items()) {
    if (!output.is_object() || !output.contains("Value")) continue;
    out[key] = ResolveValue(stack, output["Value"]);
    if (auto o = output_overrides_.find(key); o != output_overrides_.end()) out[key] = o->second;
  }
  return out;
}

namespace {

const base::Json& MemberOrNull(const base::Json& object, const std::string& key) {
  static const base::Json kNull = nullptr;
  if (!object.is_object()) return kNull;
  auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

const base::Json& PropertiesOf(const base::Json& resource) {
  static const base::Json kEmpty = base::Json::object();
  const base::Json& p = MemberOrNull(resource, "Properties");
  return p.is_object() ? p : kEmpty;
}

int Rank(core::Replacement r) {
  return r == core::Replacement::kYes ? 2 : r == core::Replacement::kMaybe ? 1 : 0;
}

core::Replacement Stronger(core::Replacement a, core::Replacement b) {
  return Rank(a) >= Rank(b) ? a : b;
}

// The strongest replacement behaviour among the struct fields that differ between `a` and `b`
// below a value of type `t` (as the offline plan walks them: unknown nested fields add
// nothing).
core::Replacement Nested(const core::TypeSchema& t, const base::Json& a, const base::Json& b) {
  core::Replacement out = core::Replacement::kNo;
  if (a == b) return out;
  if (t.kind == core::TypeKind::kStruct && t.struct_type != nullptr && a.is_object() &&
      b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.insert(k);
    for (const auto& [k, v] : b.items()) keys.insert(k);
    for (const std::string& k : keys) {
      const base::Json& x = MemberOrNull(a, k);
      const base::Json& y = MemberOrNull(b, k);
      if (x == y) continue;
      const core::PropertySchema* field = core::FindIn(t.struct_type->properties, k);
      if (field == nullptr) continue;
      out = Stronger(out, Stronger(field->replacement, Nested(field->type, x, y)));
    }
    return out;
  }
  if ((t.kind == core::TypeKind::kList || t.kind == core::TypeKind::kMap) && t.element != nullptr) {
    if (a.is_array() && b.is_array()) {
      static const base::Json kNull = nullptr;
      for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        out = Stronger(
            out, Nested(*t.element, i < a.size() ? a[i] : kNull, i < b.size() ? b[i] : kNull));
      }
    } else if (a.is_object() && b.is_object()) {
      for (const auto& [k, v] : b.items())
        out = Stronger(out, Nested(*t.element, MemberOrNull(a, k), v));
    }
  }
  return out;
}

// RequiresRecreation of changing top-level property `key` of `type` from `a` to `b`, from the
// generated schemas: Always (causesReplacement yes), Conditionally (maybe, or a type or
// property the schemas do not know), Never.
std::string RequiresRecreation(const std::string& type, const std::string& key, const base::Json& a,
                               const base::Json& b) {
  const core::ResourceSchema* schema = cfn::FindResourceSchema(type);
  const core::PropertySchema* property = schema ? schema->FindProperty(key) : nullptr;
  if (property == nullptr) return "Conditionally";
  core::Replacement r = Stronger(property->replacement, Nested(property->type, a, b));
  return r == core::Replacement::kYes     ? "Always"
         : r == core::Replacement::kMaybe ? "Conditionally"
                                          : "Never";
}

// How `value` references resource or parameter `id`: "id" for {"Ref": id} and "${id}",
// "id.Attr" for Fn::GetAtt and "${id.Attr}"; "" if it does not.
std::string ReferenceTo(const base::Json& value, const std::string& id) {
  if (value.is_array()) {
    for (const base::Json& v : value) {
      std::string found = ReferenceTo(v, id);
      if (!found.empty()) return found;
    }
    return "";
  }
  if (!value.is_object()) return "";
  if (value.size() == 1) {
    const std::string& fn = value.begin().key();
    const base::Json& arg = value.begin().value();
    if (fn == "Ref") return arg.is_string() && arg.get<std::string>() == id ? id : "";
    if (fn == "Fn::GetAtt") {
      if (arg.is_array() && arg.size() == 2 && arg[0] == id && arg[1].is_string()) {
        return id + "." + arg[1].get<std::string>();
      }
      if (arg.is_string() && base::StartsWith(arg.get<std::string>(), id + ".")) {
        return arg.get<std::string>();
      }
      return "";
    }
    if (fn == "Fn::Sub") {
      const base::Json& text = arg.is_array() && !arg.empty() ? arg[0] : arg;
      if (text.is_string()) {
        const std::string& s = text.get<std::string>();
        if (s.find("${" + id + "}") != std::string::npos) return id;
        size_t at = s.find("${" + id + ".");
        if (at != std::string::npos) {
          size_t close = s.find('}', at);
          if (close != std::string::npos) return s.substr(at + 2, close - at - 2);
        }
      }
      if (arg.is_array() && arg.size() == 2) return ReferenceTo(arg[1], id);
      return "";
    }
  }
  for (const auto& [k, v] : value.items()) {
    std::string found = ReferenceTo(v, id);
    if (!found.empty()) return found;
  }
  return "";
}

}  // namespace

FakeAnswer FakeAws::CreateChangeSet(const std::map<std::string, std::string>& p) {
  std::string stack_name = Param(p, "StackName");
  std::string name = Param(p, "ChangeSetName");
  std::string type = Param(p, "ChangeSetType").empty() ? "UPDATE" : Param(p, "ChangeSetType");
  std::string token = Param(p, "ClientToken");
  Stack* stack = nullptr;
  auto live = stacks_.find(stack_name);
  if (live != stacks_.end()) stack = &live->second;

  // An idempotent retry answers with the change set the first request made.
  if (stack != nullptr) {
    auto existing = stack->change_sets.find(name);
    if (existing != stack->change_sets.end()) {
      if (!token.empty() && existing->second.client_token == token) {
        return QueryResult("CreateChangeSet",
                           El("Id", existing->second.id) + El("StackId", stack->id), kCfnNs);
      }
      return QueryError(400, "AlreadyExistsException", "ChangeSet " + name + " already exists");
    }
  }
  if (type == "CREATE") {
    if (stack != nullptr && stack->status != "REVIEW_IN_PROGRESS") {
      return QueryError(400, "ValidationError",
                        "Stack [" + stack_name +
                            "] already exists and cannot be created again "
                            "with the changeSet [" +
                            name + "].");
    }
  } else if (stack == nullptr || stack->status == "REVIEW_IN_PROGRESS") {
    return QueryError(400, "ValidationError", "Stack [" + stack_name + "] does not exist");
  }
  if (stack != nullptr &&
      ((stack->busy_ticks > 0 && base::EndsWith(stack->busy_status, "_IN_PROGRESS")) ||
       (base::EndsWith(stack->status, "_IN_PROGRESS") && stack->status != "REVIEW_IN_PROGRESS"))) {
    std::string status = stack->busy_ticks > 0 ? stack->busy_status : stack->status;
    return QueryError(400, "ValidationError",
                      "Stack:" + stack->id + " is in " + status + " state and can not be updated.");
  }

  std::string body = Param(p, "TemplateBody");
  std::string template_url = Param(p, "TemplateURL");
  if (body.empty() && !template_url.empty()) {
    auto url = aws::ParseUrl(template_url);
    std::string path = url.ok() ? url->path.substr(1) : "";
    size_t slash = path.find('/');
    std::string bucket = path.substr(0, slash);
    std::string key = slash == std::string::npos ? "" : aws::UriDecode(path.substr(slash + 1));
    auto b = buckets_.find(bucket);
    if (b == buckets_.end() || b->second.count(key) == 0) {
      return QueryError(400, "ValidationError", "S3 error: Access Denied");
    }
    body = b->second[key].body;
  }
  if (body.empty()) {
    return QueryError(400, "ValidationError",
                      "Either Template URL or Template Body must be specified.");
  }
  if (body.size() > 51200 && template_url.empty()) {
    return QueryError(400, "ValidationError",
                      "1 validation error detected: Value at 'templateBody' failed to satisfy "
                      "constraint: Member must have length less than or equal to 51200");
  }
  base::Json tmpl = base::Json::parse(body, nullptr, false);
  if (tmpl.is_discarded() || !tmpl.is_object()) {
    return QueryError(400, "ValidationError", "Template format error: JSON not well-formed.");
  }

  std::set<std::string> capabilities;
  for (const auto& m : Members(p, "Capabilities")) capabilities.insert(m.at(""));
  for (const auto& [id, r] : Section(tmpl, "Resources").items()) {
    std::string rtype = r.is_object() ? r.value("Type", "") : "";
    if (base::StartsWith(rtype, "AWS::IAM::") && capabilities.count("CAPABILITY_IAM") == 0 &&
        capabilities.count("CAPABILITY_NAMED_IAM") == 0) {
      return QueryError(400, "InsufficientCapabilitiesException",
                        "Requires capabilities : [CAPABILITY_IAM]");
    }
  }
  std::map<std::string, std::string> parameters;
  for (const auto& m : Members(p, "Parameters")) {
    auto key = m.find("ParameterKey");
    if (key == m.end()) continue;
    auto value = m.find("ParameterValue");
    parameters[key->second] = value == m.end() ? "" : value->second;
  }
  std::set<std::string> no_echo;
  for (const auto& [id, decl] : Section(tmpl, "Parameters").items()) {
    if (!decl.is_object()) continue;
    if (IsNoEcho(decl)) no_echo.insert(id);
    if (parameters.count(id) == 0) {
      if (!decl.contains("Default")) {
        return QueryError(400, "ValidationError", "Parameters: [" + id + "] must have values");
      }
      parameters[id] =
          decl["Default"].is_string() ? decl["Default"].get<std::string>() : decl["Default"].dump();
    }
  }

  if (stack == nullptr) {
    Stack fresh;
    fresh.name = stack_name;
    char id[64];
    std::snprintf(id, sizeof(id), "%08llx-0000-4000-8000-000000000000",
                  static_cast<unsigned long long>(++counter_));
    fresh.id = "arn:aws:cloudformation:" + options_.region + ":" + options_.account + ":stack/" +
               stack_name + "/" + id;
    fresh.status = "REVIEW_IN_PROGRESS";
    fresh.creation_time = Now();
    stack = &(stacks_[stack_name] = std::move(fresh));
    stack->events.push_back(MakeStep(*stack, stack_name, "AWS::CloudFormation::Stack", stack->id,
                                     "REVIEW_IN_PROGRESS", "User Initiated", true)
                                .event);
  }

  ChangeSet cs;
  cs.name = name;
  char uuid[64];
  std::snprintf(uuid, sizeof(uuid), "%08llx-1111-4000-8000-000000000000",
                static_cast<unsigned long long>(++counter_));
  cs.id = "arn:aws:cloudformation:" + options_.region + ":" + options_.account + ":changeSet/" +
          name + "/" + uuid;
  cs.type = type;
  cs.client_token = token;
  cs.template_body = body;
  cs.tmpl = tmpl;
  cs.parameters = parameters;
  for (const auto& m : Members(p, "Tags")) {
    cs.tags.emplace_back(m.count("Key") ? m.at("Key") : "", m.count("Value") ? m.at("Value") : "");
  }
  cs.creation_time = Now();
  cs.execution_status = "UNAVAILABLE";
  cs.status = "CREATE_IN_PROGRESS";

  // The changes, as CloudFormation reports them: resources added, removed, and modified with
  // one detail per changed top-level property (DirectModification), per property that Refs a
  // parameter whose value changed (ParameterReference), per Metadata change, and, repeated
  // until nothing changes, per property that references a replaced resource
  // (ResourceReference for Ref and ${X}, ResourceAttribute for GetAtt and ${X.Attr}; Dynamic
  // when the referenced resource is only conditionally replaced). Resources that only read
  // attributes of resources updated in place are not reported (real CloudFormation reports
  // them as Dynamic).
  const base::Json& before = Section(stack->tmpl, "Resources");
  const base::Json& after = Section(tmpl, "Resources");
  std::set<std::string> changed_parameters;
  for (const auto& [k, v] : parameters) {
    auto old = stack->parameters.find(k);
    if (old == stack->parameters.end() || old->second != v) changed_parameters.insert(k);
  }
  std::map<std::string, Change> modified;
  auto finish = [](Change& c) {
    bool always = false, conditionally = false;
    for (const ChangeDetail& d : c.details) {
      always = always || d.requires_recreation == "Always";
      conditionally = conditionally || d.requires_recreation == "Conditionally";
    }
    if (c.replacement != "True")
      c.replacement = always ? "True" : conditionally ? "Conditional" : "False";
  };
  for (const auto& [id, r] : after.items()) {
    if (!r.is_object()) continue;
    std::string rtype = r.value("Type", "");
    auto old = before.find(id);
    if (old == before.end() || !old->is_object()) continue;
    Change c{"Modify", id, rtype, old->value("Type", "") != rtype ? "True" : ""};
    const base::Json& p0 = PropertiesOf(*old);
    const base::Json& p1 = PropertiesOf(r);
    std::set<std::string> keys;
    for (const auto& [k, v] : p0.items()) keys.insert(k);
    for (const auto& [k, v] : p1.items()) keys.insert(k);
    for (const std::string& key : keys) {
      const base::Json& a = MemberOrNull(p0, key);
      const base::Json& b = MemberOrNull(p1, key);
      if (a != b) {
        c.details.push_back({"Properties", key, RequiresRecreation(rtype, key, a, b), "Static",
                             "DirectModification", ""});
        continue;
      }
      for (const std::string& param : changed_parameters) {
        if (ReferenceTo(b, param).empty()) continue;
        c.details.push_back({"Properties", key, RequiresRecreation(rtype, key, nullptr, nullptr),
                             "Static", "ParameterReference", param});
      }
    }
    if (MemberOrNull(*old, "Metadata") != MemberOrNull(r, "Metadata")) {
      c.details.push_back({"Metadata", "", "Never", "Static", "DirectModification", ""});
    }
    if (*old == r && c.details.empty()) continue;
    finish(c);
    modified[id] = std::move(c);
  }
  // Propagation, recomputed from the direct changes until the replacements settle (they only
  // grow, so this ends).
  const std::map<std::string, Change> direct = modified;
  std::map<std::string, std::string> settled;
  for (const auto& [id, c] : direct) settled[id] = c.replacement;
  while (true) {
    modified = direct;
    for (const auto& [id, r] : after.items()) {
      if (!r.is_object() || !before.contains(id)) continue;
      std::string rtype = r.value("Type", "");
      for (const auto& [key, value] : PropertiesOf(r).items()) {
        for (const auto& [other, replacement] : settled) {
          if (other == id || replacement == "False") continue;
          std::string entity = ReferenceTo(value, other);
          if (entity.empty()) continue;
          bool dynamic = replacement == "Conditional";
          std::string recreation = RequiresRecreation(rtype, key, nullptr, nullptr);
          if (dynamic && recreation == "Always") recreation = "Conditionally";
          Change& target = modified.try_emplace(id, Change{"Modify", id, rtype, ""}).first->second;
          target.details.push_back({"Properties", key, recreation, dynamic ? "Dynamic" : "Static",
                                    entity == other ? "ResourceReference" : "ResourceAttribute",
                                    entity});
        }
      }
    }
    std::map<std::string, std::string> now;
    for (auto& [id, c] : modified) {
      // A changed Type is True; everything else follows its details.
      bool retyped = MemberOrNull(MemberOrNull(before, id), "Type") !=
                     MemberOrNull(MemberOrNull(after, id), "Type");
      c.replacement = retyped ? "True" : "";
      finish(c);
      now[id] = c.replacement;
    }
    if (now == settled) break;
    settled = std::move(now);
  }
  for (const auto& [id, r] : after.items()) {
    std::string rtype = r.is_object() ? r.value("Type", "") : "";
    if (!before.contains(id)) {
      cs.changes.push_back({"Add", id, rtype, ""});
    } else if (auto m = modified.find(id); m != modified.end()) {
      cs.changes.push_back(m->second);
    }
  }
  for (const auto& [id, r] : before.items()) {
    if (!after.contains(id)) cs.changes.push_back({"Remove", id, r.value("Type", ""), ""});
  }
  if (type == "UPDATE" && cs.changes.empty() && tmpl == stack->tmpl &&
      parameters == stack->parameters) {
    cs.status_reason =
        "The submitted information didn't contain changes. Submit different information to "
        "create a change set.";
    cs.status = "FAILED_PENDING";
  }
  cs.no_echo = no_echo;
  stack->change_sets[name] = cs;
  ++stack->change_sets_created;
  return QueryResult("CreateChangeSet", El("Id", cs.id) + El("StackId", stack->id), kCfnNs);
}

FakeAnswer FakeAws::DescribeChangeSet(const std::map<std::string, std::string>& p) {
  Stack* stack = nullptr;
  ChangeSet* cs = FindChangeSet(Param(p, "ChangeSetName"), Param(p, "StackName"), &stack);
  if (cs == nullptr) {
    return QueryError(404, "ChangeSetNotFound",
                      "ChangeSet [" + Param(p, "ChangeSetName") + "] does not exist");
  }
  // The first look finds it still being computed, as CloudFormation usually does.
  if (++cs->describes > 1) {
    if (cs->status == "CREATE_IN_PROGRESS") {
      cs->status = "CREATE_COMPLETE";
      cs->execution_status = "AVAILABLE";
    } else if (cs->status == "FAILED_PENDING") {
      cs->status = "FAILED";
    }
  }
  // Scope lists the attributes the details touch; each detail is a ResourceChangeDetail.
  auto scope_and_details = [](const Change& c) {
    std::set<std::string> scope;
    std::string details;
    for (const ChangeDetail& d : c.details) {
      scope.insert(d.attribute);
      details += "<member><Target>" + El("Attribute", d.attribute) +
                 (d.name.empty() ? "" : El("Name", d.name)) +
                 El("RequiresRecreation", d.requires_recreation) + "</Target>" +
                 El("Evaluation", d.evaluation) + El("ChangeSource", d.change_source) +
                 (d.causing_entity.empty() ? "" : El("CausingEntity", d.causing_entity)) +
                 "</member>";
    }
    std::string xml = "<Scope>";
    for (const std::string& attribute : scope) xml += El("member", attribute);
    return xml + "</Scope><Details>" + details + "</Details>";
  };
  std::string status = cs->status == "FAILED_PENDING" ? "CREATE_IN_PROGRESS" : cs->status;
  size_t start = static_cast<size_t>(std::atoi(Param(p, "NextToken").c_str()));
  size_t end = std::min(cs->changes.size(), start + options_.changes_page_size);
  std::string changes;
  for (size_t i = start; i < end; ++i) {
    const Change& c = cs->changes[i];
    auto r = stack->resources.find(c.logical_id);
    changes +=
        "<member><Type>Resource</Type><ResourceChange>" + El("Action", c.action) +
        El("LogicalResourceId", c.logical_id) +
        (r != stack->resources.end() ? El("PhysicalResourceId", r->second.physical_id) : "") +
        El("ResourceType", c.type) +
        (c.action == "Modify" ? El("Replacement", c.replacement) : "") + scope_and_details(c) +
        "</ResourceChange></member>";
  }
  std::string params;
  for (const auto& [k, v] : cs->parameters) {
    params += "<member>" + El("ParameterKey", k) +
              El("ParameterValue", cs->no_echo.count(k) ? "****" : v) + "</member>";
  }
  std::string xml = El("ChangeSetName", cs->name) + El("ChangeSetId", cs->id) +
                    El("StackId", stack->id) + El("StackName", stack->name) +
                    El("CreationTime", IsoMillis(cs->creation_time)) +
                    El("ExecutionStatus", cs->execution_status) + El("Status", status) +
                    (cs->status == "FAILED" ? El("StatusReason", cs->status_reason) : "") +
                    "<Parameters>" + params + "</Parameters><Changes>" + changes + "</Changes>";
  if (end < cs->changes.size()) xml += El("NextToken", std::to_string(end));
  return QueryResult("DescribeChangeSet", xml, kCfnNs);
}

FakeAnswer FakeAws::DeleteChangeSet(const std::map<std::string, std::string>& p) {
  Stack* stack = nullptr;
  ChangeSet* cs = FindChangeSet(Param(p, "ChangeSetName"), Param(p, "StackName"), &stack);
  if (cs == nullptr) {
    return QueryError(404, "ChangeSetNotFound",
                      "ChangeSet [" + Param(p, "ChangeSetName") + "] does not exist");
  }
  stack->change_sets.erase(cs->name);
  return QueryResult("DeleteChangeSet", "", kCfnNs);
}

FakeAws::Step FakeAws::MakeStep(const Stack& stack, const std::string& logical_id,
                                const std::string& type, const std::string& physical_id,
                                const std::string& status, const std::string& reason,
                                bool stack_level) {
  Step step;
  step.stack_level = stack_level;
  step.event.event_id = logical_id + "-" + status + "-" + std::to_string(++counter_);
  step.event.logical_id = logical_id;
  step.event.physical_id = physical_id;
  step.event.type = type;
  step.event.status = status;
  step.event.reason = reason;
  step.event.client_request_token = stack.executed_token;
  step.event.timestamp = Now();
  return step;
}

void FakeAws::ScriptExecution(Stack& stack, const ChangeSet& cs, const std::string& token) {
  stack.executed_token = token;
  const bool create = cs.type == "CREATE";
  const std::string kStack = "AWS::CloudFormation::Stack";
  auto push = [&](const std::string& id, const std::string& type, const std::string& physical,
                  const std::string& status, const std::string& reason, bool stack_level) {
    stack.pending.push_back(MakeStep(stack, id, type, physical, status, reason, stack_level));
  };
  push(stack.name, kStack, stack.id, create ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS",
       "User Initiated", true);
  std::vector<const Change*> done;
  const Change* failed = nullptr;
  std::string failure_reason;
  for (const Change& c : cs.changes) {
    if (c.action == "Remove") continue;
    std::string verb = c.action == "Add" ? "CREATE" : "UPDATE";
    std::string physical = PhysicalId(stack, c.logical_id, c.type);
    push(c.logical_id, c.type, c.action == "Add" ? "" : physical, verb + "_IN_PROGRESS", "", false);
    auto failure = failures_.find(c.logical_id);
    if (failure == failures_.end()) failure = failures_.find("*");
    if (failure != failures_.end()) {
      push(c.logical_id, c.type, "", verb + "_FAILED", failure->second, false);
      failed = &c;
      failure_reason = failure->second;
      break;
    }
    if (c.action == "Add") {
      push(c.logical_id, c.type, physical, "CREATE_IN_PROGRESS", "Resource creation Initiated",
           false);
    }
    push(c.logical_id, c.type, physical, verb + "_COMPLETE", "", false);
    done.push_back(&c);
  }
  if (failed == nullptr) {
    std::vector<const Change*> removed;
    for (const Change& c : cs.changes) {
      if (c.action == "Remove") removed.push_back(&c);
    }
    if (!removed.empty()) {
      push(stack.name, kStack, stack.id, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "", true);
      for (const Change* c : removed) {
        auto r = stack.resources.find(c->logical_id);
        std::string physical = r != stack.resources.end() ? r->second.physical_id : "";
        push(c->logical_id, c->type, physical, "DELETE_IN_PROGRESS", "", false);
        push(c->logical_id, c->type, physical, "DELETE_COMPLETE", "", false);
      }
    }
    push(stack.name, kStack, stack.id, create ? "CREATE_COMPLETE" : "UPDATE_COMPLETE", "", true);
    stack.applying = cs;
    return;
  }
  std::string verb = create ? "create" : "update";
  push(stack.name, kStack, stack.id,
       create ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS",
       "The following resource(s) failed to " + verb + ": [" + failed->logical_id +
           "]. Rollback requested by user.",
       true);
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    const Change* c = *it;
    std::string physical = PhysicalId(stack, c->logical_id, c->type);
    if (c->action == "Add") {
      push(c->logical_id, c->type, physical, "DELETE_IN_PROGRESS", "", false);
      push(c->logical_id, c->type, physical, "DELETE_COMPLETE", "", false);
    } else {
      push(c->logical_id, c->type, physical, "UPDATE_IN_PROGRESS", "", false);
      push(c->logical_id, c->type, physical, "UPDATE_COMPLETE", "", false);
    }
  }
  if (failed->action == "Add") {
    push(failed->logical_id, failed->type, "", "DELETE_COMPLETE", "", false);
  }
  if (create) {
    push(stack.name, kStack, stack.id, "ROLLBACK_COMPLETE", "", true);
  } else {
    push(stack.name, kStack, stack.id, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "", true);
    push(stack.name, kStack, stack.id, "UPDATE_ROLLBACK_COMPLETE", "", true);
  }
  stack.applying.reset();
}

void FakeAws::ScriptDeletion(Stack& stack) {
  const std::string kStack = "AWS::CloudFormation::Stack";
  stack.executed_token.clear();
  auto push = [&](const std::string& id, const std::string& type, const std::string& physical,
                  const std::string& status, const std::string& reason, bool stack_level) {
    stack.pending.push_back(MakeStep(stack, id, type, physical, status, reason, stack_level));
  };
  push(stack.name, kStack, stack.id, "DELETE_IN_PROGRESS", "User Initiated", true);
  const base::Json& resources = Section(stack.tmpl, "Resources");
  for (auto it = stack.resources.rbegin(); it != stack.resources.rend(); ++it) {
    const Resource& r = it->second;
    std::string policy;
    if (resources.contains(r.logical_id) && resources[r.logical_id].is_object()) {
      policy = resources[r.logical_id].value("DeletionPolicy", "");
    }
    if (policy == "Retain") {
      push(r.logical_id, r.type, r.physical_id, "DELETE_SKIPPED", "", false);
      continue;
    }
    push(r.logical_id, r.type, r.physical_id, "DELETE_IN_PROGRESS", "", false);
    auto failure = failures_.find(r.logical_id);
    if (failure != failures_.end()) {
      push(r.logical_id, r.type, r.physical_id, "DELETE_FAILED", failure->second, false);
      push(stack.name, kStack, stack.id, "DELETE_FAILED",
           "The following resource(s) failed to delete: [" + r.logical_id + "]. ", true);
      return;
    }
    push(r.logical_id, r.type, r.physical_id, "DELETE_COMPLETE", "", false);
  }
  push(stack.name, kStack, stack.id, "DELETE_COMPLETE", "", true);
  stack.deleting = true;
}

void FakeAws::Finish(Stack& stack) {
  if (stack.applying) {
    const ChangeSet& cs = *stack.applying;
    for (const Change& c : cs.changes) {
      if (c.action == "Remove") {
        stack.resources.erase(c.logical_id);
      } else {
        Resource r{c.logical_id, c.type, PhysicalId(stack, c.logical_id, c.type)};
        if (c.type == "AWS::S3::Bucket") buckets_[r.physical_id];
        stack.resources[c.logical_id] = r;
      }
    }
    stack.tmpl = cs.tmpl;
    stack.template_body = cs.template_body;
    stack.parameters = cs.parameters;
    stack.no_echo = cs.no_echo;
    stack.tags = cs.tags;
    stack.last_updated_time = Now();
    stack.applying.reset();
    if (!stack_listeners_.empty() || !parameter_listeners_.empty()) {
      std::map<std::string, ResourceInfo> resources;
      for (const auto& [id, r] : stack.resources) resources[id] = {r.type, r.physical_id};
      for (const StackListener& listener : stack_listeners_) {
        listener(stack.name, resources, stack.tmpl);
      }
      for (const StackParametersListener& listener : parameter_listeners_) {
        listener(stack.name, resources, stack.tmpl, stack.parameters);
      }
    }
  } else if (stack.status == "ROLLBACK_COMPLETE") {
    stack.resources.clear();
  }
}

void FakeAws::Tick(Stack& stack) {
  for (size_t i = 0; i < options_.events_per_tick && !stack.pending.empty(); ++i) {
    Step step = std::move(stack.pending.front());
    stack.pending.pop_front();
    step.event.timestamp = Now();
    if (step.stack_level) {
      stack.status = step.event.status;
      stack.status_reason = step.event.reason;
    }
    stack.events.push_back(std::move(step.event));
    if (stack.pending.empty()) Finish(stack);
  }
  if (stack.deleting && stack.pending.empty() && stack.status == "DELETE_COMPLETE") {
    stack.deleting = false;
    std::string name = stack.name;
    std::string id = stack.id;
    deleted_[id] = std::move(stack);
    stacks_.erase(name);
  }
}

FakeAnswer FakeAws::ExecuteChangeSet(const std::map<std::string, std::string>& p) {
  Stack* stack = nullptr;
  ChangeSet* cs = FindChangeSet(Param(p, "ChangeSetName"), Param(p, "StackName"), &stack);
  if (cs == nullptr) {
    return QueryError(404, "ChangeSetNotFound",
                      "ChangeSet [" + Param(p, "ChangeSetName") + "] does not exist");
  }
  std::string token = Param(p, "ClientRequestToken");
  if (!token.empty() && token == stack->executed_token) {
    return QueryResult("ExecuteChangeSet", "", kCfnNs);  // an idempotent retry
  }
  if (cs->status != "CREATE_COMPLETE" || cs->execution_status != "AVAILABLE") {
    return QueryError(400, "InvalidChangeSetStatus",
                      "ChangeSet [" + cs->id + "] cannot be executed in its current status of [" +
                          cs->status + "]");
  }
  ChangeSet executed = *cs;
  stack->change_sets.clear();  // executing a change set deletes the others
  ScriptExecution(*stack, executed, token);
  return QueryResult("ExecuteChangeSet", "", kCfnNs);
}

FakeAnswer FakeAws::DescribeStacks(const std::map<std::string, std::string>& p) {
  std::string name = Param(p, "StackName");
  std::vector<Stack*> listed;
  if (name.empty()) {
    for (auto& [n, s] : stacks_) listed.push_back(&s);
  } else {
    Stack* s = FindStack(name);
    // Deleted stacks are found by id only.
    if (s == nullptr || (s->status == "DELETE_COMPLETE" && s->id != name)) {
      return QueryError(400, "ValidationError", "Stack with id " + name + " does not exist");
    }
    listed.push_back(s);
  }
  std::string members;
  std::vector<std::string> ids;
  for (Stack* s : listed) ids.push_back(s->id);
  for (const std::string& id : ids) {
    Stack* s = FindStack(id);
    if (s == nullptr) continue;
    Tick(*s);
    s = FindStack(id);
    std::string status = s->status;
    if (s->busy_ticks > 0) {
      status = s->busy_status;
      --s->busy_ticks;
    }
    std::string outputs;
    if (base::EndsWith(status, "_COMPLETE") && status != "ROLLBACK_COMPLETE" &&
        status != "DELETE_COMPLETE") {
      for (const auto& [k, v] : ComputeOutputs(*s)) {
        outputs += "<member>" + El("OutputKey", k) + El("OutputValue", v) + "</member>";
      }
    }
    std::string params;
    for (const auto& [k, v] : s->parameters) {
      params += "<member>" + El("ParameterKey", k) +
                El("ParameterValue", s->no_echo.count(k) ? "****" : v) + "</member>";
    }
    std::string tags;
    for (const auto& [k, v] : s->tags) {
      tags += "<member>" + El("Key", k) + El("Value", v) + "</member>";
    }
    members +=
        "<member>" + El("StackId", s->id) + El("StackName", s->name) +
        El("CreationTime", IsoMillis(s->creation_time)) +
        (s->last_updated_time ? El("LastUpdatedTime", IsoMillis(*s->last_updated_time)) : "") +
        El("StackStatus", status) +
        (s->status_reason.empty() || s->busy_ticks > 0
             ? ""
             : El("StackStatusReason", s->status_reason)) +
        "<Parameters>" + params + "</Parameters><Outputs>" + outputs + "</Outputs><Tags>" + tags +
        "</Tags>" + El("DisableRollback", "false") +
        "<Capabilities><member>CAPABILITY_IAM</member></Capabilities></member>";
  }
  return QueryResult("DescribeStacks", "<Stacks>" + members + "</Stacks>", kCfnNs);
}

FakeAnswer FakeAws::DescribeStackEvents(const std::map<std::string, std::string>& p) {
  std::string name = Param(p, "StackName");
  Stack* s = FindStack(name);
  if (s == nullptr || (s->status == "DELETE_COMPLETE" && s->id != name)) {
    return QueryError(400, "ValidationError", "Stack [" + name + "] does not exist");
  }
  std::string id = s->id;
  if (Param(p, "NextToken").empty()) Tick(*s);
  s = FindStack(id);
  size_t start = static_cast<size_t>(std::atoi(Param(p, "NextToken").c_str()));
  size_t total = s->events.size();
  size_t end = std::min(total, start + options_.events_page_size);
  std::string members;
  for (size_t i = start; i < end; ++i) {
    const Event& e = s->events[total - 1 - i];  // newest first
    members +=
        "<member>" + El("StackId", s->id) + El("EventId", e.event_id) + El("StackName", s->name) +
        El("LogicalResourceId", e.logical_id) +
        (e.physical_id.empty() ? "" : El("PhysicalResourceId", e.physical_id)) +
        El("ResourceType", e.type) + El("Timestamp", IsoMillis(e.timestamp)) +
        El("ResourceStatus", e.status) +
        (e.reason.empty() ? "" : El("ResourceStatusReason", e.reason)) +
        (e.client_request_token.empty() ? "" : El("ClientRequestToken", e.client_request_token)) +
        "</member>";
  }
  std::string xml = "<StackEvents>" + members + "</StackEvents>";
  if (end < total) xml += El("NextToken", std::to_string(end));
  return QueryResult("DescribeStackEvents", xml, kCfnNs);
}

FakeAnswer FakeAws::DeleteStack(const std::map<std::string, std::string>& p) {
  std::string name = Param(p, "StackName");
  auto it = stacks_.find(name);
  Stack* s = it != stacks_.end() ? &it->second : nullptr;
  if (s == nullptr) {
    for (auto& [n, live] : stacks_) {
      if (live.id == name) s = &live;
    }
  }
  if (s == nullptr) return QueryResult("DeleteStack", "", kCfnNs);  // nothing to delete
  if (s->status == "DELETE_IN_PROGRESS") return QueryResult("DeleteStack", "", kCfnNs);
  if (base::EndsWith(s->status, "_IN_PROGRESS") && s->status != "REVIEW_IN_PROGRESS") {
    return QueryError(400, "ValidationError",
                      "Stack [" + s->name + "] cannot be deleted while in status " + s->status);
  }
  ScriptDeletion(*s);
  return QueryResult("DeleteStack", "", kCfnNs);
}

FakeAnswer FakeAws::GetTemplate(const std::map<std::string, std::string>& p) {
  std::string name = Param(p, "StackName");
  Stack* s = FindStack(name);
  if (s == nullptr || s->template_body.empty()) {
    return QueryError(400, "ValidationError", "Stack with id " + name + " does not exist");
  }
  return QueryResult("GetTemplate",
                     El("TemplateBody", s->template_body) +
                         "<StagesAvailable><member>Original</member><member>Processed</member>"
                         "</StagesAvailable>",
                     kCfnNs);
}

FakeAnswer FakeAws::ListStackResources(const std::map<std::string, std::string>& p) {
  std::string name = Param(p, "StackName");
  Stack* s = FindStack(name);
  if (s == nullptr || s->status == "DELETE_COMPLETE") {
    return QueryError(400, "ValidationError", "Stack with id " + name + " does not exist");
  }
  // Pages of 100, as CloudFormation serves them; the token is the next index.
  constexpr size_t kPage = 100;
  size_t start = static_cast<size_t>(std::atoi(Param(p, "NextToken").c_str()));
  std::string members;
  size_t i = 0;
  for (const auto& [id, r] : s->resources) {
    if (i++ < start) continue;
    if (i > start + kPage) break;
    members +=
        "<member>" + El("LogicalResourceId", r.logical_id) +
        El("PhysicalResourceId", r.physical_id) + El("ResourceType", r.type) +
        El("LastUpdatedTimestamp", IsoMillis(s->last_updated_time.value_or(s->creation_time))) +
        El("ResourceStatus", "CREATE_COMPLETE") + "</member>";
  }
  std::string xml = "<StackResourceSummaries>" + members + "</StackResourceSummaries>";
  if (start + kPage < s->resources.size()) xml += El("NextToken", std::to_string(start + kPage));
  return QueryResult("ListStackResources", xml, kCfnNs);
}

FakeAnswer FakeAws::ValidateTemplate(const std::map<std::string, std::string>& p) {
  base::Json tmpl = base::Json::parse(Param(p, "TemplateBody"), nullptr, false);
  if (tmpl.is_discarded() || !tmpl.is_object()) {
    return QueryError(400, "ValidationError", "Template format error: JSON not well-formed.");
  }
  std::string params;
  for (const auto& [id, decl] : Section(tmpl, "Parameters").items()) {
    if (!decl.is_object()) continue;
    params += "<member>" + El("ParameterKey", id) +
              El("NoEcho", IsNoEcho(decl) ? "true" : "false") +
              (decl.contains("Default") && decl["Default"].is_string()
                   ? El("DefaultValue", decl["Default"].get<std::string>())
                   : "") +
              "</member>";
  }
  return QueryResult(
      "ValidateTemplate",
      "<Parameters>" + params + "</Parameters>" + El("Description", tmpl.value("Description", "")),
      kCfnNs);
}

// ---------------------------------------------------------------- scripting and inspection

void FakeAws::InjectFault(Fault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_.push_back(std::move(fault));
}

void FakeAws::FailResource(const std::string& logical_id, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_[logical_id] = reason;
}

void FakeAws::ClearFailures() {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.clear();
}

void FakeAws::SetBusy(const std::string& stack, const std::string& status, int ticks) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stacks_.find(stack);
  if (it == stacks_.end()) return;
  it->second.busy_status = status;
  it->second.busy_ticks = ticks;
}

std::string FakeAws::StackStatus(const std::string& stack) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stacks_.find(stack);
  return it == stacks_.end() ? "" : it->second.status;
}

bool FakeAws::HasStack(const std::string& stack) const {
  std::lock_guard<std::mutex> lock(mu_);
  return stacks_.count(stack) != 0;
}

int FakeAws::ChangeSetsCreated(const std::string& stack) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stacks_.find(stack);
  return it == stacks_.end() ? 0 : it->second.change_sets_created;
}

std::map<std::string, std::string> FakeAws::LastParameters(const std::string& stack) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stacks_.find(stack);
  return it == stacks_.end() ? std::map<std::string, std::string>{} : it->second.parameters;
}

std::map<std::string, std::string> FakeAws::Outputs(const std::string& stack) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stacks_.find(stack);
  return it == stacks_.end() ? std::map<std::string, std::string>{} : ComputeOutputs(it->second);
}

std::map<std::string, FakeAws::ResourceInfo> FakeAws::StackResources(
    const std::string& stack) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, ResourceInfo> out;
  auto it = stacks_.find(stack);
  if (it == stacks_.end()) return out;
  for (const auto& [id, r] : it->second.resources) out[id] = {r.type, r.physical_id};
  return out;
}

std::optional<std::string> FakeAws::Object(const std::string& bucket,
                                           const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto b = buckets_.find(bucket);
  if (b == buckets_.end()) return std::nullopt;
  auto o = b->second.find(key);
  if (o == b->second.end()) return std::nullopt;
  return o->second.body;
}

std::vector<std::string> FakeAws::Buckets() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, objects] : buckets_) out.push_back(name);
  return out;
}

std::vector<std::string> FakeAws::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

std::vector<std::string> FakeAws::AuthFailures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return auth_failures_;
}

int FakeAws::faults_served() const {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_served_;
}

// ---------------------------------------------------------------- the HTTP server

FakeAwsServer::FakeAwsServer(FakeAwsOptions options)
    : aws_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  auto serve = [this](const httplib::Request& req, httplib::Response& res, std::string body) {
    aws::HttpRequest request;
    request.method = req.method;
    request.url = url() + req.target;
    for (const auto& [name, value] : req.headers) request.headers.emplace_back(name, value);
    request.body = std::move(body);
    FakeAnswer answer = aws_.Serve(request);
    if (answer.stall) {
      std::unique_lock<std::mutex> lock(stall_mu_);
      stall_cv_.wait(lock, [this] { return stopping_; });
      res.status = 503;
      return;
    }
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    res.status = answer.response.status;
    for (const auto& [name, value] : answer.response.headers) {
      if (base::StartsWith(Lower(name), "content-type")) continue;
      res.set_header(name, value);
    }
    std::string type = answer.response.Header("Content-Type").value_or("text/xml");
    if (answer.drop) {
      // Announce a body, then give up on it: the client sees the connection close mid-answer.
      res.set_content_provider(1024, type,
                               [](size_t, size_t, httplib::DataSink&) { return false; });
      return;
    }
    res.set_content(answer.response.body, type);
  };
  auto handler = [serve](const httplib::Request& req, httplib::Response& res) {
    serve(req, res, req.body);
  };
  // POST bodies are read through a content reader: httplib refuses a form-encoded body over
  // 8 KiB (CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH, fixed in Debian's compiled library)
  // with 413, and CloudFormation takes a TemplateBody of up to 51,200 bytes that way.
  auto post = [serve](const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader& reader) {
    std::string body;
    reader([&body](const char* data, size_t length) {
      body.append(data, length);
      return true;
    });
    serve(req, res, std::move(body));
  };
  server_->Get(".*", handler);
  server_->Post(".*", post);
  server_->Put(".*", handler);
  server_->Delete(".*", handler);
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

FakeAwsServer::~FakeAwsServer() {
  {
    std::lock_guard<std::mutex> lock(stall_mu_);
    stopping_ = true;
  }
  stall_cv_.notify_all();
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::map<std::string, std::string> FakeAwsServer::RexEnv(const std::string& passphrase) const {
  return {{"AWS_ACCESS_KEY_ID", aws_.options().access_key_id},
          {"AWS_SECRET_ACCESS_KEY", aws_.options().secret_access_key},
          {"AWS_REGION", aws_.options().region},
          {"AWS_EC2_METADATA_DISABLED", "true"},
          {"REX_CONFIG_PASSPHRASE", passphrase},
          {"REX_POLL_INTERVAL_MS", "20"},
          {"REX_HTTP_TIMEOUT", "5"}};
}

std::string FakeAwsServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace rex::testing

// Runs every case of the AWS SigV4 test suite in tests/fixtures/sigv4/ (see the README
// there) and checks each intermediate: canonical request, string to sign, signature and the
// signed request, for header signing and query (presigned URL) signing.
#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "aws/http.h"
#include "base/files.h"
#include "base/json.h"
#include "base/strings.h"

namespace rex::aws {
namespace {

const std::string kSuiteDir = std::string(REX_FIXTURES_DIR) + "/sigv4";

std::string ReadOrDie(const std::string& path) {
  auto text = base::ReadFile(path);
  EXPECT_TRUE(text.ok()) << path << ": " << text.error().ToString();
  return text.ok() ? *text : std::string();
}

// A request as written in request.txt / *-signed-request.txt.
struct RawRequest {
  std::string method;
  std::string target;  // path[?query] as written
  Headers headers;
  std::string body;
};

RawRequest ParseRawRequest(const std::string& text) {
  RawRequest out;
  size_t pos = 0;
  auto next_line = [&](std::string& line) {
    if (pos >= text.size()) return false;
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    line = text.substr(pos, end - pos);
    pos = end + 1;
    return true;
  };
  std::string line;
  next_line(line);
  size_t sp = line.find(' ');
  out.method = line.substr(0, sp);
  std::string rest = line.substr(sp + 1);
  const std::string kVersion = " HTTP/1.1";
  if (base::EndsWith(rest, kVersion)) rest.resize(rest.size() - kVersion.size());
  out.target = rest;
  while (next_line(line)) {
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      // Folded header: continue the previous value.
      size_t first = line.find_first_not_of(" \t");
      out.headers.back().second += " " + line.substr(first);
      continue;
    }
    size_t colon = line.find(':');
    out.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  if (pos < text.size()) out.body = text.substr(pos);
  return out;
}

std::set<std::string> HeaderSet(const Headers& headers) {
  std::set<std::string> out;
  for (const auto& [k, v] : headers) out.insert(k + ":" + v);
  return out;
}

std::set<std::string> QuerySet(const std::string& target) {
  std::set<std::string> out;
  size_t q = target.find('?');
  if (q == std::string::npos) return out;
  for (const std::string& part : base::Split(target.substr(q + 1), '&')) out.insert(part);
  return out;
}

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kSuiteDir)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Case {
  RawRequest raw;
  SigningParams params;
  std::string dir;
};

Case LoadCase(const std::string& name) {
  Case c;
  c.dir = kSuiteDir + "/" + name;
  c.raw = ParseRawRequest(ReadOrDie(c.dir + "/request.txt"));
  auto context = base::ParseJson(ReadOrDie(c.dir + "/context.json"), "context.json");
  EXPECT_TRUE(context.ok());
  const base::Json& j = *context;
  c.params.credentials.access_key_id = j["credentials"]["access_key_id"];
  c.params.credentials.secret_access_key = j["credentials"]["secret_access_key"];
  if (j["credentials"].contains("token"))
    c.params.credentials.session_token = j["credentials"]["token"];
  c.params.region = j["region"];
  c.params.service = j["service"];
  auto seconds = ParseIso8601(j["timestamp"].get<std::string>());
  EXPECT_TRUE(seconds.ok());
  c.params.time = std::chrono::system_clock::time_point(
      std::chrono::seconds(static_cast<int64_t>(seconds.ok() ? *seconds : 0)));
  c.params.normalize_path = j["normalize"];
  c.params.double_encode_path = true;  // aws-c-auth ran every v4 case this way
  c.params.expires = std::chrono::seconds(j["expiration_in_seconds"].get<int>());
  c.params.omit_session_token = j.value("omit_session_token", false);
  return c;
}

HttpRequest ToHttpRequest(const RawRequest& raw) {
  HttpRequest request;
  request.method = raw.method;
  auto host = FindHeader(raw.headers, "host");
  request.url = "https://" + host.value_or("") + raw.target;
  request.headers = raw.headers;
  request.body = raw.body;
  return request;
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST(SigV4Suite, HasEveryCase) { EXPECT_EQ(CaseNames().size(), 38u); }

TEST_P(SigV4SuiteTest, HeaderSigning) {
  Case c = LoadCase(GetParam());
  SigningParams params = c.params;
  bool sign_body =
      base::ParseJson(ReadOrDie(c.dir + "/context.json"), "context")->value("sign_body", false);
  params.add_content_sha256 = sign_body;
  HttpRequest request = ToHttpRequest(c.raw);
  auto result = SignRequest(request, params);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->canonical_request, ReadOrDie(c.dir + "/header-canonical-request.txt"))
      << "step 1: canonical request";
  EXPECT_EQ(result->string_to_sign, ReadOrDie(c.dir + "/header-string-to-sign.txt"))
      << "step 2: string to sign";
  EXPECT_EQ(result->signature, ReadOrDie(c.dir + "/header-signature.txt")) << "step 3: signature";

  RawRequest expected = ParseRawRequest(ReadOrDie(c.dir + "/header-signed-request.txt"));
  EXPECT_EQ(request.method, expected.method) << "step 4: signed request";
  EXPECT_EQ(HeaderSet(request.headers), HeaderSet(expected.headers)) << "step 4: signed request";
  EXPECT_EQ(request.body, expected.body) << "step 4: signed request";
}

TEST_P(SigV4SuiteTest, QuerySigning) {
  Case c = LoadCase(GetParam());
  HttpRequest request = ToHttpRequest(c.raw);
  auto result = PresignRequest(request, c.params);
  ASSERT_TRUE(result.ok()) << result.error().ToString();
  EXPECT_EQ(result->canonical_request, ReadOrDie(c.dir + "/query-canonical-request.txt"))
      << "step 1: canonical request";
  EXPECT_EQ(result->string_to_sign, ReadOrDie(c.dir + "/query-string-to-sign.txt"))
      << "step 2: string to sign";
  EXPECT_EQ(result->signature, ReadOrDie(c.dir + "/query-signature.txt")) << "step 3: signature";

  RawRequest expected = ParseRawRequest(ReadOrDie(c.dir + "/query-signed-request.txt"));
  std::string origin = "https://" + FindHeader(c.raw.headers, "host").value_or("");
  ASSERT_TRUE(base::StartsWith(request.url, origin));
  std::string target = request.url.substr(origin.size());
  EXPECT_EQ(PathOf(target), PathOf(expected.target)) << "step 4: signed request";
  EXPECT_EQ(QuerySet(target), QuerySet(expected.target)) << "step 4: signed request";
  EXPECT_EQ(HeaderSet(request.headers), HeaderSet(expected.headers)) << "step 4: signed request";
}

INSTANTIATE_TEST_SUITE_P(Aws, SigV4SuiteTest, ::testing::ValuesIn(CaseNames()),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                           std::string name = param_info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// Behaviour the suite does not pin down.

SigningParams TestParams() {
  SigningParams p;
  p.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};
  p.region = "us-east-1";
  p.service = "service";
  p.time = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
  return p;
}

TEST(SigV4, S3SignsPathVerbatimWithContentSha256) {
  SigningParams p = SigningParams::ForS3(TestParams().credentials, "us-east-1", TestParams().time);
  HttpRequest request{.method = "PUT",
                      .url = "https://bucket.s3.amazonaws.com/a//b/../c%20d.txt",
                      .headers = {},
                      .body = "hello"};
  auto result = SignRequest(request, p);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(base::Split(result->canonical_request, '\n')[1], "/a//b/../c%20d.txt");
  EXPECT_EQ(FindHeader(request.headers, "x-amz-content-sha256"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_NE(result->signed_headers.find("x-amz-content-sha256"), std::string::npos);
}

TEST(SigV4, NonS3DoubleEncodesWirePath) {
  SigningParams p = TestParams();
  HttpRequest request{
      .method = "GET", .url = "https://example.amazonaws.com/a%20b", .headers = {}, .body = ""};
  auto result = SignRequest(request, p);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(base::Split(result->canonical_request, '\n')[1], "/a%2520b");
}

TEST(SigV4, ResigningReplacesPreviousSignature) {
  SigningParams p = TestParams();
  p.credentials.session_token = "token";
  HttpRequest request{
      .method = "GET", .url = "https://example.amazonaws.com/", .headers = {}, .body = ""};
  ASSERT_TRUE(SignRequest(request, p).ok());
  p.time += std::chrono::seconds(5);
  auto second = SignRequest(request, p);
  ASSERT_TRUE(second.ok());
  int authorizations = 0;
  for (const auto& [k, v] : request.headers) authorizations += (k == "Authorization");
  EXPECT_EQ(authorizations, 1);
  EXPECT_EQ(FindHeader(request.headers, "x-amz-date"), "20150830T123605Z");
  EXPECT_EQ(FindHeader(request.headers, "host"), "example.amazonaws.com");
}

TEST(SigV4, UnsignedHeadersAreLeftOut) {
  SigningParams p = TestParams();
  HttpRequest request{
      .method = "GET",
      .url = "https://example.amazonaws.com/",
      .headers = {{"User-Agent", "rex"}, {"Expect", "100-continue"}, {"X-Amzn-Trace-Id", "x"}},
      .body = ""};
  auto result = SignRequest(request, p);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->signed_headers, "host;x-amz-date");
}

TEST(SigV4, NormalizePath) {
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath("//"), "/");
  EXPECT_EQ(NormalizePath("/a/./b/../c/"), "/a/c/");
  EXPECT_EQ(NormalizePath("/a/b/../.."), "/");
  EXPECT_EQ(NormalizePath("/.."), "/");
}

}  // namespace
}  // namespace rex::aws

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "base/files.h"
#include "base/json.h"
#include "emit.h"
#include "model.h"

namespace rex::cfngen {
namespace {

using base::Status;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kFixtures = std::string(REX_SOURCE_DIR) + "/tests/cfngen/fixtures/";

Service LoadFixture(const std::string& name) {
  auto text = base::ReadFile(kFixtures + name);
  EXPECT_TRUE(text.has_value()) << text.error().ToString();
  auto json = base::ParseJson(*text, name);
  EXPECT_TRUE(json.has_value()) << json.error().ToString();
  auto service = ParseService(*json, name);
  EXPECT_TRUE(service.has_value()) << service.error().ToString();
  Status status = Decide(*service);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return std::move(service).value();
}

// Parses and decides `json`; returns the error message ("" if it succeeded).
std::string ErrorFor(const char* json) {
  auto parsed = base::ParseJson(json, "t.json");
  if (!parsed.has_value()) return "bad test JSON: " + parsed.error().message();
  auto service = ParseService(*parsed, "t.json");
  if (!service.has_value()) return service.error().message();
  Status status = Decide(*service);
  return status.ok() ? "" : status.message();
}

// Compares with the golden file; REX_UPDATE_GOLDEN=1 rewrites it instead.
void ExpectGolden(const std::string& actual, const std::string& golden) {
  const std::string path = kFixtures + golden;
  if (std::getenv("REX_UPDATE_GOLDEN") != nullptr) {
    ASSERT_TRUE(base::WriteFileAtomic(path, actual).ok());
    return;
  }
  auto expected = base::ReadFile(path);
  ASSERT_TRUE(expected.has_value()) << path << ": " << expected.error().ToString()
                                    << " (run with REX_UPDATE_GOLDEN=1 to create it)";
  EXPECT_EQ(actual, *expected) << "generated text differs from " << path;
}

TEST(GeneratorTest, GoldenHeader) {
  ExpectGolden(EmitHeader(LoadFixture("demo.json")), "demo.gen.h.golden");
}

TEST(GeneratorTest, GoldenSource) {
  ExpectGolden(EmitSource(LoadFixture("demo.json")), "demo.gen.cc.golden");
}

TEST(GeneratorTest, GoldenRegistry) {
  std::vector<Service> services = {LoadFixture("demo.json")};
  ExpectGolden(EmitRegistryHeader(services) + EmitRegistrySource(services), "registry.gen.golden");
}

TEST(GeneratorTest, NestedTypesAtNamespaceScopeWithClassAliases) {
  const std::string h = EmitHeader(LoadFixture("demo.json"));
  EXPECT_THAT(h, HasSubstr("namespace rex::cfn::demo {"));
  EXPECT_THAT(h, HasSubstr("struct CfnWidgetConfig {\n"));
  EXPECT_THAT(h, HasSubstr("  using Config = CfnWidgetConfig;\n"));
  EXPECT_THAT(h, HasSubstr("  std::optional<CfnWidgetConfig> config = {};\n"));
  EXPECT_THAT(h, HasSubstr("core::Value ToValue(const CfnWidgetConfig& value);\n"));
}

TEST(GeneratorTest, PropertyTypes) {
  const std::string h = EmitHeader(LoadFixture("demo.json"));
  EXPECT_THAT(h, HasSubstr("  std::optional<core::List<CfnWidgetRule>> rules = {};\n"));
  EXPECT_THAT(h, HasSubstr("  std::optional<core::Map<core::Str>> labels = {};\n"));
  EXPECT_THAT(h, HasSubstr("  std::optional<core::List<core::Tag>> tags = {};\n"));
  EXPECT_THAT(h, HasSubstr("  std::optional<core::Num> weight = {};\n"));
  EXPECT_THAT(h, HasSubstr("  std::optional<core::Int> priority = {};\n"));
  EXPECT_THAT(h, HasSubstr("  std::optional<core::Bool> enabled = {};\n"));
  EXPECT_THAT(h, HasSubstr("  std::optional<core::Json> policy = {};\n"));  // a union
}

TEST(GeneratorTest, RequiredAndReplacementComments) {
  const std::string h = EmitHeader(LoadFixture("demo.json"));
  EXPECT_THAT(h, HasSubstr("  // The VPC. Required. Changing it replaces the resource.\n"
                           "  std::optional<core::Str> vpc_id = {};\n"));
  EXPECT_THAT(h, HasSubstr("  // Changing it may replace the resource. Default: \"FAST\".\n"));
}

TEST(GeneratorTest, AttributeWithADot) {
  const Service s = LoadFixture("demo.json");
  EXPECT_THAT(EmitHeader(s), HasSubstr("  core::Str attr_endpoint_address() const;\n"));
  EXPECT_THAT(EmitHeader(s), HasSubstr("  core::List<core::Str> attr_ipv6_cidr_blocks() const;\n"));
  EXPECT_THAT(EmitSource(s), HasSubstr("return GetAtt(\"Endpoint.Address\");"));
  EXPECT_THAT(EmitSource(s), HasSubstr("return GetAttList(\"Ipv6CidrBlocks\");"));
}

TEST(GeneratorTest, RecursiveTypeEdgeBecomesJson) {
  const Service s = LoadFixture("demo.json");
  const std::string h = EmitHeader(s);
  // AndStatement -> Statements: List<Statement> -> AndStatement closes the cycle.
  EXPECT_THAT(h, HasSubstr("  std::optional<core::List<CfnWidgetStatement>> statements = {};\n"));
  EXPECT_THAT(h,
              HasSubstr("  // Recursive type: written as free-form JSON. Default: the service's.\n"
                        "  std::optional<core::Json> and_statement = {};\n"));
  // Statement is declared before AndStatement, which holds a list of it.
  EXPECT_LT(h.find("struct CfnWidgetStatement {"), h.find("struct CfnWidgetAndStatement {"));
  EXPECT_THAT(EmitSource(s),
              HasSubstr("{.name = \"AndStatement\", .type = {.kind = core::TypeKind::kJson}}"));
}

TEST(GeneratorTest, KeywordNamedProperty) {
  const Service s = LoadFixture("demo.json");
  EXPECT_THAT(EmitHeader(s), HasSubstr("  std::optional<core::Str> namespace_ = {};\n"));
  EXPECT_THAT(EmitSource(s), HasSubstr("b.Add(\"Namespace\", value.namespace_);"));
}

TEST(GeneratorTest, SchemaTables) {
  const std::string c = EmitSource(LoadFixture("demo.json"));
  EXPECT_THAT(c, HasSubstr("{.name = \"VpcId\", .type = {.kind = core::TypeKind::kString}, "
                           ".required = true, .replacement = core::Replacement::kYes, "
                           ".pattern = \"^vpc-[0-9a-f]+$\", .min_length = 5, .max_length = 21}"));
  EXPECT_THAT(c, HasSubstr("= {\"FAST\", \"SLOW\"};"));
  EXPECT_THAT(c, HasSubstr(".minimum = 0.5, .maximum = 100.0}"));
  EXPECT_THAT(c, HasSubstr("    .stateful = true,\n"));
  EXPECT_THAT(c, HasSubstr("= {\"WidgetId\"};"));
  // "(?<=x)y" (lookbehind) is not ECMAScript as std::regex knows it: left out and counted.
  EXPECT_THAT(c, Not(HasSubstr("(?<=x)y")));
  EXPECT_THAT(c, HasSubstr("// 1 schema pattern(s) that std::regex (ECMAScript) cannot compile"));
}

TEST(GeneratorTest, DeterministicOutput) {
  EXPECT_EQ(EmitSource(LoadFixture("demo.json")), EmitSource(LoadFixture("demo.json")));
  EXPECT_EQ(EmitHeader(LoadFixture("demo.json")), EmitHeader(LoadFixture("demo.json")));
}

TEST(GeneratorTest, StructNameCollisionGetsASuffix) {
  auto json = base::ParseJson(R"({"schemaVersion": "v", "service": "demo", "namespace": "AWS::Demo",
    "resources": [
      {"type": "AWS::Demo::Foo", "name": "Foo", "properties": [{"name": "A", "type": {"ref": "BarBaz"}}],
       "types": [{"name": "BarBaz", "properties": [{"name": "X", "type": "string"}]}]},
      {"type": "AWS::Demo::FooBar", "name": "FooBar", "properties": [{"name": "B", "type": {"ref": "Baz"}}],
       "types": [{"name": "Baz", "properties": [{"name": "Y", "type": "string"}]},
                 {"name": "Schema", "properties": []}]}]})",
                              "t.json");
  ASSERT_TRUE(json.has_value());
  auto s = ParseService(*json, "t.json");
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  ASSERT_TRUE(Decide(*s).ok());
  const std::string h = EmitHeader(*s);
  EXPECT_THAT(h, HasSubstr("struct CfnFooBarBaz {"));
  EXPECT_THAT(h, HasSubstr("struct CfnFooBarBazType {"));
  EXPECT_THAT(h, HasSubstr("  using Baz = CfnFooBarBazType;\n"));
  // A type named like a member of the class gets no alias.
  EXPECT_THAT(h, HasSubstr("struct CfnFooBarSchema {"));
  EXPECT_THAT(h, Not(HasSubstr("using Schema =")));
}

TEST(GeneratorTest, Errors) {
  EXPECT_EQ(ErrorFor(R"({"schemaVersion": "v", "service": "d", "namespace": "AWS::D",
      "resources": [{"type": "AWS::D::W", "name": "W",
                     "properties": [{"name": "P", "type": {"ref": "Nope"}}]}]})"),
            "t.json: AWS::D::W: property P: refers to undefined type Nope");
  EXPECT_EQ(ErrorFor(R"({"schemaVersion": "v", "service": "d", "namespace": "AWS::D",
      "resources": [{"type": "AWS::D::W", "name": "W",
                     "properties": [{"name": "P", "type": "float"}]}]})"),
            "t.json: AWS::D::W: property P: unknown type \"float\"");
  EXPECT_EQ(
      ErrorFor(R"({"schemaVersion": "v", "service": "d", "namespace": "AWS::D",
      "resources": [{"type": "AWS::D::W", "name": "W",
                     "properties": [{"name": "P", "type": "string", "replacement": "sometimes"}]}]})"),
      "t.json: AWS::D::W: property P: replacement is \"sometimes\"; expected yes, maybe or no");
  EXPECT_EQ(ErrorFor(R"({"schemaVersion": "v", "service": "d", "namespace": "AWS::D",
      "resources": [{"type": "AWS::D::W", "name": "W",
                     "properties": [{"name": "IPv6Address", "type": "string"},
                                    {"name": "Ipv6Address", "type": "string"}]}]})"),
            "t.json: AWS::D::W: properties IPv6Address and Ipv6Address both map to field "
            "ipv6_address; add an exception to tools/cfngen/naming.cc");
  EXPECT_EQ(ErrorFor(R"({"schemaVersion": "v", "service": "d", "namespace": "AWS::D",
      "resources": [{"type": "AWS::D::W", "name": "W",
                     "attributes": [{"name": "Endpoint.Address", "type": "string"},
                                    {"name": "EndpointAddress", "type": "string"}]}]})"),
            "t.json: AWS::D::W: attributes Endpoint.Address and EndpointAddress both map to "
            "attr_endpoint_address; add an exception to tools/cfngen/naming.cc");
  EXPECT_EQ(ErrorFor(R"({"service": "d"})"), "t.json: missing \"schemaVersion\"");
  EXPECT_EQ(ErrorFor(R"({"schemaVersion": "v", "service": "d", "namespace": "AWS::D",
      "resources": [{"name": "W"}]})"),
            "t.json: missing \"type\"");
}

TEST(GeneratorTest, CppStringLiteral) {
  EXPECT_EQ(CppStringLiteral("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(CppStringLiteral("\xc3\xa9"), "\"\\303\\251\"");
  EXPECT_EQ(CppStringLiteral("a?b"), "\"a\\077b\"");
}

TEST(GeneratorTest, CommentLines) {
  EXPECT_EQ(CommentLines("one two three", "  ", 14), "  // one two\n  // three\n");
  EXPECT_EQ(CommentLines("", ""), "//\n");
  // A trailing backslash would splice the next line into the comment.
  EXPECT_EQ(CommentLines("ends with \\", ""), "// ends with\n");
}

}  // namespace
}  // namespace rex::cfngen

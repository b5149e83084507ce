#include "core/value.h"

#include <gtest/gtest.h>

#include "core/intrinsics.h"
#include "core/stack.h"
#include "test_resources.h"

namespace rex::core {
namespace {

using testing::Widget;
using testing::WidgetProps;

class TokenTest : public ::testing::Test {
 protected:
  App app;
  Stack& stack = app.Add<Stack>("Rex");
  Widget& a = stack.Add<Widget>("A", WidgetProps{.name = "a"});
  Widget& b = stack.Add<Widget>("B", WidgetProps{.name = "b"});
};

TEST_F(TokenTest, RefAndGetAttRecordTheirTarget) {
  Str ref = a.Ref();
  EXPECT_EQ(ref.value().json(), base::Json::parse(R"({"Ref":"A"})"));
  ASSERT_EQ(ref.value().refs().size(), 1u);
  EXPECT_EQ(ref.value().refs()[0], &a);
  Str att = b.attr_endpoint_address();
  EXPECT_EQ(att.value().json(), base::Json::parse(R"({"Fn::GetAtt":["B","Endpoint.Address"]})"));
  EXPECT_EQ(att.value().refs()[0], &b);
}

TEST_F(TokenTest, JoinOfLiteralsFoldsJoinOfTokensDoesNot) {
  EXPECT_EQ(Join("-", {"rex", "dev"}).value().json(), "rex-dev");
  Str joined = Join("", {"https://", b.attr_endpoint_address(), "/", a.Ref()});
  EXPECT_EQ(joined.value().json(), base::Json::parse(R"({"Fn::Join":["",["https://",
      {"Fn::GetAtt":["B","Endpoint.Address"]},"/",{"Ref":"A"}]]})"));
  ASSERT_EQ(joined.value().refs().size(), 2u);
  EXPECT_EQ(joined.value().refs()[0], &b);
  EXPECT_EQ(joined.value().refs()[1], &a);
}

TEST_F(TokenTest, SubSelectSplitGetAzsCidrImport) {
  EXPECT_EQ(Sub("${AWS::StackName}-x").value().json(),
            base::Json::parse(R"({"Fn::Sub":"${AWS::StackName}-x"})"));
  Str sub = Sub("${Host}:5432", {{"Host", a.attr_endpoint_address()}});
  EXPECT_EQ(
      sub.value().json(),
      base::Json::parse(
          R"({"Fn::Sub":["${Host}:5432",{"Host":{"Fn::GetAtt":["A","Endpoint.Address"]}}]})"));
  EXPECT_EQ(sub.value().refs().size(), 1u);
  EXPECT_EQ(Select(1, GetAZs()).value().json(),
            base::Json::parse(R"({"Fn::Select":[1,{"Fn::GetAZs":""}]})"));
  EXPECT_EQ(Select(1, List<Str>{"x", "y"}).value().json(), "y");
  EXPECT_EQ(Split(",", a.Ref()).token().json(),
            base::Json::parse(R"({"Fn::Split":[",",{"Ref":"A"}]})"));
  EXPECT_EQ(Cidr("10.0.0.0/16", 4, 8).token().json(),
            base::Json::parse(R"({"Fn::Cidr":["10.0.0.0/16",4,8]})"));
  EXPECT_EQ(ImportValue("shared-vpc").value().json(),
            base::Json::parse(R"({"Fn::ImportValue":"shared-vpc"})"));
  EXPECT_EQ(Base64("x").value().json(), base::Json::parse(R"({"Fn::Base64":"x"})"));
}

TEST_F(TokenTest, PseudoParameters) {
  EXPECT_EQ(aws::Region().value().json(), base::Json::parse(R"({"Ref":"AWS::Region"})"));
  EXPECT_EQ(aws::AccountId().value().json(), base::Json::parse(R"({"Ref":"AWS::AccountId"})"));
  EXPECT_EQ(aws::Partition().value().json(), base::Json::parse(R"({"Ref":"AWS::Partition"})"));
  EXPECT_EQ(aws::StackName().value().json(), base::Json::parse(R"({"Ref":"AWS::StackName"})"));
  EXPECT_EQ(aws::UrlSuffix().value().json(), base::Json::parse(R"({"Ref":"AWS::URLSuffix"})"));
  EXPECT_TRUE(aws::Region().value().refs().empty());
}

TEST_F(TokenTest, ConditionsAndIf) {
  auto& param = stack.Add<Parameter>("Cert", ParameterProps{.default_value = Value("")});
  auto& has_cert = stack.Add<Condition>("HasCert", Not(Equals(param.Ref().value(), "")));
  EXPECT_EQ(has_cert.expression().json(),
            base::Json::parse(R"({"Fn::Not":[{"Fn::Equals":[{"Ref":"Cert"},""]}]})"));
  Str chosen = If(has_cert, "https", "http");
  EXPECT_EQ(chosen.value().json(), base::Json::parse(R"({"Fn::If":["HasCert","https","http"]})"));
  EXPECT_EQ(chosen.value().refs()[0], &has_cert);
  EXPECT_EQ(IfValue(has_cert, Value("x"), NoValue()).json(),
            base::Json::parse(R"({"Fn::If":["HasCert","x",{"Ref":"AWS::NoValue"}]})"));
  EXPECT_EQ(And({ConditionRef(has_cert), Equals(aws::Region().value(), "us-east-1")}).json(),
            base::Json::parse(R"({"Fn::And":[{"Condition":"HasCert"},
                {"Fn::Equals":[{"Ref":"AWS::Region"},"us-east-1"]}]})"));
  EXPECT_EQ(Or({Value(true), Value(false)}).json(),
            base::Json::parse(R"({"Fn::Or":[true,false]})"));
}

TEST_F(TokenTest, TokensFitTypedFields) {
  // A token of the same type goes where a literal goes.
  auto& c = stack.Add<Widget>("C", WidgetProps{.name = Join("-", {a.Ref(), "c"}),
                                               .peers = GetAZs(),
                                               .labels = Map<Str>{{"arn", b.attr_arn()}}});
  Value props = c.Properties();
  EXPECT_EQ(props.json()["Peers"], base::Json::parse(R"({"Fn::GetAZs":""})"));
  EXPECT_EQ(props.refs().size(), 2u);
}

TEST(ValueTest, ObjectKeysAreSorted) {
  Value v = Value::Object({{"b", 1}, {"a", Value::List({"x", true, 2.5})}});
  EXPECT_EQ(v.json().dump(), R"({"a":["x",true,2.5],"b":1})");
  EXPECT_FALSE(v.is_intrinsic());
  EXPECT_TRUE(Value::Intrinsic("Fn::Join", Value::List({})).is_intrinsic());
}

TEST(LogicalIdTest, Table) {
  struct Case {
    const char* path;
    const char* id;
  };
  for (const Case& c :
       {Case{"Network/Vpc", "NetworkVpc"},
        Case{"Network/PublicSubnet1/RouteTable", "NetworkPublicSubnet1RouteTable"},
        Case{"Database/Resource", "Database"}, Case{"Database/Default/Secret", "DatabaseSecret"},
        Case{"load-balancer/http_listener", "LoadbalancerHttplistener"},
        Case{"api/service", "ApiService"}}) {
    EXPECT_EQ(LogicalIdFromPath(c.path), c.id) << c.path;
  }
}

}  // namespace
}  // namespace rex::core

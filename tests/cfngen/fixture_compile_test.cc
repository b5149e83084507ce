// The fixture's generated code (tests/cfngen/fixtures/demo.json -> cfn/demo.gen.{h,cc}),
// compiled with the project's warnings and rendered through core.
#include <gtest/gtest.h>

#include "base/json.h"
#include "cfn/demo.gen.h"
#include "cfn/registry.gen.h"
#include "core/construct.h"
#include "core/stack.h"

namespace rex::cfn::demo {
namespace {

TEST(FixtureCompileTest, RendersNestedListMapTagAndKeywordFields) {
  core::App app;
  auto& stack = app.Add<core::Stack>("Demo");
  auto& widget = stack.Add<CfnWidget>(
      "Widget", CfnWidgetProps{
                    .config = CfnWidget::Config{.namespace_ = "ns", .weight = 2.5},
                    .labels = core::Map<core::Str>{{"team", "rex"}},
                    .rules = core::List<CfnWidgetRule>{{.enabled = true, .priority = 1}},
                    .statement = CfnWidget::Statement{.and_statement = core::Json(base::Json{
                                                          {"Statements", base::Json::array()}})},
                    .tags = core::List<core::Tag>{{.key = "env", .value = "dev"}},
                    .vpc_id = "vpc-0abc",
                });
  EXPECT_EQ(widget.Properties().json(), base::Json::parse(R"({
    "Config": {"Namespace": "ns", "Weight": 2.5},
    "Labels": {"team": "rex"},
    "Rules": [{"Enabled": true, "Priority": 1}],
    "Statement": {"AndStatement": {"Statements": []}},
    "Tags": [{"Key": "env", "Value": "dev"}],
    "VpcId": "vpc-0abc"
  })"));
  EXPECT_EQ(widget.type(), "AWS::Demo::Widget");
  EXPECT_EQ(CfnWidget::kType, "AWS::Demo::Widget");
  EXPECT_EQ(widget.attr_endpoint_address().value().json(),
            base::Json::parse(R"({"Fn::GetAtt": ["Widget", "Endpoint.Address"]})"));
}

TEST(FixtureCompileTest, SchemaTables) {
  const core::ResourceSchema& schema = CfnWidget::Schema();
  EXPECT_EQ(FindResourceSchema("AWS::Demo::Widget"), &schema);
  EXPECT_EQ(FindResourceSchema("AWS::Demo::Nope"), nullptr);
  ASSERT_EQ(AllResourceSchemas().size(), 1u);
  EXPECT_TRUE(schema.stateful);
  const core::PropertySchema* vpc = schema.FindProperty("VpcId");
  ASSERT_NE(vpc, nullptr);
  EXPECT_TRUE(vpc->required);
  EXPECT_EQ(vpc->replacement, core::Replacement::kYes);
  EXPECT_EQ(vpc->pattern, "^vpc-[0-9a-f]+$");
  EXPECT_EQ(vpc->max_length, 21);
  const core::PropertySchema* rules = schema.FindProperty("Rules");
  ASSERT_NE(rules, nullptr);
  ASSERT_EQ(rules->type.kind, core::TypeKind::kList);
  ASSERT_EQ(rules->type.element->kind, core::TypeKind::kStruct);
  EXPECT_EQ(rules->type.element->struct_type->name, "Rule");
  EXPECT_NE(core::FindIn(rules->type.element->struct_type->properties, "Priority"), nullptr);
  const core::PropertySchema* mode = schema.FindProperty("Mode");
  ASSERT_NE(mode, nullptr);
  ASSERT_EQ(mode->allowed_values.size(), 2u);
  EXPECT_EQ(mode->allowed_values[1], "SLOW");
  ASSERT_NE(schema.FindAttribute("Endpoint.Address"), nullptr);
}

}  // namespace
}  // namespace rex::cfn::demo

#include "engine/state.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "base/files.h"
#include "template/template_reader.h"

namespace rex::engine {
namespace {

using base::Json;

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = (std::filesystem::temp_directory_path() /
             ("rex_state_test_" + std::to_string(::getpid()) + "_" + std::to_string(rd())))
                .string();
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const Json kTemplate = {{"Resources",
                         {{"NetworkVpc",
                           {{"Type", "AWS::EC2::VPC"},
                            {"Properties", {{"CidrBlock", "10.0.0.0/16"}}},
                            {"Metadata", {{"rex:path", "Rex/Network/Vpc"}}}}}}}};

TEST(StateStoreTest, MissingFileMeansNothingDeployed) {
  TempDir dir;
  StateStore store(dir.path());
  auto read = store.ReadDeployedTemplate("dev");
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  EXPECT_FALSE(read->has_value());
}

TEST(StateStoreTest, PathLayout) {
  EXPECT_EQ(StateStore::DeployedTemplateRelativePath("dev"), ".rex/dev/deployed.template.json");
  StateStore store("/work/project");
  EXPECT_EQ(store.DeployedTemplatePath("prod"), "/work/project/.rex/prod/deployed.template.json");
}

TEST(StateStoreTest, WriteThenReadRoundTrips) {
  TempDir dir;
  StateStore store(dir.path());
  ASSERT_TRUE(store.WriteDeployedTemplate("dev", kTemplate).ok());
  auto read = store.ReadDeployedTemplate("dev");
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(**read, kTemplate);

  // The file is in the project's template format, and no temporary file is left beside it.
  auto text = base::ReadFile(store.DeployedTemplatePath("dev"));
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, base::DumpJson(kTemplate));
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(dir.path()) / ".rex" / "dev")) {
    EXPECT_EQ(entry.path().filename(), "deployed.template.json");
    ++files;
  }
  EXPECT_EQ(files, 1);

  // Stacks are kept apart.
  auto other = store.ReadDeployedTemplate("prod");
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->has_value());
}

TEST(StateStoreTest, OverwriteReplacesTheTemplate) {
  TempDir dir;
  StateStore store(dir.path());
  ASSERT_TRUE(store.WriteDeployedTemplate("dev", kTemplate).ok());
  Json changed = kTemplate;
  changed["Resources"]["NetworkVpc"]["Properties"]["CidrBlock"] = "10.1.0.0/16";
  ASSERT_TRUE(store.WriteDeployedTemplate("dev", changed).ok());
  auto read = store.ReadDeployedTemplate("dev");
  ASSERT_TRUE(read.has_value() && read->has_value());
  EXPECT_EQ(**read, changed);
}

TEST(StateStoreTest, BrokenFileIsAnErrorNamingIt) {
  TempDir dir;
  StateStore store(dir.path());
  ASSERT_TRUE(base::WriteFileAtomic(store.DeployedTemplatePath("dev"), "{\"Resources\": [").ok());
  auto read = store.ReadDeployedTemplate("dev");
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), base::Code::kInvalidArgument);
  EXPECT_EQ(read.error().message(),
            ".rex/dev/deployed.template.json is not valid JSON (at byte 16)");

  ASSERT_TRUE(base::WriteFileAtomic(store.DeployedTemplatePath("dev"), "{\"Resources\": []}").ok());
  read = store.ReadDeployedTemplate("dev");
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().message(),
            ".rex/dev/deployed.template.json: Resources: must be an object; got an array");
}

TEST(StateStoreTest, DirectoryInPlaceOfTheFileIsAnError) {
  TempDir dir;
  StateStore store(dir.path());
  std::filesystem::create_directories(store.DeployedTemplatePath("dev"));
  auto read = store.ReadDeployedTemplate("dev");
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().code(), base::Code::kInvalidArgument);
  EXPECT_NE(read.error().message().find(".rex/dev/deployed.template.json: "), std::string::npos)
      << read.error().message();
}

TEST(StateStoreTest, RefusesToWriteSomethingThatIsNotATemplate) {
  TempDir dir;
  StateStore store(dir.path());
  base::Status s = store.WriteDeployedTemplate("dev", Json::array());
  EXPECT_EQ(s.code(), base::Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            ".rex/dev/deployed.template.json: must be a JSON object (a CloudFormation template); "
            "got an array");
  EXPECT_FALSE(base::PathExists(store.DeployedTemplatePath("dev")));
}

TEST(StateStoreTest, StackNames) {
  for (const char* good : {"dev", "prod-eu", "feature_1", "v1.2"}) {
    EXPECT_TRUE(ValidateStackName(good).ok()) << good;
  }
  for (const char* bad : {"", ".", "..", "a/b", "../etc", "dev stack", "x\n"}) {
    base::Status s = ValidateStackName(bad);
    EXPECT_EQ(s.code(), base::Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ValidateStackName("a/b").message(),
            "stack name \"a/b\" cannot name a folder under .rex/; use 1 to 128 letters, digits, "
            "'-', '_' or '.' (not \".\" or \"..\")");
  TempDir dir;
  StateStore store(dir.path());
  EXPECT_FALSE(store.ReadDeployedTemplate("../x").has_value());
  EXPECT_FALSE(store.WriteDeployedTemplate("../x", kTemplate).ok());
}

// --- the template reader

struct ReaderCase {
  std::string name;
  std::string text;
  std::string error;  // "" = accepted
};

class TemplateReaderTest : public ::testing::TestWithParam<ReaderCase> {};

TEST_P(TemplateReaderTest, ValidatesShape) {
  const ReaderCase& c = GetParam();
  auto read = tmpl::ReadTemplate(c.text, "t.json");
  if (c.error.empty()) {
    EXPECT_TRUE(read.has_value()) << read.error().ToString();
  } else {
    ASSERT_FALSE(read.has_value());
    EXPECT_EQ(read.error().code(), base::Code::kInvalidArgument);
    EXPECT_EQ(read.error().message(), c.error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, TemplateReaderTest,
    ::testing::Values(
        ReaderCase{"Minimal", "{}", ""},
        ReaderCase{"Full",
                   R"({"AWSTemplateFormatVersion": "2010-09-09", "Description": "d",
                       "Parameters": {"P": {"Type": "String"}},
                       "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
                       "Resources": {"R": {"Type": "AWS::EC2::VPC", "Properties": {},
                                           "DependsOn": ["Q"], "DeletionPolicy": "Retain",
                                           "Metadata": {"rex:path": "Rex/R"}},
                                     "Q": {"Type": "AWS::EC2::VPC", "DependsOn": "R"}},
                       "Outputs": {"O": {"Value": "x"}}})",
                   ""},
        ReaderCase{"Empty", "  \n", "t.json: is empty; expected a JSON or YAML template"},
        ReaderCase{"NotJson", "{\"a\": ", "t.json is not valid JSON (at byte 7)"},
        ReaderCase{"NumberOverflow", "{\"a\": 1e999}",
                   "t.json is not a usable JSON template ([json.exception.out_of_range.406] "
                   "number overflow parsing '1e999')"},
        ReaderCase{"NotAnObject", "[1]",
                   "t.json: must be a JSON object (a CloudFormation template); got an array"},
        ReaderCase{"ResourcesNotObject", R"({"Resources": 3})",
                   "t.json: Resources: must be an object; got a number"},
        ReaderCase{"ResourceNotObject", R"({"Resources": {"A": "x"}})",
                   "t.json: Resources.A: must be an object; got a string"},
        ReaderCase{"NoType", R"({"Resources": {"A": {}}})", "t.json: Resources.A: has no Type"},
        ReaderCase{"TypeNotString", R"({"Resources": {"A": {"Type": 1}}})",
                   "t.json: Resources.A.Type: must be a non-empty string; got a number"},
        ReaderCase{"EmptyType", R"({"Resources": {"A": {"Type": ""}}})",
                   "t.json: Resources.A.Type: must be a non-empty string; got a string"},
        ReaderCase{"PropertiesNotObject",
                   R"({"Resources": {"A": {"Type": "T", "Properties": [1]}}})",
                   "t.json: Resources.A.Properties: must be an object; got an array"},
        ReaderCase{"DependsOnNumbers", R"({"Resources": {"A": {"Type": "T", "DependsOn": [1]}}})",
                   "t.json: Resources.A.DependsOn[0]: must be a string; got a number"},
        ReaderCase{"DependsOnObject", R"({"Resources": {"A": {"Type": "T", "DependsOn": {}}}})",
                   "t.json: Resources.A.DependsOn: must be a string or an array of strings; got "
                   "an object"},
        ReaderCase{"DeletionPolicyNotString",
                   R"({"Resources": {"A": {"Type": "T", "DeletionPolicy": true}}})",
                   "t.json: Resources.A.DeletionPolicy: must be a string; got a boolean"},
        ReaderCase{"ParameterNotObject", R"({"Parameters": {"P": "String"}})",
                   "t.json: Parameters.P: must be an object; got a string"},
        ReaderCase{"OutputsNotObject", R"({"Outputs": null})",
                   "t.json: Outputs: must be an object; got null"},
        ReaderCase{"DescriptionNotString", R"({"Description": ["x"]})",
                   "t.json: Description: must be a string; got an array"},
        ReaderCase{"ControlCharactersInKeysAreMasked", "{\"Resources\": {\"A\\u0007\": 1}}",
                   "t.json: Resources.A?: must be an object; got a number"}),
    [](const auto& p) { return p.param.name; });

TEST(TemplateReaderDepthTest, DeepNestingIsRefusedWithoutCrashing) {
  std::string deep = "{\"Resources\": {\"A\": {\"Type\": \"T\", \"Properties\": {\"P\": ";
  constexpr int kLevels = 200000;
  deep += std::string(kLevels, '[') + std::string(kLevels, ']') + "}}}}";
  auto read = tmpl::ReadTemplate(deep, "deep.json");
  ASSERT_FALSE(read.has_value());
  EXPECT_EQ(read.error().message(),
            "deep.json: nested deeper than 64 levels; not a CloudFormation template");

  std::string ok = "{\"Mappings\": {\"M\": " + std::string(60, '[') + std::string(60, ']') + "}}";
  EXPECT_FALSE(tmpl::ReadTemplate(ok, "ok.json").has_value());  // arrays are not Mappings entries
  std::string nested =
      "{\"Description\": \"d\", \"X\": " + std::string(60, '[') + std::string(60, ']') + "}";
  EXPECT_TRUE(tmpl::ReadTemplate(nested, "ok.json").has_value());
}

TEST(TemplateReaderDepthTest, ArbitraryBytesNeverCrash) {
  std::mt19937 rng(42);
  const std::string alphabet = "{}[]\":,0123456789.eE-+ntrufalsTypeResources\\u\x01\xff";
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    size_t length = rng() % 64;
    for (size_t j = 0; j < length; ++j) text += alphabet[rng() % alphabet.size()];
    auto read = tmpl::ReadTemplate(text, "fuzz.json");
    if (read.has_value()) {
      ++accepted;
      EXPECT_TRUE(read->is_object());
    } else {
      EXPECT_EQ(read.error().code(), base::Code::kInvalidArgument);
      EXPECT_TRUE(read.error().message().rfind("fuzz.json", 0) == 0) << read.error().message();
    }
  }
  EXPECT_LT(accepted, 2000);
}

}  // namespace
}  // namespace rex::engine

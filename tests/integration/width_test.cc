// Human output through the real rex binary fits 100 columns by default: rex cost, rex preview
// and rex check on the dev, staging and prod presets and on examples/workloads.yaml, and rex
// --help. --wide prints whole names (and cost's quantity basis); cost and preview name a
// resource alike.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Columns of the widest line (UTF-8 code points; output has no colour under NO_COLOR).
size_t WidestLine(const std::string& text, std::string* widest = nullptr) {
  std::istringstream in(text);
  size_t max = 0;
  for (std::string line; std::getline(in, line);) {
    size_t width = 0;
    for (unsigned char c : line) width += (c & 0xC0) != 0x80 ? 1 : 0;
    if (width > max) {
      max = width;
      if (widest != nullptr) *widest = line;
    }
  }
  return max;
}

struct Project {
  std::string name;
  std::vector<std::string> stack_args;  // selects the stack
};

// The three presets (built in, no stacks/ folder) and the workloads example as stacks/dev.yaml.
class WidthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto example = base::ReadFile(std::string(REX_SOURCE_DIR) + "/examples/workloads.yaml");
    ASSERT_TRUE(example.has_value());
    workloads_.Write("stacks/dev.yaml", *example);
  }

  RexRun Run(const std::string& project, std::vector<std::string> args) {
    if (project == "workloads") return RunRex(args, {.cwd = workloads_.path()});
    args.insert(args.begin(), {"--stack", project});
    return RunRex(args, {.cwd = presets_.path()});
  }

  const std::vector<std::string> kProjects = {"dev", "staging", "prod", "workloads"};
  TempDir presets_;
  TempDir workloads_;
};

TEST_F(WidthTest, CostPreviewAndCheckFitOneHundredColumnsOnEveryPresetAndTheWorkloadsExample) {
  for (const std::string& project : kProjects) {
    for (const std::vector<std::string>& command :
         std::vector<std::vector<std::string>>{{"cost"},
                                               {"cost", "-v"},
                                               {"preview"},
                                               {"check"},
                                               {"check", "-v"},
                                               {"check", "--rules"},
                                               {"--help"}}) {
      RexRun run = Run(project, command);
      std::string label =
          project + ": rex " + command[0] + (command.size() > 1 ? " " + command[1] : "");
      // rex check exits 1 when it finds an error; its output is what is measured here.
      if (command[0] != "check") {
        ASSERT_EQ(run.exit_code, 0) << label << "\n" << run.err;
      }
      ASSERT_FALSE(run.out.empty()) << label;
      std::string widest;
      EXPECT_LE(WidestLine(run.out, &widest), 100u) << label << ": " << widest;
    }
  }
}

TEST_F(WidthTest, WideCostPrintsWholeNamesAndTheBasisOfEachQuantity) {
  RexRun fitted = Run("dev", {"cost"});
  RexRun wide = Run("dev", {"cost", "--wide"});
  ASSERT_EQ(fitted.exit_code, 0) << fitted.err;
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  // The longest resource name of the dev preset, elided in the middle by default.
  EXPECT_THAT(wide.out, HasSubstr("Database/SupertokensDbConnectionSecret"));
  EXPECT_THAT(fitted.out, Not(HasSubstr("Database/SupertokensDbConnectionSecret")));
  EXPECT_THAT(fitted.out, HasSubstr("Database/"));
  EXPECT_THAT(fitted.out, HasSubstr("…"));
  EXPECT_THAT(wide.out, HasSubstr("1 task × 730 h × 0.5 vCPU = 365 vCPU-hour"));
  EXPECT_THAT(fitted.out, HasSubstr("365 vCPU-hour"));
  EXPECT_GT(WidestLine(wide.out), 100u);
  // The same total either way.
  auto total_line = [](const std::string& out) {
    size_t at = out.find(" total ");
    return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at) - at);
  };
  EXPECT_THAT(total_line(fitted.out), HasSubstr("$"));
  EXPECT_EQ(total_line(fitted.out), total_line(wide.out));
}

TEST_F(WidthTest, PreviewShortensLongValuesToFitAndWidePrintsThemWhole) {
  // A baseline whose VPC carries a 150-character tag value: the plan shows it as removed.
  RexRun synth = Run("dev", {"synth"});
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  auto tmpl = base::ParseJson(synth.out, "synth");
  ASSERT_TRUE(tmpl.has_value());
  const std::string long_value(150, 'x');
  (*tmpl)["Resources"]["NetworkVpc"]["Properties"]["Tags"] =
      base::Json::array({{{"Key", "note"}, {"Value", long_value}}});
  presets_.Write("base.json", base::DumpJson(*tmpl));
  RexRun fitted = Run("dev", {"preview", "--template", "base.json"});
  RexRun wide = Run("dev", {"preview", "--template", "base.json", "--wide"});
  ASSERT_EQ(fitted.exit_code, 0) << fitted.err;
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_THAT(fitted.out, HasSubstr("Network/Vpc"));
  std::string widest;
  EXPECT_LE(WidestLine(fitted.out, &widest), 100u) << widest;
  EXPECT_THAT(fitted.out, Not(HasSubstr(long_value)));
  EXPECT_THAT(fitted.out, HasSubstr("xxxx…"));
  EXPECT_THAT(wide.out, HasSubstr(long_value));
  EXPECT_GT(WidestLine(wide.out), 100u);
}

TEST_F(WidthTest, CostAndPreviewNameEachResourceAlike) {
  RexRun cost = Run("prod", {"--json", "cost"});
  RexRun preview = Run("prod", {"preview", "--wide"});
  ASSERT_EQ(cost.exit_code, 0) << cost.err;
  ASSERT_EQ(preview.exit_code, 0) << preview.err;
  auto report = base::ParseJson(cost.out, "stdout");
  ASSERT_TRUE(report.has_value());
  std::set<std::string> labels;
  for (const base::Json& item : (*report)["items"]) labels.insert(item["label"].get<std::string>());
  ASSERT_GT(labels.size(), 10u);
  for (const std::string& label : labels) {
    EXPECT_THAT(preview.out, HasSubstr("  " + label + "\n")) << label;
  }
  RexRun fitted_cost = Run("prod", {"cost", "--wide"});
  for (const std::string& label : labels) EXPECT_THAT(fitted_cost.out, HasSubstr(label));
}

}  // namespace
}  // namespace rex::testing

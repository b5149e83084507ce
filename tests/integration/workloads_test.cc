// Services as data through the real binary: examples/workloads.yaml as stacks/dev.yaml
// synthesizes the notifier, and bad service entries are exit 2 naming the entry, the key and
// what is allowed.

#include <gtest/gtest.h>

#include <string>

#include "base/files.h"
#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

std::string Example() {
  auto text = base::ReadFile(std::string(REX_SOURCE_DIR) + "/examples/workloads.yaml");
  EXPECT_TRUE(text.ok()) << text.error().message();
  return text.ok() ? *text : std::string();
}

TEST(WorkloadsIntegrationTest, ExampleSynthesizesTheNotifier) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", Example());
  RexRun run = RunRex({"synth"}, {.cwd = dir.path()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto tmpl = base::ParseJson(run.out, "stdout");
  ASSERT_TRUE(tmpl.has_value());
  for (const char* id :
       {"ComputeNotifierService", "ComputeNotifierTaskDefinition", "LoadBalancerNotifierRule",
        "LoadBalancerNotifierTargetGroup", "MonitoringNotifierLogGroup", "SecurityNotifierTaskRole",
        "RegistryNotifier"}) {
    EXPECT_TRUE((*tmpl)["Resources"].contains(id)) << id;
  }
}

void ExpectRefused(const std::string& services, const std::string& expected) {
  TempDir dir;
  dir.Write("stacks/dev.yaml", "environment: dev\nservices:\n" + services);
  RexRun run = RunRex({"synth"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(WorkloadsIntegrationTest, PortClashIsExitTwo) {
  ExpectRefused("  notifier: {port: 3567}\n",
                "services.notifier.port: 3567 is not allowed: services.supertokens already "
                "listens on it; give each service its own port");
}

TEST(WorkloadsIntegrationTest, TwoServicesOnOnePathIsExitTwo) {
  ExpectRefused("  notifier: {port: 8090, path: /auth/*}\n",
                "services.notifier.path: \"/auth/*\" is not allowed: services.supertokens is "
                "already reached on it; give each service its own path");
}

TEST(WorkloadsIntegrationTest, UnknownKeyIsExitTwo) {
  ExpectRefused("  notifier: {port: 8090, pth: /notify/*}\n",
                "services.notifier.pth: unknown key; did you mean \"path\"?; allowed: image, "
                "imageTag, command, port");
}

}  // namespace
}  // namespace rex::testing

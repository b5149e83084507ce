// The deploy flows moto can serve, against a real third-party CloudFormation endpoint: moto
// 5.2.1 (`python3 -m moto.server`, started on a free loopback port for this test and killed at
// the end). A stack of the networking resources (tests/golden/networking.template.json) is
// created through a change set, read back, updated and deleted by the real rex binary.
//
// The template reaches rex through the history path `rex rollback N`: the test writes history
// records (the documented format of engine/history.h) holding the networking template, so rex
// deploys exactly that instead of the whole Rex stack, many of whose resource types moto
// ignores.
//
// moto's gaps, worked around here and never in src/:
// - it has no per-resource events and no rollback: only the stack's own status is checked;
// - it reports no outputs for stacks deployed through change sets (CREATE and UPDATE alike in
//   5.2.1): the VPC is checked in moto's own state (/moto-api/data.json) instead, and `rex
//   outputs` only has to answer with a JSON object;
// - it does not check signatures: the fake endpoint's tests cover signing.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "base/files.h"
#include "base/json.h"
#include "support/run_rex.h"

namespace rex::testing {
namespace {

using ::testing::HasSubstr;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

bool Answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

class MotoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("python3 -c 'import moto' >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "moto is not installed for python3 (python3 -c 'import moto' failed)";
    }
    port_ = FreePort();
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      // Quiet child: moto logs every request.
      freopen("/dev/null", "w", stdout);
      freopen("/dev/null", "w", stderr);
      std::string port = std::to_string(port_);
      ::execlp("python3", "python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", port.c_str(),
               static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!Answers(port_)) {
      int status = 0;
      ASSERT_EQ(::waitpid(pid_, &status, WNOHANG), 0) << "moto.server exited at start";
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "moto.server did not answer";
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(RunRex({"init", "dev"}, {.cwd = dir_.path()}).exit_code, 0);
  }

  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  RexRun Rex(std::vector<std::string> args) {
    args.insert(args.begin(), {"--endpoint-url", "http://127.0.0.1:" + std::to_string(port_)});
    return RunRex(args, {.cwd = dir_.path(),
                         .env = {{"AWS_ACCESS_KEY_ID", "testing"},
                                 {"AWS_SECRET_ACCESS_KEY", "testing"},
                                 {"AWS_REGION", "us-east-1"},
                                 {"AWS_EC2_METADATA_DISABLED", "true"},
                                 {"REX_POLL_INTERVAL_MS", "100"}}});
  }

  // Writes history record `number` holding `tmpl` for stack rex-backend-dev.
  void WriteRecord(int number, const base::Json& tmpl) {
    char name[32];
    std::snprintf(name, sizeof(name), "%04d.json", number);
    base::Json record = {{"version", 1},
                         {"number", number},
                         {"stack", "dev"},
                         {"stackName", "rex-backend-dev"},
                         {"operation", "up"},
                         {"result", "deployed"},
                         {"parameters", base::Json::object()},
                         {"template", tmpl},
                         {"startTime", "2026-11-27T00:00:00Z"},
                         {"endTime", "2026-11-27T00:01:00Z"},
                         {"rexVersion", "0.1.0"}};
    dir_.Write(std::string(".rex/dev/history/") + name, base::DumpJson(record));
  }

  // VPCs with `cidr` that moto created for a CloudFormation stack (its /moto-api/ state).
  int MotoVpcs(const std::string& cidr) {
    httplib::Client client("127.0.0.1", port_);
    auto response = client.Get("/moto-api/data.json");
    if (!response || response->status != 200) return -1;
    auto data = base::ParseJson(response->body, "moto-api");
    if (!data.ok()) return -1;
    int count = 0;
    for (const auto& vpc : (*data)["ec2"]["VPC"]) {
      if (vpc.value("cidr_block", "") == cidr &&
          vpc.value("cf_resource_type", "") == "AWS::EC2::VPC") {
        ++count;
      }
    }
    return count;
  }

  int port_ = 0;
  pid_t pid_ = -1;
  TempDir dir_;
};

TEST_F(MotoTest, CreateReadUpdateDeleteANetworkingStack) {
  auto golden =
      base::ReadFile(std::string(REX_SOURCE_DIR) + "/tests/golden/networking.template.json");
  ASSERT_TRUE(golden.ok());
  auto v1 = base::ParseJson(*golden, "networking.template.json");
  ASSERT_TRUE(v1.ok());
  (*v1)["Outputs"] = {{"VpcId", {{"Value", {{"Ref", "NetworkVpc"}}}}}};
  WriteRecord(1, *v1);

  RexRun create = Rex({"rollback", "1", "--yes"});
  ASSERT_EQ(create.exit_code, 0) << create.err;
  EXPECT_THAT(create.err, HasSubstr("CREATE_COMPLETE"));
  EXPECT_THAT(create.err, HasSubstr("change set rex-"));
  // moto reports no outputs after a change set, so the VPC is looked up in moto's own state.
  EXPECT_EQ(MotoVpcs("10.0.0.0/16"), 1);

  base::Json v2 = *v1;
  v2["Resources"]["NetworkVpc"]["Properties"]["Tags"].push_back(
      {{"Key", "rex-test"}, {"Value", "updated"}});
  WriteRecord(10, v2);
  RexRun update = Rex({"rollback", "10", "--yes"});
  ASSERT_EQ(update.exit_code, 0) << update.err;
  EXPECT_THAT(update.err, HasSubstr("UPDATE_COMPLETE"));
  EXPECT_GE(MotoVpcs("10.0.0.0/16"), 1);

  RexRun outputs = Rex({"outputs", "--json"});
  ASSERT_EQ(outputs.exit_code, 0) << outputs.err;
  auto parsed = base::ParseJson(outputs.out, "stdout");
  ASSERT_TRUE(parsed.ok()) << outputs.out;
  EXPECT_TRUE(parsed->is_object());
  if (parsed->contains("VpcId")) {
    EXPECT_EQ((*parsed)["VpcId"].get<std::string>().rfind("vpc-", 0), 0u) << outputs.out;
  }

  RexRun history = Rex({"history", "--json"});
  auto records = base::ParseJson(history.out, "stdout");
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->back()["result"], "deployed");

  RexRun destroy = Rex({"destroy", "--yes"});
  EXPECT_EQ(destroy.exit_code, 0) << destroy.err;
  RexRun gone = Rex({"outputs"});
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_THAT(gone.err, HasSubstr("does not exist"));
}

}  // namespace
}  // namespace rex::testing

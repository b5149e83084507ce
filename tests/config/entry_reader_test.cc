// The entry key tables (config/entry_reader.h): reading an entry through its rows, the key
// names they list, and the rules they check, on a small entry type of the test's own.

#include "config/entry_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace rex::config::entries {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

struct Probe {
  std::string path = "";
  int period = 60;
};

struct Entry {
  std::string mode = "a";
  int count = 1;
  bool on = false;
  std::vector<std::string> command = {};
  std::vector<std::string> callers = {};
  std::map<std::string, std::string> environment = {{"KEEP", "1"}};
  Probe probe = {};
};

std::string ModeRule(const std::string& mode) {
  return mode == "a" || mode == "b" ? "" : "use \"a\" or \"b\"";
}

const std::vector<EntryField<Entry>>& Fields() {
  static const std::vector<EntryField<Entry>> fields = {
      TextKey<Entry>("mode", &Entry::mode, ModeRule),
      IntKey<Entry>("count", &Entry::count, 0, 10, "use 0 to 10"),
      BoolKey<Entry>("on", &Entry::on),
      WordsKey<Entry>("command", &Entry::command),
      NamesKey<Entry>("callers", &Entry::callers),
      MapKey<Entry>("environment", &Entry::environment),
      NestedKey<Entry, Probe>("probe.path", &Entry::probe, TextKey<Probe>("path", &Probe::path)),
      NestedKey<Entry, Probe>("probe.period", &Entry::probe,
                              IntKey<Probe>("period", &Probe::period, 0, 300, "use 0 to 300")),
  };
  return fields;
}

Problems Read(const std::string& yaml, Entry& entry) {
  Problems problems;
  ReadEntry("things.one", YAML::Load(yaml), Fields(), entry, problems);
  return problems;
}

TEST(EntryReaderTest, TheKeyNamesAreTheRowsWithANestedMapOnce) {
  EXPECT_THAT(EntryKeyNames(Fields()),
              ElementsAre("mode", "count", "on", "command", "callers", "environment", "probe"));
}

TEST(EntryReaderTest, ReadsEveryRowIntoItsMemberAndMergesMaps) {
  Entry entry;
  Problems problems = Read(R"(
mode: b
count: 3
on: true
command: ./run --fast
callers: [api, worker]
environment: {NEW: "2"}
probe: {path: /health, period: 30}
)",
                           entry);
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_EQ(entry.mode, "b");
  EXPECT_EQ(entry.count, 3);
  EXPECT_TRUE(entry.on);
  EXPECT_THAT(entry.command, ElementsAre("./run", "--fast"));
  EXPECT_THAT(entry.callers, ElementsAre("api", "worker"));
  EXPECT_THAT(entry.environment, ElementsAre(Pair("KEEP", "1"), Pair("NEW", "2")));
  EXPECT_EQ(entry.probe.path, "/health");
  EXPECT_EQ(entry.probe.period, 30);
}

TEST(EntryReaderTest, AnEmptyKeyKeepsTheDefault) {
  Entry entry;
  EXPECT_THAT(Read("count:\nprobe:\n", entry), IsEmpty());
  EXPECT_EQ(entry.count, 1);
  EXPECT_EQ(entry.probe.period, 60);
}

TEST(EntryReaderTest, RecordsUnknownTwiceWrongTypeAndANestedKeyThatIsNotAMap) {
  Entry entry;
  Problems problems = Read(R"(
cuont: 3
count: x
on: 1
on: 2
probe: /health
callers: api
)",
                           entry);
  EXPECT_THAT(
      problems,
      ElementsAre(
          Pair("things.one.cuont",
               "unknown key; did you mean \"count\"?; allowed: mode, count, on, command, callers, "
               "environment, probe"),
          Pair("things.one.count", "expected a whole number, got \"x\""),
          Pair("things.one.on", "expected true or false, got \"1\""),
          Pair("things.one.on", "is set more than once"),
          Pair("things.one.probe", "expected a map of path, period, got \"/health\""),
          Pair("things.one.callers",
               "expected a list of service names such as [api, worker], got \"api\"")));
  EXPECT_EQ(entry.count, 1) << "a wrong type leaves the default";
}

TEST(EntryReaderTest, AnUnknownNestedKeyNamesTheNestedKeys) {
  Entry entry;
  Problems problems = Read("probe: {path: /x, perod: 5}\n", entry);
  EXPECT_THAT(problems, ElementsAre(Pair("things.one.probe.perod",
                                         "unknown key; did you mean \"period\"?; allowed: path, "
                                         "period")));
  EXPECT_EQ(entry.probe.path, "/x");
}

TEST(EntryReaderTest, CheckEntryAppliesEachRowsRuleWithTheValueAndWhatIsAllowed) {
  Entry entry;
  entry.mode = "c";
  entry.count = 11;
  entry.command = {"./run", ""};
  entry.probe.period = -1;
  Problems problems;
  CheckEntry("things.one", Fields(), entry, problems);
  EXPECT_THAT(problems,
              ElementsAre(Pair("things.one.mode", "\"c\" is not allowed: use \"a\" or \"b\""),
                          Pair("things.one.count", "11 is not allowed: use 0 to 10"),
                          Pair("things.one.command",
                               "an empty argument is not allowed: give the program and its "
                               "arguments"),
                          Pair("things.one.probe.period", "-1 is not allowed: use 0 to 300")));
  Problems none;
  CheckEntry("things.one", Fields(), Entry{}, none);
  EXPECT_THAT(none, IsEmpty());
}

}  // namespace
}  // namespace rex::config::entries

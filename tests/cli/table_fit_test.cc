// cli::Table limits, ElideMiddle / ElideEnd and WrapText: how human output fits kOutputWidth.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "cli/terminal.h"

namespace rex::cli {
namespace {

size_t WidestLine(const std::string& text) {
  std::istringstream in(text);
  size_t widest = 0;
  for (std::string line; std::getline(in, line);) widest = std::max(widest, DisplayWidth(line));
  return widest;
}

TEST(ElideTest, MiddleKeepsBothEndsAndTheWidth) {
  EXPECT_EQ(ElideMiddle("Database/SupertokensDbConnectionSecret", 20), "Database/S…ionSecret");
  EXPECT_EQ(DisplayWidth(ElideMiddle("Database/SupertokensDbConnectionSecret", 20)), 20u);
  EXPECT_EQ(ElideMiddle("short", 20), "short");
  EXPECT_EQ(ElideMiddle("exactly", 7), "exactly");
  EXPECT_EQ(ElideMiddle("anything", 1), "…");
  EXPECT_EQ(ElideMiddle("no limit", 0), "no limit");
  // Cuts between code points, never inside one.
  EXPECT_EQ(ElideMiddle("ééééééééé", 5), "éé…éé");
}

TEST(ElideTest, EndKeepsTheStart) {
  EXPECT_EQ(ElideEnd("Container Insights metrics", 10), "Container…");
  EXPECT_EQ(DisplayWidth(ElideEnd("Container Insights metrics", 10)), 10u);
  EXPECT_EQ(ElideEnd("short", 10), "short");
}

TEST(WrapTextTest, BreaksAtSpacesWithinTheWidthAndIndentsContinuations) {
  std::string text = "one two three four five six seven eight nine ten";
  EXPECT_EQ(WrapText(text, 15), "one two three\nfour five six\nseven eight\nnine ten");
  EXPECT_EQ(WrapText(text, 15, "  "), "one two three\n  four five six\n  seven eight\n  nine ten");
  EXPECT_LE(WidestLine(WrapText(text, 15, "  ")), 15u);
  EXPECT_EQ(WrapText(text, 0), text);
  EXPECT_EQ(WrapText("short", 80), "short");
  // A word longer than the width stays whole on a line of its own.
  EXPECT_EQ(WrapText("a NatGatewayInAnotherZone b", 10), "a\nNatGatewayInAnotherZone\nb");
}

TEST(TableLimitTest, ElidesAndWrapsColumnsToFit) {
  Table table({"RESOURCE", "ITEM", "MONTHLY"});
  table.AlignRight(2);
  table.Limit(0, 16, Fit::kElideMiddle);
  table.Limit(1, 12, Fit::kWrap);
  table.AddRow({"Database/SupertokensDbConnectionSecret", "Route 53 hosted zone", "$0.50"});
  table.AddRow({"Cache/Nodes", "nodes", "$11.68"});
  Style plain(false);
  std::string out = table.Render(plain);
  EXPECT_EQ(out,
            "RESOURCE          ITEM         MONTHLY\n"
            "Database…nSecret  Route 53       $0.50\n"
            "                  hosted zone\n"
            "Cache/Nodes       nodes         $11.68\n");
  EXPECT_LE(WidestLine(out), 16u + 2 + 12 + 2 + 7);
}

TEST(TableLimitTest, NoLimitPrintsCellsWhole) {
  Table table({"A", "B"});
  table.AddRow({"Database/SupertokensDbConnectionSecret", "x"});
  table.Limit(0, 0, Fit::kElideMiddle);
  EXPECT_NE(table.Render(Style(false)).find("Database/SupertokensDbConnectionSecret"),
            std::string::npos);
}

}  // namespace
}  // namespace rex::cli

// cli::EscapeControls: text from elsewhere (stack-event reasons, application log lines) cannot
// drive the terminal.
#include <gtest/gtest.h>

#include "cli/terminal.h"

namespace rex::cli {
namespace {

TEST(EscapeControlsTest, EscapesC0C1AndDelKeepsTabAndUtf8) {
  EXPECT_EQ(EscapeControls("Resource creation cancelled"), "Resource creation cancelled");
  // ESC ] 0 ; title BEL: a window-title escape; ESC [ 2 J: clear screen.
  EXPECT_EQ(EscapeControls("\x1b]0;pwned\x07ok \x1b[2Jx"), "\\x1b]0;pwned\\x07ok \\x1b[2Jx");
  EXPECT_EQ(EscapeControls("line1\nline2\r"), "line1\\x0aline2\\x0d");
  EXPECT_EQ(EscapeControls("a\tb\x7f"), "a\tb\\x7f");
  // U+009B (CSI as a C1 control) encoded in UTF-8; other UTF-8 passes.
  EXPECT_EQ(EscapeControls("\xc2\x9b"
                           "31m caf\xc3\xa9 \xe2\x9c\x93"),
            "\\u009b31m caf\xc3\xa9 \xe2\x9c\x93");
  EXPECT_EQ(EscapeControls(std::string("nul\0byte", 8)), "nul\\x00byte");
}

}  // namespace
}  // namespace rex::cli

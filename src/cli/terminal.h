#pragma once

#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace rex::cli {

// Everything a command touches outside the process: its streams, the environment and the
// working directory. main() fills it from the real process; tests give string streams.
struct Io {
  std::ostream& out;
  std::ostream& err;
  bool out_is_tty = false;
  bool err_is_tty = false;
  // Looks up an environment variable; nullopt when unset.
  std::function<std::optional<std::string>(std::string_view)> getenv;
  std::string cwd = ".";
  // Standard input, for values that must not appear on the command line (secrets); null
  // when there is none.
  std::istream* in = nullptr;
  bool in_is_tty = false;
};

// ANSI styles, applied only when colour is on: the stream is a terminal, NO_COLOR is unset
// or empty and --no-color was not given.
class Style {
 public:
  explicit Style(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  std::string Bold(std::string_view s) const { return Wrap("1", s); }
  std::string Dim(std::string_view s) const { return Wrap("2", s); }
  std::string Red(std::string_view s) const { return Wrap("31", s); }
  std::string Green(std::string_view s) const { return Wrap("32", s); }
  std::string Yellow(std::string_view s) const { return Wrap("33", s); }
  std::string Cyan(std::string_view s) const { return Wrap("36", s); }
  std::string BoldRed(std::string_view s) const { return Wrap("1;31", s); }

 private:
  std::string Wrap(std::string_view code, std::string_view s) const;
  bool enabled_;
};

// Whether to colour a stream, by the rules above.
bool ColorEnabled(const Io& io, bool is_tty, bool no_color_flag);

// The number of terminal columns `s` takes: ANSI escapes count zero, UTF-8 sequences one.
size_t DisplayWidth(std::string_view s);

// `s` safe to write to a terminal: every control character (bytes 0x00-0x1f except tab,
// 0x7f, and the UTF-8 encoded C1 controls U+0080-U+009F) written as \xNN / \u00NN, so text
// from elsewhere (stack-event reasons, application log lines) cannot move the cursor, retitle
// the window or hide what precedes it. Other UTF-8 and tabs pass through.
std::string EscapeControls(std::string_view s);

// The width human output fits by default (tables, wrapped notes); `--wide` lifts it where a
// command offers it.
inline constexpr size_t kOutputWidth = 100;

// `s` in at most `max_width` columns (DisplayWidth): when longer, its middle is replaced by
// "…" so both ends stay readable ("ComputeSupert…TaskDefinition", for identifiers).
// Plain text only (no ANSI escapes); cuts at UTF-8 boundaries; 0 = no limit.
std::string ElideMiddle(std::string_view s, size_t max_width);
// The same keeping the start: "Container Insights perf…".
std::string ElideEnd(std::string_view s, size_t max_width);
// `text` broken at spaces into lines of at most `width` columns (a longer word stays whole
// on a line of its own); lines after the first start with `indent` (counted in the width).
// No trailing newline; 0 = no limit.
std::string WrapText(std::string_view text, size_t width, std::string_view indent = "");

// How Table::Limit shortens a cell wider than its column's limit.
enum class Fit {
  kElideMiddle,  // ElideMiddle: identifiers, names
  kElideEnd,     // ElideEnd: descriptions where the start says enough
  kWrap,         // WrapText onto continuation lines of the row (other cells blank)
};

// A table with aligned columns; cells may hold ANSI colour (except in columns with a Limit
// that elides). Columns are separated by two spaces; the last column is not padded.
class Table {
 public:
  explicit Table(std::vector<std::string> header = {}) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns whose cells are right-aligned (numbers, money).
  void AlignRight(size_t column) { right_.push_back(column); }
  // Cells of `column` wider than `max_width` columns are shortened as `fit` says (the
  // header is never shortened). 0 = no limit.
  void Limit(size_t column, size_t max_width, Fit fit) {
    limits_.push_back({column, max_width, fit});
  }
  std::string Render(const Style& style, std::string_view indent = "") const;

 private:
  struct ColumnLimit {
    size_t column;
    size_t max_width;
    Fit fit;
  };
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<size_t> right_;
  std::vector<ColumnLimit> limits_;
};

}  // namespace rex::cli

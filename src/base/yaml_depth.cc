#include "base/yaml_depth.h"

#include <vector>

namespace rex::base {

namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

size_t LeadingSpaces(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// A token that ends at whitespace (or, inside a flow collection, at a flow indicator): tags,
// anchors and aliases.
size_t SkipToken(std::string_view line, size_t pos, bool in_flow) {
  while (pos < line.size() && !IsBlank(line[pos])) {
    char c = line[pos];
    if (in_flow && (c == ',' || c == '[' || c == ']' || c == '{' || c == '}')) break;
    ++pos;
  }
  return pos;
}

}  // namespace

int ScanYamlDepth(std::string_view text, int limit, int* line_out) {
  std::vector<int> block;  // indentation columns of the open block levels
  int flow = 0;            // open flow collections ([ and {)
  int deepest = 0;
  int deepest_line = 1;
  char quote = 0;                // the quote of a quoted scalar running over lines
  int block_scalar_parent = -1;  // in a block scalar: the indentation of its parent line
  int line_indent = 0;
  bool expect_node = true;  // the next character may start a node
  int line_no = 0;
  auto reach = [&](size_t depth) {
    if (static_cast<int>(depth) > deepest) {
      deepest = static_cast<int>(depth);
      deepest_line = line_no;
    }
    return deepest > limit;
  };
  auto done = [&]() {
    if (line_out != nullptr) *line_out = deepest_line;
    return deepest;
  };

  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;

    if (block_scalar_parent >= 0) {
      bool blank = line.find_first_not_of(" \t\r") == std::string_view::npos;
      if (blank || static_cast<int>(LeadingSpaces(line)) > block_scalar_parent) continue;
      block_scalar_parent = -1;
    }
    size_t pos = 0;
    if (quote == 0 && flow == 0) {
      size_t indent = LeadingSpaces(line);
      size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string_view::npos || line[first] == '#') continue;
      if (indent == 0 && line[0] == '%') continue;  // a directive
      if (indent == 0 && (line.starts_with("---") || line.starts_with("...")) &&
          (line.size() == 3 || IsBlank(line[3]))) {
        block.clear();  // a document marker; what follows on the line is a root node
        pos = 3;
        line_indent = 0;
      } else {
        while (!block.empty() && block.back() >= static_cast<int>(indent)) block.pop_back();
        block.push_back(static_cast<int>(indent));
        if (reach(block.size())) return done();
        pos = indent;
        line_indent = static_cast<int>(indent);
      }
      expect_node = true;
    }

    bool after_space = true;  // a line break is white space
    while (pos < line.size()) {
      char c = line[pos];
      if (quote != 0) {
        if (quote == '"' && c == '\\') {
          pos += 2;
          continue;
        }
        if (c == quote) {
          if (quote == '\'' && pos + 1 < line.size() && line[pos + 1] == '\'') {
            pos += 2;
            continue;
          }
          quote = 0;
          expect_node = false;
        }
        ++pos;
        after_space = false;
        continue;
      }
      if (IsBlank(c)) {
        after_space = true;
        ++pos;
        continue;
      }
      if (c == '#' && after_space) break;  // a comment
      bool blank_next = pos + 1 >= line.size() || IsBlank(line[pos + 1]);
      after_space = false;
      if (expect_node) {
        switch (c) {
          case '"':
          case '\'':
            quote = c;
            break;
          case '[':
          case '{':
            ++flow;
            if (reach(block.size() + static_cast<size_t>(flow))) return done();
            break;
          case ']':
          case '}':
            if (flow > 0) --flow;
            expect_node = false;
            break;
          case ',':
            break;
          case '-':
          case '?':
          case ':':
            if (!blank_next) {
              expect_node = false;  // a plain scalar such as -1
            } else if (c != ':' && flow == 0) {
              // "- " and "? " open a level of their own, even several on one line.
              block.push_back(static_cast<int>(pos) + 2);
              if (reach(block.size())) return done();
            }
            break;
          case '|':
          case '>':
            if (flow == 0) {
              block_scalar_parent = line_indent;
              pos = line.size();  // the rest of the line is the block scalar's header
              continue;
            }
            expect_node = false;
            break;
          case '!':
          case '&':
            pos = SkipToken(line, pos, flow > 0);  // a tag or anchor: a node follows
            continue;
          case '*':
            pos = SkipToken(line, pos, flow > 0);
            expect_node = false;
            continue;
          default:
            expect_node = false;  // a plain scalar
        }
        ++pos;
        continue;
      }
      // Inside a plain scalar or after a whole node: only indicators matter.
      if (flow > 0) {
        if (c == '[' || c == '{') {
          ++flow;
          expect_node = true;
          if (reach(block.size() + static_cast<size_t>(flow))) return done();
        } else if (c == ']' || c == '}') {
          --flow;
        } else if (c == ',') {
          expect_node = true;
        } else if (c == ':' &&
                   (blank_next || line[pos + 1] == ',' || line[pos + 1] == '[' ||
                    line[pos + 1] == ']' || line[pos + 1] == '{' || line[pos + 1] == '}')) {
          expect_node = true;
        }
      } else if (c == ':' && blank_next) {
        expect_node = true;
      }
      ++pos;
    }
    if (end == text.size()) break;
  }
  return done();
}

}  // namespace rex::base

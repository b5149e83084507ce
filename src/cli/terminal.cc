#include "cli/terminal.h"

#include <algorithm>

namespace rex::cli {

std::string Style::Wrap(std::string_view code, std::string_view s) const {
  if (!enabled_) return std::string(s);
  std::string out = "\x1b[";
  out += code;
  out += 'm';
  out += s;
  out += "\x1b[0m";
  return out;
}

bool ColorEnabled(const Io& io, bool is_tty, bool no_color_flag) {
  if (no_color_flag || !is_tty) return false;
  auto no_color = io.getenv ? io.getenv("NO_COLOR") : std::nullopt;
  if (no_color.has_value() && !no_color->empty()) return false;
  auto term = io.getenv ? io.getenv("TERM") : std::nullopt;
  return !(term.has_value() && *term == "dumb");
}

size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0x1b && i + 1 < s.size() && s[i + 1] == '[') {
      i += 2;
      while (i < s.size() && !(s[i] >= '@' && s[i] <= '~')) ++i;
      continue;
    }
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    ++width;
  }
  return width;
}

std::string Table::Render(const Style& style, std::string_view indent) const {
  size_t columns = header_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  std::vector<size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto render_row = [&](const std::vector<std::string>& row, bool is_header) {
    std::string line(indent);
    for (size_t i = 0; i < columns; ++i) {
      std::string cell = i < row.size() ? row[i] : std::string();
      size_t pad = widths[i] - DisplayWidth(cell);
      bool right = std::find(right_.begin(), right_.end(), i) != right_.end();
      bool last = i + 1 == columns;
      if (is_header) cell = style.Bold(cell);
      if (right) {
        line.append(pad, ' ');
        line += cell;
      } else {
        line += cell;
        if (!last) line.append(pad, ' ');
      }
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  std::string out;
  if (!header_.empty()) out += render_row(header_, true);
  for (const auto& row : rows_) out += render_row(row, false);
  return out;
}

std::string EscapeControls(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      auto next = static_cast<unsigned char>(s[i + 1]);
      out += "\\u00";
      out += kHex[next >> 4];
      out += kHex[next & 0xf];
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace rex::cli

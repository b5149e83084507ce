#include "cli/terminal.h"

#include <algorithm>
#include <string>
#include <vector>

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

namespace {

// Byte offsets where each UTF-8 code point of `s` starts.
std::vector<size_t> CodePointStarts(std::string_view s) {
  std::vector<size_t> starts;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  return starts;
}

}  // namespace

std::string ElideMiddle(std::string_view s, size_t max_width) {
  std::vector<size_t> starts = CodePointStarts(s);
  if (max_width == 0 || starts.size() <= max_width) return std::string(s);
  if (max_width == 1) return "…";
  size_t head = (max_width - 1 + 1) / 2;
  size_t tail = max_width - 1 - head;
  return std::string(s.substr(0, starts[head])) + "…" +
         std::string(s.substr(starts[starts.size() - tail]));
}

std::string ElideEnd(std::string_view s, size_t max_width) {
  std::vector<size_t> starts = CodePointStarts(s);
  if (max_width == 0 || starts.size() <= max_width) return std::string(s);
  return std::string(s.substr(0, starts[max_width - 1])) + "…";
}

std::string WrapText(std::string_view text, size_t width, std::string_view indent) {
  if (width == 0) return std::string(text);
  std::string out;
  std::string line;
  size_t line_width = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t space = text.find(' ', start);
    std::string_view word = text.substr(
        start, space == std::string_view::npos ? std::string_view::npos : space - start);
    start = space == std::string_view::npos ? text.size() + 1 : space + 1;
    if (word.empty()) continue;
    size_t w = DisplayWidth(word);
    bool first_line = out.empty();
    size_t prefix = first_line ? 0 : DisplayWidth(indent);
    if (line_width > 0 && prefix + line_width + 1 + w > width) {
      out += (first_line ? "" : std::string(indent)) + line + "\n";
      line.clear();
      line_width = 0;
    }
    if (line_width > 0) {
      line += ' ';
      ++line_width;
    }
    line += word;
    line_width += w;
  }
  if (!line.empty() || out.empty()) out += (out.empty() ? "" : std::string(indent)) + line;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string Table::Render(const Style& style, std::string_view indent) const {
  size_t columns = header_.size();
  for (const auto& row : rows_) columns = std::max(columns, row.size());
  // Each row as the physical lines it takes once the limits are applied.
  std::vector<std::vector<std::string>> lines;
  for (const auto& row : rows_) {
    std::vector<std::vector<std::string>> cells(columns);  // per column: its lines
    size_t height = 1;
    for (size_t i = 0; i < columns; ++i) {
      std::string cell = i < row.size() ? row[i] : std::string();
      for (const ColumnLimit& limit : limits_) {
        if (limit.column != i || limit.max_width == 0) continue;
        switch (limit.fit) {
          case Fit::kElideMiddle:
            cell = ElideMiddle(cell, limit.max_width);
            break;
          case Fit::kElideEnd:
            cell = ElideEnd(cell, limit.max_width);
            break;
          case Fit::kWrap: {
            std::string wrapped = WrapText(cell, limit.max_width);
            std::vector<std::string> parts;
            size_t from = 0;
            for (size_t nl = wrapped.find('\n'); nl != std::string::npos;
                 nl = wrapped.find('\n', from)) {
              parts.push_back(wrapped.substr(from, nl - from));
              from = nl + 1;
            }
            parts.push_back(wrapped.substr(from));
            cells[i] = std::move(parts);
            break;
          }
        }
      }
      if (cells[i].empty()) cells[i].push_back(std::move(cell));
      height = std::max(height, cells[i].size());
    }
    for (size_t line = 0; line < height; ++line) {
      std::vector<std::string> physical(columns);
      for (size_t i = 0; i < columns; ++i) {
        if (line < cells[i].size()) physical[i] = cells[i][line];
      }
      lines.push_back(std::move(physical));
    }
  }
  std::vector<size_t> widths(columns, 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  measure(header_);
  for (const auto& row : lines) measure(row);
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
  for (const auto& row : lines) out += render_row(row, false);
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

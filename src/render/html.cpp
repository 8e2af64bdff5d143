#include "render/html.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <utility>

namespace nines {

namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7F;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (ascii_lower(s[i]) != prefix[i]) return false;
  return true;
}

// The entity for `c`, or null when `c` is written as it is. Backticks are escaped only where
// asked (attributes). Control characters are control_length's.
const char* entity_of(char c, bool backtick) {
  switch (c) {
  case '&':
    return "&amp;";
  case '<':
    return "&lt;";
  case '>':
    return "&gt;";
  case '"':
    return "&quot;";
  case '\'':
    return "&#39;";
  case '`':
    return backtick ? "&#96;" : nullptr;
  default:
    return nullptr;
  }
}

// Whether the three bytes at `i` are a bidirectional embedding, override or isolate (U+202A-
// U+202E, U+2066-U+2069). Unclosed, one reorders the rest of its paragraph as shown ("Trojan
// Source"): a name ending in U+202E would show the figures after it reversed.
bool bidi_control_at(std::string_view text, std::size_t i) {
  if (i + 2 >= text.size() || static_cast<unsigned char>(text[i]) != 0xE2) return false;
  const auto b1 = static_cast<unsigned char>(text[i + 1]);
  const auto b2 = static_cast<unsigned char>(text[i + 2]);
  return (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);
}

// How many bytes at `i` make a character that pages show as the replacement character, U+FFFD,
// or 0 for one shown as written. HTML makes every control character but tab, line feed, form
// feed and carriage return a parse error, and none of them shows as anything a reader can see:
// a YAML "\a" or "\e" escape, a Markdown "&#1;", or a C1 control (U+0080-U+009F, the bytes
// C2 80-C2 9F; NEL among them) pasted from a terminal. NUL is written so too, as a browser would
// show it. So are the bidirectional controls (bidi_control_at). The API keeps what the author
// wrote.
std::size_t control_length(std::string_view text, std::size_t i) {
  const auto b = static_cast<unsigned char>(text[i]);
  if (b < 0x20) return b == '\t' || b == '\n' || b == '\f' || b == '\r' ? 0 : 1;
  if (b == 0x7F) return 1;
  if (b == 0xC2)
    return i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0x80 ? 2 : 0;
  return bidi_control_at(text, i) ? 3 : 0;
}

// The bytes control_length may replace from: C0 controls but the four kinds of white space, DEL,
// and the lead bytes of the C1 and the bidirectional controls.
constexpr bool may_start_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') || c == 0x7F || c == 0xC2 ||
         c == 0xE2;
}

// Whether the eight bytes at `p` may hold a byte may_start_control accepts: one below 0x20
// (line feeds too), DEL, or one of 0x80 and above. A byte at a time, the search of a body's HTML
// took 4% of the time of rendering the body; eight at a time, 1%.
bool word_may_hold_control(const char* p) {
  constexpr std::uint64_t k_ones = 0x0101010101010101, k_highs = 0x8080808080808080;
  std::uint64_t x = 0;
  std::memcpy(&x, p, sizeof x);
  const std::uint64_t below_space = (x - k_ones * 0x20) & ~x & k_highs;
  const std::uint64_t y = x ^ (k_ones * 0x7F);
  const std::uint64_t del = (y - k_ones) & ~y & k_highs;
  return (below_space | del | (x & k_highs)) != 0;
}

// The first character at or after `i` that control_length replaces, and its length; the text's
// size and 0 for none.
std::pair<std::size_t, std::size_t> next_control(std::string_view text, std::size_t i) {
  for (;;) {
    while (i + 8 <= text.size() && !word_may_hold_control(text.data() + i))
      i += 8;
    const std::size_t end = std::min(i + 8, text.size());
    for (; i < end; ++i)
      if (may_start_control(static_cast<unsigned char>(text[i])))
        if (const std::size_t length = control_length(text, i)) return {i, length};
    if (i >= text.size()) return {text.size(), 0};
  }
}

// The bytes that may need an entity or the replacement character. Appending byte by byte cost a
// capacity check per byte, and every page's text goes through here.
constexpr std::array<bool, 256> k_special = [] {
  std::array<bool, 256> t{};
  for (unsigned c = 0; c < 256; ++c)
    t[c] = may_start_control(static_cast<unsigned char>(c));
  for (unsigned char c : {'&', '<', '>', '"', '\'', '`'})
    t[c] = true;
  return t;
}();

void escape_into(std::string& out, std::string_view text, bool backtick) {
  out.reserve(out.size() + text.size() + text.size() / 8);
  std::size_t run = 0; // start of the bytes not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!k_special[static_cast<unsigned char>(text[i])]) continue;
    std::size_t length = control_length(text, i);
    const char* replacement = length != 0 ? "&#xFFFD;" : entity_of(text[i], backtick);
    if (replacement == nullptr) continue;
    out.append(text.data() + run, i - run);
    out += replacement;
    i += std::max<std::size_t>(length, 1) - 1;
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

// Each character control_length replaces in `text` written as `with`. Almost all text holds
// none: one pass finds that, and nothing is copied.
void replace_each_control(std::string& text, std::string_view with) {
  auto [at, length] = next_control(text, 0);
  if (length == 0) return;
  std::string out;
  out.reserve(text.size() + 64);
  std::size_t run = 0;
  while (length != 0) {
    out.append(text, run, at - run);
    out += with;
    run = at + length;
    std::tie(at, length) = next_control(text, run);
  }
  out.append(text, run, std::string::npos);
  text = std::move(out);
}

} // namespace

std::string without_controls(std::string html) {
  replace_each_control(html, "&#xFFFD;");
  return html;
}

void replace_controls(std::string& text) {
  replace_each_control(text, "\xEF\xBF\xBD");
}

std::string html_escape(std::string_view text) {
  std::string out;
  escape_into(out, text, false);
  return out;
}

std::string attr_escape(std::string_view value) {
  std::string out;
  escape_into(out, value, true);
  return out;
}

bool is_remote_url(std::string_view url) {
  while (!url.empty() && url.front() == ' ')
    url.remove_prefix(1);
  return url.rfind("//", 0) == 0 || starts_with_ci(url, "http:") || starts_with_ci(url, "https:");
}

bool is_safe_url(std::string_view url) {
  // Browsers silently remove tabs and newlines anywhere in a URL and strip leading controls, so
  // "java\tscript:" and "\x01javascript:" both run script. Refusing every control character is
  // simpler and stricter than reproducing that normalisation.
  for (char c : url)
    if (is_control(c)) return false;
  while (!url.empty() && url.front() == ' ')
    url.remove_prefix(1);
  while (!url.empty() && url.back() == ' ')
    url.remove_suffix(1);

  std::size_t stop = url.find_first_of(":/?#");
  if (stop == std::string_view::npos || url[stop] != ':') return true; // relative reference
  std::string_view scheme = url.substr(0, stop);
  // A colon before any '/', '?' or '#' means a scheme to a browser when the prefix is a valid
  // scheme name; anything else there ("a b:", non-ASCII look-alikes) is refused rather than
  // second-guessed, since no legitimate relative link needs it.
  if (scheme.empty() || !is_alpha(scheme.front())) return false;
  std::string lower;
  for (char c : scheme) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
    lower += ascii_lower(c);
  }
  if (lower == "http" || lower == "https" || lower == "mailto") return true;
  if (lower != "data") return false;
  // Raster images only: SVG and HTML data URLs can carry script.
  static constexpr std::array<std::string_view, 4> k_images = {
      "data:image/png;base64,", "data:image/gif;base64,", "data:image/jpeg;base64,",
      "data:image/webp;base64,"};
  for (std::string_view prefix : k_images)
    if (starts_with_ci(url, prefix)) return true;
  return false;
}

std::string_view unportable_url_reason(std::string_view url) {
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t' || url.front() == '\n'))
    url.remove_prefix(1);
  if (url.substr(0, 2) == "//") return "protocol-relative URL: breaks from file://";
  if (!url.empty() && url.front() == '/')
    return "root-absolute URL: breaks at a sub-path and from file://";
  return {};
}

std::string slugify(std::string_view text) {
  std::string out;
  bool pending_dash = false;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool keep = is_alpha(c) || is_digit(c) || c == '-' || c == '_' || u >= 0x80;
    if (!keep) {
      pending_dash = true;
      continue;
    }
    if (pending_dash && !out.empty()) out += '-';
    pending_dash = false;
    out += ascii_lower(c);
  }
  // Collapse the dashes the text itself brought next to separators ("a - b" -> "a-b").
  std::string collapsed;
  for (char c : out) {
    if (c == '-' && !collapsed.empty() && collapsed.back() == '-') continue;
    collapsed += c;
  }
  while (!collapsed.empty() && collapsed.back() == '-')
    collapsed.pop_back();
  std::size_t start = collapsed.find_first_not_of('-');
  collapsed = start == std::string::npos ? std::string() : collapsed.substr(start);
  return collapsed.empty() ? "section" : collapsed;
}

bool has_scheme(std::string_view url) {
  // A plain loop: find_first_of calls memchr for every byte it tries.
  for (char c : url) {
    if (c == ':') return true;
    if (c == '/' || c == '?' || c == '#') return false;
  }
  return false;
}

void percent_decode_into(std::string& out, std::string_view s) {
  auto hex = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    // Up to the next '%' (most URLs have none) in one piece.
    if (s[i] != '%') {
      const std::size_t pct = std::min(s.find('%', i), s.size());
      out.append(s.substr(i, pct - i));
      i = pct - 1;
      continue;
    }
    if (i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
}

std::string percent_decode(std::string_view s) {
  std::string out;
  percent_decode_into(out, s);
  return out;
}

} // namespace nines

#include "render/html.hpp"

#include "diag/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <iterator>
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

namespace {

// One code point of UTF-8 at `i`, advancing `i`; a byte that starts no valid sequence (by the
// one rule of diag/utf8) is returned as U+FFFD and skipped alone.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const std::size_t n = utf8_sequence(p, s.size() - i);
  if (n == 0) {
    ++i;
    return 0xFFFD;
  }
  i += n;
  if (n == 1) return p[0];
  char32_t cp = p[0] & (0x7Fu >> n);
  for (std::size_t k = 1; k < n; ++k)
    cp = (cp << 6) | (p[k] & 0x3Fu);
  return cp;
}

struct CodeRange {
  char32_t first, last;
};

// The characters outside ASCII that GitHub's anchors drop: what is not a letter, a mark, a
// decimal digit or a connector (punctuation, symbols, spaces, controls, other numbers), for the
// scripts headings are written in. Sorted, so a binary search finds a character's range.
constexpr CodeRange k_dropped[] = {
    {0x80, 0xA9},       {0xAB, 0xB4},       {0xB6, 0xB9},       {0xBB, 0xBF},
    {0xD7, 0xD7},       {0xF7, 0xF7},       {0x2C2, 0x2C5},     {0x2D2, 0x2DF},
    {0x2E5, 0x2EB},     {0x2ED, 0x2ED},     {0x2EF, 0x2FF},     {0x375, 0x375},
    {0x37E, 0x37E},     {0x384, 0x385},     {0x387, 0x387},     {0x3F6, 0x3F6},
    {0x482, 0x482},     {0x55A, 0x55F},     {0x589, 0x58A},     {0x58D, 0x58F},
    {0x5BE, 0x5BE},     {0x5C0, 0x5C0},     {0x5C3, 0x5C3},     {0x5C6, 0x5C6},
    {0x5F3, 0x5F4},     {0x600, 0x60F},     {0x61B, 0x61F},     {0x66A, 0x66D},
    {0x6D4, 0x6D4},     {0x6DD, 0x6DE},     {0x6E9, 0x6E9},     {0x6FD, 0x6FE},
    {0x700, 0x70F},     {0x964, 0x965},     {0x970, 0x970},     {0x9F2, 0x9FB},
    {0xE3F, 0xE3F},     {0xE4F, 0xE4F},     {0xE5A, 0xE5B},     {0x10FB, 0x10FB},
    {0x1360, 0x137C},   {0x166D, 0x166E},   {0x1680, 0x1680},   {0x16EB, 0x16ED},
    {0x17D4, 0x17D6},   {0x17D8, 0x17DB},   {0x1800, 0x180A},   {0x2000, 0x203E},
    {0x2041, 0x2053},   {0x2055, 0x2070},   {0x2072, 0x207E},   {0x2080, 0x208F},
    {0x20A0, 0x20CF},   {0x2100, 0x214F},   {0x2150, 0x215F},   {0x2189, 0x2BFF},
    {0x2CE5, 0x2CEA},   {0x2CF9, 0x2CFF},   {0x2E00, 0x2E7F},   {0x2E80, 0x2FFF},
    {0x3000, 0x3004},   {0x3008, 0x3020},   {0x3030, 0x3030},   {0x3036, 0x3037},
    {0x303D, 0x303F},   {0x309B, 0x309C},   {0x30A0, 0x30A0},   {0x30FB, 0x30FB},
    {0x3190, 0x319F},   {0x31C0, 0x31EF},   {0x3200, 0x33FF},   {0x4DC0, 0x4DFF},
    {0xA490, 0xA4CF},   {0xA4FE, 0xA4FF},   {0xA60D, 0xA60F},   {0xA673, 0xA673},
    {0xA67E, 0xA67E},   {0xA6F2, 0xA6F7},   {0xA700, 0xA716},   {0xA720, 0xA721},
    {0xA789, 0xA78A},   {0xA828, 0xA82B},   {0xA830, 0xA839},   {0xA874, 0xA877},
    {0xA8CE, 0xA8CF},   {0xD800, 0xF8FF},   {0xFB29, 0xFB29},   {0xFD3E, 0xFD3F},
    {0xFDFC, 0xFDFD},   {0xFE10, 0xFE1F},   {0xFE30, 0xFE32},   {0xFE35, 0xFE4C},
    {0xFE50, 0xFE6F},   {0xFEFF, 0xFEFF},   {0xFF01, 0xFF0F},   {0xFF1A, 0xFF20},
    {0xFF3B, 0xFF3E},   {0xFF40, 0xFF40},   {0xFF5B, 0xFF65},   {0xFFE0, 0xFFFF},
    {0x10100, 0x1013F}, {0x1D000, 0x1D24F}, {0x1F000, 0x1FAFF}, {0xE0000, 0xE007F},
    {0xF0000, 0x10FFFF}};

static_assert(std::is_sorted(std::begin(k_dropped), std::end(k_dropped),
                             [](const CodeRange& a, const CodeRange& b) {
                               return a.last < b.first;
                             }));

bool dropped_from_anchor(char32_t cp) {
  const auto* it = std::upper_bound(std::begin(k_dropped), std::end(k_dropped), cp,
                                    [](char32_t c, const CodeRange& r) { return c < r.first; });
  return it != std::begin(k_dropped) && cp <= std::prev(it)->last;
}

// A lower-case mapping that differs by a fixed offset over a range, for every character of it
// (`step` 1) or every other one from `first` (`step` 2: upper and lower case alternate).
struct CaseRange {
  char32_t first, last;
  int step;
  char32_t delta;
};

constexpr CaseRange k_lower[] = {
    {0xC0, 0xD6, 1, 0x20},     {0xD8, 0xDE, 1, 0x20},      {0x100, 0x12F, 2, 1},
    {0x132, 0x137, 2, 1},      {0x139, 0x148, 2, 1},       {0x14A, 0x177, 2, 1},
    {0x179, 0x17E, 2, 1},      {0x1CD, 0x1DC, 2, 1},       {0x1DE, 0x1EF, 2, 1},
    {0x1F8, 0x21F, 2, 1},      {0x222, 0x233, 2, 1},       {0x388, 0x38A, 1, 0x25},
    {0x38E, 0x38F, 1, 0x3F},   {0x391, 0x3A1, 1, 0x20},    {0x3A3, 0x3AB, 1, 0x20},
    {0x3D8, 0x3EF, 2, 1},      {0x400, 0x40F, 1, 0x50},    {0x410, 0x42F, 1, 0x20},
    {0x460, 0x481, 2, 1},      {0x48A, 0x4BF, 2, 1},       {0x4C1, 0x4CE, 2, 1},
    {0x4D0, 0x52F, 2, 1},      {0x531, 0x556, 1, 0x30},    {0x10A0, 0x10C5, 1, 0x1C60},
    {0x1E00, 0x1E95, 2, 1},    {0x1EA0, 0x1EFF, 2, 1},     {0x2160, 0x216F, 1, 0x10},
    {0x2C00, 0x2C2F, 1, 0x30}, {0x2C80, 0x2CE3, 2, 1},     {0xA640, 0xA66D, 2, 1},
    {0xA680, 0xA69B, 2, 1},    {0xA722, 0xA72F, 2, 1},     {0xA732, 0xA76F, 2, 1},
    {0xFF21, 0xFF3A, 1, 0x20}, {0x10400, 0x10427, 1, 0x28}};

char32_t lower_case(char32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
  switch (cp) {
  case 0x178:
    return 0xFF;
  case 0x386:
    return 0x3AC;
  case 0x38C:
    return 0x3CC;
  case 0x4C0:
    return 0x4CF;
  case 0x1E9E:
    return 0xDF;
  default:
    break;
  }
  for (const CaseRange& r : k_lower)
    if (cp >= r.first && cp <= r.last && (r.step == 1 || (cp - r.first) % 2 == 0))
      return cp + r.delta;
  return cp;
}

} // namespace

std::string heading_anchor(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = next_code_point(text, i);
    if (cp == ' ') {
      out += '-';
    } else if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (is_alpha(c) || is_digit(c) || c == '-' || c == '_') out += ascii_lower(c);
    } else if (cp == 0x130) {
      // İ lower-cases to i and a combining dot, which an anchor keeps as it keeps every mark.
      out += "i\xCC\x87";
    } else if (!dropped_from_anchor(cp)) {
      append_utf8(out, lower_case(cp));
    }
  }
  return out.empty() ? "section" : out;
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

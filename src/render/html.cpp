#include "render/html.hpp"

#include <algorithm>
#include <array>

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
// asked (attributes).
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
  case '\0':
    return "&#xFFFD;";
  case '`':
    return backtick ? "&#96;" : nullptr;
  case '\t':
  case '\n':
  case '\f':
  case '\r':
    return nullptr;
  default:
    // Other control characters (a YAML "\a" or "\e" escape) are parse errors in HTML and show
    // as nothing a reader can see: written as the replacement character, as NUL is. The API
    // keeps what the author wrote.
    return is_control(c) ? "&#xFFFD;" : nullptr;
  }
}

// Which bytes may need an entity: one table look-up per byte, so the runs between them are
// copied whole. Appending byte by byte cost a capacity check per byte, and every page's text
// goes through here.
constexpr std::array<bool, 256> k_special = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {'&', '<', '>', '"', '\'', '\0', '`'})
    t[c] = true;
  for (unsigned c = 1; c < 0x20; ++c)
    t[c] = c != '\t' && c != '\n' && c != '\f' && c != '\r';
  t[0x7F] = true;
  t[0xE2] = true; // the lead byte of the bidirectional controls (bidi_control_at)
  return t;
}();

// Whether the three bytes at `i` are a bidirectional embedding, override or isolate (U+202A-
// U+202E, U+2066-U+2069). Unclosed, one reorders the rest of its paragraph as shown ("Trojan
// Source"): a name ending in U+202E would show the figures after it reversed. Written as the
// replacement character, as other controls are; the API keeps what the author wrote.
bool bidi_control_at(std::string_view text, std::size_t i) {
  if (i + 2 >= text.size() || static_cast<unsigned char>(text[i]) != 0xE2) return false;
  const auto b1 = static_cast<unsigned char>(text[i + 1]);
  const auto b2 = static_cast<unsigned char>(text[i + 2]);
  return (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);
}

void escape_into(std::string& out, std::string_view text, bool backtick) {
  out.reserve(out.size() + text.size() + text.size() / 8);
  std::size_t run = 0; // start of the bytes not yet copied
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!k_special[static_cast<unsigned char>(text[i])]) continue;
    if (static_cast<unsigned char>(text[i]) == 0xE2) {
      if (!bidi_control_at(text, i)) continue;
      out.append(text.data() + run, i - run);
      out += "&#xFFFD;";
      i += 2;
      run = i + 1;
      continue;
    }
    const char* entity = entity_of(text[i], backtick);
    if (entity == nullptr) continue;
    out.append(text.data() + run, i - run);
    out += entity;
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

} // namespace

std::string without_bidi_controls(std::string html) {
  std::size_t i = html.find('\xE2');
  if (i == std::string::npos) return html;
  std::string out;
  out.reserve(html.size());
  std::size_t run = 0;
  for (; i != std::string::npos; i = html.find('\xE2', i + 1)) {
    if (!bidi_control_at(html, i)) continue;
    out.append(html, run, i - run);
    out += "&#xFFFD;";
    run = i + 3;
    i += 2;
  }
  out.append(html, run, std::string::npos);
  return out;
}

void replace_bidi_controls(std::string& text) {
  for (std::size_t i = text.find('\xE2'); i != std::string::npos; i = text.find('\xE2', i + 1)) {
    if (!bidi_control_at(text, i)) continue;
    text.replace(i, 3, "\xEF\xBF\xBD");
    i += 2;
  }
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

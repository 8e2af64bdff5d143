#include "model/promql.hpp"

#include <cctype>
#include <cmath>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nines {

namespace {

std::string replace_all(std::string s, std::string_view from, const std::string& to) {
  std::size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
  return s;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

// A PromQL number as nines writes constants: an optional sign, digits with an optional fraction,
// an optional exponent ("1", "0.5", "1e3").
bool is_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i)
    ++digits;
  if (i < s.size() && s[i] == '.')
    for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i)
      ++digits;
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

bool name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}

bool label_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool label_char(char c) {
  return label_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

// The string literal that opens at q[i] (a `"`, `'` or backquote), as Prometheus' lexer reads it
// (promql/parser/lex.go, lexString, lexEscape, lexRawString): the index just past its closing
// quote, or, for one the lexer refuses, where it stops. `valid` says which. A backquoted string
// runs to the next backquote, across lines, with no escapes; a quoted one ends at its own quote,
// may not hold a line break, and knows only the escapes \a \b \f \n \r \t \v \\, its own
// quote, three octal digits up to 377, \x and two hex digits, \u and four, \U and eight (a code
// point, not a surrogate). So 'it''s' is two strings, and "\q", '\"' and "\x4" are no string.
std::size_t string_end(std::string_view q, std::size_t i, bool& valid) {
  const char quote = q[i];
  valid = false;
  if (quote == '`') {
    const std::size_t close = q.find('`', i + 1);
    if (close == std::string_view::npos) return q.size();
    valid = true;
    return close + 1;
  }
  bool escapes_ok = true;
  for (++i; i < q.size(); ++i) {
    const char c = q[i];
    if (c == '\n') return i;
    if (c == quote) {
      valid = escapes_ok;
      return i + 1;
    }
    if (c != '\\') continue;
    if (++i >= q.size()) return i;
    const char e = q[i];
    if (std::string_view("abfnrtv\\").find(e) != std::string_view::npos || e == quote) continue;
    int digits = 0, base = 16;
    unsigned long max = 0x10FFFF;
    std::size_t from = i + 1;
    if (e >= '0' && e <= '7') {
      digits = 3, base = 8, max = 255, from = i;
    } else if (e == 'x') {
      digits = 2, max = 255;
    } else if (e == 'u') {
      digits = 4;
    } else if (e == 'U') {
      digits = 8;
    } else {
      escapes_ok = false; // an unknown escape, a line break after the backslash included
      if (e == '\n') return i;
      continue;
    }
    unsigned long value = 0;
    int read = 0;
    for (; read < digits && from + read < q.size(); ++read) {
      const int d = hex_value(q[from + read]);
      if (d >= base) break;
      value = value * static_cast<unsigned long>(base) + static_cast<unsigned long>(d);
    }
    if (read < digits || value > max || (value >= 0xD800 && value < 0xE000)) escapes_ok = false;
    // The lexer goes on after the digits it read; a quote among them ends the string.
    i = from + read - 1;
  }
  return i;
}

// The query as Prometheus' lexer reads it, from `i` on: whitespace (comments are gone by now).
void skip_space(std::string_view q, std::size_t& i) {
  while (i < q.size() && is_space(q[i]))
    ++i;
}

} // namespace

std::string strip_promql_comments(const std::string& expr) {
  std::string out;
  out.reserve(expr.size());
  std::size_t line_start = 0; // where the line being written starts in `out`
  for (std::size_t i = 0; i < expr.size();) {
    const char c = expr[i];
    if (c == '"' || c == '\'' || c == '`') {
      bool valid = false;
      const std::size_t end = string_end(expr, i, valid);
      out.append(expr, i, end - i);
      i = end;
      continue;
    }
    if (c == '\n') {
      line_start = out.size() + 1;
      out += c;
      ++i;
      continue;
    }
    if (c != '#') {
      out += c;
      ++i;
      continue;
    }
    // A comment runs to the end of its line; the blanks before it go with it, and so does the
    // line break of a line that held nothing else.
    while (out.size() > line_start &&
           (out.back() == ' ' || out.back() == '\t' || out.back() == '\r'))
      out.pop_back();
    i = expr.find('\n', i);
    if (i == std::string::npos) break;
    if (out.size() == line_start) ++i;
  }
  return out;
}

bool has_at_modifier(const std::string& expr) {
  const std::string q = strip_promql_comments(expr);
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '"' || q[i] == '\'' || q[i] == '`') {
      bool valid = false;
      i = string_end(q, i, valid) - 1;
    } else if (q[i] == '@') {
      return true;
    }
  }
  return false;
}

std::string promql_duration(double minutes) {
  const auto seconds = std::llround(minutes * 60.0);
  if (seconds <= 0) return "1s";
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::string render_service_template(const std::string& expr, const std::string& service) {
  return replace_all(expr, "{{service}}", service);
}

std::string render_sli_query(const std::string& expr, const std::string& window,
                             const std::string& service) {
  // A comment would swallow what follows it on its line: the parentheses the rules put around
  // the query, the range of sum(increase(q[w])). PromQL reads it as a blank, so it goes.
  std::string q = trim(strip_promql_comments(render_service_template(expr, service)));
  if (q.find("{{window}}") != std::string::npos) return replace_all(q, "{{window}}", window);
  if (auto n = sli_query_constant(q)) return "vector(" + *n + ")";
  return "sum(increase(" + q + "[" + window + "]))";
}

std::optional<std::string> sli_query_constant(const std::string& expr) {
  std::string q = trim(strip_promql_comments(expr));
  if (q.compare(0, 6, "vector") == 0) {
    q = trim(q.substr(6));
    if (q.size() < 2 || q.front() != '(' || q.back() != ')') return std::nullopt;
    q = trim(q.substr(1, q.size() - 2));
  }
  if (!is_number(q)) return std::nullopt;
  return q;
}

namespace {

// A PromQL single- or double-quoted string's text with its escapes read (`\\.` is the regex `\.`);
// an escape this does not know keeps its character.
std::string unescaped(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t k = 0; k < raw.size(); ++k) {
    if (raw[k] == '\\' && k + 1 < raw.size()) {
      const char c = raw[++k];
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    } else {
      out += raw[k];
    }
  }
  return out;
}

// Whether a label matcher's regular expression matches the empty value, as Prometheus anchors it
// (the whole value). ECMAScript's syntax is close to RE2's for what matters here (`.*`, `a|`,
// `(x)?`); a pattern it cannot compile is taken not to match "", as before this test.
bool regex_matches_empty(const std::string& pattern) {
  // std::regex compiles recursively and copies a counted repetition's states: a pattern nested
  // thousands deep overflows the stack, and `((x{999}){999}){999}` takes gigabytes. Such a pattern
  // is no real matcher; it is not compiled and counts as failing "" (as one that cannot compile).
  constexpr std::size_t k_max_pattern = 256;
  constexpr int k_max_depth = 16;
  if (pattern.size() > k_max_pattern || pattern.find('{') != std::string::npos) return false;
  int depth = 0;
  for (const char c : pattern)
    if ((c == '(' || c == '[') && ++depth > k_max_depth) return false;
  try {
    return std::regex_match(std::string(), std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error&) {
    return false;
  }
}

} // namespace

bool is_vector_selector(const std::string& expr) {
  // Read as Prometheus' lexer and parser read a selector: comments are blanks, a metric name (not
  // one of the words that cannot start an expression), then optionally `{...}`: matchers
  // `label op string`, op one of = != =~ !~, separated by commas (one may end the list). Prometheus
  // 3's quoted names count as names: `{"http.requests", "code"="200"}`.
  const std::string text = strip_promql_comments(render_service_template(expr, "service"));
  const std::string_view q = text;
  std::size_t i = 0;
  skip_space(q, i);
  bool named = false;
  if (i < q.size() && name_start(q[i])) {
    const std::size_t start = i;
    while (i < q.size() && (name_start(q[i]) || std::isdigit(static_cast<unsigned char>(q[i]))))
      ++i;
    std::string word(q.substr(start, i - start));
    for (auto& c : word)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Keywords the parser takes for no metric name (`on`, `bool`), and numbers (`Inf`, `NaN`).
    for (std::string_view keyword :
         {"on", "ignoring", "group_left", "group_right", "bool", "atan2", "inf", "nan"})
      if (word == keyword) return false;
    named = true;
    skip_space(q, i);
  }
  // Prometheus refuses a selector that matches every series ("vector selector must contain at
  // least one non-empty matcher"): a name, or a matcher the empty value fails. A regular
  // expression's matcher is judged only when nothing else decides (a selector with a name, as
  // nearly all are, compiles no regex): `=~` fails "" when its pattern does not match it, `!~`
  // when it does.
  bool non_empty = named;
  std::vector<std::pair<std::string, bool>> regexes; // pattern, and whether its op is =~
  bool braces = false;
  if (i < q.size() && q[i] == '{') {
    braces = true;
    ++i;
    for (;;) {
      skip_space(q, i);
      if (i >= q.size()) return false;
      if (q[i] == '}') {
        ++i;
        break;
      }
      bool valid = false;
      std::string_view label;
      const bool quoted = q[i] == '"' || q[i] == '\'' || q[i] == '`';
      if (quoted) {
        const std::size_t end = string_end(q, i, valid);
        if (!valid) return false;
        label = q.substr(i + 1, end - i - 2);
        i = end;
      } else if (label_start(q[i])) {
        const std::size_t start = i;
        while (i < q.size() && label_char(q[i]))
          ++i;
        label = q.substr(start, i - start);
      } else {
        return false;
      }
      skip_space(q, i);
      if (quoted && i < q.size() && (q[i] == ',' || q[i] == '}')) {
        if (named) return false; // a metric name set twice
        named = non_empty = true;
      } else {
        std::string_view op;
        for (std::string_view o : {"=~", "!~", "!=", "="})
          if (q.substr(i, o.size()) == o) {
            op = o;
            break;
          }
        if (op.empty()) return false;
        i += op.size();
        skip_space(q, i);
        if (i >= q.size() || (q[i] != '"' && q[i] != '\'' && q[i] != '`')) return false;
        const std::size_t end = string_end(q, i, valid);
        if (!valid) return false;
        const bool empty_value = end - i == 2;
        const std::string_view value = q.substr(i + 1, end - i - 2);
        const char quote = q[i];
        i = end;
        if (label == "__name__" && named) return false; // a metric name set twice
        if (op == "=~" || op == "!~")
          regexes.emplace_back(quote == '`' ? std::string(value) : unescaped(value), op == "=~");
        else if ((op == "=") != empty_value)
          non_empty = true;
      }
      skip_space(q, i);
      if (i < q.size() && q[i] == ',') {
        ++i;
        skip_space(q, i);
        if (i < q.size() && q[i] == ',') return false; // an empty matcher
        continue;
      }
      if (i < q.size() && q[i] == '}') continue;
      return false;
    }
    skip_space(q, i);
  }
  if (!(named || braces) || i != q.size()) return false;
  for (std::size_t r = 0; r < regexes.size() && !non_empty; ++r)
    non_empty = regex_matches_empty(regexes[r].first) != regexes[r].second;
  return non_empty;
}

std::optional<std::string> range_on_non_selector(const std::string& expr) {
  // Comments may hold brackets of no range, and label values too: neither is read.
  const std::string q = strip_promql_comments(render_service_template(expr, "service"));
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (q[i] == '"' || q[i] == '\'' || q[i] == '`') {
      bool valid = false;
      i = string_end(q, i, valid) - 1;
      continue;
    }
    if (q[i] != '[') continue;
    const std::size_t close = q.find(']', i);
    if (close == std::string::npos) return std::nullopt;
    const std::string inside = q.substr(i + 1, close - i - 1);
    // {{window}} holds no ':'; a subquery's [range:step] may follow any expression.
    if (inside.find(':') != std::string::npos) continue;
    std::size_t b = i;
    while (b > 0 && is_space(q[b - 1]))
      --b;
    const char before = b > 0 ? q[b - 1] : ' ';
    if (before == '}' || name_start(before) || std::isdigit(static_cast<unsigned char>(before)))
      continue; // a metric name or matchers: a vector selector
    // Show the expression the range is put on: back to its opening parenthesis and the function
    // name before it, e.g. `vector(1)[{{window}}]`.
    std::size_t start = b;
    if (before == ')' || before == ']') {
      int depth = 0;
      for (start = b; start > 0; --start) {
        const char c = q[start - 1];
        if (c == ')' || c == ']') ++depth;
        if ((c == '(' || c == '[') && --depth == 0) {
          --start;
          break;
        }
      }
      while (start > 0 &&
             (name_start(q[start - 1]) || std::isdigit(static_cast<unsigned char>(q[start - 1]))))
        --start;
    }
    return trim(q.substr(start, close + 1 - start));
  }
  return std::nullopt;
}

bool sli_query_renders(const std::string& expr) {
  if (expr.find("{{window}}") != std::string::npos) return !range_on_non_selector(expr);
  return sli_query_constant(expr) || is_vector_selector(expr);
}

} // namespace nines

#include "model/promql.hpp"

#include <cctype>
#include <cmath>
#include <string_view>

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

} // namespace

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
  std::string q = render_service_template(expr, service);
  if (q.find("{{window}}") != std::string::npos) return replace_all(q, "{{window}}", window);
  if (auto n = sli_query_constant(q)) return "vector(" + *n + ")";
  return "sum(increase(" + trim(q) + "[" + window + "]))";
}

std::optional<std::string> sli_query_constant(const std::string& expr) {
  std::string q = trim(expr);
  if (q.compare(0, 6, "vector") == 0) {
    q = trim(q.substr(6));
    if (q.size() < 2 || q.front() != '(' || q.back() != ')') return std::nullopt;
    q = trim(q.substr(1, q.size() - 2));
  }
  if (!is_number(q)) return std::nullopt;
  return q;
}

bool is_vector_selector(const std::string& expr) {
  const std::string q = trim(render_service_template(expr, "service"));
  std::size_t i = 0;
  const bool named = i < q.size() && name_start(q[i]);
  if (named)
    while (i < q.size() && (name_start(q[i]) || std::isdigit(static_cast<unsigned char>(q[i]))))
      ++i;
  while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i])))
    ++i;
  bool braces = false;
  if (i < q.size() && q[i] == '{') {
    // The matchers are not judged, only skipped to the closing brace: quoted values may hold any
    // character, `"` and `'` strings with backslash escapes, backquoted ones without.
    for (++i; i < q.size() && q[i] != '}'; ++i) {
      const char quote = q[i];
      if (quote != '"' && quote != '\'' && quote != '`') {
        if (q[i] == '{' || q[i] == '[' || q[i] == '(') return false;
        continue;
      }
      for (++i; i < q.size() && q[i] != quote; ++i)
        if (quote != '`' && q[i] == '\\') ++i;
      if (i >= q.size()) return false;
    }
    if (i >= q.size()) return false;
    braces = true;
    ++i;
  }
  return (named || braces) && i == q.size();
}

std::optional<std::string> range_on_non_selector(const std::string& expr) {
  const std::string q = render_service_template(expr, "service");
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i < q.size(); ++i) {
    const char quote = q[i];
    if (quote == '"' || quote == '\'' || quote == '`') {
      // Label values may hold brackets: skipped, with backslash escapes but in backquotes.
      for (++i; i < q.size() && q[i] != quote; ++i)
        if (quote != '`' && q[i] == '\\') ++i;
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

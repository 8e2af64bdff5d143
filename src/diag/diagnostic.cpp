#include "diag/diagnostic.hpp"

#include "diag/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace nines {

const char* severity_name(Severity s) {
  return s == Severity::Error ? "error" : "warning";
}

int char_column(std::string_view line_before) {
  int col = 1;
  for (const char c : line_before)
    col += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return col;
}

namespace {

// Messages quote user input, which may be any bytes. Invalid UTF-8 becomes U+FFFD and control
// characters (C0 but CR and LF, DEL, C1, and the bidirectional controls) become spaces, so every
// output format (JSON and SARIF especially) stays valid. CR and LF are kept: a file name may hold
// them, and a location must name the file that exists; each format escapes them its own way (JSON
// `\n`, SARIF `%0A`, GitHub `%0A`), and text output, one finding a line, shows them as spaces.
std::string sanitize(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const std::size_t len =
        utf8_sequence(reinterpret_cast<const unsigned char*>(s.data()) + i, s.size() - i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    // C1 controls (U+0080-U+009F) act on a terminal as C0 ones do, and the bidirectional
    // embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder the text shown
    // around them ("Trojan Source"): spaces too.
    const auto b1 = len > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    const auto b2 = len > 2 ? static_cast<unsigned char>(s[i + 2]) : 0;
    const bool c1 = len == 2 && c == 0xC2 && b1 <= 0x9F;
    const bool bidi =
        len == 3 && c == 0xE2 &&
        ((b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9));
    if ((len == 1 && ((c < 0x20 && c != '\n' && c != '\r') || c == 0x7F)) || c1 || bidi)
      out += ' ';
    else
      out.append(s, i, len);
    i += len;
  }
  return out;
}

} // namespace

void DiagBag::add(Diagnostic d) {
  d.message = sanitize(d.message);
  d.hint = sanitize(d.hint);
  if (std::string file = sanitize(d.file); file != d.file) {
    d.raw_file = std::move(d.file);
    d.file = std::move(file);
  }
  // Positions are 1-based everywhere; a finding about a whole file points at its start.
  if (d.loc.line <= 0) d.loc.line = 1;
  if (d.loc.col <= 0) d.loc.col = 1;
  if (auto it = m_overrides.find(d.rule); it != m_overrides.end()) {
    if (it->second == "off") return;
    d.severity = it->second == "error" ? Severity::Error : Severity::Warning;
  }
  // A finding said twice (two schema alternatives that fail alike) is one finding: the totals
  // count what the listing shows, so it is left out here, before it is counted.
  std::string key = d.file;
  key += '\0';
  key += std::to_string(d.loc.line) + ':' + std::to_string(d.loc.col);
  key += '\0';
  key += d.rule;
  key += '\0';
  key += d.message;
  if (!m_seen.insert(std::move(key)).second) return;
  // Every finding counts, printed or not: the totals are the run's, so a dropped error still
  // fails it and a dropped warning still fails a --strict one.
  (d.severity == Severity::Error ? m_errors : m_warnings)++;
  if (m_items.size() >= m_cap) {
    ++m_dropped;
    return;
  }
  m_items.push_back(std::move(d));
}

void DiagBag::error(std::string file, Loc loc, std::string rule, std::string message,
                    std::string hint) {
  add({std::move(file), loc, Severity::Error, std::move(rule), std::move(message),
       std::move(hint)});
}

void DiagBag::warning(std::string file, Loc loc, std::string rule, std::string message,
                      std::string hint) {
  add({std::move(file), loc, Severity::Warning, std::move(rule), std::move(message),
       std::move(hint)});
}

std::vector<Diagnostic> DiagBag::sorted() const {
  std::vector<Diagnostic> out = m_items;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.file, a.loc.line, a.loc.col, a.rule, a.message) <
           std::tie(b.file, b.loc.line, b.loc.col, b.rule, b.message);
  });
  return out; // no two alike: add() keeps the first of each
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest(std::string_view wanted, const std::vector<std::string>& candidates) {
  // A third of the name, at least 2: catches "pay-ap" for "pay-api" and not "db" for "ui".
  std::size_t limit = std::max<std::size_t>(2, wanted.size() / 3);
  // Case aside, so CHECKOUT-API finds checkout-api; among names as close, the one nearer in case
  // first, then the first in order.
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& ch : out)
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return out;
  };
  const std::string wanted_lower = lower(wanted);
  std::string best;
  std::pair<std::size_t, std::size_t> best_d{limit + 1, 0};
  for (const auto& c : candidates) {
    const std::pair<std::size_t, std::size_t> d{edit_distance(wanted_lower, lower(c)),
                                                edit_distance(wanted, c)};
    if (d < best_d || (d == best_d && !best.empty() && c < best)) {
      best_d = d;
      best = c;
    }
  }
  return best_d.first <= limit ? best : std::string();
}

std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& candidates) {
  std::string c = closest(wanted, candidates);
  return c.empty() ? std::string() : ", did you mean '" + c + "'?";
}

} // namespace nines

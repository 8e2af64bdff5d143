// Diagnostics: findings with a source location, collected per stage.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace nines {

// 1-based line and column; 0 means "the whole file". Columns count characters (Unicode code
// points), as editors and GitHub annotations do, never bytes: see char_column.
struct Loc {
  int line = 0;
  int col = 0;
};

enum class Severity { Error, Warning };

struct Diagnostic {
  std::string file; // relative to the content repository
  Loc loc;
  Severity severity = Severity::Error;
  std::string rule;    // stable rule id, e.g. "unknown-reference"
  std::string message; // what is wrong, with the offending value
  std::string hint;    // how to fix it; may be empty
  // The path's bytes as they are on disk, when `file` had to change to be valid UTF-8 without
  // control characters (a name with byte 0xFF or a tab); empty otherwise. SARIF's percent-encoded
  // `uri` can carry any bytes, so it names the file that exists.
  std::string raw_file = {};
};

// Per-rule severity overrides from nines.yaml `rules:` ("error", "warning", "off").
using RuleOverrides = std::map<std::string, std::string>;

// Collects the diagnostics of a run. Stages add to it; the driver checks `has_errors()` at each
// stage boundary, so every problem of a stage is reported at once instead of one per run.
class DiagBag {
public:
  // Beyond this many findings a run stops keeping their text (a broken repo is best fixed from the
  // top); the counts still include every one.
  static constexpr std::size_t k_default_cap = 1000;

  void set_overrides(RuleOverrides overrides) { m_overrides = std::move(overrides); }
  void set_cap(std::size_t cap) { m_cap = cap; }

  void add(Diagnostic d);
  void error(std::string file, Loc loc, std::string rule, std::string message,
             std::string hint = {});
  void warning(std::string file, Loc loc, std::string rule, std::string message,
               std::string hint = {});

  bool has_errors() const { return m_errors > 0; }
  std::size_t error_count() const { return m_errors; }
  std::size_t warning_count() const { return m_warnings; }
  std::size_t dropped() const { return m_dropped; } // counted but not kept
  bool capped() const { return m_dropped > 0; }

  // Sorted by file, line, column, then rule and message, so output is stable across runs. No
  // two have the same file, position, rule and message: the totals count exactly these (and the
  // dropped ones).
  std::vector<Diagnostic> sorted() const;
  const std::vector<Diagnostic>& all() const { return m_items; }

private:
  std::vector<Diagnostic> m_items;
  RuleOverrides m_overrides;
  std::size_t m_cap = k_default_cap;
  std::size_t m_errors = 0;
  std::size_t m_warnings = 0;
  std::size_t m_dropped = 0;
  // File, position, rule and message of every finding added, kept or not: one said twice is
  // listed and counted once.
  std::unordered_set<std::string> m_seen;
};

const char* severity_name(Severity s);

// The 1-based column of the character that follows `line_before`, the text from the start of its
// line: 1 + the code points in it (every byte that is not a UTF-8 continuation byte, so any bytes
// give a column). Positions are made from byte offsets; this is where they become characters.
int char_column(std::string_view line_before);

// Levenshtein distance, used for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate to `wanted`, or "" when none is close enough to be a plausible typo.
std::string closest(std::string_view wanted, const std::vector<std::string>& candidates);

// ", did you mean 'x'?" or "" — appended to messages about unknown names.
std::string did_you_mean(std::string_view wanted, const std::vector<std::string>& candidates);

} // namespace nines

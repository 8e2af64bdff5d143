// The seed's incident severity matrix (Phase 5): rows by what broke, columns by who is affected.
// One table for the `postmortem-severity` lint and for `nines new incident`.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

namespace nines {

inline constexpr std::array<std::string_view, 4> k_severity_functions = {
    "core-down", "degraded", "non-core-down", "cosmetic"};
inline constexpr std::array<std::string_view, 4> k_severity_scopes = {"one-user", "lt-25pct",
                                                                      "gt-25pct", "all-users"};

// The SEV number (1 is the most severe) for a classification; nullopt for an unknown function or
// scope.
constexpr std::optional<int> matrix_severity(std::string_view function, std::string_view scope) {
  constexpr int k_matrix[4][4] = {{3, 2, 1, 1}, {4, 3, 2, 1}, {4, 3, 3, 2}, {4, 4, 3, 3}};
  auto row = std::find(k_severity_functions.begin(), k_severity_functions.end(), function);
  auto col = std::find(k_severity_scopes.begin(), k_severity_scopes.end(), scope);
  if (row == k_severity_functions.end() || col == k_severity_scopes.end()) return std::nullopt;
  return k_matrix[row - k_severity_functions.begin()][col - k_severity_scopes.begin()];
}

// "SEV1".."SEV4" → 1..4.
constexpr std::optional<int> severity_number(std::string_view s) {
  if (s.size() != 4 || s.substr(0, 3) != "SEV" || s[3] < '1' || s[3] > '4') return std::nullopt;
  return s[3] - '0';
}

} // namespace nines

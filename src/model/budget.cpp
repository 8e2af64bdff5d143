#include "model/budget.hpp"

#include "model/numbers.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <regex>

namespace nines {

namespace {
constexpr std::array<std::string_view, 5> k_state_names = {"missing", "healthy", "warning",
                                                           "critical", "exhausted"};
} // namespace

std::string_view budget_state_name(BudgetState s) {
  return k_state_names[static_cast<std::size_t>(s)];
}

std::optional<BudgetState> parse_budget_state(std::string_view name) {
  for (std::size_t i = 0; i < k_state_names.size(); ++i)
    if (k_state_names[i] == name) return static_cast<BudgetState>(i);
  return std::nullopt;
}

std::string error_budget_text(double target_pct) {
  const std::string written = exact_decimal_text(target_pct);
  const std::size_t dot = written.find('.');
  const std::size_t decimals = dot == std::string::npos ? 0 : written.size() - dot - 1;
  // Past 12 decimals fixed_text would round a tiny budget to 0: the plain difference instead.
  if (decimals > 12) return shortest_text(100 - target_pct);
  return fixed_text(100 - target_pct, static_cast<int>(decimals));
}

namespace {

// A bound as written, in percent; nullopt past a double's range (400 digits), which stod would
// throw on.
std::optional<double> number(const std::string& written) {
  double v = 0;
  const auto [end, ec] = std::from_chars(written.data(), written.data() + written.size(), v);
  if (ec != std::errc() || end != written.data() + written.size()) return std::nullopt;
  return v;
}

// The one parser behind parse_budget_condition and budget_condition_problem: the condition, or
// nullopt with why in `problem`.
std::optional<BudgetCondition> parse_condition(const std::string& text, std::string& problem) {
  // `%` may be left out after any bound, as the seed leaves it out in `remaining_budget <= 0`:
  // `> 50` and `25-50` mean what `> 50%` and `25-50%` do.
  static const std::regex cmp(
      R"(^\s*remaining_budget\s*(>=|<=|>|<)\s*(-?[0-9]+(\.[0-9]+)?)\s*%?\s*$)");
  static const std::regex range(
      R"(^\s*remaining_budget\s+(-?[0-9]+(\.[0-9]+)?)\s*%?\s*-\s*(-?[0-9]+(\.[0-9]+)?)\s*%?\s*$)");
  // A bound above 100% is one no remaining budget reaches (an unspent budget is 100%): the state
  // it names could never be, or would always be, chosen.
  auto bound = [&problem](const std::string& written) -> std::optional<double> {
    const std::optional<double> v = number(written);
    if (!v)
      problem = "its bound " + written + " is too long to read as a number";
    else if (*v > 100)
      problem = "its bound " + written + "% is above 100%, which no remaining budget reaches";
    else
      return v;
    return std::nullopt;
  };
  std::smatch m;
  BudgetCondition c;
  c.text = text;
  if (std::regex_match(text, m, cmp)) {
    const std::optional<double> v = bound(m[2]);
    if (!v) return std::nullopt;
    const std::string op = m[1];
    if (op == ">" || op == ">=") {
      c.lo = *v;
      c.lo_inclusive = op == ">=";
    } else {
      c.hi = *v;
      c.hi_inclusive = op == "<=";
    }
    return c;
  }
  if (std::regex_match(text, m, range)) {
    const std::optional<double> a = bound(m[1]);
    const std::optional<double> b = a ? bound(m[3]) : std::nullopt;
    if (!a || !b) return std::nullopt;
    if (*a >= *b) {
      problem = "its range runs from " + std::string(m[1]) + " down to " + std::string(m[3]) +
                ": write the lower bound first";
      return std::nullopt;
    }
    // "25-50%": above 25 up to and including 50, so the seed's bands meet without overlapping.
    c.lo = *a;
    c.lo_inclusive = false;
    c.hi = *b;
    c.hi_inclusive = true;
    return c;
  }
  problem = "it is none of the accepted forms";
  return std::nullopt;
}

} // namespace

std::optional<BudgetCondition> parse_budget_condition(const std::string& text) {
  std::string problem;
  return parse_condition(text, problem);
}

std::string budget_condition_problem(const std::string& text) {
  std::string problem;
  parse_condition(text, problem);
  return problem;
}

bool condition_matches(const BudgetCondition& c, double remaining_pct) {
  const double v = remaining_pct;
  if (c.lo && !(c.lo_inclusive ? v >= *c.lo : v > *c.lo)) return false;
  if (c.hi && !(c.hi_inclusive ? v <= *c.hi : v < *c.hi)) return false;
  return c.lo || c.hi;
}

std::vector<std::pair<double, double>>
budget_ranges_where(const std::vector<BudgetCondition>& conditions,
                    const std::function<bool(const std::vector<std::size_t>&)>& pred) {
  // Conditions are intervals, so which of them match can only change at their bounds: probing
  // each bound, just beside it, and between neighbours finds every range exactly.
  std::vector<double> bounds;
  for (const auto& c : conditions) {
    if (c.lo) bounds.push_back(*c.lo);
    if (c.hi) bounds.push_back(*c.hi);
  }
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  auto holds = [&](double v) {
    std::vector<std::size_t> matching;
    for (std::size_t i = 0; i < conditions.size(); ++i)
      if (condition_matches(conditions[i], v)) matching.push_back(i);
    return pred(matching);
  };
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::vector<std::pair<double, double>> ranges;
  auto add = [&](double from, double to) {
    if (!ranges.empty() && ranges.back().second == from)
      ranges.back().second = to;
    else
      ranges.emplace_back(from, to);
  };
  if (bounds.empty()) {
    if (holds(0)) add(-inf, inf);
    return ranges;
  }
  constexpr double step = 1e-6; // far below any real bound
  if (holds(bounds.front() - step)) add(-inf, bounds.front());
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (holds(bounds[i])) add(bounds[i], bounds[i]);
    const double next = i + 1 < bounds.size() ? bounds[i + 1] : inf;
    const double inside = next == inf ? bounds[i] + 1 : (bounds[i] + next) / 2;
    if (holds(bounds[i] + step) || holds(inside)) add(bounds[i], next);
  }
  return ranges;
}

std::string budget_range_text(const std::pair<double, double>& range) {
  const auto [from, to] = range;
  if (std::isinf(from) && std::isinf(to)) return "of any value";
  if (std::isinf(from)) return "below " + shortest_text(to) + "%";
  if (std::isinf(to)) return "above " + shortest_text(from) + "%";
  if (from == to) return "of exactly " + shortest_text(from) + "%";
  return "between " + shortest_text(from) + "% and " + shortest_text(to) + "%";
}

std::vector<std::pair<double, double>>
uncovered_budget_ranges(const std::vector<BudgetCondition>& conditions) {
  if (conditions.empty()) return {};
  return budget_ranges_where(conditions,
                             [](const std::vector<std::size_t>& m) { return m.empty(); });
}

std::vector<std::pair<double, double>>
overlapping_budget_ranges(const std::vector<BudgetCondition>& conditions, std::size_t a,
                          std::size_t b) {
  return budget_ranges_where(conditions, [a, b](const std::vector<std::size_t>& m) {
    return std::find(m.begin(), m.end(), a) != m.end() &&
           std::find(m.begin(), m.end(), b) != m.end();
  });
}

} // namespace nines

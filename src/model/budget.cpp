#include "model/budget.hpp"

#include <array>
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

std::optional<BudgetCondition> parse_budget_condition(const std::string& text) {
  static const std::regex cmp(
      R"(^\s*remaining_budget\s*(>=|<=|>|<)\s*(-?[0-9]+(\.[0-9]+)?)\s*%?\s*$)");
  static const std::regex range(
      R"(^\s*remaining_budget\s+(-?[0-9]+(\.[0-9]+)?)\s*%?\s*-\s*(-?[0-9]+(\.[0-9]+)?)\s*%\s*$)");
  std::smatch m;
  BudgetCondition c;
  c.text = text;
  if (std::regex_match(text, m, cmp)) {
    double v = std::stod(m[2]);
    std::string op = m[1];
    if (op == ">" || op == ">=") {
      c.lo = v;
      c.lo_inclusive = op == ">=";
    } else {
      c.hi = v;
      c.hi_inclusive = op == "<=";
    }
    return c;
  }
  if (std::regex_match(text, m, range)) {
    double a = std::stod(m[1]), b = std::stod(m[3]);
    if (a >= b) return std::nullopt;
    // "25-50%": above 25 up to and including 50, so the seed's bands meet without overlapping.
    c.lo = a;
    c.lo_inclusive = false;
    c.hi = b;
    c.hi_inclusive = true;
    return c;
  }
  return std::nullopt;
}

} // namespace nines

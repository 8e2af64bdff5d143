// The error budget vocabulary: the budget states of SPEC 3.1 and the policy conditions that select
// them. Shared by validate (which checks conditions), compute (which applies them) and render.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nines {

// The highest burn rate an SLO with target `target_pct` can show: everything failing burns at
// 100 / (100 − target).
inline double max_burn_rate(double target_pct) {
  return 100 / (100 - target_pct);
}

// Whether a burn rate is above an alert's threshold: the one comparison of the generated rule
// (`error ratio > B·b`, strict), of an alert's `firing` and of burn_rate_reachable. A burn within
// 1e-9 (relative) of the threshold is at it, not above: that is binary rounding of decimals
// (1 / 0.1, 100 / (100 − 90)), not a burn past the threshold.
inline bool burn_rate_exceeds(double burn, double threshold) {
  return burn > threshold * (1 + 1e-9);
}

// Whether a burn-rate alert threshold can ever be reached at that target: the one rule of the
// burn-alert-never-fires lint, of the alerts `nines new slo` writes and of the defaults `nines
// rules` generates. The rule fires on a burn strictly above its threshold, so a threshold at the
// highest possible burn (everything failing) can never fire either.
inline bool burn_rate_reachable(double burn_rate, double target_pct) {
  return burn_rate_exceeds(max_burn_rate(target_pct), burn_rate);
}

// The SRE Workbook's multi-window burn-rate alerts (SPEC 3.1): what `nines new slo` writes into a
// new SLO, and what `nines rules` generates for an SLO without burn_rate_alerts of its own.
struct WorkbookAlert {
  std::string_view name;
  double burn_rate;
  std::string_view short_window, long_window;
  double short_window_min, long_window_min;
  std::string_view severity;
};
inline constexpr WorkbookAlert k_workbook_alerts[] = {
    {"fast_burn", 14.4, "5m", "1h", 5, 60, "page"},
    {"medium_burn", 6.0, "30m", "6h", 30, 360, "page"},
    {"slow_burn", 1.0, "6h", "3d", 360, 4320, "ticket"},
};

// 100 − target as the decimal it is, with the target's decimals as written (its shortest text, at
// most 12): 99.9 → "0.1", 99.99999 → "0.00001", 90 → "10". How a message names the budget a
// target leaves, never "0" for one too small for four decimals.
std::string error_budget_text(double target_pct);

// Whether a native target (a percentage, SPEC 1.3) reads as an OpenSLO-style ratio: from 0.5 up
// to 1 (0.999 for 99.9), which would give a budget of about 99% and read healthy for ever.
// Smaller ones (0.001) would be ratios of a target nobody sets: a deliberate tiny percentage.
constexpr bool target_reads_as_ratio(double target_pct) {
  return target_pct >= 0.5 && target_pct < 1;
}

// Ordered from best to worst, so that the worst state of several is their maximum. `Missing` (no
// data) ranks below every measured state: it never makes a service look worse than its data.
enum class BudgetState { Missing, Healthy, Warning, Critical, Exhausted };

// The one ranking of states: higher is worse.
constexpr int budget_state_rank(BudgetState s) {
  return static_cast<int>(s);
}

// "healthy", "warning", "critical", "exhausted", "missing": the API's and the policies' names.
std::string_view budget_state_name(BudgetState s);
// The inverse of budget_state_name; nullopt for any other text.
std::optional<BudgetState> parse_budget_state(std::string_view name);

// A parsed `remaining_budget ...` condition: lo < R ≤ hi style bounds, in percent.
struct BudgetCondition {
  std::optional<double> lo; // R > lo (or >= when lo_inclusive)
  bool lo_inclusive = false;
  std::optional<double> hi; // R <= hi (or < when !hi_inclusive)
  bool hi_inclusive = true;
  std::string text;
};

// Parses a policy condition in the seed's forms (`remaining_budget > 50%`, `remaining_budget
// 25-50%`, `remaining_budget <= 0`), `%` optional after every bound; nullopt when it is none of
// them, or a bound is above 100% (`> 150%`), a budget no SLO can have left.
std::optional<BudgetCondition> parse_budget_condition(const std::string& text);

// Why parse_budget_condition refuses `text`, for its error: a bound above 100% named, else that
// it is none of the forms; "" when it parses.
std::string budget_condition_problem(const std::string& text);

// Whether `remaining_pct` (R·100) satisfies a parsed policy condition, compared exactly: the value
// is the published one (compute's pct(), 12 significant digits), whose rounding already took off
// the binary noise of a decimal boundary ("exactly 50%"), so anyone applying the bounds to the
// API's budget_remaining_pct gets the same state.
bool condition_matches(const BudgetCondition& c, double remaining_pct);

// The ranges of remaining budget (in percent) that none of `conditions` covers, each as
// (from, to): a policy whose bands leave such a gap gives a budget there no state of its own.
// Infinite ends are ±infinity. Empty when the conditions cover every value.
std::vector<std::pair<double, double>>
uncovered_budget_ranges(const std::vector<BudgetCondition>& conditions);

// The ranges of remaining budget (in percent) where both conditions[a] and conditions[b] match,
// as (from, to) like uncovered_budget_ranges (a single value is (v, v)). Empty when they never
// both match. Where a policy's states overlap, the strictest of them applies (compute_slo).
std::vector<std::pair<double, double>>
overlapping_budget_ranges(const std::vector<BudgetCondition>& conditions, std::size_t a,
                          std::size_t b);

// The one analysis behind both: the ranges of remaining budget where `pred`, given the indices
// of the conditions that match there, holds. Adjacent ranges are merged.
std::vector<std::pair<double, double>>
budget_ranges_where(const std::vector<BudgetCondition>& conditions,
                    const std::function<bool(const std::vector<std::size_t>&)>& pred);

// How a message names a range of remaining budget from the functions above: "below 0%",
// "between 25% and 50%", "of exactly 50%", "of any value".
std::string budget_range_text(const std::pair<double, double>& range);

} // namespace nines

// How figures read to people: one rule for percentages and plurals, shared by the site's pages,
// the terminal, Markdown and the sentences compute writes (concerns, evidence), so they never
// disagree. Display only; the JSON API keeps the unrounded figures. Pure, no locale.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace nines {

// How close to its target a figure may be and still count as meeting it: the tolerance compute
// uses for "attainment ≥ target", so a hit never reads as a miss either.
constexpr double k_target_tolerance = 1e-9;

// The significant digits a published SLO figure keeps: the one rounding point of the
// percentages and minutes of SPEC 3.1 (compute's pct() and the minute figures), so the API, the
// pages and the terminal show one value, without a double's binary noise (99.9925, never
// 99.99249999999999), and the budget state is decided from that value.
constexpr int k_published_digits = 12;

// `value` rounded to k_published_digits significant digits; 0 and non-finite values unchanged.
// A value below 100 that would round to 100 keeps the digits it needs to stay below it.
double published_figure(double value);

// The same rounding without the rule for values below 100: for a budget's consumed percentage,
// where 100 is the state of its own (exhausted) that the bands reach within their tolerance, so a
// consumption that rounds to 100 is 100, and what is left is 0.
double rounded_figure(double value);

// Whether the decimal number `text` ([-+]?digits, or [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)?) is above
// 2^53, decided on its digits: the double it parses to cannot tell, since every number in
// (2^53, 2^53 + 1] rounds to 2^53 itself. The CSV counts and the fetched ones share the rule.
bool decimal_over_two_to_53(std::string_view text);

// whole − part for two published figures, as the decimals they are: 100 − 99.9999 is 0.0001, not
// the 0.000100000000003 binary subtraction leaves when the two nearly cancel.
double published_difference(double whole, double part);

// `value` with `decimals` fixed decimals ("12.5"), decimals clamped to 0..12, never "-0"; "n/a"
// when not finite.
std::string fixed_text(double value, int decimals);

// From this magnitude on, number_text writes a mantissa and a power of ten: a fixed-point figure
// would be 13 digits or more (a double carries 17 significant digits at most, and 1e300 would be a
// 301-digit number).
constexpr double k_compact_from = 1e12;

// `value` for people, of any size: fixed_text(value, decimals) below k_compact_from in magnitude;
// from there `significant` significant digits (2 to 17) and a power of ten, trailing zeros trimmed
// to one decimal: 2.5e12 → "2.5e12", 1e300 → "1.0e300", -1.234e15 → "-1.23e15". "n/a" when not
// finite.
std::string number_text(double value, int decimals, int significant = 3);

// `value` to at most `decimals` decimals, trailing zeros dropped, never "-0": 5.9988 (not 6),
// 14.4, 10. How the lints write a number in a message (4 decimals), and what `nines new` writes
// about the same figures, so the two never disagree. "n/a" when not finite.
std::string trimmed_text(double value, int decimals = 4);

// Fixed-point text (fixed_text's or number_against's) without the zeros after its last non-zero
// decimal, nor a bare '.', nor a "-0"; "n/a" and text without a '.' unchanged.
std::string without_trailing_zeros(std::string fixed);

// The shortest decimal that reads back as `v`, never in exponent form, however many digits that
// takes (1e-300 is 302 characters): for code that counts a value's written decimals.
std::string exact_decimal_text(double v);

// A number as the user wrote it (a target of 99.95, a policy bound of 40): exact_decimal_text's
// text while it is short, and for far-fetched magnitudes (under 1e-6 or from 1e15) the shortest
// text in exponent form that reads back as `v` (1e-300, 2.5e+20), never hundreds of digits.
std::string shortest_text(double v);

// The most decimals a percentage is shown with (fixed_text's limit, and within a double's 15
// significant digits at 100). A threshold written with more decimals than one less than this is
// shown as written (written_percent) and figures beside it with this many.
constexpr int k_max_percent_decimals = 12;

// Decimals that show a percentage next to `threshold_pct`: one more than the threshold is written
// with (99.999999 → 7), at least `min_decimals` and at most k_max_percent_decimals.
int decimals_against(double threshold_pct, int min_decimals = 1);

// A threshold as the user wrote it, with a '%': 99.9 → "99.9%", 99.9999999999 → "99.9999999999%"
// (never rounded to "100%").
std::string written_percent(double pct);

// `value` with `decimals` decimals, or, when a non-zero value would read as zero at those, with
// two significant digits (0.0004032 at one decimal → "0.00040"; past 12 decimals "4.0e-15"): a
// tiny error budget in minutes is not none. "n/a" when not finite.
std::string amount_text(double value, int decimals);

// Error budget minutes as the SLO page and `nines budget` both show them: two decimals (the SPEC's
// 40.32), with amount_text's two significant digits for a tiny budget, and " min".
std::string budget_minutes_text(double minutes);
// The budget minutes spent of those allowed, one formatter for the page and the terminal:
// "3.02 of 4.03 min"; "— of 4.03 min" when nothing is known.
std::string bad_minutes_text(std::optional<double> spent, double allowed);

// `pct` (already ×100) with decimals_against(threshold) decimals and a '%'. A value below the
// threshold never reads at or above it: where rounding would reach the threshold, the text is the
// largest number below it at those decimals (99.896 against 99.9 → "99.89%", not "99.90%").
// Against 0 (budget remaining) a value above never reads 0 either (0.039 → "0.1%"). "—" for a
// missing or non-finite value.
std::string percent_against(std::optional<double> pct, double threshold_pct, int min_decimals = 1);

// A share judged against a line from both sides (a team's toil against its 25% target), with one
// decimal: 25.04 is "25.1%" and 24.96 "24.9%", so only a share on the line reads "25.0%".
std::string share_against(std::optional<double> pct, double threshold_pct);

// `value` with `decimals` decimals, kept apart from each of the `thresholds` it is judged against:
// a value on one side of a threshold never reads on it or past it, where rounding would reach it
// the text is the nearest number on the value's own side (9.96 against 10 at one decimal → "9.9",
// 30.04 against 30 → "30.1", 1.999 against 2 at two → "1.99"); a value on a threshold reads it.
// For figures judged by strict comparisons (on-call health, toil value bands). "—" for a missing
// or non-finite value.
std::string number_against(std::optional<double> value, std::initializer_list<double> thresholds,
                           int decimals);

// Budget remaining (already ×100) with one decimal, as percent_against 0 reads it, and kept apart
// the same way, from both sides, from each of `edges`: the bounds of the bands of the policy that
// gave the budget its state, so a figure never reads on a band's line it is not on (50.04 beside
// "healthy: > 50%" is "50.1%", 49.95 in "warning: 25-50%" is "49.9%"; 50 itself reads "50.0%").
std::string remaining_text(std::optional<double> pct, std::span<const double> edges);

// Budget consumed (already ×100) against 100%, with one decimal, kept apart on both sides: a
// budget overspent by any amount never reads "100.0%" (100.04 → "100.1%"), as remaining never
// reads "0.0%" for a negative value, and one not yet spent never reads it either (99.96 →
// "99.9%"), so consumed and remaining always tell the same story.
std::string consumed_text(std::optional<double> pct);

// An attainment next to its target: percent_against with at least two decimals.
std::string attainment_text(std::optional<double> pct, double target_pct);

// `pct` (already ×100) with `decimals` decimals and a '%' ("23.4%"); "—" when missing.
std::string percent_text(std::optional<double> pct, int decimals = 1);

// A change between two figures as people read it: "+2", "−1.25 pts" (a minus sign, not a
// hyphen), "±0" when it rounds to zero at `decimals`; `unit` follows the number. "—" when not
// finite.
std::string change_text(double change, int decimals, std::string_view unit = {});

// "1 overdue action", "2 overdue actions"; `plural_noun` for irregular plurals ("1 day of data",
// "3 days of data" from plural(n, "day of data", "days of data")).
std::string plural(long long n, std::string_view noun, std::string_view plural_noun = {});
// The noun alone, for a count shown apart from it (a tile's value and label).
std::string noun_for(long long n, std::string_view noun, std::string_view plural_noun = {});

// A burn-rate alert's two windows, long first, as every page and the terminal show them: "1h / 5m".
std::string alert_windows_text(const std::string& long_window, const std::string& short_window);

// A burn rate as the SLO page shows it: two decimals at most, trailing zeros dropped, and "×":
// 6 → "6×", 14.4 → "14.4×", 0.375 → "0.38×", 0.004 → "<0.01×" (some burn, not none). "—" when
// missing.
std::string burn_rate_text(std::optional<double> rate);

// The longest capacity runway counted (a century): a longer one is "more than 1,200 months", its
// whole-month count (runway_months) is the horizon, and the API says runway_beyond_horizon.
constexpr int k_runway_horizon_months = 1200;
// Whether a runway's fractional months are past k_runway_horizon_months.
bool runway_beyond_horizon(std::optional<double> fractional);

// A capacity runway for people: "2.4 months" (one decimal, never rounded up to a whole month),
// "0 months (at or over the threshold now)", "more than 1,200 months" past the horizon, or "no
// limit at this growth" when nothing crosses (a growth of 0 or less). `brief` is the same figure
// for a chart's bar: "2.4 mo", "0 mo", "> 1,200 mo", "no limit".
std::string runway_text(std::optional<int> months, std::optional<double> fractional,
                        bool brief = false);

// How urgent a runway is, as a state word (healthy, warning, critical, missing) and a label that
// says it in words: under 3 months (one quarter, the seed's forecasting cadence) or over the
// threshold is critical, under 6 months (the nearer projection) warning.
struct RunwayStatus {
  std::string state, label;
};
RunwayStatus runway_status(bool has_data, std::optional<int> months,
                           std::optional<double> fractional);

} // namespace nines

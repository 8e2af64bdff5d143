#include "model/numbers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace nines {

namespace {

// Whether `value` lies exactly halfway between two texts of `d` decimals: its exact decimal form
// ends in 5 at place d + 1. A double of magnitude at least 5e-13 has at most 94 decimals, so at
// 110 places to_chars writes it exactly; a cheap look at the scaled value goes first, since
// nearly no figure is near a half.
bool is_decimal_tie(double value, int d) {
  static constexpr double k_pow10[] = {1e0, 1e1, 1e2, 1e3,  1e4,  1e5, 1e6,
                                       1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
  const double a = std::fabs(value);
  if (a < 5e-13 || a >= 1e15) return false;
  const double scaled = a * k_pow10[d];
  if (std::fabs(scaled - std::floor(scaled) - 0.5) > 1e-6) return false;
  char buf[160];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::fixed, 110);
  if (ec != std::errc()) return false;
  const std::string_view text(buf, static_cast<std::size_t>(end - buf));
  const std::size_t at = text.find('.') + 1 + static_cast<std::size_t>(d);
  return at < text.size() && text[at] == '5' &&
         text.find_first_not_of('0', at + 1) == std::string_view::npos;
}

} // namespace

// Locale-free, never "-0"; the charts call it format_fixed. A value exactly halfway between two
// texts rounds away from zero, as people round (a rubric total of 71.25 reads 71.3, as 23.75
// reads 23.8): to_chars rounds such a tie to the even digit.
std::string fixed_text(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  const int d = std::clamp(decimals, 0, 12);
  if (is_decimal_tie(value, d)) value = std::nextafter(value, value < 0 ? -HUGE_VAL : HUGE_VAL);
  char buf[400]; // the longest finite double in fixed notation is 309 digits
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, d);
  if (ec != std::errc()) return "n/a";
  std::string s(buf, end);
  if (s.front() == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string without_trailing_zeros(std::string s) {
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0')
      s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

std::string trimmed_text(double value, int decimals) {
  return without_trailing_zeros(fixed_text(value, decimals));
}

std::string number_text(double value, int decimals, int significant) {
  if (!std::isfinite(value) || std::fabs(value) < k_compact_from)
    return fixed_text(value, decimals);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific,
                                 std::clamp(significant, 2, 17) - 1);
  if (ec != std::errc()) return "n/a";
  std::string s(buf, end); // "2.500e+12"
  const std::size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  while (mantissa.back() == '0' && mantissa[mantissa.size() - 2] != '.')
    mantissa.pop_back();
  std::string exponent = s.substr(e + 1);
  if (exponent.front() == '+') exponent.erase(0, 1);
  exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
  return mantissa + "e" + exponent;
}

namespace {

// The decimals a threshold is written with (99.9 → 1, 25 → 0, 99.999999 → 6), as the user wrote
// it (the shortest text that reads back as it), up to k_max_percent_decimals - 1.
int decimals_of(double value) {
  if (!std::isfinite(value)) return 0;
  const std::string t = exact_decimal_text(value);
  const std::size_t dot = t.find('.');
  const int written = dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
  return std::min(written, k_max_percent_decimals - 1);
}

} // namespace

int decimals_against(double threshold_pct, int min_decimals) {
  return std::clamp(decimals_of(threshold_pct) + 1, std::max(min_decimals, 0),
                    k_max_percent_decimals);
}

std::string written_percent(double pct) {
  return shortest_text(pct) + "%";
}

std::string amount_text(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  std::string text = fixed_text(value, decimals);
  if (value == 0 || text.find_first_not_of("-0.") != std::string::npos) return text;
  // Two significant digits of a tiny amount: 0.0004032 → "0.00040".
  const int needed = static_cast<int>(std::ceil(-std::log10(std::fabs(value)))) + 1;
  if (needed <= 12) return fixed_text(value, std::max(needed, decimals));
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific, 1);
  return ec == std::errc() ? std::string(buf, end) : text;
}

namespace {

// `value` at `d` decimals, moved off each threshold it is not on: compared in whole units of the
// last decimal, rounding can only have reached a threshold from within half a unit, so the first
// unit past the threshold on the value's own side is the value truncated toward it. Below a
// threshold always; above it only when `above_too`.
std::string text_apart(double value, std::span<const double> thresholds, int d, bool above_too) {
  const double scale = std::pow(10.0, d);
  // The units the text will show, read from that text: rounding the product instead can land on
  // the other side of a half (50.05 is 50.04999… in a double, "50.0" in print, but 500.5 × 10
  // rounds up to 501), and a value past a threshold would read as on it.
  const std::string text = fixed_text(value, d);
  const double shown = std::round(std::strtod(text.c_str(), nullptr) * scale);
  for (const double threshold : thresholds) {
    if (!std::isfinite(threshold)) continue;
    // The threshold in the same units, snapped to a whole unit when it is one (99.9 × 10 is
    // 998.9999999999999 in a double).
    double at = threshold * scale;
    if (std::fabs(at - std::round(at)) < 1e-6) at = std::round(at);
    if (value < threshold - k_target_tolerance && shown >= at)
      return fixed_text((std::ceil(at) - 1) / scale, d);
    if (above_too && value > threshold + k_target_tolerance && shown <= at)
      return fixed_text((std::floor(at) + 1) / scale, d);
  }
  return text;
}

// percent_against's text: a value below the threshold never reads at or above it, and (when
// `above_too`) a value above it never reads at or below it. Nor does a value short of 100% read
// as 100%, a line of every percentage: an attainment of 99.995% is a budget being spent, not
// "100.00%" beside "5% consumed".
// `others`: further thresholds kept apart from in the same way (a policy's band edges).
std::string percent_kept_apart(std::optional<double> pct, double threshold_pct, int min_decimals,
                               bool above_too, std::span<const double> others = {}) {
  if (!pct || !std::isfinite(*pct)) return "—";
  const int d = decimals_against(threshold_pct, min_decimals);
  std::vector<double> thresholds{threshold_pct, 100.0};
  thresholds.insert(thresholds.end(), others.begin(), others.end());
  std::string text = text_apart(*pct, thresholds, d, above_too);
  // Short of 100% by less than the tolerance still is short of it, unless 100% is the threshold
  // itself (budget consumed, where a hit within the tolerance reads as the hit it is).
  if (threshold_pct != 100.0 && *pct < 100.0 && std::strtod(text.c_str(), nullptr) >= 100.0)
    text = fixed_text((std::pow(10.0, d) * 100.0 - 1) / std::pow(10.0, d), d);
  return text + "%";
}

} // namespace

std::string number_against(std::optional<double> value, std::initializer_list<double> thresholds,
                           int decimals) {
  if (!value || !std::isfinite(*value)) return "—";
  return text_apart(*value, std::span<const double>(thresholds.begin(), thresholds.size()),
                    std::clamp(decimals, 0, 10), true);
}

std::string percent_against(std::optional<double> pct, double threshold_pct, int min_decimals) {
  // Against 0 (budget remaining) both sides matter: a budget overspent by a little is not "0.0%"
  // left, and one with a little left is not "0.0%" either (its state is critical, not exhausted).
  // Against 100 (budget consumed, a utilization's ceiling) as well: 100.04% consumed is a missed
  // objective, not "100.0%", the budget spent to the minute.
  return percent_kept_apart(pct, threshold_pct, min_decimals,
                            threshold_pct == 0 || threshold_pct == 100);
}

std::string share_against(std::optional<double> pct, double threshold_pct) {
  return percent_kept_apart(pct, threshold_pct, 1, true);
}

std::string remaining_text(std::optional<double> pct, std::span<const double> edges) {
  return percent_kept_apart(pct, 0, 1, true, edges);
}

std::string consumed_text(std::optional<double> pct) {
  return percent_kept_apart(pct, 100, 1, true);
}

std::string attainment_text(std::optional<double> pct, double target_pct) {
  return percent_against(pct, target_pct, 2);
}

std::string percent_text(std::optional<double> pct, int decimals) {
  if (!pct || !std::isfinite(*pct)) return "—";
  return fixed_text(*pct, decimals) + "%";
}

std::string change_text(double change, int decimals, std::string_view unit) {
  if (!std::isfinite(change)) return "\xE2\x80\x94";
  const std::string magnitude = fixed_text(std::fabs(change), decimals);
  if (magnitude.find_first_not_of("0.") == std::string::npos)
    return "\xC2\xB1"
           "0";
  return (change < 0 ? "\xE2\x88\x92" : "+") + magnitude + std::string(unit);
}

std::string noun_for(long long n, std::string_view noun, std::string_view plural_noun) {
  if (n == 1 || n == -1) return std::string(noun);
  if (!plural_noun.empty()) return std::string(plural_noun);
  return std::string(noun) + "s";
}

std::string plural(long long n, std::string_view noun, std::string_view plural_noun) {
  return std::to_string(n) + " " + noun_for(n, noun, plural_noun);
}

std::string alert_windows_text(const std::string& long_window, const std::string& short_window) {
  return (long_window.empty() ? "—" : long_window) + " / " +
         (short_window.empty() ? "—" : short_window);
}

std::string burn_rate_text(std::optional<double> rate) {
  if (!rate) return "—";
  if (!std::isfinite(*rate)) return fixed_text(*rate, 2); // "n/a"
  std::string s = fixed_text(*rate, 2);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0')
      s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  // A burn above zero that two decimals round away is some burn, not none: "<0.01×".
  if (s == "0" && *rate > 0) return "<0.01×";
  return (s == "-0" ? "0" : s) + "×"; // -0.001 reads 0
}

bool runway_beyond_horizon(std::optional<double> fractional) {
  return fractional && *fractional > k_runway_horizon_months;
}

std::string runway_text(std::optional<int> months, std::optional<double> fractional, bool brief) {
  if (!months) return brief ? "no limit" : "no limit at this growth";
  if (runway_beyond_horizon(fractional)) return brief ? "> 1,200 mo" : "more than 1,200 months";
  if (*months == 0) return brief ? "0 mo" : "0 months (at or over the threshold now)";
  if (!fractional || !std::isfinite(*fractional))
    return brief ? std::to_string(*months) + " mo" : plural(*months, "month");
  // Truncated, like a miss: 2.96 months of runway is not 3.0.
  const std::string text = fixed_text(std::floor(*fractional * 10.0) / 10.0, 1);
  if (brief) return text + " mo";
  return text + (text == "1.0" ? " month" : " months");
}

RunwayStatus runway_status(bool has_data, std::optional<int> months,
                           std::optional<double> fractional) {
  constexpr double k_critical_months = 3, k_warning_months = 6;
  if (!has_data) return {"missing", "no data"};
  if (!months) return {"healthy", "no limit"};
  const double m = fractional && std::isfinite(*fractional) ? *fractional : *months;
  if (*months == 0) return {"critical", "over threshold"};
  if (m < k_critical_months) return {"critical", "under 3 months"};
  if (m < k_warning_months) return {"warning", "under 6 months"};
  return {"healthy", "6 months or more"};
}

std::string budget_minutes_text(double minutes) {
  return amount_text(minutes, 2) + " min";
}

std::string bad_minutes_text(std::optional<double> spent, double allowed) {
  if (!spent || !std::isfinite(*spent)) return "\xE2\x80\x94 of " + budget_minutes_text(allowed);
  std::string text = amount_text(*spent, 2);
  // A budget not quite spent (or just overspent) never reads as spent exactly: 40.3199 of 40.32
  // minutes is 40.31, as a budget consumed short of 100% never reads 100%.
  if (*spent != allowed && std::isfinite(allowed) && text == amount_text(allowed, 2))
    text = amount_text(*spent < allowed ? std::floor(*spent * 100.0) / 100.0
                                        : std::ceil(*spent * 100.0) / 100.0,
                       2);
  return text + " of " + budget_minutes_text(allowed);
}

namespace {

// `value` rounded to `digits` significant digits. Decimal rounding through text: scaling by a
// power of ten would add the noise it removes.
double round_significant(double value, int digits) {
  char buf[64];
  const auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific, digits - 1);
  if (ec != std::errc()) return value;
  double out = value;
  std::from_chars(buf, end, out);
  return out;
}

} // namespace

double rounded_figure(double value) {
  if (value == 0 || !std::isfinite(value)) return value;
  return round_significant(value, k_published_digits);
}

double published_figure(double value) {
  if (value == 0 || !std::isfinite(value)) return value;
  double out = round_significant(value, k_published_digits);
  // A percentage short of 100 never rounds up to it: 1 bad event in 10^13 is an attainment of
  // 99.99999999999%, and 100 beside a budget being spent would say no event was bad. It keeps the
  // digits it needs to stay below (17 always do: they give the double back).
  for (int digits = k_published_digits + 1; value < 100 && out >= 100 && digits <= 17; ++digits)
    out = round_significant(value, digits);
  return out;
}

double published_difference(double whole, double part) {
  if (!std::isfinite(whole) || !std::isfinite(part)) return whole - part;
  // Both are decimals as published (k_published_digits significant digits, or more for a value
  // kept below 100), so their difference is a decimal with no more decimal places than the finer
  // of them; binary subtraction adds noise at the scale of the larger (100 − 99.9999 is
  // 0.000100000000003), which the difference's own rounding to significant digits keeps when the
  // two nearly cancel. The places are those of each one's shortest exact text.
  auto places = [](double v) {
    char buf[400];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    if (ec != std::errc()) return -1;
    const std::string_view text(buf, static_cast<std::size_t>(end - buf));
    const std::size_t dot = text.find('.');
    return dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  };
  const int a = places(whole), b = places(part);
  const double diff = whole - part;
  if (a < 0 || b < 0 || diff == 0) return published_figure(diff);
  char buf[400];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, diff, std::chars_format::fixed,
                                       std::min(std::max(a, b), 340));
  if (ec != std::errc()) return published_figure(diff);
  double out = diff;
  std::from_chars(buf, end, out);
  return published_figure(out);
}

std::string exact_decimal_text(double v) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : fixed_text(v, 10);
}

std::string shortest_text(double v) {
  const double a = std::fabs(v);
  if (!std::isfinite(v) || a == 0 || (a >= 1e-6 && a < 1e15)) return exact_decimal_text(v);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return ec == std::errc() ? std::string(buf, end) : exact_decimal_text(v);
}

// Whether the decimal number `text` (a form plain_number() reads: [-+]?digits, or
// [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)?) is above 2^53, decided on its digits: the double it parses
// to cannot tell, since every number in (2^53, 2^53 + 1] rounds to 2^53 itself.
bool decimal_over_two_to_53(std::string_view text) {
  std::size_t i = text.empty() || (text[0] != '-' && text[0] != '+') ? 0 : 1;
  if (i == 1 && text[0] == '-') return false;
  // The value is digits × 10^exponent: the significand's digits without the point, and minus
  // one for each digit of the fraction.
  std::string digits;
  long long exponent = 0;
  bool fraction = false;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') {
      fraction = true;
      continue;
    }
    digits += text[i];
    if (fraction) --exponent;
  }
  if (i < text.size()) {
    // An exponent so large it does not fit is over the limit (or a zero significand, below).
    const std::string_view e = text.substr(i + 1);
    const bool negative = !e.empty() && e[0] == '-';
    const std::size_t from = !e.empty() && (e[0] == '-' || e[0] == '+') ? 1 : 0;
    long long v = 0;
    for (std::size_t k = from; k < e.size(); ++k)
      v = std::min<long long>(v * 10 + (e[k] - '0'), 1'000'000'000);
    exponent += negative ? -v : v;
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return false; // zero
  digits.erase(0, first);
  const std::size_t last = digits.find_last_not_of('0');
  exponent += static_cast<long long>(digits.size() - 1 - last);
  digits.erase(last + 1);
  // Both as 0.DIGITS × 10^magnitude: the larger magnitude is the larger number; with equal ones
  // the digits decide (neither has trailing zeros, so a longer one with an equal prefix is larger).
  static const std::string limit = "9007199254740992";
  const long long magnitude = static_cast<long long>(digits.size()) + exponent;
  const long long limit_magnitude = static_cast<long long>(limit.size());
  if (magnitude != limit_magnitude) return magnitude > limit_magnitude;
  return digits.compare(limit) > 0;
}

} // namespace nines

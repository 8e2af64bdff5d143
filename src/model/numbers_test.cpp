#include "model/numbers.hpp"

#include <cmath>
#include <cstdlib>
#include <doctest/doctest.h>
#include <random>
#include <string>
#include <vector>

using namespace nines;

namespace {

// The number a percentage text shows ("99.89%" → 99.89).
double shown(const std::string& text) {
  return std::strtod(text.c_str(), nullptr);
}

} // namespace

TEST_SUITE("model/numbers") {
  TEST_CASE("fixed_text rounds an exact half away from zero, anything else to the nearest") {
    CHECK(fixed_text(71.25, 1) == "71.3"); // a rubric total: not to the even 71.2
    CHECK(fixed_text(23.75, 1) == "23.8");
    CHECK(fixed_text(0.5, 0) == "1");
    CHECK(fixed_text(2.5, 0) == "3");
    CHECK(fixed_text(-0.125, 2) == "-0.13");
    CHECK(fixed_text(1.005, 2) == "1.00"); // 1.00499999999999989… in a double: no tie
    CHECK(fixed_text(0.15, 1) == "0.1");   // 0.1499999999999999944…
    CHECK(fixed_text(40.32, 2) == "40.32");
    CHECK(fixed_text(-0.04, 1) == "0.0"); // never "-0.0"
  }

  TEST_CASE("a number as written: exact while short, an exponent for far-fetched magnitudes") {
    CHECK(shortest_text(99.95) == "99.95");
    CHECK(shortest_text(40) == "40");
    CHECK(shortest_text(0.000001) == "0.000001");
    CHECK(shortest_text(-0.25) == "-0.25");
    CHECK(shortest_text(0) == "0");
    CHECK(shortest_text(1e-300) == "1e-300"); // not 302 characters
    CHECK(shortest_text(-2.5e-7) == "-2.5e-07");
    CHECK(shortest_text(2.5e20) == "2.5e+20");
    CHECK(shortest_text(123456789012345.0) == "123456789012345");
    CHECK(std::strtod(shortest_text(1.7976931348623157e308).c_str(), nullptr) ==
          1.7976931348623157e308);
    // The exact form keeps every digit, for code that counts the decimals written.
    CHECK(exact_decimal_text(1e-7) == "0.0000001");
    CHECK(exact_decimal_text(1e-300).size() == 302);
  }

  TEST_CASE("a miss never reads as a hit: hand cases") {
    CHECK(attainment_text(99.896, 99.9) == "99.89%");
    CHECK(attainment_text(99.8999, 99.9) == "99.89%");
    CHECK(attainment_text(99.9, 99.9) == "99.90%");
    CHECK(attainment_text(99.904, 99.9) == "99.90%");
    CHECK(attainment_text(99.906, 99.9) == "99.91%");
    // Short of 100% never reads as 100%: a budget is being spent.
    CHECK(attainment_text(99.995, 99.9) == "99.99%");
    CHECK(attainment_text(99.999985, 99.999) == "99.9999%");
    CHECK(attainment_text(100.0, 99.9) == "100.00%");
    CHECK(percent_against(99.97, 80) == "99.9%");
    CHECK(attainment_text(99.4996, 99.5) == "99.49%");
    CHECK(attainment_text(99.98996, 99.99) == "99.989%");
    CHECK(attainment_text(98.0, 99.0) == "98.00%");
    CHECK(attainment_text(std::nullopt, 99.9) == "—");
    CHECK(attainment_text(std::nan(""), 99.9) == "—");
    // Within compute's tolerance the SLO meets its target, and reads so.
    CHECK(attainment_text(99.9 - 1e-12, 99.9) == "99.90%");
  }

  TEST_CASE("targets with six or more decimals: one decimal more, never below a target met") {
    CHECK(decimals_against(99.999999, 2) == 7);
    CHECK(attainment_text(99.99999998, 99.999999) == "99.9999999%");
    CHECK(attainment_text(99.9999985, 99.999999) == "99.9999985%");
    CHECK(attainment_text(99.0, 99.99999) == "99.000000%");
    CHECK(attainment_text(99.0, 99.999999) == "99.0000000%");
    // The precision stops at k_max_percent_decimals, and a target short of 100 never reads 100.
    CHECK(decimals_against(99.9999999999, 2) == 11);
    CHECK(decimals_against(99.99999999999999, 2) == k_max_percent_decimals);
    CHECK(written_percent(99.9999999999) == "99.9999999999%");
    CHECK(written_percent(99.9) == "99.9%");
    CHECK(written_percent(100) == "100%");
    CHECK(attainment_text(99.9999999999, 99.9999999999) == "99.99999999990%");
    CHECK(attainment_text(99.99999999999999, 99.99999999999999) == "99.999999999999%");
    // Short of 100% by less than the tolerance is still short of it.
    CHECK(attainment_text(99.9999999999, 99.9) == "99.99%");
    CHECK(attainment_text(100.0, 99.9999999999) == "100.00000000000%");
  }

  TEST_CASE("tiny amounts are never shown as none") {
    CHECK(amount_text(0.4032, 1) == "0.4");
    CHECK(amount_text(0.0004032, 1) == "0.00040");
    CHECK(amount_text(0.0, 1) == "0.0");
    CHECK(amount_text(4e-15, 1) == "4.0e-15");
    CHECK(amount_text(40320, 1) == "40320.0");
  }

  TEST_CASE("thresholds other than attainment targets") {
    CHECK(percent_against(24.97, 25) == "24.9%");   // toil under its 25% target
    CHECK(percent_against(23.4375, 25) == "23.4%"); // not 23.437500%
    CHECK(percent_against(25, 25) == "25.0%");
    CHECK(percent_against(99.96, 100) == "99.9%");   // budget consumed: not yet all of it
    CHECK(percent_against(100.04, 100) == "100.1%"); // nor more than all of it as all of it
    CHECK(percent_against(100, 100) == "100.0%");
    CHECK(percent_against(-0.03, 0) == "-0.1%"); // overspent never reads as 0.0% left
    CHECK(percent_against(0.039, 0) == "0.1%");  // nor a little left as none left
    CHECK(percent_against(0, 0) == "0.0%");
    CHECK(percent_against(25.04, 25) == "25.0%"); // other thresholds: only the side below is kept
    // A toil share is judged from both sides: over the target by a little is not on it.
    CHECK(share_against(25.04, 25) == "25.1%");
    CHECK(share_against(24.96, 25) == "24.9%");
    CHECK(share_against(25, 25) == "25.0%");
    CHECK(share_against(std::nullopt, 25) == "—");
    // Budget consumed: overspent by a little never reads as exactly spent, and not yet spent
    // never reads as spent; both agree with remaining.
    CHECK(consumed_text(100.0393) == "100.1%");
    CHECK(consumed_text(99.96) == "99.9%");
    CHECK(consumed_text(100.0) == "100.0%");
    CHECK(consumed_text(100.05) == "100.1%"); // "100.0" in print, but over
    CHECK(consumed_text(100.04516129) == "100.1%");
    CHECK(consumed_text(100.26) == "100.3%");
    CHECK(consumed_text(std::nullopt) == "—");
    CHECK(decimals_against(99.9) == 2);
    CHECK(decimals_against(99.95) == 3);
    CHECK(decimals_against(25) == 1);
    CHECK(decimals_against(99, 2) == 2);
  }

  TEST_CASE("a value below its target never displays at or above it (property)") {
    std::mt19937_64 rng(42);
    const double targets[] = {90,    95,        99,         99.5,        99.9,         99.95,
                              99.99, 99.995,    99.999,     99.999999,   99.99999999,  25,
                              100,   99.123456, 99.9999999, 99.99999995, 99.9999999999};
    for (double target : targets) {
      std::uniform_real_distribution<double> below(target - 0.05, target);
      for (int i = 0; i < 20000; ++i) {
        double v = below(rng);
        if (v >= target - k_target_tolerance) continue;
        std::string text = percent_against(v, target, 2);
        INFO(v, " vs ", target, " → ", text);
        REQUIRE(shown(text) < target);
      }
      std::uniform_real_distribution<double> above(target, target + 0.05);
      for (int i = 0; i < 2000; ++i) {
        double v = above(rng);
        std::string text = percent_against(v, target, 2);
        INFO(v, " vs ", target, " → ", text);
        REQUIRE(shown(text) >= target);
      }
    }
  }

  TEST_CASE("figures judged by strict thresholds never read on a threshold they are not on") {
    // On-call false positives: healthy < 10%, critical > 30%.
    CHECK(number_against(9.96, {10, 30}, 1) == "9.9");
    CHECK(number_against(10.0, {10, 30}, 1) == "10.0");
    CHECK(number_against(10.04, {10, 30}, 1) == "10.1");
    CHECK(number_against(29.96, {10, 30}, 1) == "29.9");
    CHECK(number_against(30.04, {10, 30}, 1) == "30.1");
    CHECK(number_against(20.0, {10, 30}, 1) == "20.0");
    CHECK(number_against(12.34, {10, 30}, 1) == "12.3"); // away from the thresholds: as rounded
    // Pages per shift at two decimals (healthy < 2), satisfaction (healthy > 4, critical < 3).
    CHECK(number_against(1.999, {2, 5}, 2) == "1.99");
    CHECK(number_against(2.99, {4, 3}, 1) == "2.9");
    CHECK(number_against(4.01, {4, 3}, 1) == "4.1");
    // Toil hours against the value bands (< 2 low, > 10 high).
    CHECK(number_against(119.9 / 60.0, {2, 10}, 1) == "1.9");
    CHECK(number_against(10.017, {2, 10}, 1) == "10.1");
    CHECK(number_against(0.0, {2, 10}, 0) == "0");
    // A threshold not whole at the decimals shown (a quarter of 130 SRE hours).
    CHECK(number_against(32.48, {32.5}, 1) == "32.4");
    CHECK(number_against(32.46, {32.55}, 1) == "32.5");
    CHECK(number_against(32.56, {32.55}, 1) == "32.6");
    CHECK(number_against(std::nullopt, {2, 10}, 1) == "—");
    CHECK(number_against(std::nan(""), {2, 10}, 1) == "—");
  }

  TEST_CASE("strict thresholds: neither side is ever crossed (property)") {
    std::mt19937_64 rng(7);
    const double thresholds[] = {1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 60};
    for (double t : thresholds)
      for (int d : {0, 1, 2}) {
        std::uniform_real_distribution<double> near(t - 0.6, t + 0.6);
        for (int i = 0; i < 5000; ++i) {
          const double v = near(rng);
          const std::string text = number_against(v, {t}, d);
          INFO(v, " vs ", t, " at ", d, " → ", text);
          const double back = std::stod(text);
          if (v < t - k_target_tolerance) REQUIRE(back < t);
          if (v > t + k_target_tolerance) REQUIRE(back > t);
          REQUIRE(std::fabs(back - v) <= std::pow(10.0, -d) + 1e-9); // never more than a unit off
        }
      }
  }

  TEST_CASE("budget remaining never reads on a band edge of its policy it is not on") {
    const std::vector<double> seed{50, 25, 50, 0, 25, 0};
    CHECK(remaining_text(50.04, seed) == "50.1%"); // healthy: > 50%
    CHECK(remaining_text(49.95, seed) == "49.9%"); // warning: 25-50%
    CHECK(remaining_text(50.0, seed) == "50.0%");  // on the edge: reads it
    // A half in print that is just under it in a double: 50.05 prints "50.0" but is past 50.
    CHECK(remaining_text(50.05, seed) == "50.1%");
    CHECK(remaining_text(25.05, seed) == "25.1%");
    CHECK(remaining_text(-0.05, seed) == "-0.1%");
    CHECK(remaining_text(25.03, seed) == "25.1%");
    CHECK(remaining_text(24.96, seed) == "24.9%");
    CHECK(remaining_text(0.039, seed) == "0.1%");  // as against 0 alone
    CHECK(remaining_text(-0.04, seed) == "-0.1%"); // overspent never reads 0.0%
    CHECK(remaining_text(99.96, seed) == "99.9%"); // short of 100% never reads it
    CHECK(remaining_text(86.78, seed) == "86.8%"); // away from every edge: rounded
    CHECK(remaining_text(std::nullopt, seed) == "—");
    // Without edges it reads as percent_against 0 does.
    for (double v : {-3.96, -0.04, 0.0, 0.04, 12.345, 49.95, 50.04, 99.96})
      CHECK(remaining_text(v, {}) == percent_against(v, 0));
    // A policy of its own: its edges, not the seed's.
    const std::vector<double> own{75, 10};
    CHECK(remaining_text(74.97, own) == "74.9%");
    CHECK(remaining_text(49.95, own) == "50.0%");
    // Property: a value off an edge never reads on it or past it, from either side.
    std::mt19937_64 rng(11);
    for (double t : {0.0, 10.0, 25.0, 33.3, 50.0, 75.0}) {
      std::uniform_real_distribution<double> near(t - 0.3, t + 0.3);
      for (int i = 0; i < 3000; ++i) {
        const double v = near(rng);
        const std::string text = remaining_text(v, std::vector<double>{t});
        INFO(v, " vs ", t, " → ", text);
        const double back = std::stod(text);
        if (v < t - k_target_tolerance) REQUIRE(back < t);
        if (v > t + k_target_tolerance) REQUIRE(back > t);
      }
    }
  }

  TEST_CASE("plurals") {
    CHECK(plural(1, "overdue action") == "1 overdue action");
    CHECK(plural(2, "overdue action") == "2 overdue actions");
    CHECK(plural(0, "stale sign-off") == "0 stale sign-offs");
    CHECK(plural(1, "day of data", "days of data") == "1 day of data");
    CHECK(plural(3, "day of data", "days of data") == "3 days of data");
    CHECK(noun_for(1, "SLO") == "SLO");
    CHECK(noun_for(4, "SLO") == "SLOs");
  }

  TEST_CASE("changes: signed, a real minus, ±0 when they round to nothing") {
    CHECK(change_text(2, 0) == "+2");
    CHECK(change_text(-1.25, 2, " pts") == "\xE2\x88\x92"
                                           "1.25 pts");
    CHECK(change_text(3, 1, " min") == "+3.0 min");
    CHECK(change_text(0.004, 2, " pts") == "\xC2\xB1"
                                           "0");
    CHECK(change_text(-0.004, 2) == "\xC2\xB1"
                                    "0");
    CHECK(change_text(std::nan(""), 1) == "\xE2\x80\x94");
  }

  TEST_CASE("numbers of any size: fixed below 1e12, a power of ten from there") {
    CHECK(number_text(2500, 0) == "2500");
    CHECK(number_text(999999999999.0, 0) == "999999999999");
    CHECK(number_text(1e12, 0) == "1.0e12");
    CHECK(number_text(2.5e12, 0) == "2.5e12");
    CHECK(number_text(-1.234e15, 0) == "-1.23e15");
    CHECK(number_text(1e300, 0) == "1.0e300");
    CHECK(number_text(2.35e12, 0, 3) == "2.35e12");
    CHECK(number_text(1.0000000001e13, 0, 11) == "1.0000000001e13");
    CHECK(number_text(std::nan(""), 0) == "n/a");
  }

  TEST_CASE("plain percentages") {
    CHECK(percent_text(23.4375) == "23.4%");
    CHECK(percent_text(std::nullopt) == "—");
  }

  TEST_CASE("burn rates and alert windows as the SLO page shows them") {
    CHECK(burn_rate_text(6.0) == "6×");
    CHECK(burn_rate_text(14.4) == "14.4×");
    CHECK(burn_rate_text(0.375) == "0.38×");
    CHECK(burn_rate_text(1.0) == "1×");
    CHECK(burn_rate_text(-0.001) == "0×");
    // Some burn is never shown as none: 0.004 does not read "0×".
    CHECK(burn_rate_text(0.004) == "<0.01×");
    CHECK(burn_rate_text(0.0) == "0×");
    CHECK(burn_rate_text(0.005) == "0.01×");
    CHECK(burn_rate_text(std::nullopt) == "—");
    CHECK(alert_windows_text("3d", "6h") == "3d / 6h");
  }

  TEST_CASE("capacity runways: one decimal, never rounded up, coloured by threshold") {
    CHECK(runway_text(3, 2.4) == "2.4 months");
    CHECK(runway_text(3, 2.96) == "2.9 months");
    CHECK(runway_text(1, 1.0) == "1.0 month");
    CHECK(runway_text(0, 0.0) == "0 months (at or over the threshold now)");
    CHECK(runway_text(std::nullopt, std::nullopt) == "no limit at this growth");
    // A chart's bar reads the same figure, by the same rule.
    CHECK(runway_text(8, 7.27, true) == "7.2 mo");
    CHECK(runway_text(3, 2.96, true) == "2.9 mo");
    CHECK(runway_text(0, 0.0, true) == "0 mo");
    CHECK(runway_text(std::nullopt, std::nullopt, true) == "no limit");
    CHECK(runway_status(true, 3, 2.4).state == "critical");
    CHECK(runway_status(true, 5, 4.2).state == "warning");
    CHECK(runway_status(true, 9, 8.5).state == "healthy");
    CHECK(runway_status(true, 0, 0.0).label == "over threshold");
    CHECK(runway_status(false, std::nullopt, std::nullopt).state == "missing");
  }

  TEST_CASE("trimmed numbers: at most the decimals asked, no trailing zeros") {
    // The highest burn rate of an 83.33% target is 100 / 16.67: never rounded up to the 6x
    // alert it rules out.
    CHECK(trimmed_text(100.0 / (100 - 83.33)) == "5.9988");
    CHECK(trimmed_text(14.4) == "14.4");
    CHECK(trimmed_text(10.0) == "10");
    CHECK(trimmed_text(40.319999999997) == "40.32");
    CHECK(trimmed_text(-0.00001) == "0");
    CHECK(trimmed_text(0.1, 10) == "0.1");
    CHECK(trimmed_text(201.6049, 2) == "201.6");
    CHECK(trimmed_text(std::nan("")) == "n/a");
  }
  TEST_CASE("bad minutes: a budget not quite spent never reads as spent") {
    CHECK(bad_minutes_text(3.024, 40.32) == "3.02 of 40.32 min");
    CHECK(bad_minutes_text(40.32, 40.32) == "40.32 of 40.32 min");
    CHECK(bad_minutes_text(40.3199597, 40.32) == "40.31 of 40.32 min");
    CHECK(bad_minutes_text(40.3200403, 40.32) == "40.33 of 40.32 min");
    CHECK(bad_minutes_text(std::nullopt, 40.32) == "\xE2\x80\x94 of 40.32 min");
  }
  TEST_CASE("without_trailing_zeros: the one rule for dropping a fixed text's zeros") {
    CHECK(without_trailing_zeros("14.40") == "14.4");
    CHECK(without_trailing_zeros("2.00") == "2");
    CHECK(without_trailing_zeros("-0.00") == "0");
    CHECK(without_trailing_zeros("100") == "100");
    CHECK(without_trailing_zeros("n/a") == "n/a");
    CHECK(trimmed_text(0.000014400000000001, 12) == "0.0000144");
  }
}

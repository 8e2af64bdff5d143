#include "model/budget.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace nines;

namespace {

std::vector<BudgetCondition> conditions(std::initializer_list<const char*> texts) {
  std::vector<BudgetCondition> out;
  for (const char* t : texts)
    out.push_back(*parse_budget_condition(t));
  return out;
}

} // namespace

TEST_SUITE("model/budget") {
  TEST_CASE("the seed's bands cover every remaining budget") {
    CHECK(uncovered_budget_ranges(conditions({"remaining_budget > 50%", "remaining_budget 25-50%",
                                              "remaining_budget 0-25%", "remaining_budget <= 0"}))
              .empty());
  }

  TEST_CASE("a gap between bands, below them and above them is found exactly") {
    auto gaps = uncovered_budget_ranges(conditions(
        {"remaining_budget > 60%", "remaining_budget 30-40%", "remaining_budget 0-30%"}));
    REQUIRE(gaps.size() == 2);
    CHECK(std::isinf(gaps[0].first));
    CHECK(gaps[0].first < 0);
    CHECK(gaps[0].second == 0);
    CHECK(gaps[1] == std::pair<double, double>{40, 60});
    // Bands that meet at a bound leave nothing out; a bound that neither side includes does.
    CHECK(uncovered_budget_ranges(conditions({"remaining_budget > 50%", "remaining_budget <= 50%"}))
              .empty());
    auto point =
        uncovered_budget_ranges(conditions({"remaining_budget > 50%", "remaining_budget < 50%"}));
    REQUIRE(point.size() == 1);
    CHECK(point[0] == std::pair<double, double>{50, 50});
  }

  TEST_CASE("overlapping bands are found exactly, by the analysis that finds gaps") {
    const auto c = conditions({"remaining_budget > -10%", "remaining_budget 25-50%",
                               "remaining_budget 0-25%", "remaining_budget <= 0"});
    CHECK(overlapping_budget_ranges(c, 0, 3) == std::vector<std::pair<double, double>>{{-10, 0}});
    CHECK(overlapping_budget_ranges(c, 0, 1) == std::vector<std::pair<double, double>>{{25, 50}});
    // 0-25% and <= 0 meet at 0 without overlapping.
    CHECK(overlapping_budget_ranges(c, 2, 3).empty());
    CHECK(overlapping_budget_ranges(c, 1, 2).empty());
    // `>= 50%` and `25-50%` share exactly 50.
    const auto point = conditions({"remaining_budget >= 50%", "remaining_budget 25-50%"});
    CHECK(overlapping_budget_ranges(point, 0, 1) ==
          std::vector<std::pair<double, double>>{{50, 50}});
    CHECK(budget_range_text({50, 50}) == "of exactly 50%");
    CHECK(budget_range_text({-10, 0}) == "between -10% and 0%");
  }

  TEST_CASE("condition_matches compares the published value exactly") {
    const auto c = *parse_budget_condition("remaining_budget 25-50%");
    CHECK(condition_matches(c, 50));
    CHECK_FALSE(condition_matches(c, 50.0000000001));
    CHECK_FALSE(condition_matches(c, 50.001));
    CHECK_FALSE(condition_matches(c, 25));
  }

  TEST_CASE("burn_rate_reachable: a threshold at the highest possible burn can never fire") {
    // The rule fires on error ratio > B·b, and the ratio is at most 1: B must be below 1/b.
    struct Case {
      double target, max;
    };
    for (Case c : {Case{90, 10}, Case{87.5, 8}, Case{99, 100}, Case{99.9, 1000}, Case{99.95, 2000},
                   Case{99.99, 10000}, Case{99.999, 100000}}) {
      CAPTURE(c.target);
      CHECK_FALSE(burn_rate_reachable(c.max, c.target));
      CHECK_FALSE(burn_rate_reachable(c.max * 1.001, c.target));
      CHECK(burn_rate_reachable(c.max * 0.999, c.target));
    }
    // The Workbook's defaults: fast_burn below 100 − 100/14.4 ≈ 93.06%, medium_burn below
    // 100 − 100/6 ≈ 83.33% can never fire; slow_burn (1x) always can.
    CHECK_FALSE(burn_rate_reachable(14.4, 90));
    CHECK(burn_rate_reachable(14.4, 93.1));
    CHECK(burn_rate_reachable(6, 90));
    CHECK_FALSE(burn_rate_reachable(6, 83.33)); // highest burn 5.9988x
    CHECK(burn_rate_reachable(6, 83.34));
    CHECK(burn_rate_reachable(1, 0.5));
  }

  TEST_CASE("burn_rate_exceeds: strictly above, binary rounding of decimals is at") {
    CHECK_FALSE(burn_rate_exceeds(14.4, 14.4));
    CHECK_FALSE(burn_rate_exceeds(1 / 0.1, 10)); // a total outage at a 90% target: exactly 10x
    CHECK_FALSE(burn_rate_exceeds(0.0144 / 0.001, 14.4));
    CHECK(burn_rate_exceeds(14.41, 14.4));
    CHECK_FALSE(burn_rate_exceeds(14.39, 14.4));
  }

  TEST_CASE("error_budget_text: 100 - target as a decimal, with the target's decimals") {
    CHECK(error_budget_text(99.9) == "0.1");
    CHECK(error_budget_text(99.99) == "0.01");
    CHECK(error_budget_text(99.99999) == "0.00001"); // not "0" at four decimals
    CHECK(error_budget_text(99.999999999) == "0.000000001");
    CHECK(error_budget_text(90) == "10");
    CHECK(error_budget_text(83.33) == "16.67");
  }

  TEST_CASE("conditions: `%` is optional in every form, bounds above 100% are refused") {
    // `> 50` was accepted while `25-50` was not: both forms take the bare number now.
    for (const char* text : {"remaining_budget > 50", "remaining_budget > 50%"}) {
      const auto c = parse_budget_condition(text);
      REQUIRE(c);
      CHECK(*c->lo == 50);
      CHECK_FALSE(c->hi);
    }
    for (const char* text : {"remaining_budget 25-50", "remaining_budget 25-50%",
                             "remaining_budget 25% - 50%", "remaining_budget 25 - 50"}) {
      const auto c = parse_budget_condition(text);
      REQUIRE_MESSAGE(c, text);
      CHECK(*c->lo == 25);
      CHECK(*c->hi == 50);
    }
    // 100% is a full budget and a bound; past it no budget ever is.
    CHECK(parse_budget_condition("remaining_budget >= 100%"));
    CHECK(parse_budget_condition("remaining_budget 50-100"));
    CHECK(parse_budget_condition("remaining_budget < -200%")); // an overspent budget
    for (const char* text : {"remaining_budget > 150%", "remaining_budget > 100.5",
                             "remaining_budget 50-150%", "remaining_budget 120-150"})
      CHECK_FALSE_MESSAGE(parse_budget_condition(text), text);
    CHECK(budget_condition_problem("remaining_budget > 150%") ==
          "its bound 150% is above 100%, which no remaining budget reaches");
    CHECK(budget_condition_problem("remaining_budget 50-150") ==
          "its bound 150% is above 100%, which no remaining budget reaches");
    CHECK(budget_condition_problem("budget low") == "it is none of the accepted forms");
    CHECK(budget_condition_problem("remaining_budget 50-25%") ==
          "its range runs from 50 down to 25: write the lower bound first");
    CHECK(budget_condition_problem("remaining_budget > 50").empty());
    // A bound no double holds is refused, not thrown on.
    const std::string huge = "remaining_budget < -" + std::string(400, '9') + "%";
    CHECK_FALSE(parse_budget_condition(huge));
    CHECK(budget_condition_problem(huge).find("too long to read as a number") != std::string::npos);
  }
}

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

  TEST_CASE("condition_matches allows a decimal boundary its binary rounding") {
    const auto c = *parse_budget_condition("remaining_budget 25-50%");
    CHECK(condition_matches(c, 50.0000000001));
    CHECK_FALSE(condition_matches(c, 50.001));
    CHECK_FALSE(condition_matches(c, 25));
  }
}

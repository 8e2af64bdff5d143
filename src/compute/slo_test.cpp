#include "compute/figures.hpp"
#include "compute/test_support.hpp"
#include "model/budget.hpp"
#include "model/numbers.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>

using namespace nines;
using namespace nines::compute_test;

namespace {

const std::int64_t k_now = at("2026-11-01T00:00:00Z");

SloFigures figures(const Repo& repo, const Slo& s, const DailySeries* series,
                   const LiveWindows* live = nullptr, std::int64_t now = k_now) {
  return compute_slo(repo, s, series, live, now);
}

} // namespace

TEST_SUITE("compute.slo") {

  TEST_CASE("allowed bad minutes: the seed's and the Workbook's worked examples") {
    CHECK(allowed_bad_minutes(99.9, 28) == doctest::Approx(40.32).epsilon(1e-9));
    CHECK(allowed_bad_minutes(99.9, 30) == doctest::Approx(43.2).epsilon(1e-9)); // 43m 12s
    // 365.25/12 days: 43m 50s (43.83 min).
    CHECK(allowed_bad_minutes(99.9, 365.25 / 12) == doctest::Approx(43.83).epsilon(1e-9));
    CHECK(allowed_bad_minutes(99.9, 365.25 / 12) * 60 == doctest::Approx(2629.8).epsilon(1e-9));
    CHECK(budget_fraction(99.9) == doctest::Approx(0.001).epsilon(1e-9));
  }

  TEST_CASE("burn rate and time to exhaust") {
    // Error rate 0.5% against a 0.1% budget: 5x; the 28-day budget lasts 5.6 days.
    CHECK(*burn_rate(995, 1000, budget_fraction(99.9)) == doctest::Approx(5.0));
    CHECK(*time_to_exhaust_days(28, 5) == doctest::Approx(5.6));
    CHECK_FALSE(time_to_exhaust_days(28, 0));
    CHECK_FALSE(burn_rate(0, 0, 0.001));
    CHECK_FALSE(burn_rate(11, 10, 0.001)); // good > total never reaches a figure
  }

  TEST_CASE("budget consumed by an alert that fires: B·L/W") {
    CHECK(budget_consumed_when_fires(14.4, 60, 30) == doctest::Approx(0.02));
    CHECK(budget_consumed_when_fires(6, 360, 30) == doctest::Approx(0.05));
    CHECK(budget_consumed_when_fires(1, 3 * 1440, 30) == doctest::Approx(0.1));

    Repo repo;
    Slo s = slo("api", "svc", 99.9, 30);
    s.alerts = {alert("fast_burn", 14.4, "5m", 5, "1h", 60),
                alert("slow_burn", 1, "6h", 360, "3d", 4320)};
    auto f = figures(repo, s, nullptr);
    REQUIRE(f.alerts.size() == 2);
    CHECK(f.alerts[0].budget_consumed_when_fires == doctest::Approx(0.02));
    CHECK(*f.alerts[0].time_to_exhaust_hours == doctest::Approx(50.0)); // not "2 hours"
    CHECK(f.alerts[1].budget_consumed_when_fires == doctest::Approx(0.1));
    CHECK(*f.alerts[1].time_to_exhaust_days == doctest::Approx(30.0));
    CHECK_FALSE(f.alerts[0].firing);
    // Published without binary noise: 30 days at 14.4x is 2.08333333333 days, exactly as the
    // decimal reads, and 50 hours, not 49.99999999999999.
    CHECK(*f.alerts[0].time_to_exhaust_days == 2.08333333333);
    CHECK(*f.alerts[0].time_to_exhaust_hours == 50.0);
    CHECK(f.alerts[0].budget_consumed_when_fires == 0.02);
  }

  TEST_CASE("37 of 43 budget minutes consumed is 86%") {
    Repo repo;
    Slo s = slo("api", "svc", 99.9);
    DailySeries d;
    d[day("2026-10-15")] = DailyCount{day("2026-10-15"), 43000 - 37, 43000};
    auto f = figures(repo, s, &d);
    CHECK(f.status == "ok");
    CHECK(*f.consumed == doctest::Approx(37.0 / 43.0).epsilon(1e-9));
    CHECK(*pct(f.consumed) == doctest::Approx(86.05).epsilon(1e-4));
    CHECK(*f.remaining == doctest::Approx(6.0 / 43.0).epsilon(1e-9));
    CHECK(f.state.name() == "critical");
  }

  TEST_CASE("the window is the W whole days before now") {
    Repo repo;
    Slo s = slo("api", "svc", 99.9);
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 1000, 0);
    // Outside the window on both sides: all bad, and they must not count.
    d[day("2026-10-03")] = DailyCount{day("2026-10-03"), 0, 1000};
    d[day("2026-11-01")] = DailyCount{day("2026-11-01"), 0, 1000};
    auto f = figures(repo, s, &d);
    CHECK(f.window_start == "2026-10-04");
    CHECK(f.window_end == "2026-10-31");
    CHECK(*f.attainment == 1.0);
    CHECK(*f.total == 28000);
    CHECK(f.coverage.days_with_data == 28);
    CHECK_FALSE(f.coverage.window_start_before_first_data);
    CHECK(f.data.status == "fresh");
    CHECK(*f.data.as_of == "2026-10-31");
    CHECK(f.state.name() == "healthy");
    // A now later in the day still ends the window at the last whole day.
    auto g = figures(repo, s, &d, nullptr, at("2026-11-01T18:30:00Z"));
    CHECK(g.window_end == "2026-10-31");
    CHECK(*g.attainment == 1.0);
  }

  TEST_CASE("days this run failed to fetch inside the window make fresh data stale") {
    Repo repo;
    Slo s = slo("api", "svc", 99.9, 35);
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 1000, 0); // the 7 first days of 35 were never fetched
    SloFigures base = figures(repo, s, &d);
    REQUIRE(base.data.status == "fresh");
    SloFigures f = base;
    mark_unfetched_days(f, {day("2026-09-27"), day("2026-10-03")});
    CHECK(f.data.status == "stale");
    CHECK(*f.data.age_days == 0); // its data is as current as the last day
    CHECK(*f.data.as_of == "2026-10-31");
    // Days outside the window (a calendar period's longest fetch) change nothing.
    f = base;
    mark_unfetched_days(f, {day("2026-09-26"), day("2026-11-01")});
    CHECK(f.data.status == "fresh");
    f = base;
    mark_unfetched_days(f, {});
    CHECK(f.data.status == "fresh");
    // Missing stays missing: there is no data to be stale.
    SloFigures none = figures(repo, s, nullptr);
    mark_unfetched_days(none, {day("2026-10-10")});
    CHECK(none.data.status == "missing");
  }

  TEST_CASE("budget state boundaries follow the seed's bands") {
    Policy p = seed_default_policy();
    auto state = [&](double r) {
      for (const auto& s : p.states)
        if (condition_matches(s.condition, r)) return std::string(budget_state_name(s.state));
      return std::string("none");
    };
    CHECK(state(50.0) == "warning"); // healthy is > 50%
    CHECK(state(50.0000001) == "healthy");
    CHECK(state(25.0) == "critical"); // 25–50 excludes 25
    CHECK(state(25.0000001) == "warning");
    CHECK(state(0.0) == "exhausted");
    CHECK(state(0.0000001) == "critical");
    CHECK(state(-40.0) == "exhausted");
    CHECK(state(100.0) == "healthy");

    // The same boundaries reached through real counts with a decimal target.
    Repo repo;
    Slo s = slo("api", "svc", 99.9);
    for (auto [bad, expected] : {std::pair<double, const char*>{500, "warning"},
                                 {750, "critical"},
                                 {1000, "exhausted"},
                                 {1500, "exhausted"}}) {
      DailySeries d;
      fill(d, "2026-10-04", "2026-10-31", 1'000'000, bad);
      auto f = figures(repo, s, &d);
      CHECK_MESSAGE(f.state.name() == expected, "bad per day " << bad);
    }
    DailySeries over;
    fill(over, "2026-10-04", "2026-10-31", 1'000'000, 1500);
    auto f = figures(repo, s, &over);
    CHECK(*f.remaining == doctest::Approx(-0.5)); // negative when overspent
    CHECK(f.state.name() == "exhausted");
    CHECK_FALSE(f.projected_exhaustion);
  }

  TEST_CASE("no data and zero traffic are missing, never 100%") {
    Repo repo;
    Slo s = slo("api", "svc", 99.9);
    auto none = figures(repo, s, nullptr);
    CHECK(none.status == "missing");
    CHECK_FALSE(none.attainment);
    CHECK_FALSE(none.consumed);
    CHECK_FALSE(none.remaining);
    CHECK(none.state.name() == "missing");
    CHECK(none.data.status == "missing");
    CHECK_FALSE(none.data.as_of);
    for (const auto& [label, v] : none.burn_rates)
      CHECK_MESSAGE(!v, label);

    DailySeries zero;
    fill(zero, "2026-10-04", "2026-10-31", 0, 0);
    auto z = figures(repo, s, &zero);
    CHECK(z.status == "missing");
    CHECK_FALSE(z.attainment);
    CHECK(z.coverage.days_with_data == 0);

    // A zero-traffic day inside otherwise good data is no data for that day's figures; but it
    // was stored, so the data is current: an idle day does not make the SLO stale.
    DailySeries mixed;
    fill(mixed, "2026-10-04", "2026-10-31", 1000, 1);
    mixed[day("2026-10-31")] = DailyCount{day("2026-10-31"), 0, 0};
    auto m = figures(repo, s, &mixed);
    CHECK(m.coverage.days_with_data == 27);
    CHECK(*m.data.as_of == "2026-10-31");
    CHECK(m.data.status == "fresh");
    CHECK(*m.data.age_days == 0);
    CHECK_FALSE(m.burn_rates["24h"]); // the last whole day had no traffic
    CHECK(*m.burn_rates["3d"] == doctest::Approx(1.0));
    CHECK_FALSE(m.projected_exhaustion); // no 24h burn to project with
    // A live answer over the last 24 hours is another window (this morning's traffic): it never
    // stands in for the whole day.
    LiveWindows live = {{"24h", {900, 1000}}};
    auto l = figures(repo, s, &mixed, &live);
    CHECK_FALSE(l.burn_rates["24h"]);
    CHECK_FALSE(l.projected_exhaustion);
  }

  TEST_CASE("good > total never reaches compute") {
    Repo rows;
    rows.add_csv_row("m.csv", 2, "api", day("2026-10-10"), 900, 1000);
    rows.add_csv_row("m.csv", 3, "api", day("2026-10-11"), 1200, 1000); // good > total: skipped
    rows.add_csv_row("m.csv", 4, "api", day("2026-10-12"), -1, 1000);   // negative: skipped
    rows.add_csv_row("m.csv", 5, "", day("2026-10-13"), 1, 1);          // no SLO id: skipped
    rows.add_csv_row("m.csv", 6, "api", day("2026-10-10"), 990, 1000);  // replaces line 2
    auto series = series_from_csv(rows);
    CHECK(series.size() == 1);
    REQUIRE(series.count("api"));
    const auto& s = series["api"];
    CHECK(s.size() == 1);
    CHECK(s.at(day("2026-10-10")).good == 990);

    Repo repo;
    Slo o = slo("api", "svc", 99.9);
    DailySeries bad;
    bad[day("2026-10-20")] = DailyCount{day("2026-10-20"), 1200, 1000};
    CHECK(figures(repo, o, &bad).status == "missing");
  }

  TEST_CASE("CSV rows of SLOs that alternate and span files make one series per SLO") {
    Repo rows;
    rows.add_csv_row("a.csv", 2, "api", day("2026-10-10"), 9, 10);
    rows.add_csv_row("a.csv", 3, "web", day("2026-10-10"), 5, 10);
    rows.add_csv_row("a.csv", 4, "api", day("2026-10-11"), 8, 10);
    rows.add_csv_row("b.csv", 2, "web", day("2026-10-11"), 7, 10);
    rows.add_csv_row("b.csv", 3, "api", day("2026-10-11"), 6, 10); // replaces a.csv line 4
    CHECK(rows.csv_slos.size() == 2);
    auto series = series_from_csv(rows);
    REQUIRE(series.size() == 2);
    const auto& api = series["api"];
    REQUIRE(api.size() == 2);
    CHECK(api.at(day("2026-10-10")).good == 9);
    CHECK(api.at(day("2026-10-11")).good == 6);
    CHECK(api.at(day("2026-10-11")).day == day("2026-10-11"));
    const auto& web = series["web"];
    REQUIRE(web.size() == 2);
    CHECK(web.at(day("2026-10-10")).good == 5);
    CHECK(web.at(day("2026-10-11")).good == 7);
  }

  TEST_CASE("CSV rows in any order make a series in day order, a later row of a day winning") {
    struct Line {
      const char* slo;
      const char* date;
      double good;
    };
    // Descending, with day 10 given twice (line 5 is later than line 3) and web in between.
    const Line lines[] = {{"api", "2026-10-12", 3},
                          {"api", "2026-10-10", 1},
                          {"web", "2026-10-09", 5},
                          {"api", "2026-10-10", 2},
                          {"api", "2026-10-08", 4}};
    Repo rows;
    int n = 1; // the header
    for (const Line& l : lines)
      rows.add_csv_row("a.csv", ++n, l.slo, day(l.date), l.good, 10);
    auto series = series_from_csv(rows);
    const auto& api = series["api"];
    std::vector<std::int64_t> days;
    std::vector<double> good;
    for (const auto& [d, c] : api) {
      days.push_back(d);
      good.push_back(c.good);
      CHECK(c.day == d);
    }
    CHECK(days ==
          std::vector<std::int64_t>{day("2026-10-08"), day("2026-10-10"), day("2026-10-12")});
    CHECK(good == std::vector<double>{4, 2, 3});
    // Sums over a range read the sorted days.
    CHECK(sum_range(&api, day("2026-10-09"), day("2026-10-12")).good == 5);
  }

  TEST_CASE("a window that reaches before the first data point") {
    Repo repo;
    Slo s = slo("api", "svc", 99.9);
    DailySeries d;
    fill(d, "2026-10-20", "2026-10-31", 1000, 1);
    auto f = figures(repo, s, &d);
    CHECK(f.coverage.days_with_data == 12);
    CHECK(f.coverage.window_days == 28);
    CHECK(f.coverage.window_start_before_first_data);
    CHECK(*f.coverage.first_data == "2026-10-20");
    CHECK(*f.attainment == doctest::Approx(0.999)); // over the available days
    CHECK(*f.consumed == doctest::Approx(1.0));
  }

  TEST_CASE("burn rates: daily for 24h and 3d, live for shorter windows") {
    Repo repo;
    Slo s = slo("api", "svc", 99.9);
    s.alerts = {alert("fast_burn", 14.4, "5m", 5, "1h", 60)};
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-28", 1000, 0);
    fill(d, "2026-10-29", "2026-10-30", 1000, 1);
    fill(d, "2026-10-31", "2026-10-31", 1000, 4);
    auto f = figures(repo, s, &d);
    CHECK(*f.burn_rates["24h"] == doctest::Approx(4.0));
    CHECK(*f.burn_rates["3d"] == doctest::Approx(2.0));
    CHECK_FALSE(f.burn_rates["1h"]);
    CHECK_FALSE(f.burn_rates["6h"]);
    CHECK_FALSE(f.alerts[0].short_burn);

    LiveWindows live = {{"60m", {985, 1000}}, {"6h", {999, 1000}}, {"5m", {980, 1000}}};
    auto g = figures(repo, s, &d, &live);
    CHECK(*g.burn_rates["1h"] == doctest::Approx(15.0)); // "60m" answers for "1h"
    CHECK(*g.burn_rates["6h"] == doctest::Approx(1.0));
    CHECK(*g.alerts[0].short_burn == doctest::Approx(20.0));
    CHECK(*g.alerts[0].long_burn == doctest::Approx(15.0));
    CHECK(*g.alerts[0].firing);

    // A 3d alert reads its long window as its rule does: the rolling 3 days ending now when the
    // source answered (burning 2.5x: firing, as Alertmanager sees it), else the closed days (2x).
    Slo slow = slo("api", "svc", 99.9);
    slow.alerts = {alert("slow_burn", 2.2, "6h", 360, "3d", 4320)};
    LiveWindows rolling = {{"6h", {997, 1000}}, {"3d", {9975, 10000}}};
    auto r = figures(repo, slow, &d, &rolling);
    CHECK(*r.burn_rates["3d"] == doctest::Approx(2.0)); // the burn rates stay whole days
    CHECK(*r.alerts[0].long_burn == doctest::Approx(2.5));
    CHECK(*r.alerts[0].firing);
    LiveWindows short_only = {{"6h", {997, 1000}}};
    auto o = figures(repo, slow, &d, &short_only);
    CHECK(*o.alerts[0].long_burn == doctest::Approx(2.0));
    CHECK_FALSE(*o.alerts[0].firing);
  }

  TEST_CASE("an alert fires on a burn strictly above its threshold, as its rule does") {
    // A total outage at a 90% target burns exactly 10x; the rule error ratio > 10 × 0.1 never
    // holds for it, so an alert at 10x is not firing, one just below is.
    Repo repo;
    Slo s = slo("api", "svc", 90);
    s.alerts = {alert("at_max", 10, "5m", 5, "1h", 60), alert("below", 9.9, "5m", 5, "1h", 60)};
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 1000, 0);
    LiveWindows live = {{"1h", {0, 1000}}, {"5m", {0, 100}}};
    auto f = figures(repo, s, &d, &live);
    REQUIRE(f.alerts.size() == 2);
    CHECK(*f.alerts[0].short_burn == doctest::Approx(10.0));
    CHECK_FALSE(*f.alerts[0].firing);
    CHECK(*f.alerts[1].firing);
  }

  TEST_CASE("an SLO without alerts shows the Workbook defaults `nines rules` generates for it") {
    Repo repo;
    Sli sli;
    sli.meta.id = "ok";
    repo.slis.push_back(sli);
    Slo s = slo("api", "svc", 99.9, 30);
    s.sli.id = "ok";
    // Without a query there are no rules, so no generated alerts.
    CHECK(figures(repo, s, nullptr).alerts.empty());
    repo.slis[0].query = SliQuery{"good_total", "all_total", "", {}};
    auto f = figures(repo, s, nullptr);
    REQUIRE(f.alerts.size() == 3);
    CHECK(f.alerts[0].name == "fast_burn");
    CHECK(f.alerts[0].generated);
    CHECK(f.alerts[0].budget_consumed_when_fires == doctest::Approx(0.02));
    CHECK(f.alerts[2].long_window == "3d");
    // At 90% the 14.4x alert could never fire, and rules leaves it out: so does the page.
    Slo low = slo("low", "svc", 90, 30);
    low.sli.id = "ok";
    auto g = figures(repo, low, nullptr);
    REQUIRE(g.alerts.size() == 2);
    CHECK(g.alerts[0].name == "medium_burn");
    // `burn_rate_alerts: []`: the SLO pages with nothing, and shows nothing generated.
    Slo quiet = s;
    quiet.alerts_declared = true;
    CHECK(figures(repo, quiet, nullptr).alerts.empty());
    // An SLO's own alerts are not generated.
    s.alerts = {alert("mine", 2, "5m", 5, "1h", 60)};
    auto h = figures(repo, s, nullptr);
    REQUIRE(h.alerts.size() == 1);
    CHECK_FALSE(h.alerts[0].generated);
  }

  TEST_CASE("projected exhaustion = now + R·W/B24h") {
    Repo repo;
    Slo s = slo("api", "svc", 99.9);
    DailySeries d;
    // 27 days at 0.0463% error and the last day at 0.2%: R = 0.5, B24h = 2 → 7 days.
    const double total = 1'000'000;
    fill(d, "2026-10-04", "2026-10-30", total, (14000.0 - 2000.0) / 27.0);
    fill(d, "2026-10-31", "2026-10-31", total, 2000);
    auto f = figures(repo, s, &d);
    CHECK(*f.remaining == doctest::Approx(0.5));
    CHECK(*f.burn_rates["24h"] == doctest::Approx(2.0));
    CHECK(*f.projected_exhaustion == "2026-11-08");
  }

  TEST_CASE("projected exhaustion: none when the budget is exhausted but for a float residue") {
    Repo repo;
    Slo s = slo("api", "svc", 99.99);
    DailySeries d;
    // Bad events exactly at the target every day: C = 1, R = 0. With the budget taken as the
    // decimal 0.0001 R comes out exactly 0 here; sums of other days can still leave a residue of
    // the order of 1e-11 either way, which the state and the projection must not read as budget.
    fill(d, "2026-10-04", "2026-10-31", 10'000'000, 1000);
    auto f = figures(repo, s, &d);
    REQUIRE(f.remaining);
    CHECK(std::fabs(*f.remaining) < 1e-9);
    CHECK(*f.burn_rates["24h"] == doctest::Approx(1.0));
    CHECK(f.state.level == BudgetState::Exhausted);
    CHECK_FALSE(f.projected_exhaustion);
  }

  TEST_CASE("the bad minutes are rounded once, from the consumed fraction") {
    Repo repo;
    Slo s = slo("over", "svc", 99.0);
    repo.slos = {s};
    DailySeries d;
    // 28 days of 1,000,000 events, 280,110 of them bad: C = 280110 / 28e6 / 0.01, and the bad
    // minutes C · 403.2 = 403.3584 exactly (403.358399999 from the rounded percentage).
    fill(d, "2026-10-04", "2026-10-31", 1'000'000, 10'004);
    d[day("2026-10-31")].good += 2;
    auto f = figures(repo, s, &d);
    REQUIRE(f.bad_minutes);
    CHECK(*f.bad_minutes == 403.3584);
  }

  TEST_CASE("the budget fraction is the decimal the target is written as") {
    // SPEC 3.1: 99.9% over 28d = 40.32 min, as a JSON number, not 40.319999999997712.
    CHECK(allowed_bad_minutes(99.9, 28) == 40.32);
    CHECK(allowed_bad_minutes(99.95, 7) == 5.04);
    CHECK(allowed_bad_minutes(99.9, 30) == 43.2);
    CHECK(budget_fraction(99.12345678) == 0.0087654322);
    CHECK(budget_fraction(90) == 0.1);
    CHECK(budget_fraction(100) == 0);
    // Past 12 decimals, the plain difference.
    CHECK(budget_fraction(99.99999999999991) == doctest::Approx((100 - 99.99999999999991) / 100));
  }

  TEST_CASE("the policy: the SLO's, else the service's, else the default, else the seed's") {
    Repo repo;
    Slo s = slo("api", "svc", 99.9);
    std::string source;
    CHECK(policy_for(repo, s, &source) == nullptr);
    CHECK(source == "seed");

    Policy def = seed_default_policy();
    def.meta = meta("error_budget_policy", "company");
    def.states[0].actions = {"Ship it"};
    repo.policies.push_back(def);
    repo.config.default_policy = "company";
    CHECK(policy_for(repo, s, &source)->meta.id == "company");
    CHECK(source == "default");

    Policy mine = seed_default_policy();
    mine.meta = meta("error_budget_policy", "svc-policy");
    mine.service = ref("svc");
    repo.policies.push_back(mine);
    CHECK(policy_for(repo, s, &source)->meta.id == "svc-policy");
    CHECK(source == "service");

    s.policy = ref("company");
    CHECK(policy_for(repo, s, &source)->meta.id == "company");
    CHECK(source == "slo");

    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 1000, 0);
    auto f = figures(repo, s, &d);
    CHECK(f.state.name() == "healthy");
    CHECK(f.state.policy == "company");
    CHECK(f.state.actions == std::vector<std::string>{"Ship it"});
    CHECK(f.state.condition == "remaining_budget > 50%");
  }

  TEST_CASE("a policy with its own bands") {
    Repo repo;
    Policy p;
    p.meta = meta("error_budget_policy", "strict");
    p.service = ref("svc");
    PolicyState healthy;
    healthy.state = BudgetState::Healthy;
    healthy.condition = *parse_budget_condition("remaining_budget > 80%");
    healthy.actions = {"Ship"};
    p.states.push_back(healthy);
    repo.policies.push_back(p);
    Slo s = slo("api", "svc", 99.9);
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 1000, 0);
    CHECK(figures(repo, s, &d).state.name() == "healthy");
    CHECK(figures(repo, s, &d).state.actions == std::vector<std::string>{"Ship"});
    CHECK_FALSE(figures(repo, s, &d).state.seed_band);
    // The figure is kept off the policy's own edge, which the seed does not have.
    CHECK(figures(repo, s, &d).state.edges == std::vector<double>{80});
    fill(d, "2026-10-04", "2026-10-31", 1000, 0.5); // R = 0.5: outside every band of the policy
    auto f = figures(repo, s, &d);
    CHECK(f.state.name() == "warning");
    CHECK(f.state.actions.empty());
    // The band is the seed's, and says so: the policy has no "25-50%" of its own.
    CHECK(f.state.seed_band);
    CHECK(f.state.condition == "remaining_budget 25-50%");
    CHECK(f.state.policy == "strict");
    // Kept off the seed's edges too, whose band it is in.
    for (double edge : {80.0, 50.0, 25.0, 0.0})
      CHECK(std::count(f.state.edges.begin(), f.state.edges.end(), edge) >= 1);
  }

  TEST_CASE("where a policy's states overlap, the strictest that matches applies") {
    Repo repo;
    Policy p;
    p.meta = meta("error_budget_policy", "loose");
    p.service = ref("svc");
    for (auto [state, cond] : {std::pair{BudgetState::Healthy, "remaining_budget > -10%"},
                               {BudgetState::Warning, "remaining_budget 25-50%"},
                               {BudgetState::Critical, "remaining_budget 0-25%"},
                               {BudgetState::Exhausted, "remaining_budget <= 0"}}) {
      PolicyState st;
      st.state = state;
      st.condition = *parse_budget_condition(cond);
      st.actions = {std::string(budget_state_name(state))};
      p.states.push_back(st);
    }
    repo.policies.push_back(p);
    Slo s = slo("api", "svc", 99.9);
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 100000, 105); // C = 105%, R = -5%
    auto f = figures(repo, s, &d);
    CHECK(f.state.name() == "exhausted");
    CHECK(f.state.actions == std::vector<std::string>{"exhausted"});
    CHECK(f.state.condition == "remaining_budget <= 0");
    fill(d, "2026-10-04", "2026-10-31", 100000, 60); // R = 40%: healthy and warning match
    CHECK(figures(repo, s, &d).state.name() == "warning");
  }

  TEST_CASE("published figures carry no binary noise, and the state is read from them") {
    // The true R is exactly 25%: 75 bad of a million a day at 99.99%.
    Repo repo;
    Slo s = slo("a", "svc", 99.99);
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 1'000'000, 75);
    auto f = figures(repo, s, &d);
    CHECK(*pct(f.attainment) == 99.9925);
    CHECK(*pct(f.consumed) == 75);
    CHECK(*pct(f.remaining) == 25);
    CHECK(*f.bad_minutes == 3.024);
    CHECK(f.state.name() == "critical"); // the seed's 0-25%: R as published is 25
    // A 0.999% target: its allowed minutes are 28·1440·0.99001, written as the decimal it is.
    CHECK(figures(repo, slo("r", "svc", 0.999), &d).allowed_bad_minutes == 39917.2032);
    CHECK(published_figure(25.00000000000001) == 25);
    CHECK(published_figure(-4.999999999999982) == -5);
  }

  TEST_CASE("an attainment short of 100 is never published as 100, and R has no residue") {
    Repo repo;
    // One bad event in 10^13: 99.99999999999%, thirteen significant digits.
    DailySeries d;
    fill(d, "2026-10-31", "2026-10-31", 1e13, 1);
    auto f = figures(repo, slo("a", "svc", 99.99), &d);
    CHECK(*pct(f.attainment) < 100);
    CHECK(*pct(f.attainment) == 99.99999999999);
    CHECK(*pct(f.consumed) > 0);
    CHECK(published_figure(99.99999999999999) < 100);
    CHECK(published_figure(99.9999999999995) < 100);
    CHECK(published_figure(100.00000000000001) == 100);
    // 99.9999% of the budget spent: R is 0.0001, not 100 − 99.9999 in binary (0.000100000000003).
    fill(d, "2026-10-31", "2026-10-31", 1'000'000'000, 999'999);
    f = figures(repo, slo("b", "svc", 99.9), &d);
    CHECK(*pct(f.consumed) == 99.9999);
    CHECK(*pct(f.remaining) == 0.0001);
    CHECK(published_difference(100, 99.9999) == 0.0001);
    CHECK(published_difference(100, 75) == 25);
    CHECK(published_difference(100, 100.5) == -0.5);
    CHECK(published_difference(100, 0) == 100);
    // A consumed percentage kept below 100 with more digits leaves a remainder above 0.
    CHECK(published_difference(100, 99.99999999999) == 1e-11);
    CHECK(published_difference(100, published_figure(99.999999999994)) > 0);
    CHECK(published_difference(100, 1e-07) == 99.9999999);
    // A budget consumed to within rounding of 100 is spent: 100 consumed, 0 left, exhausted.
    fill(d, "2026-10-31", "2026-10-31", 1e13, 1e13 * 0.001 - 0.0004);
    f = figures(repo, slo("c", "svc", 99.9), &d);
    CHECK(*pct(f.consumed) == 100);
    CHECK(*pct(f.remaining) == 0);
    CHECK(f.state.name() == "exhausted");
  }

  TEST_CASE("a projected exhaustion after 9999-12-31 is null, and says so") {
    Repo repo;
    Slo s = slo("b", "svc", 50);
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 1'000'000, 4); // R·W/B24h: about 3.5 million days
    auto f = figures(repo, s, &d);
    CHECK_FALSE(f.projected_exhaustion);
    CHECK(f.exhaustion_beyond);
    fill(d, "2026-10-04", "2026-10-31", 1'000'000, 400'000); // well within: a date, no flag
    f = figures(repo, s, &d);
    CHECK(f.projected_exhaustion);
    CHECK_FALSE(f.exhaustion_beyond);
  }

  TEST_CASE("window sums past 2^53 keep their bad events") {
    Repo repo;
    Slo s = slo("a", "svc", 50);
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-30", 9e15, 0);
    fill(d, "2026-10-31", "2026-10-31", 9e15, 1);
    auto f = figures(repo, s, &d);
    REQUIRE(f.burn_rates["3d"]);
    REQUIRE(f.burn_rates["24h"]);
    CHECK(*f.burn_rates["3d"] > 0);
    CHECK(*f.burn_rates["3d"] == doctest::Approx(*f.burn_rates["24h"] / 3));
    CHECK(*f.consumed > 0);
    CHECK(sum_range(&d, day("2026-10-04"), day("2026-10-31")).bad == 1);
  }

  TEST_CASE("compute_slos pairs each SLO with its series") {
    Repo repo;
    repo.slos = {slo("a", "svc", 99.9), slo("b", "svc", 99.0)};
    std::map<std::string, DailySeries> series;
    fill(series["b"], "2026-10-04", "2026-10-31", 100, 1);
    auto all = compute_slos(repo, series, {}, k_now);
    REQUIRE(all.size() == 2);
    CHECK(all[0].status == "missing");
    CHECK(all[1].status == "ok");
    CHECK(*all[1].consumed == doctest::Approx(1.0));
    CHECK(all[1].allowed_bad_minutes == doctest::Approx(403.2));
  }

  TEST_CASE("calendar periods: weeks, months, quarters, years, aligned to their start") {
    auto period = [](const char* unit, int n, const char* start, const char* d) {
      auto [a, b] = calendar_period(unit, n, day(start), day(d));
      return format_date(a) + ".." + format_date(b);
    };
    CHECK(period("M", 1, "2026-01-01", "2026-11-22") == "2026-11-01..2026-11-30");
    CHECK(period("M", 1, "2026-01-01", "2024-02-10") == "2024-02-01..2024-02-29"); // before start
    CHECK(period("Q", 1, "1970-01-01", "2026-11-22") == "2026-10-01..2026-12-31");
    CHECK(period("Y", 1, "1970-01-01", "2026-11-22") == "2026-01-01..2026-12-31");
    CHECK(period("M", 2, "2026-01-01", "2026-11-22") == "2026-11-01..2026-12-31");
    CHECK(period("w", 1, "1970-01-05", "2026-11-22") == "2026-11-16..2026-11-22"); // Mon..Sun
    CHECK(period("d", 1, "1970-01-01", "2026-11-22") == "2026-11-22..2026-11-22");
    // Months, quarters and years keep the start's day of the month (OpenSLO's
    // calendar.startTime: a cycle from the 15th), a short month its last day instead.
    CHECK(period("M", 1, "2022-01-15", "2026-11-22") == "2026-11-15..2026-12-14");
    CHECK(period("M", 1, "2022-01-15", "2026-11-14") == "2026-10-15..2026-11-14");
    CHECK(period("M", 1, "2022-01-15", "2026-11-15") == "2026-11-15..2026-12-14");
    CHECK(period("M", 1, "2022-01-31", "2026-02-28") == "2026-02-28..2026-03-30");
    CHECK(period("M", 1, "2022-01-31", "2026-02-27") == "2026-01-31..2026-02-27");
    CHECK(period("M", 1, "2022-01-31", "2026-03-31") == "2026-03-31..2026-04-29");
    CHECK(period("Q", 1, "2022-02-10", "2026-11-22") == "2026-11-10..2027-02-09");
    CHECK(period("Q", 1, "2022-02-10", "2026-11-09") == "2026-08-10..2026-11-09");
    CHECK(period("Y", 1, "2021-07-04", "2026-07-03") == "2025-07-04..2026-07-03");
    CHECK(period("M", 2, "2026-01-15", "2026-02-20") == "2026-01-15..2026-03-14");
    CHECK(period("M", 1, "2027-03-20", "2026-11-22") == "2026-11-20..2026-12-19"); // before start
  }

  TEST_CASE("calendar month window: the month so far, the whole month's budget") {
    Repo repo;
    Slo s = slo("m", "svc", 99.0);
    s.calendar_unit = "M";
    s.calendar_start = "2026-01-01";
    DailySeries series;
    fill(series, "2026-10-31", "2026-10-31", 1000, 1000); // outside: October
    fill(series, "2026-11-01", "2026-11-01", 1000, 10);
    fill(series, "2026-11-22", "2026-11-22", 1000, 0);
    auto f = figures(repo, s, &series, nullptr, at("2026-11-23T00:00:00Z"));
    CHECK(f.window_kind == "calendar");
    CHECK(f.window_days == 30);
    CHECK(f.window_start == "2026-11-01");
    CHECK(f.window_end == "2026-11-22");
    CHECK(f.allowed_bad_minutes == doctest::Approx(432.0));
    CHECK(*f.attainment == doctest::Approx(0.995));
    CHECK(*f.remaining == doctest::Approx(0.5));
  }

  TEST_CASE("calendar windows: projection and alert figures over the period's own length") {
    Repo repo;
    // A calendar week from Monday 2026-01-05: with now 2026-11-01T00:00Z the period is
    // 2026-10-26 … 2026-11-01, W = 7. Six days of 10,000 events, 115 + 32 + 69 + 106 + 23 + 60
    // = 405 bad: C = 405 / 60,000 / 0.01 = 0.675, R = 0.325; B24h = (60 / 10,000) / 0.01 = 0.6.
    // Projected: now + 0.325 × 7 / 0.6 = now + 3.79 days → 2026-11-04.
    Slo week = slo("w", "svc", 99.0, 7);
    week.calendar_unit = "w";
    week.calendar_start = "2026-01-05";
    DailySeries series;
    const double bad[] = {115, 32, 69, 106, 23, 60};
    for (int i = 0; i < 6; ++i)
      series[day("2026-10-26") + i] = DailyCount{day("2026-10-26") + i, 10000 - bad[i], 10000};
    auto w = figures(repo, week, &series);
    CHECK(w.window_days == 7);
    CHECK(*w.remaining == doctest::Approx(0.325));
    CHECK(*w.burn_rates["24h"] == doctest::Approx(0.6));
    CHECK(w.projected_exhaustion == "2026-11-04");
    // The nominal duration never enters the figures (28 days would give 2026-11-16).
    week.window_days = 28;
    CHECK(figures(repo, week, &series).projected_exhaustion == "2026-11-04");

    // A calendar month (1M, nominally 30 days): with now 2026-11-01 the period is October, W = 31.
    // 40 bad of 10,000 every day: C = 0.004 / 0.01 = 0.4, R = 0.6, B24h = 0.4. Projected:
    // now + 0.6 × 31 / 0.4 = now + 46.5 days → 2026-12-17 (W = 30 would give 2026-12-16).
    // A 14.4× alert over 1h spends 14.4 × 60 / (31 × 1440) = 1.94% and exhausts in 31 / 14.4.
    Slo month = slo("m", "svc", 99.0, 30);
    month.calendar_unit = "M";
    month.calendar_start = "2026-01-01";
    month.alerts = {alert("fast_burn", 14.4, "5m", 5, "1h", 60)};
    DailySeries october;
    fill(october, "2026-10-01", "2026-10-31", 10000, 40);
    auto m = figures(repo, month, &october);
    CHECK(m.window_days == 31);
    CHECK(*m.remaining == doctest::Approx(0.6));
    CHECK(*m.burn_rates["24h"] == doctest::Approx(0.4));
    CHECK(m.projected_exhaustion == "2026-12-17");
    REQUIRE(m.alerts.size() == 1);
    CHECK(m.alerts[0].budget_consumed_when_fires == doctest::Approx(14.4 * 60 / (31 * 1440.0)));
    CHECK(*m.alerts[0].time_to_exhaust_days == doctest::Approx(31 / 14.4));
  }

  TEST_CASE("calendar.timeZone picks the period: now in the SLO's zone, days in the repo's") {
    // 2026-12-01T12:00Z is 2026-12-02 01:00 in Auckland (UTC+13 in summer): its last closed day
    // is 2026-12-01, in December, while in UTC the last closed day is 2026-11-30, in November.
    const std::int64_t noon = at("2026-12-01T12:00:00Z");
    CHECK(format_date(calendar_last_day("UTC", "", noon)) == "2026-11-30");
    CHECK(format_date(calendar_last_day("UTC", "Pacific/Auckland", noon)) == "2026-12-01");
    Repo repo;
    Slo s = slo("m", "svc", 99.0);
    s.calendar_unit = "M";
    DailySeries series;
    fill(series, "2026-11-30", "2026-11-30", 1000, 10);
    auto utc = figures(repo, s, &series, nullptr, noon);
    CHECK(utc.window_start == "2026-11-01");
    CHECK(utc.window_end == "2026-11-30");
    CHECK(*utc.attainment == doctest::Approx(0.99));
    s.calendar_timezone = "Pacific/Auckland";
    auto nz = figures(repo, s, &series, nullptr, noon);
    // December has begun in Auckland, but no day of it is closed in UTC yet: no figure, and the
    // reason says so; the budget is December's 31 days.
    CHECK(nz.window_start == "2026-12-01");
    CHECK(nz.window_days == 31);
    CHECK_FALSE(nz.attainment);
    REQUIRE(nz.missing_reason);
    CHECK(nz.missing_reason->find("Pacific/Auckland") != std::string::npos);

    // The other way round: the repository in Auckland, the SLO in Los Angeles. 2026-12-01T21:00Z
    // is 2026-12-02 10:00 in Auckland (last closed day 2026-12-01, December) and 2026-12-01
    // 13:00 in Los Angeles (last closed day 2026-11-30, November): the window is all of November
    // and the Auckland day 2026-12-01 is not in it.
    repo.config.timezone = "Pacific/Auckland";
    const std::int64_t local = at("2026-12-01T21:00:00Z") + 13 * 3600;
    CHECK(format_date(calendar_last_day("Pacific/Auckland", "America/Los_Angeles", local)) ==
          "2026-11-30");
    s.calendar_timezone = "America/Los_Angeles";
    fill(series, "2026-12-01", "2026-12-01", 1000, 1000);
    auto la = figures(repo, s, &series, nullptr, local);
    CHECK(la.window_start == "2026-11-01");
    CHECK(la.window_end == "2026-11-30");
    CHECK(la.window_days == 30);
    CHECK(*la.attainment == doctest::Approx(0.99));
    s.calendar_timezone = "";
    auto same = figures(repo, s, &series, nullptr, local);
    CHECK(same.window_start == "2026-12-01");
    CHECK(*same.attainment == doctest::Approx(0.0));
  }

  TEST_CASE("timeslices from daily values: share of good slices, never occurrences") {
    Repo repo;
    Slo s = slo("t", "svc", 50.0, 7);
    s.budgeting = "Timeslices";
    s.slice_target = 0.99;
    s.slice_minutes = 1440;
    DailySeries series;
    fill(series, "2026-11-16", "2026-11-16", 1000, 5);  // 0.995 good
    fill(series, "2026-11-17", "2026-11-17", 1000, 20); // 0.98 bad
    fill(series, "2026-11-18", "2026-11-18", 1000, 0);  // good
    fill(series, "2026-11-19", "2026-11-19", 1000, 1);  // 0.999 good
    auto f = figures(repo, s, &series, nullptr, at("2026-11-23T00:00:00Z"));
    CHECK(*f.slices == 4);
    CHECK(*f.good_slices == 3);
    CHECK(*f.attainment == doctest::Approx(0.75));
    CHECK(*f.remaining == doctest::Approx(0.5));
    CHECK_FALSE(f.burn_rates["24h"]);
    s.budgeting = "RatioTimeslices";
    f = figures(repo, s, &series, nullptr, at("2026-11-23T00:00:00Z"));
    CHECK(*f.attainment == doctest::Approx((0.995 + 0.98 + 1.0 + 0.999) / 4));
    CHECK(*f.slices == 4);
    CHECK_FALSE(f.good_slices); // no slice target: no slice is good or bad
    s.slice_minutes = 1;        // a 1-minute slice: no figure, a reason
    f = figures(repo, s, &series, nullptr, at("2026-11-23T00:00:00Z"));
    CHECK_FALSE(f.attainment);
    CHECK(f.status == "missing");
    REQUIRE(f.missing_reason);
    // No data at all: still null, and the same reason (the slice, not the data, decides).
    const std::string reason = *f.missing_reason;
    f = figures(repo, s, nullptr, nullptr, at("2026-11-23T00:00:00Z"));
    CHECK_FALSE(f.attainment);
    REQUIRE(f.missing_reason);
    CHECK(*f.missing_reason == reason);
    CHECK(reason.find("a time slice of 1 minute needs") != std::string::npos);
    s.slice_minutes = 0.5; // OpenSLO's 30s: said in seconds, never "1 minute"
    f = figures(repo, s, &series, nullptr, at("2026-11-23T00:00:00Z"));
    REQUIRE(f.missing_reason);
    CHECK(f.missing_reason->find("a time slice of 30 seconds needs") != std::string::npos);
    s.slice_minutes = 2880; // two-day slices: 16-17 (0.9875, bad at 0.99), 18-19 (0.9995)
    s.budgeting = "Timeslices";
    f = figures(repo, s, &series, nullptr, at("2026-11-23T00:00:00Z"));
    CHECK(*f.slices == 2);
    CHECK(*f.good_slices == 1);
  }

  TEST_CASE("burn rates carry no binary noise, in the figures and in an alert's windows") {
    // 10 bad of 10^6 a day against a 99.99999% target: a burn of 100, not 100.00000000000001.
    CHECK(*bad_burn_rate(10, 1e6, budget_fraction(99.99999)) == 100);
    CHECK(*burn_rate(999990, 1e6, budget_fraction(99.99999)) == 100);
    Repo repo;
    Slo s = slo("edge", "svc", 99.99999);
    s.alerts = {alert("slow_burn", 1, "6h", 360, "3d", 4320)};
    DailySeries d;
    fill(d, "2026-10-04", "2026-10-31", 1e6, 10);
    const SloFigures f = figures(repo, s, &d);
    CHECK(*f.burn_rates.at("24h") == 100);
    CHECK(*f.burn_rates.at("3d") == 100);
    REQUIRE(f.alerts.size() == 1);
    CHECK(*f.alerts[0].long_burn == 100);
  }
} // TEST_SUITE

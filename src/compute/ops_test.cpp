#include "compute/detail.hpp"
#include "compute/figures.hpp"
#include "compute/test_support.hpp"
#include "model/numbers.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <random>

using namespace nines;
using namespace nines::compute_test;

namespace {

ToilItem toil(const std::string& id, double minutes, double per_month,
              const std::string& difficulty, const std::string& status = "active") {
  ToilItem t;
  t.meta = meta("toil_item", id);
  t.name = id;
  t.time_per_occurrence_min = minutes;
  t.occurrences_per_month = per_month;
  t.automation_difficulty = difficulty;
  t.status = status;
  return t;
}

const std::int64_t k_today_noon = at("2026-11-01T12:00:00Z");

} // namespace

TEST_SUITE("compute.ops") {

  TEST_CASE("toil hours and the priority matrix") {
    CHECK(toil_hours(toil("t", 30, 20, "low")) == doctest::Approx(10));
    CHECK(toil_value_band(10) == "medium"); // exactly 10 h is medium
    CHECK(toil_value_band(10.0001) == "high");
    CHECK(toil_value_band(2) == "medium"); // exactly 2 h is medium
    CHECK(toil_value_band(1.9999) == "low");
    CHECK(toil_priority(20, "low") == "DO FIRST");
    CHECK(toil_priority(20, "medium") == "DO SECOND");
    CHECK(toil_priority(20, "high") == "PLAN");
    CHECK(toil_priority(10, "low") == "DO SECOND");
    CHECK(toil_priority(10, "medium") == "PLAN");
    CHECK(toil_priority(2, "high") == "EVALUATE");
    CHECK(toil_priority(1, "low") == "QUICK WIN");
    CHECK(toil_priority(1, "medium") == "SKIP");
    CHECK(toil_priority(1, "high") == "SKIP");
    CHECK(toil_priority(1, "") == "");
  }

  TEST_CASE("team toil percentage counts active and automating items") {
    Repo repo;
    repo.config.teams["ops"] = Team{"ops", "Ops", {}, 4.0, 160.0};
    repo.config.teams["quiet"] = Team{"quiet", "Quiet", {}, 2.0, std::nullopt};
    auto a = toil("a", 60, 30, "low");                  // 30 h
    auto b = toil("b", 60, 10, "medium", "automating"); // 10 h
    auto c = toil("c", 60, 100, "high", "automated");   // not counted
    auto d = toil("d", 60, 5, "low");                   // a team not in nines.yaml
    for (auto* t : {&a, &b, &c})
      t->teams_affected = {ref("ops")};
    d.teams_affected = {ref("ghost")};
    repo.toil = {a, b, c, d};
    auto teams = compute_team_toil(repo, k_today_noon);
    REQUIRE(teams.size() == 3);
    CHECK(teams[0].team == "ghost");
    CHECK_FALSE(teams[0].pct);
    CHECK(teams[1].team == "ops");
    CHECK(teams[1].hours == doctest::Approx(40));
    CHECK(*teams[1].pct == doctest::Approx(25));
    CHECK(teams[1].over_target); // the target is < 25%
    CHECK(teams[1].items == std::vector<std::string>{"a", "b"});
    CHECK(teams[2].team == "quiet");
    CHECK_FALSE(teams[2].pct);

    auto items = compute_toil(repo, k_today_noon);
    CHECK(items[0].priority == "DO FIRST");
    CHECK(items[2].active == false);
    CHECK(items[2].priority == "PLAN");
  }

  TEST_CASE("toil automated on a day to come is still spent, in the team's share and the item") {
    Repo repo;
    repo.config.teams["ops"] = Team{"ops", "Ops", {}, 4.0, 100.0};
    auto later = toil("later", 60, 10, "low", "automated"); // 10 h, automated on Nov 20
    later.automated_on = "2026-11-20";
    auto done = toil("done", 60, 5, "low", "automated"); // automated on Oct 31: not spent
    done.automated_on = "2026-10-31";
    for (auto* t : {&later, &done})
      t->teams_affected = {ref("ops")};
    repo.toil = {later, done};
    auto teams = compute_team_toil(repo, at("2026-11-05T00:00:00Z"));
    REQUIRE(teams.size() == 1);
    CHECK(teams[0].hours == doctest::Approx(10));
    CHECK(*teams[0].pct == doctest::Approx(10));
    CHECK(teams[0].items == std::vector<std::string>{"later"});
    auto items = compute_toil(repo, at("2026-11-05T00:00:00Z"));
    CHECK(items[0].active);
    CHECK_FALSE(items[1].active);
    // On the day itself it is automated.
    CHECK(compute_team_toil(repo, at("2026-11-20T00:00:00Z"))[0].hours == 0);
  }

  TEST_CASE("an action item completed on a day to come is still open, and overdue") {
    Repo repo;
    Postmortem pm = postmortem("pm", "svc", "2026-10-01", "SEV3");
    ActionItem item;
    item.id = "AI-1";
    item.deadline = "2026-10-05";
    item.status = "done";
    item.completed = "2026-10-25";
    pm.action_items = {item};
    repo.postmortems = {pm};
    auto before = compute_incidents(repo, at("2026-10-20T12:00:00Z"));
    CHECK(before[0].action_items[0].open);
    CHECK(before[0].action_items[0].overdue);
    CHECK(before[0].open_action_items == 1);
    CHECK(before[0].overdue_action_items == 1);
    auto after = compute_incidents(repo, at("2026-10-25T12:00:00Z"));
    CHECK_FALSE(after[0].action_items[0].open);
    CHECK_FALSE(after[0].action_items[0].overdue);
    CHECK(after[0].open_action_items == 0);
  }

  TEST_CASE("capacity projection and runway") {
    CHECK(capacity_projection(100, 10, 2) == doctest::Approx(121));
    CHECK(capacity_projection(100, 10, 0) == 100);
    // 50% growing 10%/month against 80%: 1.1^4 = 1.4641 < 1.6 ≤ 1.1^5 = 1.61051.
    CHECK(*capacity_runway_months(50, 80, 10) == 5);
    CHECK(*capacity_runway_fractional(50, 80, 10) == doctest::Approx(4.9313).epsilon(1e-4));
    CHECK(*capacity_runway_months(80, 80, 10) == 0); // already there
    CHECK(*capacity_runway_months(95, 80, -5) == 0);
    CHECK_FALSE(capacity_runway_months(50, 80, 0));
    CHECK_FALSE(capacity_runway_months(50, 80, -3));
    // Exactly on a whole month: 50·2^1 = 100.
    CHECK(*capacity_runway_months(50, 100, 100) == 1);
    // Exactly on it in decimals, a hair under it in binary: 45 · 1.4 = 63, 50 · 1.16 = 58,
    // 25 · 1.4^2 = 49. The month it is reached, and a fraction that says the same.
    CHECK(*capacity_runway_months(45, 63, 40) == 1);
    CHECK(*capacity_runway_fractional(45, 63, 40) == 1.0);
    CHECK(*capacity_runway_months(50, 58, 16) == 1);
    CHECK(*capacity_runway_months(25, 49, 40) == 2);
    CHECK(*capacity_runway_fractional(25, 49, 40) == 2.0);
    CHECK(*capacity_runway_months(50, 91, 82) == 1);
    // Projections as decimals: 1000 · 1.1^6 = 1771.561.
    CHECK(capacity_projection(1000, 10, 6) == 1771.561);

    Repo repo;
    CapacityModel c;
    c.meta = meta("capacity_model", "cap");
    c.service = ref("svc");
    c.peak_utilization_pct = 60;
    c.monthly_growth_pct = 5;
    c.growth_current = 1000;
    repo.capacity.push_back(c);
    auto f = compute_capacity(repo);
    REQUIRE(f.size() == 1);
    CHECK(f[0].threshold_pct == 100);
    CHECK(f[0].threshold_defaulted);
    CHECK(*f[0].projected_6mo == doctest::Approx(1000 * std::pow(1.05, 6)));
    CHECK(*f[0].projected_12mo == doctest::Approx(1000 * std::pow(1.05, 12)));
    CHECK(*f[0].runway_months == 11); // 60·1.05^10 = 97.7, ·1.05^11 = 102.6
    repo.capacity[0].scale_up_threshold = 70;
    CHECK(*compute_capacity(repo)[0].runway_months == 4);
    CHECK_FALSE(compute_capacity(repo)[0].runway_beyond_horizon);
  }

  TEST_CASE("a tiny positive growth has a runway, past the horizon said as such") {
    // 99% at 1e-12 %/month against 100%: about 1e12 months, a limit all the same.
    const auto frac = capacity_runway_fractional(99, 100, 1e-12);
    REQUIRE(frac);
    CHECK(*frac == doctest::Approx(std::log(100.0 / 99.0) / 1e-14).epsilon(1e-6));
    CHECK(*capacity_runway_months(99, 100, 1e-12) == k_runway_horizon_months);
    CHECK(*capacity_runway_months(99, 100, 1e-9) == k_runway_horizon_months);
    // So small that 1 + g is 1 in a double: still finite, still past the horizon.
    CHECK(std::isfinite(*capacity_runway_fractional(50, 80, 1e-300)));
    CHECK(*capacity_runway_months(50, 80, 1e-300) == k_runway_horizon_months);
    // Within the horizon the count is exact: 50% at 0.05 %/month against 80% is 940.2 months.
    CHECK(*capacity_runway_months(50, 80, 0.05) == 941);

    Repo repo;
    CapacityModel c;
    c.meta = meta("capacity_model", "cap");
    c.service = ref("svc");
    c.peak_utilization_pct = 99;
    c.monthly_growth_pct = 1e-9;
    repo.capacity.push_back(c);
    const auto f = compute_capacity(repo);
    REQUIRE(f[0].runway_months);
    CHECK(*f[0].runway_months == k_runway_horizon_months);
    CHECK(f[0].runway_beyond_horizon);
    CHECK(runway_text(f[0].runway_months, f[0].runway_months_fractional) ==
          "more than 1,200 months");
    CHECK(runway_text(f[0].runway_months, f[0].runway_months_fractional, true) == "> 1,200 mo");
    CHECK(runway_status(true, f[0].runway_months, f[0].runway_months_fractional).state ==
          "healthy");
  }

  TEST_CASE("on-call health thresholds at their boundaries") {
    CHECK(classify_lower_better(1.99, 2, 5) == "healthy");
    CHECK(classify_lower_better(2, 2, 5) == "warning"); // exactly 2 pages/shift
    CHECK(classify_lower_better(5, 2, 5) == "warning"); // exactly 5 pages/shift
    CHECK(classify_lower_better(5.01, 2, 5) == "critical");
    CHECK(classify_satisfaction(4.5) == "healthy");
    CHECK(classify_satisfaction(4) == "warning");
    CHECK(classify_satisfaction(3) == "warning");
    CHECK(classify_satisfaction(2.9) == "critical");

    RotationHealth h;
    h.period = "2026-02"; // 28 days: 4 weeks
    h.pages = 10;
    h.shifts = 5;
    h.off_hours_pages = 4;
    h.avg_ack_min = 15;
    h.avg_mitigate_min = 61;
    h.false_positive_pct = 10;
    h.escalation_pct = 19;
    const std::int64_t later = at("2027-01-01T00:00:00Z"); // every period is over
    auto p = oncall_period(h, later);
    CHECK(*p.pages_per_shift.value == 2);
    CHECK(p.pages_per_shift.status == "warning");
    CHECK(*p.off_hours_per_week.value == doctest::Approx(1));
    CHECK(p.off_hours_per_week.status == "warning");
    CHECK(p.ack_min.status == "warning");
    CHECK(p.mitigate_min.status == "critical");
    CHECK(p.false_positive_pct.status == "warning");
    CHECK(p.escalation_pct.status == "healthy");
    CHECK_FALSE(p.satisfaction.value);
    CHECK(p.satisfaction.status.empty());
    CHECK(p.worst == "critical");

    RotationHealth thirty;
    thirty.period = "2026-11";
    thirty.off_hours_pages = 3;
    CHECK(*oncall_period(thirty, later).off_hours_per_week.value == doctest::Approx(0.7));
    // The month still running: 3 pages in its first 7 days are 3 a week, a warning, not 0.7;
    // in its first hours, at least a day's worth.
    const OncallPeriod running = oncall_period(thirty, at("2026-11-08T00:00:00Z"));
    CHECK(*running.off_hours_per_week.value == 3);
    CHECK(running.off_hours_per_week.status == "warning");
    CHECK(*oncall_period(thirty, at("2026-11-01T06:00:00Z")).off_hours_per_week.value == 21);
    CHECK(*oncall_period(thirty, at("2026-12-01T00:00:00Z")).off_hours_per_week.value ==
          doctest::Approx(0.7));
    thirty.shifts = 0;
    thirty.pages = 3;
    CHECK_FALSE(oncall_period(thirty, later).pages_per_shift.value);

    Repo repo;
    Rotation r;
    r.meta = meta("oncall_rotation", "rot");
    r.members = {"a", "b", "c", "d"};
    r.health.push_back(h);
    repo.rotations.push_back(r);
    auto rot = compute_oncall(repo, later);
    CHECK(rot[0].size_warning);
    CHECK(rot[0].periods.size() == 1);
    repo.rotations[0].members.push_back("e");
    CHECK_FALSE(compute_oncall(repo, later)[0].size_warning);
  }

  TEST_CASE("on-call: the latest period is the latest month, not the last listed") {
    Repo repo;
    Rotation r;
    r.meta = meta("oncall_rotation", "rot");
    RotationHealth october, september;
    october.period = "2026-10";
    october.pages = 60;
    october.shifts = 4; // 15 pages a shift: critical
    september.period = "2026-09";
    september.pages = 4;
    september.shifts = 4; // 1 page a shift: healthy
    r.health = {october, september};
    repo.rotations.push_back(r);
    const std::int64_t now = at("2026-11-01T00:00:00Z");
    auto rot = compute_oncall(repo, now);
    REQUIRE(rot[0].periods.size() == 2);
    CHECK(rot[0].periods[0].period == "2026-09"); // oldest first, for the table and the chart
    const OncallPeriod* latest = latest_period(rot[0]);
    REQUIRE(latest);
    CHECK(latest->period == "2026-10");
    CHECK(latest->worst == "critical");
    repo.rotations[0].health.clear();
    CHECK(latest_period(compute_oncall(repo, now)[0]) == nullptr);
  }

  TEST_CASE("on-call: a month that has not started is in no figure, nor the latest period") {
    Repo repo;
    Rotation r;
    r.meta = meta("oncall_rotation", "rot");
    RotationHealth october, december;
    october.period = "2026-10";
    october.pages = 60;
    october.shifts = 4;
    december.period = "2026-12";
    december.pages = 2;
    december.shifts = 20;
    r.health = {october, december};
    repo.rotations.push_back(r);
    auto rot = compute_oncall(repo, at("2026-11-15T12:00:00Z"));
    REQUIRE(rot[0].periods.size() == 1);
    CHECK(latest_period(rot[0])->period == "2026-10");
    CHECK(compute_oncall(repo, at("2026-12-01T00:00:00Z"))[0].periods.size() == 2);
  }

  TEST_CASE("on-call: a period listed twice is read once, the first entry, everywhere") {
    Repo repo;
    Rotation r;
    r.meta = meta("oncall_rotation", "rot");
    RotationHealth first, again;
    first.period = again.period = "2026-10";
    first.pages = 10;
    first.shifts = 10;
    first.false_positive_pct = 10;
    again.pages = 30;
    again.shifts = 10;
    again.false_positive_pct = 50;
    r.health = {first, again};
    repo.rotations.push_back(r);
    const auto entries = health_entries(repo.rotations[0]);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]->pages == 10);
    auto rot = compute_oncall(repo, at("2026-11-01T00:00:00Z"));
    REQUIRE(rot[0].periods.size() == 1);
    CHECK(rot[0].periods[0].pages == 10);
    auto report = compute_report(repo, {}, "2026-10", at("2026-11-05T12:00:00Z"));
    REQUIRE(report);
    CHECK(report->on_call.rotations_reporting == 1);
    CHECK(report->on_call.total_pages == 10);
    CHECK(*report->on_call.false_positive_pct == doctest::Approx(10));
  }

  TEST_CASE("incidents: overdue action items and repeats") {
    Repo repo;
    Postmortem a = postmortem("a", "svc", "2026-08-01", "SEV2");
    a.root_cause_category = "config";
    a.time_to_resolve_minutes = 90;
    ActionItem late, today, done;
    late.id = "AI-1";
    late.deadline = "2026-10-31";
    late.status = "in-progress";
    today = late;
    today.id = "AI-2";
    today.deadline = "2026-11-01";
    done = late;
    done.id = "AI-3";
    done.status = "done";
    a.action_items = {late, today, done};
    Postmortem b = postmortem("b", "svc", "2026-10-20", "SEV3");
    b.root_cause_category = "config"; // 80 days after a, same service and cause
    Postmortem c = postmortem("c", "other", "2026-10-21", "SEV3");
    c.root_cause_category = "config"; // another service
    Postmortem d = postmortem("d", "svc", "2026-12-01", "SEV3");
    d.root_cause_category = "config"; // 42 days after b
    Postmortem e = postmortem("e", "svc", "2027-06-01", "SEV3");
    e.root_cause_category = "config"; // too long after d
    Postmortem f = postmortem("f", "svc", "2027-06-02", "SEV3");
    f.repeat_of = ref("a");
    repo.postmortems = {a, b, c, d, e, f};
    auto inc = compute_incidents(repo, at("2026-11-01T09:00:00Z"));
    REQUIRE(inc.size() == 6);
    CHECK(inc[0].action_items[0].overdue);
    CHECK_FALSE(inc[0].action_items[1].overdue); // due today
    CHECK_FALSE(inc[0].action_items[2].overdue); // done
    CHECK(inc[0].open_action_items == 2);
    CHECK(inc[0].overdue_action_items == 1);
    CHECK(*inc[0].time_to_resolve_minutes == 90);
    CHECK_FALSE(inc[0].repeat);
    CHECK(inc[1].repeat);
    CHECK(inc[1].repeats == "a"); // the earlier incident is named
    CHECK_FALSE(inc[2].repeat);
    CHECK(inc[3].repeat);
    CHECK(inc[3].repeats == "b"); // the latest of a and b in the window
    CHECK_FALSE(inc[4].repeat);
    CHECK(inc[5].repeat);
    CHECK(inc[5].repeats.empty()); // repeat_of says which, as written
    CHECK(inc[0].happened);
    CHECK_FALSE(inc[3].happened); // dated after now
  }

  TEST_CASE("incidents: a postmortem dated after today has no overdue action item") {
    Repo repo;
    Postmortem later = postmortem("later", "svc", "2026-11-20", "SEV4");
    ActionItem item;
    item.id = "AI-1";
    item.deadline = "2026-11-01"; // before now, but the incident has not happened
    item.status = "open";
    later.action_items = {item};
    Postmortem past = postmortem("past", "svc", "2026-11-02", "SEV4");
    past.action_items = {item};
    repo.postmortems = {later, past};
    auto inc = compute_incidents(repo, at("2026-11-10T12:00:00Z"));
    REQUIRE(inc.size() == 2);
    CHECK_FALSE(inc[0].happened);
    CHECK_FALSE(inc[0].action_items[0].overdue);
    CHECK(inc[0].overdue_action_items == 0);
    CHECK(inc[0].open_action_items == 1); // still open: it is an item of a document
    CHECK(inc[1].happened);
    CHECK(inc[1].action_items[0].overdue);
  }

  TEST_CASE("incidents: repeats found through compute's index are those a scan finds") {
    // Random postmortems over few services, causes and days, some undated or without a cause,
    // some affecting two services: the repeat flags with an IndexScope (as compute_all runs) and
    // without one (the scan) must agree, postmortem by postmortem.
    std::mt19937 rng(11);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    for (int round = 0; round < 40; ++round) {
      Repo repo;
      for (int i = 0; i < 60; ++i) {
        const int day = 1 + pick(28);
        const std::string date = pick(10) == 0 ? std::string("someday")
                                               : "2026-0" + std::to_string(1 + pick(9)) + "-" +
                                                     (day < 10 ? "0" : "") + std::to_string(day);
        Postmortem p =
            postmortem("p" + std::to_string(i), "s" + std::to_string(pick(3)), date, "SEV3");
        if (pick(3) == 0) p.services.push_back(Ref{"s" + std::to_string(pick(3)), {}});
        if (pick(4) != 0) p.root_cause_category = pick(2) == 0 ? "config" : "capacity";
        repo.postmortems.push_back(std::move(p));
      }
      const auto scanned = compute_incidents(repo, at("2026-11-01T00:00:00Z"));
      std::vector<IncidentFigures> indexed;
      {
        const compute_detail::IndexScope index(repo);
        indexed = compute_incidents(repo, at("2026-11-01T00:00:00Z"));
      }
      REQUIRE(scanned.size() == indexed.size());
      int repeats = 0;
      for (std::size_t i = 0; i < scanned.size(); ++i) {
        CHECK(scanned[i].repeat == indexed[i].repeat);
        CHECK(scanned[i].repeats == indexed[i].repeats);
        repeats += scanned[i].repeat;
      }
      CHECK(repeats > 0);
    }
  }

  TEST_CASE("on-call and team toil figures carry no binary noise") {
    // 3 off-hours pages in a 30-day month: 0.7 a week, not 0.7000000000000001.
    RotationHealth h;
    h.period = "2026-11";
    h.off_hours_pages = 3;
    h.pages = 7;
    h.shifts = 3;
    const OncallPeriod p = oncall_period(h, at("2026-12-01T00:00:00Z"));
    CHECK(*p.off_hours_per_week.value == 0.7);
    CHECK(*p.pages_per_shift.value == 2.33333333333);

    // 40 hours of 160 are 25%, over the target; summed in binary they were 39.99999999999999
    // hours, 24.999999999999993% and under it.
    Repo repo;
    repo.config.teams["ops"] = Team{"ops", "Ops", {}, 4.0, 160.0};
    repo.toil = {toil("a", 44, 5, "low"), toil("b", 44, 49, "low"), toil("c", 8, 3, "low")};
    for (auto& t : repo.toil)
      t.teams_affected = {ref("ops")};
    const auto teams = compute_team_toil(repo, k_today_noon);
    REQUIRE(teams.size() == 1);
    CHECK(teams[0].hours == 40);
    CHECK(*teams[0].pct == 25);
    CHECK(teams[0].over_target);
  }

} // TEST_SUITE

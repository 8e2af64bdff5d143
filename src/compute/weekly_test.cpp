#include "compute/figures.hpp"
#include "compute/figures_all.hpp"
#include "compute/test_support.hpp"
#include "compute/weekly.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <map>
#include <random>
#include <set>

using namespace nines;
using namespace nines::compute_test;

namespace {

// Wall-clock seconds of a UTC instant in a timezone, as the driver computes them.
std::int64_t local(const char* utc, const std::string& tz) {
  const std::int64_t t = at(utc);
  return t + *utc_offset(tz, t);
}

const AlertWeek* find_alert(const BudgetWeek& w, const std::string& name) {
  for (const auto& a : w.alerts)
    if (a.name == name) return &a;
  return nullptr;
}

} // namespace

TEST_CASE("ISO weeks: boundaries, 53-week years, parsing") {
  // 2026 starts on a Thursday, so it has 53 weeks; its week 1 starts Monday 2025-12-29.
  CHECK(iso_weeks_in_year(2026) == 53);
  CHECK(iso_weeks_in_year(2027) == 52); // starts on a Friday
  CHECK(iso_weeks_in_year(2020) == 53); // a leap year starting on a Wednesday
  CHECK(iso_week_monday({2026, 1}) == day("2025-12-29"));
  CHECK(iso_week_of(day("2025-12-29")) == IsoWeek{2026, 1});
  // 2026-11-23 is day 326 after 1 January, 329 days after 2025-12-29: 47 weeks → W48's Monday.
  CHECK(iso_week_of(day("2026-11-23")) == IsoWeek{2026, 48});
  CHECK(iso_week_of(day("2026-11-22")) == IsoWeek{2026, 47}); // a Sunday
  CHECK(iso_week_monday({2026, 48}) == day("2026-11-23"));
  // The year boundary: Friday 2027-01-01 is in 2026-W53 (Monday 2026-12-28 to Sunday 2027-01-03).
  CHECK(iso_week_of(day("2027-01-01")) == IsoWeek{2026, 53});
  CHECK(iso_week_of(day("2027-01-03")) == IsoWeek{2026, 53});
  CHECK(iso_week_of(day("2027-01-04")) == IsoWeek{2027, 1});
  CHECK(iso_week_monday({2026, 53}) == day("2026-12-28"));
  CHECK(iso_week_monday({2027, 1}) == day("2027-01-04"));
  CHECK(format_iso_week({2026, 5}) == "2026-W05");
  CHECK(parse_iso_week("2026-W53") == IsoWeek{2026, 53});
  CHECK_FALSE(parse_iso_week("2027-W53")); // 2027 has 52 weeks
  CHECK_FALSE(parse_iso_week("2026-W00"));
  CHECK_FALSE(parse_iso_week("2026-48"));
  CHECK_FALSE(parse_iso_week("2026-W4x"));
  // Before the epoch too (floor arithmetic): 1969-12-29 was a Monday, in 1970-W01.
  CHECK(iso_week_of(day("1969-12-29")) == IsoWeek{1970, 1});
}

TEST_CASE("the last complete week is the configured timezone's") {
  // Sunday 2026-11-29 20:00 UTC is already Monday 05:00 in Tokyo (UTC+9): W48 is over there, not
  // yet in UTC.
  CHECK(iso_week_of(day_of(local("2026-11-29T20:00:00Z", "Asia/Tokyo"))) == IsoWeek{2026, 49});
  CHECK(last_complete_week(local("2026-11-29T20:00:00Z", "Asia/Tokyo")) == IsoWeek{2026, 48});
  CHECK(last_complete_week(at("2026-11-29T20:00:00Z")) == IsoWeek{2026, 47});
  // Monday 2026-11-30 03:00 UTC is still Sunday 22:00 in New York (UTC−5 in November).
  CHECK(last_complete_week(local("2026-11-30T03:00:00Z", "America/New_York")) == IsoWeek{2026, 47});
  CHECK(last_complete_week(at("2026-11-30T03:00:00Z")) == IsoWeek{2026, 48});
  // Monday 00:00 local starts the new week.
  CHECK(last_complete_week(local("2026-11-30T05:00:00Z", "America/New_York")) == IsoWeek{2026, 48});
  // Across the year: on Monday 2027-01-04 the week just over is 2026-W53.
  CHECK(last_complete_week(at("2027-01-04T00:00:00Z")) == IsoWeek{2026, 53});
}

TEST_CASE("budget trend: up, down, flat within 0.1 point, unknown without data") {
  CHECK(budget_trend(0.05) == "up");
  CHECK(budget_trend(-0.25) == "down");
  CHECK(budget_trend(0.0005) == "flat");
  CHECK(budget_trend(std::nullopt) == "unknown");
}

namespace {

// One SLO at 99% (b = 0.01) over 28 days: 1000 events a day, all good except, in 2026-W48
// (2026-11-23 … 11-29), 50 bad on the 24th, 30 on the 26th and 10 on the 29th.
Repo weekly_repo(std::map<std::string, DailySeries>& series) {
  Repo repo;
  repo.services = {service("a"), service("b")};
  repo.services[0].oncall_rotation = ref("r1");
  repo.services[1].oncall_rotation = ref("r2");
  Slo s = slo("a-avail", "a", 99.0);
  s.alerts = {alert("slow", 2.5, "6h", 360, "3d", 4320), alert("daily", 2.0, "1h", 60, "1d", 1440),
              alert("fast", 14.4, "5m", 5, "1h", 60)};
  repo.slos = {s};
  fill(series["a-avail"], "2026-10-01", "2026-12-06", 1000, 0);
  fill(series["a-avail"], "2026-11-24", "2026-11-24", 1000, 50);
  fill(series["a-avail"], "2026-11-26", "2026-11-26", 1000, 30);
  fill(series["a-avail"], "2026-11-29", "2026-11-29", 1000, 10);

  Postmortem pm1 = postmortem("pm1", "a", "2026-11-24", "SEV2");
  pm1.status = "final";
  pm1.time_to_resolve_minutes = 45;
  pm1.slo_budget_consumed_pct = 20;
  Postmortem pm2 = postmortem("pm2", "a", "2026-11-16", "SEV1");
  pm2.status = "draft";
  ActionItem open, going, done;
  open.id = "AI-1";
  open.status = "open";
  open.deadline = "2026-11-25";
  going.id = "AI-2";
  going.status = "in-progress";
  going.deadline = "2026-12-10";
  done.id = "AI-3";
  done.status = "done";
  done.deadline = "2026-11-01";
  pm2.action_items = {open, going, done};
  Postmortem pm3 = postmortem("pm3", "b", "2026-11-25", "SEV3");
  repo.postmortems = {pm1, pm2, pm3};

  Rotation r1;
  r1.meta = meta("rotation", "r1");
  RotationHealth h;
  h.period = "2026-11";
  h.pages = 12;
  h.off_hours_pages = 3;
  h.false_positive_pct = 10;
  RotationHealth old = h;
  old.period = "2026-10";
  old.pages = 40;
  r1.health = {old, h};
  Rotation r2;
  r2.meta = meta("rotation", "r2");
  repo.rotations = {r1, r2};

  ToilItem t1;
  t1.meta = meta("toil_item", "t1");
  t1.service = ref("a");
  t1.time_per_occurrence_min = 30;
  t1.occurrences_per_month = 20; // 30·20/60 = 10 h a month
  t1.automated_on = "2026-11-25";
  ToilItem t2 = t1;
  t2.meta = meta("toil_item", "t2");
  t2.automated_on = "2026-11-20"; // the week before
  ToilItem t3 = t1;
  t3.meta = meta("toil_item", "t3");
  t3.automation_value = 4; // the hours it saves, as the monthly report counts them
  repo.toil = {t1, t2, t3};

  Experiment e;
  e.meta = meta("experiment", "e1");
  e.service = ref("a");
  e.date = "2026-11-27";
  e.outcome = "confirmed";
  Experiment planned = e;
  planned.meta = meta("experiment", "e2");
  planned.date = "2026-12-02";
  planned.outcome = "";
  repo.experiments = {e, planned};
  return repo;
}

} // namespace

TEST_CASE("the error budget week and the weekly review, worked by hand") {
  std::map<std::string, DailySeries> series;
  Repo repo = weekly_repo(series);
  auto claims = check_budget_claims(repo, series);
  CapacityFigures short_runway, long_runway, almost;
  short_runway.id = "cap-a";
  short_runway.service = "a";
  short_runway.runway_months = 4;
  long_runway.id = "cap-b";
  long_runway.runway_months = 8;
  // 5.41 months: its whole months read 6, but it is under 6, as the capacity page colours it.
  almost.id = "cap-c";
  almost.runway_months = 6;
  almost.runway_months_fractional = 5.4148;
  WeeklyReview r =
      compute_review(repo, series, claims, {short_runway, long_runway, almost}, {2026, 48});
  CHECK(r.week == "2026-W48");
  CHECK(r.first_day == "2026-11-23");
  CHECK(r.last_day == "2026-11-29");
  REQUIRE(r.slos.size() == 1);
  const BudgetWeek& w = r.slos[0];
  // The 28-day window ending 11-29 (11-02 … 11-29): 28 000 events, 90 bad. C = 90/28000/0.01.
  REQUIRE(w.remaining);
  CHECK(*w.remaining == doctest::Approx(1.0 - 90.0 / 280.0)); // 0.678571
  REQUIRE(w.remaining_before);
  CHECK(*w.remaining_before == doctest::Approx(1.0)); // 10-26 … 11-22 had no bad event
  CHECK(*w.remaining_change == doctest::Approx(-90.0 / 280.0));
  CHECK(w.trend == "down");
  CHECK(w.state == BudgetState::Healthy); // 67.9% > 50%
  // The week's 90 bad events over b · 28 000 = 280 allowed: 32.14% of the window's budget.
  REQUIRE(w.consumed);
  CHECK(*w.consumed == doctest::Approx(90.0 / 280.0));
  CHECK(w.days_with_data == 7);
  // 24h burn on 11-29: 10/1000/0.01 = 1; 1h/6h need a live source.
  CHECK(*w.burn_rates.at("24h") == doctest::Approx(1.0));
  CHECK_FALSE(w.burn_rates.at("1h"));
  CHECK_FALSE(w.burn_rates.at("6h"));
  // Exhaustion: 11-30 + R·W/B = 0.678571·28/1 = 19 days → 2026-12-19.
  CHECK(w.projected_exhaustion == "2026-12-19");
  REQUIRE(w.top_contributor);
  CHECK(w.top_contributor->day == "2026-11-24");
  CHECK(w.top_contributor->bad == 50);
  CHECK(*w.top_contributor->share == doctest::Approx(50.0 / 90.0));
  // pm1 (service a, 11-24): claims 20%; data: 50 bad over 0.01 · 28 000 → 17.857%.
  REQUIRE(w.incidents.size() == 1);
  CHECK(w.incidents[0].postmortem == "pm1");
  CHECK(*w.incidents[0].claimed_pct == 20);
  CHECK(*w.incidents[0].computed_pct == doctest::Approx(100.0 * 50 / 280));
  // Alerts. daily (2×, 1h/1d): day burns 5 (11-24) and 3 (11-26) reach 2; 1 (11-29) does not.
  const AlertWeek* daily = find_alert(w, "daily");
  REQUIRE(daily);
  CHECK(daily->judged);
  CHECK(daily->fired == std::vector<std::string>{"2026-11-24", "2026-11-26"});
  // slow (2.5×, 6h/3d): 3 days ending 11-26 hold 80 bad of 3000 → 2.67, and 11-26 itself 3.
  // Ending 11-24 or 11-25: 50/3000 → 1.67.
  const AlertWeek* slow = find_alert(w, "slow");
  REQUIRE(slow);
  CHECK(slow->fired == std::vector<std::string>{"2026-11-26"});
  // fast (1h long window) cannot be judged from daily data.
  const AlertWeek* fast = find_alert(w, "fast");
  REQUIRE(fast);
  CHECK_FALSE(fast->judged);
  CHECK(fast->fired.empty());
  CHECK(r.alerts_fired == 3);

  // Incidents dated in the week: pm1 (a) and pm3 (b).
  CHECK(r.incidents.total == 2);
  CHECK(r.incidents.by_severity.at("SEV1") == 0);
  CHECK(r.incidents.by_severity.at("SEV2") == 1);
  CHECK(r.incidents.by_severity.at("SEV3") == 1);
  CHECK(*r.incidents.total_duration_minutes == 45); // pm3 does not say
  // Open items of every postmortem: AI-1 (overdue: deadline 11-25 < 11-30) and AI-2.
  CHECK(r.incidents.open_action_items.size() == 2);
  CHECK(r.incidents.open == 1);
  CHECK(r.incidents.in_progress == 1);
  CHECK(r.incidents.overdue == 1);

  // On-call: the week lies in November; only November's entry counts.
  CHECK(r.on_call.periods == std::vector<std::string>{"2026-11"});
  REQUIRE(r.on_call.entries.size() == 1);
  CHECK(r.on_call.total_pages == 12);
  CHECK(r.on_call.off_hours_pages == 3);

  // Reliability work.
  REQUIRE(r.toil_automated.size() == 2);
  CHECK(r.toil_automated[0].id == "t1");
  CHECK(r.toil_automated[1].id == "t3");
  CHECK(r.hours_saved_per_month == doctest::Approx(14.0)); // 10 h taken + 4 h saved
  REQUIRE(r.experiments.size() == 1);
  CHECK(r.experiments[0].id == "e1");
  REQUIRE(r.capacity_concerns.size() == 2);
  CHECK(r.capacity_concerns[0].id == "cap-a");
  CHECK(r.capacity_concerns[1].id == "cap-c");
  CHECK(*r.capacity_concerns[1].runway_months_fractional == doctest::Approx(5.4148));
}

TEST_CASE("a week across two months, and a week without incidents") {
  std::map<std::string, DailySeries> series;
  Repo repo = weekly_repo(series);
  // W49: Monday 2026-11-30 … Sunday 2026-12-06.
  WeeklyReview r = compute_review(repo, series, {}, {}, {2026, 49});
  CHECK(r.on_call.periods == std::vector<std::string>{"2026-11", "2026-12"});
  CHECK(r.incidents.total == 0);
  CHECK_FALSE(r.incidents.total_duration_minutes);
  const BudgetWeek& w = r.slos[0];
  CHECK(w.incidents.empty());
  CHECK(*w.consumed == 0);
  // No bad event: the top day is the first, and it has no share of nothing.
  REQUIRE(w.top_contributor);
  CHECK(w.top_contributor->bad == 0);
  CHECK_FALSE(w.top_contributor->share);
  // Budget recovers: 7 days of 11-02 … 11-08 leave the window, none of them bad; no change.
  CHECK(w.trend == "flat");
}

TEST_CASE("weeks with data stop at the last complete week") {
  std::map<std::string, DailySeries> series;
  Repo repo = weekly_repo(series);
  auto weeks = weeks_with_data(repo, series, at("2026-12-02T00:00:00Z"));
  REQUIRE_FALSE(weeks.empty());
  CHECK(weeks.front() == IsoWeek{2026, 40}); // 2026-10-01 is a Thursday of W40
  CHECK(weeks.back() == IsoWeek{2026, 48});  // W49 is not over on 12-02
}

TEST_CASE("an SLO's review weeks share their boundaries and equal the weeks made one by one") {
  std::map<std::string, DailySeries> series;
  Repo repo = weekly_repo(series);
  REQUIRE_FALSE(repo.slos.empty());
  // W46 and W47 meet at a midnight; W44 stands apart, so its start is computed, not carried.
  const std::vector<IsoWeek> weeks{{2026, 44}, {2026, 46}, {2026, 47}, {2026, 48}};
  std::vector<WeekPostmortems> postmortems;
  for (const IsoWeek& w : weeks)
    postmortems.push_back(postmortems_by_service(repo, iso_week_monday(w)));
  const ClaimsByPostmortem by_postmortem = claims_by_postmortem({});
  for (const Slo& slo : repo.slos) {
    const DailySeries* s = series.count(slo.meta.id) ? &series.at(slo.meta.id) : nullptr;
    const std::vector<BudgetWeek> shared =
        review_budget_weeks(repo, slo, s, {}, weeks, postmortems, by_postmortem);
    REQUIRE(shared.size() == weeks.size());
    for (std::size_t k = 0; k < weeks.size(); ++k) {
      const BudgetWeek alone = budget_week(repo, slo, s, nullptr, {}, iso_week_monday(weeks[k]));
      CAPTURE(k);
      CHECK(shared[k].first_day == alone.first_day);
      CHECK(shared[k].remaining == alone.remaining);
      CHECK(shared[k].remaining_before == alone.remaining_before);
      CHECK(shared[k].remaining_change == alone.remaining_change);
      CHECK(shared[k].trend == alone.trend);
      CHECK(shared[k].state == alone.state);
      CHECK(shared[k].consumed == alone.consumed);
      CHECK(shared[k].projected_exhaustion == alone.projected_exhaustion);
      CHECK(shared[k].burn_rates == alone.burn_rates);
      CHECK(shared[k].incidents.size() == alone.incidents.size());
      CHECK(shared[k].alerts.size() == alone.alerts.size());
    }
    // The review of a week made from them is the review made alone.
    std::vector<BudgetWeek> column{shared[2]};
    Repo one = repo;
    one.slos = {slo};
    const WeeklyReview from_column = compute_review(one, series, {}, {}, weeks[2], &column);
    const WeeklyReview alone = compute_review(one, series, {}, {}, weeks[2]);
    CHECK(from_column.alerts_fired == alone.alerts_fired);
    REQUIRE(from_column.slos.size() == 1);
    CHECK(from_column.slos[0].remaining == alone.slos[0].remaining);
    CHECK(from_column.slos[0].remaining_before == alone.slos[0].remaining_before);
  }
}

TEST_CASE("the handoff of a rotation, from hand-made history") {
  std::map<std::string, DailySeries> series;
  Repo repo = weekly_repo(series);
  Runbook rb = runbook("rb-a", "a", "daily");
  rb.title = "A is burning";
  Runbook old_rb = runbook("rb-old", "a", "slow");
  old_rb.last_updated = "2026-01-10";
  repo.runbooks = {rb, old_rb};
  Maintenance soon, later, now_on, other;
  soon.meta = meta("maintenance", "soon");
  soon.service = ref("a");
  soon.start = "2026-12-05T02:00:00Z";
  soon.start_time = at("2026-12-05T02:00:00Z");
  later = soon;
  later.meta = meta("maintenance", "later");
  later.start_time = at("2026-12-20T02:00:00Z"); // 20 days ahead: not yet
  now_on = soon;
  now_on.meta = meta("maintenance", "now-on");
  now_on.start = "2026-11-29T22:00:00Z";
  now_on.start_time = at("2026-11-29T22:00:00Z");
  now_on.end_time = at("2026-12-01T06:00:00Z");
  other = soon;
  other.meta = meta("maintenance", "other");
  other.service = ref("b");
  // Now is 09:00 on 2026-11-30: one window ended at 08:00 that day, one starts at 20:00 (written
  // with an offset that would sort it before "now-on" as text): neither is under way.
  Maintenance ended = soon, tonight = soon;
  ended.meta = meta("maintenance", "ended");
  ended.start = "2026-11-30T07:00:00Z";
  ended.start_time = at("2026-11-30T07:00:00Z");
  ended.end_time = at("2026-11-30T08:00:00Z");
  tonight.meta = meta("maintenance", "tonight");
  tonight.start = "2026-12-01T01:00:00+05:00";
  tonight.start_time = at("2026-11-30T20:00:00Z");
  repo.maintenance = {soon, later, now_on, other, ended, tonight};
  // An incident dated after now has not happened: neither it nor its items are open issues. An
  // item marked done with a completion date after now is still open, and says so.
  Postmortem future = postmortem("pm-future", "a", "2026-12-02", "SEV2");
  future.status = "draft";
  ActionItem ahead;
  ahead.id = "AI-9";
  ahead.status = "open";
  ahead.deadline = "2026-11-01";
  future.action_items = {ahead};
  ActionItem later_done;
  later_done.id = "AI-4";
  later_done.status = "done";
  later_done.completed = "2026-12-01";
  later_done.deadline = "2026-12-20";
  repo.postmortems[0].action_items.push_back(later_done);
  repo.postmortems.push_back(future);

  History h;
  h.mark_available("abc1234");
  auto change = [](const char* when, const char* hash, const char* author) {
    FileChange c;
    c.time = at(when);
    c.hash = hash;
    c.short_hash = std::string(hash).substr(0, 7);
    c.author = author;
    return c;
  };
  // Newest first, as the reader lists them.
  h.add_commit({"service/b.yaml", change("2026-11-29T10:00:00Z", "bbbbbbbbbb", "Bo")});
  h.add_commit({"runbook/rb-a.yaml", change("2026-11-28T10:00:00Z", "aaaaaaaaaa", "Ana")});
  h.add_commit({"slo/a-avail.yaml", change("2026-11-20T10:00:00Z", "cccccccccc", "Cy")});
  h.add("runbook/rb-old.yaml", change("2026-06-01T00:00:00Z", "dddddddddd", "Di"));

  SloFigures critical;
  critical.id = "a-avail";
  critical.service = "a";
  critical.remaining = 0.12;
  critical.state.level = BudgetState::Critical;
  CapacityFigures cap;
  cap.id = "cap-a";
  cap.service = "a";
  cap.runway_months = 3;
  cap.runway_months_fractional = 2.45; // said as the capacity page says it: 2.4, never 3
  cap.bottleneck_resource = "CPU";

  const std::int64_t now = at("2026-11-30T09:00:00Z");
  Handoff ho =
      compute_handoff(repo, repo.rotations[0], &h, {critical}, {cap}, now, day("2026-11-23"));
  CHECK(ho.rotation == "r1");
  CHECK(ho.date == "2026-11-30");
  CHECK(ho.services == std::vector<std::string>{"a"});
  // pm2 is a draft of service a; pm3 is b's.
  REQUIRE(ho.open_postmortems.size() == 1);
  CHECK(ho.open_postmortems[0].id == "pm2");
  REQUIRE(ho.open_action_items.size() == 3);
  CHECK(ho.overdue_action_items == 1);
  for (const auto& a : ho.open_action_items) {
    CHECK(a.postmortem != "pm-future");
    if (a.id == "AI-4") CHECK(a.status == "open");
  }
  // The last 7 days (from 11-23): rb-a's change; b is another rotation's, the SLO's is older.
  REQUIRE(ho.recent_changes.size() == 1);
  CHECK(ho.recent_changes[0].kind == "runbook");
  CHECK(ho.recent_changes[0].author == "Ana");
  CHECK(ho.recent_changes[0].short_hash == "aaaaaaa");
  CHECK(ho.recent_changes[0].date == "2026-11-28");
  REQUIRE(ho.runbook_updates.size() == 1);
  CHECK(ho.runbook_updates[0].id == "rb-a");
  CHECK(ho.runbook_updates[0].title == "A is burning");
  // Risks: the critical SLO, rb-old (git: 2026-06-01, 182 days > 90), the 2.45-month runway, e2.
  std::vector<std::string> kinds;
  for (const auto& r : ho.risks)
    kinds.push_back(r.kind + ":" + r.id);
  CHECK(kinds == std::vector<std::string>{"slo:a-avail", "runbook:rb-old", "capacity:cap-a",
                                          "experiment:e2"});
  CHECK(ho.risks[2].text == "capacity runway 2.4 months (CPU)");
  // Maintenance: under way (now-on) and within 14 days (tonight, soon), by start as instants;
  // the window that ended this morning is over.
  REQUIRE(ho.maintenance.size() == 3);
  CHECK(ho.maintenance[0].id == "now-on");
  CHECK(ho.maintenance[0].under_way);
  CHECK(ho.maintenance[1].id == "tonight");
  CHECK_FALSE(ho.maintenance[1].under_way);
  CHECK(ho.maintenance[2].id == "soon");
  CHECK_FALSE(ho.maintenance[2].under_way);

  // Without git: no recent changes; runbook updates from last_updated.
  repo.runbooks[0].last_updated = "2026-11-25";
  Handoff plain = compute_handoff(repo, repo.rotations[0], nullptr, {}, {}, now, day("2026-11-23"));
  CHECK_FALSE(plain.history_available);
  CHECK(plain.recent_changes.empty());
  REQUIRE(plain.runbook_updates.size() == 1);
  CHECK(plain.runbook_updates[0].source == "last_updated");
}

TEST_CASE("one index serves every rotation's handoff as scanning each list would") {
  std::mt19937 rng(11);
  auto pick = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::vector<std::string> rotations = {"r0", "r1", "r2"};
  const std::int64_t now = at("2026-11-30T09:00:00Z");
  for (int round = 0; round < 60; ++round) {
    Repo repo;
    for (const auto& id : rotations) {
      Rotation r;
      r.meta = meta("rotation", id);
      repo.rotations.push_back(r);
    }
    // s6 is unknown; a second s1 belongs to another rotation (a repeated id).
    const std::vector<std::string> ids = {"s0", "s1", "s2", "s3", "s4", "s5", "s1", "s6", ""};
    for (std::size_t i = 0; i < 7; ++i) {
      repo.services.push_back(service(ids[i]));
      repo.services.back().oncall_rotation = compute_test::ref(rotations[pick(rotations.size())]);
    }
    auto any_service = [&] { return ids[pick(ids.size())]; };
    std::vector<SloFigures> slos;
    std::vector<CapacityFigures> capacity;
    for (int i = 0; i < 12; ++i) {
      const std::string n = std::to_string(i);
      repo.slos.push_back(slo("slo-" + n, any_service(), 99.9));
      SloFigures f;
      f.id = "slo-" + n;
      f.service = repo.slos.back().service.id;
      f.state.level = pick(2) ? BudgetState::Critical : BudgetState::Healthy;
      slos.push_back(f);
      Runbook rb = runbook("rb-" + n, any_service(), "alert");
      rb.last_updated = pick(2) ? "2026-01-01" : "2026-11-25";
      repo.runbooks.push_back(rb);
      CapacityFigures c;
      c.id = "cap-" + n;
      c.service = any_service();
      c.runway_months = static_cast<int>(pick(6));
      capacity.push_back(c);
      Experiment e;
      e.meta = meta("experiment", "ex-" + n);
      e.service = compute_test::ref(any_service());
      e.outcome = pick(2) ? "planned" : "passed";
      repo.experiments.push_back(e);
      Maintenance m;
      m.meta = meta("maintenance", "mw-" + n);
      m.service = compute_test::ref(any_service());
      m.start = "2026-12-0" + std::to_string(1 + pick(9)) + "T02:00:00Z";
      m.start_time = at(m.start.c_str());
      repo.maintenance.push_back(m);
      Postmortem pm =
          postmortem("pm-" + std::to_string(pick(10)), any_service(), "2026-11-20", "SEV2");
      if (pick(2)) pm.services.push_back(compute_test::ref(any_service()));
      pm.status = pick(2) ? "draft" : "final";
      repo.postmortems.push_back(pm);
    }
    // Two documents in one file: the later of them names it.
    repo.runbooks[3].meta.file = repo.slos[5].meta.file;
    History h;
    h.mark_available("abc1234");
    FileChange c;
    c.time = at("2026-11-29T10:00:00Z");
    c.hash = c.short_hash = "aaaaaaa";
    auto commit = [&](const DocMeta& m) { h.add_commit({m.file, c}); };
    for (const auto& x : repo.services)
      commit(x.meta);
    for (const auto& x : repo.slos)
      commit(x.meta);
    for (const auto& x : repo.runbooks)
      commit(x.meta);
    for (const auto& x : repo.postmortems)
      commit(x.meta);

    const std::vector<IncidentFigures> incidents = compute_incidents(repo, now);
    const HandoffIndex index(repo, slos, capacity, incidents);
    for (const auto& rotation : repo.rotations) {
      const Handoff ho = compute_handoff(repo, rotation, &h, index, now, day("2026-11-23"));
      // The scan: every list, in its order, asked whether the document is the rotation's.
      std::set<std::string> ours;
      std::vector<std::string> services;
      for (const auto& s : repo.services)
        if (s.oncall_rotation.id == rotation.meta.id) {
          ours.insert(s.meta.id);
          services.push_back(s.meta.id);
        }
      auto is_ours = [&](const std::string& id) { return ours.count(id) != 0; };
      auto any_ours = [&](const Postmortem& pm) {
        return std::any_of(pm.services.begin(), pm.services.end(),
                           [&](const Ref& r) { return is_ours(r.id); });
      };
      CHECK(ho.services == services);
      std::vector<std::string> open;
      for (const auto& f : incidents) {
        const Postmortem* pm = nullptr;
        for (const auto& p : repo.postmortems)
          if (p.meta.id == f.id) pm = &p;
        if (pm && any_ours(*pm) && pm->status == "draft") open.push_back(pm->meta.id);
      }
      std::vector<std::string> got_open;
      for (const auto& p : ho.open_postmortems)
        got_open.push_back(p.id);
      CHECK(got_open == open);
      std::vector<std::string> risks;
      for (const auto& f : slos)
        if (is_ours(f.service) && f.state.level == BudgetState::Critical) risks.push_back(f.id);
      for (const auto& rb : repo.runbooks)
        if (is_ours(rb.service.id) && rb.last_updated == "2026-01-01") risks.push_back(rb.meta.id);
      for (const auto& cf : capacity)
        if (is_ours(cf.service) && *cf.runway_months < k_capacity_concern_months)
          risks.push_back(cf.id);
      for (const auto& e : repo.experiments)
        if (is_ours(e.service.id) && e.outcome == "planned") risks.push_back(e.meta.id);
      std::vector<std::string> got_risks;
      for (const auto& r : ho.risks)
        got_risks.push_back(r.id);
      CHECK(got_risks == risks);
      std::multiset<std::string> windows, got_windows;
      for (const auto& m : repo.maintenance)
        if (is_ours(m.service.id)) windows.insert(m.meta.id);
      for (const auto& m : ho.maintenance)
        got_windows.insert(m.id);
      CHECK(got_windows == windows);
      // file → every document of ours it holds: a change to the file is listed for each.
      std::map<std::string, std::vector<std::string>> docs;
      for (const auto& s : repo.services)
        if (is_ours(s.meta.id)) docs[s.meta.file].push_back(s.meta.id);
      for (const auto& s : repo.slos)
        if (is_ours(s.service.id)) docs[s.meta.file].push_back(s.meta.id);
      for (const auto& rb : repo.runbooks)
        if (is_ours(rb.service.id)) docs[rb.meta.file].push_back(rb.meta.id);
      for (const auto& pm : repo.postmortems)
        if (any_ours(pm)) docs[pm.meta.file].push_back(pm.meta.id);
      std::multiset<std::pair<std::string, std::string>> changed, got_changed; // (hash, id)
      for (const auto& fc : h.commits())
        if (auto d = docs.find(fc.path); d != docs.end())
          for (const auto& id : d->second)
            changed.emplace(fc.change.hash, id);
      for (const auto& ch : ho.recent_changes)
        got_changed.emplace(ch.hash, ch.id);
      CHECK(got_changed == changed);
    }
  }
}

TEST_CASE(
    "the SLO page's week and its figures agree: alerts at the threshold, a non-midnight now") {
  Repo repo;
  repo.services = {service("a")};
  // 99% (b = 0.01) over 7 days; half_burn pages at 0.5 over 2 days and 1 day.
  Slo s = slo("ex", "a", 99.0, 7);
  s.alerts = {alert("half_burn", 0.5, "1d", 1440, "2d", 2880)};
  repo.slos = {s};
  std::map<std::string, DailySeries> series;
  // 5 bad in 1000: an error ratio of 0.005, a burn of exactly 0.5 every day.
  fill(series["ex"], "2026-10-19", "2026-11-01", 1000, 5);
  Figures at_threshold = compute_all(repo, series, {}, at("2026-11-02T00:00:00Z"), nullptr, 1);
  REQUIRE(at_threshold.slos[0].alerts.size() == 1);
  REQUIRE(at_threshold.slos[0].alerts[0].firing);
  CHECK_FALSE(*at_threshold.slos[0].alerts[0].firing);
  const AlertWeek* half = find_alert(at_threshold.budget_weeks[0], "half_burn");
  REQUIRE(half);
  CHECK(half->judged);
  CHECK(half->fired.empty()); // not firing at the threshold, in the week as on the page
  // One more bad event a day: above the threshold on every day, on both.
  fill(series["ex"], "2026-10-19", "2026-11-01", 1000, 6);
  Figures above = compute_all(repo, series, {}, at("2026-11-02T00:00:00Z"), nullptr, 1);
  CHECK(*above.slos[0].alerts[0].firing);
  CHECK(find_alert(above.budget_weeks[0], "half_burn")->fired.size() == 7);

  // 95% over 1 day: 10-31 had 300 bad of 10 000 (R = 1 − 0.03/0.05 = 0.4, B24h = 0.6). At
  // 13:30 the projection is now + 0.4·1/0.6 days = 2026-11-02T05:30: both places say 11-02
  // (the week's end is today's midnight, which would give 2026-11-01T16:00).
  Repo one_day;
  one_day.services = {service("a")};
  one_day.slos = {slo("w1", "a", 95.0, 1)};
  std::map<std::string, DailySeries> days;
  fill(days["w1"], "2026-10-30", "2026-10-30", 10000, 10000);
  fill(days["w1"], "2026-10-31", "2026-10-31", 10000, 300);
  Figures f = compute_all(one_day, days, {}, at("2026-11-01T13:30:00Z"), nullptr, 1);
  CHECK(f.slos[0].projected_exhaustion == "2026-11-02");
  CHECK(f.budget_weeks[0].projected_exhaustion == "2026-11-02");
}

TEST_CASE("a week's change and an incident's computed share carry no binary noise") {
  // 99% over 7 days, 100 000 events a day: 7 000 bad allowed, 7 per 0.1% of the budget. 992 bad
  // a day the week before and 991 this week leave 0.8% then 0.9%: up 0.1 point, on the flat
  // band's line, where the fractions' difference (0.0009999999999999992) read flat.
  Repo repo;
  repo.services = {service("a")};
  repo.slos = {slo("ex", "a", 99.0, 7)};
  std::map<std::string, DailySeries> series;
  fill(series["ex"], "2026-10-26", "2026-11-01", 100000, 992);
  fill(series["ex"], "2026-11-02", "2026-11-08", 100000, 991);
  const BudgetWeek w =
      budget_week(repo, repo.slos[0], &series["ex"], nullptr, {}, iso_week_monday({2026, 45}));
  REQUIRE(w.remaining_change);
  CHECK(*pct(w.remaining_before) == 0.8);
  CHECK(*pct(w.remaining) == 0.9);
  CHECK(*w.remaining_change == 0.001);
  CHECK(w.trend == "up");

  // pm1's 50 bad events of the 280 allowed: 17.8571428571%, as published, in the claim and in
  // the week that shows it.
  std::map<std::string, DailySeries> weekly_series;
  Repo weekly = weekly_repo(weekly_series);
  const Figures f = compute_all(weekly, weekly_series, {}, at("2026-11-30T00:00:00Z"), nullptr, 1);
  const auto claim =
      std::find_if(f.budget_claims.begin(), f.budget_claims.end(),
                   [](const BudgetClaimFigures& c) { return c.postmortem == "pm1"; });
  REQUIRE(claim != f.budget_claims.end());
  CHECK(*claim->computed_pct == 17.8571428571);
  REQUIRE(f.budget_weeks.size() == 1);
  REQUIRE(f.budget_weeks[0].incidents.size() == 1);
  CHECK(*f.budget_weeks[0].incidents[0].computed_pct == 17.8571428571);
}

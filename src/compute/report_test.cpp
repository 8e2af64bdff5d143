#include "compute/figures.hpp"
#include "compute/figures_all.hpp"
#include "compute/test_support.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace nines;
using namespace nines::compute_test;

namespace {

const std::int64_t k_now = at("2026-11-05T12:00:00Z");

ActionItem item(const std::string& id, const std::string& status, const std::string& deadline,
                const std::string& completed = "") {
  ActionItem a;
  a.id = id;
  a.status = status;
  a.deadline = deadline;
  a.completed = completed;
  return a;
}

Repo report_repo(std::map<std::string, DailySeries>& series) {
  Repo repo;
  repo.config.teams["t1"] = Team{"t1", "T1", {}, 5.0, 100.0};
  repo.config.teams["t2"] = Team{"t2", "T2", {}, 5.0, 50.0};
  repo.config.teams["t3"] = Team{"t3", "T3", {}, 5.0, std::nullopt};
  repo.services = {service("a"), service("b"), service("c")};
  repo.slos = {slo("a-avail", "a", 99.9), slo("b-avail", "b", 99.0), slo("b-latency", "b", 99.9),
               slo("c-avail", "c", 99.9)};
  fill(series["a-avail"], "2026-09-01", "2026-10-31", 1000, 0);
  fill(series["b-avail"], "2026-09-01", "2026-09-30", 1000, 0);
  fill(series["b-avail"], "2026-10-01", "2026-10-31", 1000, 20); // 98%: breaching, exhausted
  fill(series["b-latency"], "2026-10-01", "2026-10-31", 1000, 0);

  Postmortem pm0 = postmortem("pm0", "b", "2026-09-20", "SEV2");
  pm0.root_cause_category = "deploy";
  pm0.action_items = {item("X", "open", "2026-10-15"),
                      item("Y", "done", "2026-10-20", "2026-10-10"),
                      item("Z", "done", "2026-11-10", "2026-11-02")};
  Postmortem pm1 = postmortem("pm1", "a", "2026-10-03", "SEV1");
  pm1.time_to_resolve_minutes = 60;
  pm1.time_to_detect_minutes = 5;
  pm1.action_items = {item("W", "in-progress", "2026-10-31"), item("V", "open", "2026-11-01")};
  Postmortem pm2 = postmortem("pm2", "b", "2026-10-25T22:00:00Z", "sev3");
  pm2.time_to_resolve_minutes = 30;
  pm2.repeat_of = ref("pm0");
  Postmortem pm3 = postmortem("pm3", "a", "2026-11-02", "SEV4");
  pm3.action_items = {item("U", "open", "2026-10-01")}; // dated after P: not counted
  repo.postmortems = {pm0, pm1, pm2, pm3};

  ToilItem t1, t2, t3;
  t1.meta = meta("toil_item", "t1");
  t1.time_per_occurrence_min = 60;
  t1.occurrences_per_month = 10;
  t1.status = "active";
  t2 = t1;
  t2.meta = meta("toil_item", "t2");
  t2.occurrences_per_month = 8;
  t2.status = "automated";
  t2.automated_on = "2026-10-15";
  t2.automation_value = 8;
  t3 = t1;
  t3.meta = meta("toil_item", "t3");
  t3.occurrences_per_month = 5;
  t3.status = "automated";
  t3.automated_on = "2026-11-03";
  t3.automation_value = 5;
  repo.toil = {t1, t2, t3};

  Rotation r1, r2;
  r1.meta = meta("oncall_rotation", "r1");
  RotationHealth h;
  h.period = "2026-10";
  h.pages = 10;
  h.shifts = 10;
  h.off_hours_pages = 2;
  h.false_positive_pct = 20;
  h.avg_ack_min = 4;
  r1.health = {h};
  r2.meta = meta("oncall_rotation", "r2");
  h.pages = 30;
  h.shifts = 5; // 6 pages per shift: critical
  h.off_hours_pages = 6;
  h.false_positive_pct = 40;
  h.avg_ack_min = 8;
  r2.health = {h};
  h.period = "2026-09";
  h.pages = 12;
  r2.health.push_back(h);
  repo.rotations = {r1, r2};

  MonthlyReportDoc doc;
  doc.meta = meta("monthly_report", "2026-10");
  doc.period = "2026-10";
  doc.highlights = {"Shipped cell-based auth"};
  doc.concerns = {"Hiring"};
  doc.next_month_priorities = {"Load test checkout"};
  repo.reports = {doc};
  return repo;
}

bool has_prefix(const std::vector<std::string>& v, const std::string& prefix) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

} // namespace

TEST_SUITE("compute.report") {

  TEST_CASE("the monthly report's figures") {
    std::map<std::string, DailySeries> series;
    Repo repo = report_repo(series);
    auto r = compute_report(repo, series, "2026-10", k_now);
    REQUIRE(r);
    CHECK(r->period == "2026-10");
    CHECK(r->previous_period == "2026-09");

    CHECK(r->slo_summary.services_meeting_slo == 1);
    CHECK(r->slo_summary.services_breaching_slo == 1);
    CHECK(r->slo_summary.meeting == std::vector<std::string>{"a"});
    CHECK(r->slo_summary.breaching == std::vector<std::string>{"b"});
    CHECK(*r->slo_summary.worst_performing == "b");
    CHECK(*r->slo_summary.worst_slo == "b-avail");
    CHECK(*r->slo_summary.slos[1].consumed == doctest::Approx(2.0));
    CHECK_FALSE(r->slo_summary.slos[3].meets);

    CHECK(r->incidents.total == 2);
    CHECK(r->incidents.by_severity.at("SEV1") == 1);
    CHECK(r->incidents.by_severity.at("SEV2") == 0);
    CHECK(r->incidents.by_severity.at("SEV3") == 1);
    CHECK(r->incidents.by_severity.at("SEV4") == 0);
    CHECK(*r->incidents.mttr_minutes == doctest::Approx(45));
    CHECK(*r->incidents.mttd_minutes == doctest::Approx(5));
    CHECK(r->incidents.repeat_incidents == 1);

    CHECK(r->error_budget.services_in_healthy == 1);
    CHECK(r->error_budget.services_in_warning == 0);
    CHECK(r->error_budget.services_in_critical == 0);
    CHECK(r->error_budget.services_exhausted == 1);
    CHECK(r->error_budget.service_state.at("b") == "exhausted");
    CHECK_FALSE(r->error_budget.service_state.count("c"));

    CHECK(r->toil.hours_spent == doctest::Approx(15));
    CHECK(r->toil.hours_automated_away == doctest::Approx(8));
    CHECK(*r->toil.pct_of_sre_time == doctest::Approx(10));

    CHECK(r->on_call.total_pages == 40);
    CHECK(r->on_call.off_hours_pages == 8);
    CHECK(*r->on_call.false_positive_pct == doctest::Approx(35));
    CHECK(*r->on_call.avg_ack_time_min == doctest::Approx(7));
    CHECK(r->on_call.rotations_reporting == 2);

    CHECK(r->action_items.open == 4);                 // X, Z (done after P), W, V
    CHECK(r->action_items.completed_this_month == 1); // Y
    CHECK(r->action_items.overdue == 2);              // X, W (due on the last day of P)

    CHECK(r->highlights == std::vector<std::string>{"Shipped cell-based auth"});
    CHECK(r->concerns == std::vector<std::string>{"Hiring"});
    CHECK(r->next_month_priorities == std::vector<std::string>{"Load test checkout"});
    CHECK(r->report_doc == "2026-10");
    CHECK(has_prefix(r->computed_concerns, "Error budget exhausted: b-avail"));
    CHECK(has_prefix(r->computed_concerns, "SLO breached this month: b"));
    CHECK(has_prefix(r->computed_concerns, "1 SEV1 incident: pm1"));
    CHECK(has_prefix(r->computed_concerns, "2 overdue"));
    CHECK(has_prefix(r->computed_concerns, "On-call health critical: r2: pages per shift"));
    CHECK_FALSE(has_prefix(r->computed_concerns, "Toil"));

    // Against September: one incident (pm0, SEV2), no toil automated, 12 pages.
    CHECK(*r->delta.at("incidents.total") == 1);
    CHECK(*r->delta.at("incidents.by_severity.SEV2") == -1);
    CHECK_FALSE(r->delta.at("incidents.mttr_minutes")); // September has none
    CHECK(*r->delta.at("on_call.total_pages") == 28);
    CHECK(*r->delta.at("slo_summary.services_breaching_slo") == 1);
    CHECK(r->delta.size() == report_numbers(*r).size());
    CHECK(report_figure_is_count("incidents.total"));
    CHECK(report_figure_is_count("on_call.total_pages"));
    CHECK_FALSE(report_figure_is_count("incidents.mttr_minutes"));
    CHECK_FALSE(report_figure_is_count("toil.pct_of_sre_time"));
    // Each change reads one way on every page: counts whole, minutes with a decimal.
    CHECK(*report_change_text(*r, "incidents.total") == "+1");
    CHECK(*report_change_text(*r, "incidents.by_severity.SEV2") == "\xE2\x88\x92"
                                                                   "1");
    CHECK_FALSE(report_change_text(*r, "incidents.mttr_minutes"));
    r->delta["toil.pct_of_sre_time"] = -1.25;
    CHECK(*report_change_text(*r, "toil.pct_of_sre_time") == "\xE2\x88\x92"
                                                             "1.25 pts");
    r->delta["incidents.mttd_minutes"] = 3;
    CHECK(*report_change_text(*r, "incidents.mttd_minutes") == "+3.0 min");
    r->delta["on_call.total_pages"] = 0.2;
    CHECK(*report_change_text(*r, "on_call.total_pages") == "\xC2\xB1"
                                                            "0");
    CHECK(r->previous_has_report);
    CHECK(r->coverage.days_with_data == 31);
    CHECK(r->coverage.days_in_month == 31);
  }

  TEST_CASE("a partial month: coverage, nulls and no change against a month without a report") {
    // Hand-computed: a-avail has data on Oct 26..31 only (6 of 31 days), 1000 events a day and 3
    // bad on the 28th: 5997 / 6000 = 99.95% against 99.9%, 0.5 of the budget consumed. No
    // rotation reports October; September has no data and no postmortem, so it has no report.
    Repo repo;
    repo.services = {service("a")};
    repo.slos = {slo("a-avail", "a", 99.9)};
    std::map<std::string, DailySeries> series;
    fill(series["a-avail"], "2026-10-26", "2026-10-31", 1000, 0);
    series["a-avail"][day("2026-10-28")].good = 997;
    auto r = compute_report(repo, series, "2026-10", k_now);
    REQUIRE(r);
    CHECK(r->coverage.days_with_data == 6);
    CHECK(r->coverage.days_in_month == 31);
    CHECK(*r->slo_summary.slos[0].attainment == doctest::Approx(0.9995));
    CHECK(*r->slo_summary.slos[0].consumed == doctest::Approx(0.5));
    CHECK(r->slo_summary.slos[0].days_with_data == 6);
    CHECK(*r->slo_summary.services_meeting_slo == 1);
    CHECK(*r->slo_summary.services_breaching_slo == 0);
    CHECK_FALSE(r->on_call.total_pages); // no health entry: null, not 0 pages
    CHECK_FALSE(r->on_call.off_hours_pages);
    CHECK_FALSE(r->previous_has_report);
    for (const auto& [key, d] : r->delta) {
      INFO(key);
      CHECK_FALSE(d);
    }

    // A postmortem dated in September gives it a report: changes appear, for figures both have.
    repo.postmortems = {postmortem("pm", "a", "2026-09-10", "SEV3")};
    r = compute_report(repo, series, "2026-10", k_now);
    REQUIRE(r);
    CHECK(r->previous_has_report);
    CHECK(*r->delta.at("incidents.total") == -1);
    CHECK_FALSE(r->delta.at("slo_summary.services_meeting_slo")); // September has no SLO data
    CHECK_FALSE(r->delta.at("on_call.total_pages"));
  }

  TEST_CASE("a month with no incidents") {
    std::map<std::string, DailySeries> series;
    Repo repo = report_repo(series);
    auto r = compute_report(repo, series, "2026-07", k_now);
    REQUIRE(r);
    CHECK(r->incidents.total == 0);
    CHECK_FALSE(r->incidents.mttr_minutes);
    CHECK_FALSE(r->incidents.mttd_minutes);
    CHECK(r->incidents.by_severity.size() == 4);
    // No SLO data, no health entries: the figures are unknown (null), never 0.
    CHECK_FALSE(r->slo_summary.services_meeting_slo);
    CHECK_FALSE(r->slo_summary.services_breaching_slo);
    CHECK_FALSE(r->slo_summary.worst_performing);
    CHECK(r->error_budget.service_state.empty());
    CHECK_FALSE(r->error_budget.services_in_healthy);
    CHECK_FALSE(r->error_budget.services_exhausted);
    CHECK_FALSE(r->on_call.total_pages);
    CHECK_FALSE(r->on_call.off_hours_pages);
    CHECK(r->coverage.days_with_data == 0);
    CHECK(r->coverage.days_in_month == 31);
    // June has no data either: no changes are shown.
    CHECK_FALSE(r->previous_has_report);
    CHECK_FALSE(r->on_call.false_positive_pct);
    CHECK(r->action_items.open == 0);
    CHECK(r->computed_concerns.empty());
  }

  TEST_CASE("a month not yet over stops at now") {
    std::map<std::string, DailySeries> series;
    Repo repo = report_repo(series);
    fill(series["a-avail"], "2026-11-01", "2026-11-10", 1000, 1000); // data after now is ignored
    auto r = compute_report(repo, series, "2026-11", k_now);
    REQUIRE(r);
    CHECK(r->incidents.total == 1);
    CHECK(r->slo_summary.slos[0].days_with_data == 4);
    CHECK(r->coverage.days_with_data == 4); // closed days only: 1..4 November
    CHECK(r->coverage.days_in_month == 30);
    CHECK(r->action_items.overdue == 4);              // X, W, V (due on the 1st) and pm3's U
    CHECK(r->action_items.completed_this_month == 1); // Z
    // A SEV1 dated after now has not happened: not an incident of the month, nor a concern.
    repo.postmortems.push_back(postmortem("later", "a", "2026-11-20", "SEV1"));
    r = compute_report(repo, series, "2026-11", k_now);
    REQUIRE(r);
    CHECK(r->incidents.total == 1);
    CHECK(r->incidents.by_severity["SEV1"] == 0);
    CHECK(std::none_of(r->computed_concerns.begin(), r->computed_concerns.end(),
                       [](const std::string& c) { return c.find("later") != std::string::npos; }));
    // Nor are its action items; an item completed after now is still open, and toil automated
    // after now is still spent (now is 2026-11-05).
    const int open_before = r->action_items.open;
    const double spent_before = r->toil.hours_spent;
    repo.postmortems.back().action_items = {item("L", "open", "2026-11-02")};
    Postmortem done = postmortem("done", "a", "2026-11-01", "SEV4");
    done.action_items = {item("D", "done", "2026-11-03", "2026-11-25")};
    repo.postmortems.push_back(done);
    ToilItem soon = repo.toil[0];
    soon.meta = meta("toil_item", "soon");
    soon.status = "automated";
    soon.automated_on = "2026-11-28";
    soon.automation_value = 10;
    repo.toil.push_back(soon);
    r = compute_report(repo, series, "2026-11", k_now);
    REQUIRE(r);
    CHECK(r->action_items.open == open_before + 1);                   // D, not L
    CHECK(r->action_items.overdue == 5);                              // D is due on the 3rd
    CHECK(r->action_items.completed_this_month == 1);                 // Z, not D
    CHECK(r->toil.hours_spent == doctest::Approx(spent_before + 10)); // 60 min x 10, not yet away
    CHECK(r->toil.hours_automated_away == doctest::Approx(5));        // t3 (the 3rd) alone
  }

  TEST_CASE("a malformed period") {
    Repo repo;
    CHECK_FALSE(compute_report(repo, {}, "2026-13", k_now));
    CHECK_FALSE(compute_report(repo, {}, "October", k_now));
  }

  TEST_CASE("months with data") {
    Repo repo;
    repo.add_csv_row("m.csv", 2, "a", *parse_date("2026-10-03"), 1, 1);
    repo.add_csv_row("m.csv", 3, "a", *parse_date("2026-09-30"), 1, 1);
    repo.add_csv_row("m.csv", 4, "b", *parse_date("2026-09-30"), 1, 1); // the day repeats
    repo.add_csv_row("n.csv", 2, "a", *parse_date("1969-12-31"), 1, 1); // before the epoch
    repo.postmortems = {postmortem("p", "a", "2026-06-14", "SEV2"),
                        postmortem("q", "a", "", "SEV2")};
    CHECK(months_with_data(repo, {}) ==
          std::vector<std::string>{"1969-12", "2026-06", "2026-09", "2026-10"});
  }

  TEST_CASE("months with data in the store") {
    // Daily counts pulled from a source or imported from a file outside the repository are in
    // the store only: their months have data as much as the repository's CSV rows.
    Repo repo;
    repo.services = {service("a")};
    repo.slos = {slo("a-avail", "a", 99.0)};
    std::map<std::string, DailySeries> series;
    fill(series["a-avail"], "2026-08-30", "2026-10-02", 1000, 4);
    const std::int64_t empty_day = *parse_date("2026-07-15");
    series["a-avail"][empty_day] = DailyCount{empty_day, 0, 0};      // no traffic: not usable
    fill(series["gone-avail"], "2026-05-01", "2026-05-03", 1000, 0); // an SLO no longer defined
    CHECK(months_with_data(repo, series) ==
          std::vector<std::string>{"2026-08", "2026-09", "2026-10"});
    CHECK(months_with_data(repo, {}).empty());

    // So the month gets its report, and the next month's changes are against it.
    Figures f = compute_all(repo, series, {}, at("2026-11-01T00:00:00Z"), nullptr, 1);
    REQUIRE(f.reports.count("2026-09") == 1);
    // A month that has not begun has none, whatever is dated in it.
    CHECK(compute_all(repo, series, {}, at("2026-09-20T00:00:00Z"), nullptr, 1)
              .reports.count("2026-10") == 0);
    CHECK(compute_all(repo, series, {}, at("2026-09-20T00:00:00Z"), nullptr, 1)
              .reports.count("2026-09") == 1);
    const MonthlyReport& sep = f.reports.at("2026-09");
    CHECK(sep.coverage.days_with_data == 30);
    CHECK(sep.slo_summary.services_meeting_slo == 1);
    CHECK(sep.previous_has_report);
    CHECK(f.reports.count("2026-07") == 0);
    auto oct = compute_report(repo, series, "2026-10", at("2026-11-01T00:00:00Z"));
    REQUIRE(oct);
    CHECK(oct->previous_has_report);
  }

  TEST_CASE("a month people wrote a report or on-call health for has a report") {
    // No metrics and no postmortem in September or November: the monthly_report document's own
    // lists and the rotation's health entry are the month's data, and are not dropped.
    Repo repo;
    repo.services = {service("a")};
    repo.slos = {slo("a-avail", "a", 99.0)};
    MonthlyReportDoc doc;
    doc.meta.id = "sep";
    doc.period = "2026-09";
    doc.highlights = {"Migrated the queue"};
    MonthlyReportDoc bad;
    bad.meta.id = "bad";
    bad.period = "September"; // not a month: no report of its own
    repo.reports = {doc, bad};
    Rotation rot;
    rot.meta.id = "r1";
    RotationHealth h;
    h.period = "2026-11";
    h.pages = 12;
    rot.health = {h};
    repo.rotations = {rot};
    CHECK(months_with_data(repo, {}) == std::vector<std::string>{"2026-09", "2026-11"});
    Figures f = compute_all(repo, {}, {}, at("2026-12-01T00:00:00Z"), nullptr, 1);
    REQUIRE(f.reports.count("2026-09") == 1);
    CHECK(f.reports.at("2026-09").highlights == std::vector<std::string>{"Migrated the queue"});
    CHECK_FALSE(f.reports.at("2026-09").slo_summary.services_meeting_slo); // no data: not 0
    REQUIRE(f.reports.count("2026-11") == 1);
    CHECK(f.reports.at("2026-11").on_call.total_pages == 12);
    CHECK(f.reports.size() == 2);
  }

  TEST_CASE("a frozen month without data keeps the lists that come from documents") {
    // Its metrics and its postmortems are gone; the rotations' entries for the month are not.
    std::map<std::string, DailySeries> series;
    Repo repo = report_repo(series);
    repo.postmortems.erase(
        std::remove_if(repo.postmortems.begin(), repo.postmortems.end(),
                       [](const Postmortem& p) { return p.date.rfind("2026-10", 0) == 0; }),
        repo.postmortems.end());
    repo.reports[0].frozen_json = R"({"on_call": {"total_pages": 40, "off_hours_pages": 8},
                                      "incidents": {"total": 2},
                                      "computed_concerns": ["On-call health critical: r2: pages per shift"]})";
    Figures f = compute_all(repo, {}, {}, k_now, nullptr, 1);
    REQUIRE(f.reports.count("2026-10") == 1);
    const MonthlyReport& r = f.reports.at("2026-10");
    CHECK(r.frozen);
    CHECK(r.on_call.total_pages == 40); // frozen
    CHECK(r.incidents.total == 2);      // frozen
    CHECK(r.on_call.rotations_reporting == 2);
    CHECK(has_prefix(r.on_call.critical, "r2: pages per shift"));
    CHECK(r.on_call.critical == compute_report(repo, {}, "2026-10", k_now)->on_call.critical);
    CHECK(r.highlights == std::vector<std::string>{"Shipped cell-based auth"});
    CHECK(r.report_doc == "2026-10");
  }

  TEST_CASE("a month a hair under its target does not meet it") {
    // 99.89999999999 % of 10^13 events prints as 99.9 at twelve significant digits; the verdict
    // comes from the counts, so it is a breach, as the row's consumed figure (over 100 %) says.
    Repo repo;
    repo.services = {service("a"), service("b")};
    repo.slos = {slo("a-avail", "a", 99.9), slo("b-avail", "b", 99.9)};
    std::map<std::string, DailySeries> series;
    fill(series["a-avail"], "2026-10-15", "2026-10-15", 1e13, 10000000001.0);
    fill(series["b-avail"], "2026-10-15", "2026-10-15", 1000, 1); // exactly on target: met
    auto r = compute_report(repo, series, "2026-10", at("2026-11-01T00:00:00Z"));
    REQUIRE(r);
    const SloMonth& a = r->slo_summary.slos[0];
    REQUIRE(a.consumed);
    CHECK(*a.consumed > 1.0);
    CHECK(a.meets == false);
    CHECK(r->slo_summary.slos[1].meets == true);
    CHECK(r->slo_summary.breaching == std::vector<std::string>{"a"});
    CHECK(r->slo_summary.meeting == std::vector<std::string>{"b"});
  }

  TEST_CASE("the report's month follows the SLO's budgeting method, as the budget does") {
    // 28 perfect days and 3 at 99.9 %: 99.99 % of events but 28 of 31 good whole-day slices.
    Repo repo;
    repo.services = {service("a")};
    Slo ts = slo("a-slices", "a", 95);
    ts.budgeting = "Timeslices";
    ts.slice_minutes = 1440;
    ts.slice_target = 0.9995;
    ts.calendar_unit = "M"; // the budget's window is October too
    Slo fine = ts;
    fine.meta = meta("slo", "a-minutes");
    fine.slice_minutes = 1;
    repo.slos = {ts, fine};
    std::map<std::string, DailySeries> series;
    for (const char* id : {"a-slices", "a-minutes"}) {
      fill(series[id], "2026-10-01", "2026-10-28", 10000, 0);
      fill(series[id], "2026-10-29", "2026-10-31", 10000, 10);
    }
    const std::int64_t now = at("2026-11-01T00:00:00Z");
    auto r = compute_report(repo, series, "2026-10", now);
    REQUIRE(r);
    const SloMonth& m = r->slo_summary.slos[0];
    REQUIRE(m.attainment);
    CHECK(*m.attainment == doctest::Approx(28.0 / 31.0));
    SloFigures f = compute_slo(repo, ts, &series["a-slices"], nullptr, now);
    CHECK(f.window_start == "2026-10-01");
    CHECK(m.attainment == f.attainment);
    CHECK(m.consumed == f.consumed);
    CHECK(m.meets == false);
    // Slices finer than a day: no figure, as in the budget, and so no verdict either.
    const SloMonth& n = r->slo_summary.slos[1];
    CHECK(n.days_with_data == 31);
    CHECK_FALSE(n.attainment);
    CHECK_FALSE(n.consumed);
    CHECK_FALSE(n.meets);
    CHECK(r->slo_summary.worst_slo == "a-slices");
    CHECK(r->slo_summary.breaching == std::vector<std::string>{"a"});

    repo.slos = {fine};
    r = compute_report(repo, series, "2026-10", now);
    REQUIRE(r);
    CHECK_FALSE(r->slo_summary.services_breaching_slo);
    CHECK_FALSE(r->slo_summary.worst_performing);
    CHECK(r->computed_concerns.empty());
  }

  TEST_CASE("a month's figures and their changes carry no binary noise") {
    // Toil of 10 + 0.35 hours in October against 10 + 0.35 + 0.35 in September: 10.35 and 10.7
    // hours, a change of −0.35, where binary sums and their difference made −0.34999999999999964.
    std::map<std::string, DailySeries> series;
    Repo repo = report_repo(series);
    for (auto& t : repo.toil)
      if (t.meta.id != "t1") {
        t.time_per_occurrence_min = 7;
        t.occurrences_per_month = 3;
      }
    auto r = compute_report(repo, series, "2026-10", k_now);
    REQUIRE(r);
    CHECK(r->toil.hours_spent == 10.35);
    CHECK(*r->delta.at("toil.hours_spent") == -0.35);
    CHECK(*r->toil.pct_of_sre_time == 6.9); // of 150 SRE hours
  }

} // TEST_SUITE

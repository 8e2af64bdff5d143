#include "compute/slo.hpp"
#include "link/link.hpp"
#include "model/alerts.hpp"
#include "model/history.hpp"
#include "model/time.hpp"

#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <vector>

namespace nines {
namespace {

// Every "days ago" below counts from this date.
const std::int64_t k_today = *parse_date("2026-11-23");

std::vector<Diagnostic> lint(const Repo& repo) {
  DiagBag bag;
  run_lints(repo, k_today, bag);
  return bag.sorted();
}

// Only the diagnostics of one rule: several fixtures trip more than the lint under test (an SLO
// alert without a runbook, say), and those belong to other tests.
std::vector<Diagnostic> lint(const Repo& repo, const std::string& rule) {
  std::vector<Diagnostic> out;
  for (auto& d : lint(repo))
    if (d.rule == rule) out.push_back(std::move(d));
  return out;
}

struct Expected {
  std::string file;
  Loc loc;
  Severity severity;
  std::string rule, message;
  std::string hint = {}; // unchecked when empty
};

// Exactly one diagnostic, matching in every field (the hint only when one is expected).
void expect_one(const std::vector<Diagnostic>& got, const Expected& want) {
  INFO("rule " << want.rule << ", message " << want.message);
  REQUIRE(got.size() == 1);
  const Diagnostic& d = got[0];
  CHECK(d.file == want.file);
  CHECK(d.loc.line == want.loc.line);
  CHECK(d.loc.col == want.loc.col);
  CHECK(d.severity == want.severity);
  CHECK(d.rule == want.rule);
  CHECK(d.message == want.message);
  if (!want.hint.empty()) CHECK(d.hint == want.hint);
}

DocMeta meta(const std::string& kind, const std::string& id, const std::string& file) {
  DocMeta m;
  m.kind = kind;
  m.id = id;
  m.file = file;
  m.loc = {1, 1};
  m.id_loc = {2, 3};
  return m;
}

Slo make_slo(const std::string& id, const std::string& service, double target) {
  Slo s;
  s.meta = meta("slo", id, "slos/" + id + ".yaml");
  s.service = {service, {3, 12}};
  s.target = target;
  s.target_loc = {4, 11};
  s.window = "28d";
  s.window_days = 28;
  return s;
}

BurnRateAlert make_alert(const std::string& name, double burn_rate, int line) {
  BurnRateAlert a;
  a.name = name;
  a.loc = {line, 5};
  a.burn_rate = burn_rate;
  a.burn_rate_loc = {line + 1, 18};
  a.short_window = "5m";
  a.long_window = "1h";
  a.short_window_min = 5;
  a.long_window_min = 60;
  return a;
}

Runbook make_runbook(const std::string& alert_name, const std::string& service) {
  Runbook r;
  r.meta = meta("runbook", alert_name + "-" + service, "runbooks/" + alert_name + ".yaml");
  r.alert_name = alert_name;
  r.service = {service, {3, 12}};
  r.last_updated = format_date(k_today);
  r.last_updated_loc = {5, 15};
  return r;
}

Service make_service(const std::string& id, const std::string& multi_region) {
  Service s;
  s.meta = meta("service", id, "services/" + id + ".yaml");
  s.multi_region = multi_region;
  s.multi_region_loc = {9, 17};
  return s;
}

Postmortem make_postmortem(const std::string& severity) {
  Postmortem p;
  p.meta = meta("postmortem", "2026-10-14-outage", "postmortems/2026-10-14-outage.yaml");
  p.severity = p.declared_severity = severity;
  p.severity_loc = {4, 13};
  return p;
}

Rotation make_rotation(std::size_t members) {
  Rotation r;
  r.meta = meta("oncall_rotation", "payments-oncall", "oncall/payments-oncall.yaml");
  r.name = "payments-oncall";
  for (std::size_t i = 0; i < members; ++i)
    r.members.push_back("person" + std::to_string(i));
  r.members_loc = {6, 3};
  return r;
}

ToilItem make_toil(double minutes, double per_month, std::optional<double> total) {
  ToilItem t;
  t.meta = meta("toil_item", "cert-rotation", "toil/cert-rotation.yaml");
  t.time_per_occurrence_min = minutes;
  t.occurrences_per_month = per_month;
  t.total_hours_per_month = total;
  t.total_hours_loc = {8, 26};
  return t;
}

// ---- slo-error-budget ----

TEST_CASE("slo-error-budget: an error_budget that is not 100 - target is an error") {
  Repo repo;
  repo.slos.push_back(make_slo("checkout-availability", "checkout-api", 99.9));
  repo.slos[0].error_budget = 0.2;
  repo.slos[0].error_budget_loc = {7, 17};
  expect_one(lint(repo), {"slos/checkout-availability.yaml",
                          {7, 17},
                          Severity::Error,
                          "slo-error-budget",
                          "error_budget 0.2 does not match 100 - target (0.1)",
                          "error_budget is the percentage of events allowed to fail"});
}

TEST_CASE("slo-error-budget: the value as written, the expected budget as a decimal") {
  struct Case {
    double target, written;
    const char* message;
  };
  for (Case c :
       {Case{99.9, 0.100002, "error_budget 0.100002 does not match 100 - target (0.1)"},
        Case{99.99, 0.01003, "error_budget 0.01003 does not match 100 - target (0.01)"},
        Case{99.99999, 0.0001, "error_budget 0.0001 does not match 100 - target (0.00001)"}}) {
    CAPTURE(c.target);
    Repo repo;
    repo.slos.push_back(make_slo("s", "svc", c.target));
    repo.slos[0].error_budget = c.written;
    const auto got = lint(repo, "slo-error-budget");
    REQUIRE(got.size() == 1);
    CHECK(got[0].message == c.message);
  }
}

TEST_CASE("slo-error-budget: a matching error_budget, or none, is fine") {
  Repo repo;
  repo.slos.push_back(make_slo("a", "svc", 99.9));
  repo.slos[0].error_budget = 0.1; // 100 - 99.9 is 0.0999999999999943 in binary
  repo.slos.push_back(make_slo("b", "svc", 99.9));
  CHECK(lint(repo).empty());
}

TEST_CASE("slo-error-budget: skipped when the target is missing or out of range") {
  Repo repo;
  for (double target : {0.0, 100.0, -5.0, 120.0}) {
    repo.slos.push_back(make_slo("s" + std::to_string(repo.slos.size()), "svc", target));
    repo.slos.back().error_budget = 0.5;
    repo.slos.back().error_budget_minutes = 1;
    repo.slos.back().sla = 99;
  }
  CHECK(lint(repo).empty());
}

// ---- slo-budget-minutes ----

TEST_CASE("slo-budget-minutes: off by more than a minute is an error") {
  Repo repo;
  repo.slos.push_back(make_slo("checkout-availability", "checkout-api", 99.9));
  repo.slos[0].error_budget_minutes = 50;
  repo.slos[0].error_budget_minutes_loc = {8, 25};
  expect_one(lint(repo), {"slos/checkout-availability.yaml",
                          {8, 25},
                          Severity::Error,
                          "slo-budget-minutes",
                          "error_budget_minutes 50 is off by more than a minute: 99.9% over 28d "
                          "allows 40.32 minutes"});
}

TEST_CASE("slo-budget-minutes: exactly one minute off is accepted, 1.01 is not") {
  // 99.9% over 28d allows 40.32 minutes.
  for (double given : {41.32, 39.32, 40.32}) {
    Repo repo;
    repo.slos.push_back(make_slo("s", "svc", 99.9));
    repo.slos[0].error_budget_minutes = given;
    CAPTURE(given);
    CHECK(lint(repo).empty());
  }
  for (double given : {41.33, 39.31}) {
    Repo repo;
    repo.slos.push_back(make_slo("s", "svc", 99.9));
    repo.slos[0].error_budget_minutes = given;
    CAPTURE(given);
    CHECK(lint(repo, "slo-budget-minutes").size() == 1);
  }
}

TEST_CASE("slo-budget-minutes: an unwritten window is named by its days") {
  Repo repo;
  repo.slos.push_back(make_slo("s", "svc", 99.9));
  repo.slos[0].window = "";
  repo.slos[0].window_days = 30;
  repo.slos[0].error_budget_minutes = 50;
  repo.slos[0].error_budget_minutes_loc = {8, 25};
  expect_one(lint(repo), {"slos/s.yaml",
                          {8, 25},
                          Severity::Error,
                          "slo-budget-minutes",
                          "error_budget_minutes 50 is off by more than a minute: 99.9% over 30d "
                          "allows 43.2 minutes"});
}

// ---- slo-target-ratio ----

TEST_CASE("slo-target-ratio: a native target below 1 is a ratio written as a percentage") {
  Repo repo;
  repo.slos.push_back(make_slo("s", "svc", 0.999));
  repo.slos[0].target_loc = {5, 11};
  std::vector<Diagnostic> found;
  for (const auto& d : lint(repo))
    if (d.rule == "slo-target-ratio") found.push_back(d);
  REQUIRE(found.size() == 1);
  CHECK(found[0].severity == Severity::Error);
  CHECK(found[0].loc.line == 5);
  CHECK(found[0].loc.col == 11);
  CHECK(found[0].message == "target 0.999 is a percentage: 0.999% — did you mean 99.9?");
  // The one finding: no budget lint that would have the rest agree with the mistaken target.
  repo.slos[0].error_budget = 0.1;
  repo.slos[0].error_budget_minutes = 40.32;
  repo.slos[0].window_days = 28;
  for (const auto& d : lint(repo))
    CHECK_MESSAGE((d.rule != "slo-error-budget" && d.rule != "slo-budget-minutes" &&
                   d.rule != "burn-alert-never-fires"),
                  d.message);
  // A percentage, a tiny percentage no ratio would mean (0.001), and an OpenSLO ratio
  // (converted to a percentage) are not judged.
  repo.slos[0].target = 99.9;
  repo.slos.push_back(make_slo("t", "svc", 0.001));
  repo.slos.push_back(make_slo("o", "svc", 0.5));
  repo.slos[2].meta.dialect = "openslo";
  for (const auto& d : lint(repo))
    CHECK(d.rule != "slo-target-ratio");
}

// ---- slo-sla ----

TEST_CASE("slo-sla: an SLA equal to the target is an error") {
  Repo repo;
  repo.slos.push_back(make_slo("s", "svc", 99.9));
  repo.slos[0].sla = 99.9;
  repo.slos[0].sla_loc = {10, 8};
  expect_one(lint(repo), {"slos/s.yaml",
                          {10, 8},
                          Severity::Error,
                          "slo-sla",
                          "SLA 99.9% is not below the SLO target 99.9%",
                          "the internal SLO must be stricter than the external SLA (typically by "
                          "0.1-0.5%)"});
}

TEST_CASE("slo-sla: an SLA above the target is an error, one below is fine") {
  Repo repo;
  repo.slos.push_back(make_slo("s", "svc", 99.9));
  repo.slos[0].sla = 99.95;
  repo.slos[0].sla_loc = {10, 8};
  expect_one(lint(repo), {"slos/s.yaml",
                          {10, 8},
                          Severity::Error,
                          "slo-sla",
                          "SLA 99.95% is not below the SLO target 99.9%"});
  repo.slos[0].sla = 99.5;
  CHECK(lint(repo).empty());
}

// ---- slo-review-overdue ----

TEST_CASE("slo-review-overdue: the spec's example") {
  Repo repo;
  repo.slos.push_back(make_slo("s", "svc", 99.9));
  repo.slos[0].review_cadence = "monthly";
  repo.slos[0].review_cadence_loc = {12, 19};
  repo.slos[0].last_reviewed = {"2026-08-01", {13, 18}};
  expect_one(lint(repo), {"slos/s.yaml",
                          {13, 18},
                          Severity::Warning,
                          "slo-review-overdue",
                          "SLO last reviewed 2026-08-01, 114 days ago, past its monthly cadence "
                          "(31 days)"});
}

TEST_CASE("slo-review-overdue: exactly at the cadence is fine, a day past is not") {
  struct Case {
    const char* cadence;
    int days;
  };
  for (Case c :
       {Case{"weekly", 7}, Case{"monthly", 31}, Case{"quarterly", 92}, Case{"yearly", 366}}) {
    CAPTURE(c.cadence);
    Repo repo;
    repo.slos.push_back(make_slo("s", "svc", 99.9));
    repo.slos[0].review_cadence = c.cadence;
    repo.slos[0].last_reviewed = {format_date(k_today - c.days), {13, 18}};
    CHECK(lint(repo).empty());

    std::string date = format_date(k_today - c.days - 1);
    repo.slos[0].last_reviewed.value = date;
    expect_one(lint(repo), {"slos/s.yaml",
                            {13, 18},
                            Severity::Warning,
                            "slo-review-overdue",
                            "SLO last reviewed " + date + ", " + std::to_string(c.days + 1) +
                                " days ago, past its " + c.cadence + " cadence (" +
                                std::to_string(c.days) + " days)"});
  }
}

TEST_CASE("slo-review-overdue: a cadence without last_reviewed is a warning at the cadence") {
  Repo repo;
  repo.slos.push_back(make_slo("s", "svc", 99.9));
  repo.slos[0].review_cadence = "monthly";
  repo.slos[0].review_cadence_loc = {12, 19};
  expect_one(lint(repo), {"slos/s.yaml",
                          {12, 19},
                          Severity::Warning,
                          "slo-review-overdue",
                          "SLO has a monthly review cadence but no last_reviewed date"});
}

TEST_CASE("slo-review-overdue: no cadence, an unknown one or an unparseable date is skipped") {
  Repo repo;
  repo.slos.push_back(make_slo("a", "svc", 99.9));
  repo.slos[0].last_reviewed = {"2020-01-01", {13, 18}};
  repo.slos.push_back(make_slo("b", "svc", 99.9));
  repo.slos[1].review_cadence = "fortnightly";
  repo.slos.push_back(make_slo("c", "svc", 99.9));
  repo.slos[2].review_cadence = "weekly";
  repo.slos[2].last_reviewed = {"last tuesday", {13, 18}};
  CHECK(lint(repo).empty());
}

// ---- slo-multi-region ----

TEST_CASE("slo-multi-region: the strictest target of the service sets the requirement") {
  Repo repo;
  repo.services.push_back(make_service("checkout-api", "single"));
  repo.slos.push_back(make_slo("latency", "checkout-api", 99.5));
  repo.slos.push_back(make_slo("availability", "checkout-api", 99.95));
  repo.slos.push_back(make_slo("other", "search-api", 99.999)); // another service's
  expect_one(lint(repo), {"services/checkout-api.yaml",
                          {9, 17},
                          Severity::Warning,
                          "slo-multi-region",
                          "multi_region 'single' is below the decision guide for a 99.95% SLO: "
                          "at least active-passive"});
}

TEST_CASE("slo-multi-region: the decision guide's boundaries") {
  struct Case {
    double target;
    const char* written; // the target as the message prints it
    const char* strategy;
    const char* required; // "" when the strategy suffices
  };
  for (Case c :
       {Case{99.89, "99.89", "single", ""}, Case{99.9, "99.9", "single", "active-passive"},
        Case{99.9, "99.9", "active-passive", ""}, Case{99.95, "99.95", "active-passive", ""},
        Case{99.96, "99.96", "active-passive", "active-active-read"},
        Case{99.99, "99.99", "active-passive", "active-active-read"},
        Case{99.99, "99.99", "active-active-read", ""},
        Case{99.995, "99.995", "active-active-full", "cell-based"},
        Case{99.995, "99.995", "cell-based", ""}, Case{99.999, "99.999", "single", "cell-based"}}) {
    CAPTURE(c.target);
    CAPTURE(c.strategy);
    Repo repo;
    repo.services.push_back(make_service("svc", c.strategy));
    repo.slos.push_back(make_slo("s", "svc", c.target));
    auto got = lint(repo);
    if (std::string(c.required).empty()) {
      CHECK(got.empty());
    } else {
      expect_one(got, {"services/svc.yaml",
                       {9, 17},
                       Severity::Warning,
                       "slo-multi-region",
                       "multi_region '" + std::string(c.strategy) +
                           "' is below the decision guide for a " + c.written + "% SLO: at least " +
                           c.required});
    }
  }
}

TEST_CASE("slo-multi-region: skipped without a strategy or without SLOs") {
  Repo repo;
  repo.services.push_back(make_service("a", ""));
  repo.slos.push_back(make_slo("s", "a", 99.999));
  repo.services.push_back(make_service("b", "single"));
  repo.slos.push_back(make_slo("t", "b", 0)); // target missing
  CHECK(lint(repo).empty());
}

// ---- burn-alert-never-fires ----

TEST_CASE("burn-alert-never-fires: a threshold above the highest possible burn rate") {
  Repo repo;
  repo.slos.push_back(make_slo("s", "svc", 90));
  repo.slos[0].alerts.push_back(make_alert("fast_burn", 14.4, 20));
  expect_one(lint(repo, "burn-alert-never-fires"),
             {"slos/s.yaml",
              {21, 18},
              Severity::Error,
              "burn-alert-never-fires",
              "burn-rate alert 'fast_burn' at 14.4x can never fire: with a 90% target the "
              "highest possible burn rate is 10x",
              "lower the threshold, or drop this alert (SRE Workbook, alerting on SLOs)"});
}

TEST_CASE("burn-alert-never-fires: a threshold exactly at the maximum can never fire") {
  struct Case {
    double target, max;
  };
  for (Case c : {Case{90, 10}, Case{99, 100}, Case{99.9, 1000}, Case{99.95, 2000},
                 Case{99.99, 10000}, Case{99.999, 100000}}) {
    CAPTURE(c.target);
    Repo repo;
    repo.slos.push_back(make_slo("s", "svc", c.target));
    // The rule fires on an error ratio strictly above B·b, which is 1 here: never.
    repo.slos[0].alerts.push_back(make_alert("at_max", c.max, 20));
    auto got = lint(repo, "burn-alert-never-fires");
    REQUIRE(got.size() == 1);
    CHECK(got[0].message.find(", and the alert fires only on a burn above its threshold") !=
          std::string::npos);
    repo.slos[0].alerts[0].burn_rate = c.max * 1.001;
    CHECK(lint(repo, "burn-alert-never-fires").size() == 1);
    repo.slos[0].alerts[0].burn_rate = c.max * 0.999;
    CHECK(lint(repo, "burn-alert-never-fires").empty());
  }
}

// ---- postmortem-severity ----

TEST_CASE("postmortem-severity: declared below the matrix") {
  Postmortem pm = make_postmortem("SEV3");
  pm.classification_function = "core-down";
  pm.classification_scope = "gt-25pct";
  Repo repo;
  repo.postmortems.push_back(pm);
  expect_one(lint(repo), {"postmortems/2026-10-14-outage.yaml",
                          {4, 13},
                          Severity::Warning,
                          "postmortem-severity",
                          "declared SEV3 is below the severity matrix: core-down affecting "
                          "gt-25pct is SEV1"});
}

TEST_CASE("postmortem-severity: every matrix cell, at its severity and one below") {
  const char* functions[] = {"core-down", "degraded", "non-core-down", "cosmetic"};
  const char* scopes[] = {"one-user", "lt-25pct", "gt-25pct", "all-users"};
  const int matrix[4][4] = {{3, 2, 1, 1}, {4, 3, 2, 1}, {4, 3, 3, 2}, {4, 4, 3, 3}};
  for (int f = 0; f < 4; ++f) {
    for (int s = 0; s < 4; ++s) {
      int cell = matrix[f][s];
      CAPTURE(functions[f]);
      CAPTURE(scopes[s]);
      Repo repo;
      repo.postmortems.push_back(make_postmortem("SEV" + std::to_string(cell)));
      repo.postmortems[0].classification_function = functions[f];
      repo.postmortems[0].classification_scope = scopes[s];
      CHECK(lint(repo).empty());
      if (cell == 4) continue;
      repo.postmortems[0].severity = repo.postmortems[0].declared_severity =
          "SEV" + std::to_string(cell + 1);
      expect_one(lint(repo), {"postmortems/2026-10-14-outage.yaml",
                              {4, 13},
                              Severity::Warning,
                              "postmortem-severity",
                              "declared SEV" + std::to_string(cell + 1) +
                                  " is below the severity matrix: " + functions[f] + " affecting " +
                                  scopes[s] + " is SEV" + std::to_string(cell)});
    }
  }
}

TEST_CASE("postmortem-severity: auto-escalation names its reason") {
  struct Case {
    const char* severity;
    bool data_loss, pii, revenue;
    const char* reason; // "" when no warning
  };
  for (Case c : {Case{"SEV2", true, false, false, "data loss requires SEV1"},
                 Case{"SEV1", true, false, false, ""},
                 Case{"SEV4", false, true, false, "a security breach with PII requires SEV1"},
                 Case{"SEV3", false, false, true, "revenue impact requires SEV2 or higher"},
                 Case{"SEV2", false, false, true, ""}, Case{"SEV1", false, false, true, ""},
                 // Ties go to the first in the order data loss, PII, revenue.
                 Case{"SEV2", true, true, true, "data loss requires SEV1"},
                 Case{"SEV2", false, true, true, "a security breach with PII requires SEV1"}}) {
    CAPTURE(c.severity);
    CAPTURE(c.reason);
    Repo repo;
    repo.postmortems.push_back(make_postmortem(c.severity));
    repo.postmortems[0].data_loss = c.data_loss;
    repo.postmortems[0].security_breach_pii = c.pii;
    repo.postmortems[0].revenue_impacting = c.revenue;
    auto got = lint(repo);
    if (std::string(c.reason).empty()) {
      CHECK(got.empty());
    } else {
      expect_one(got, {"postmortems/2026-10-14-outage.yaml",
                       {4, 13},
                       Severity::Warning,
                       "postmortem-severity",
                       "declared " + std::string(c.severity) +
                           " is below the severity matrix: " + c.reason});
    }
  }
}

TEST_CASE("postmortem-severity: the most severe requirement wins, ties go to the matrix") {
  Repo repo;
  repo.postmortems.push_back(make_postmortem("SEV4"));
  auto& pm = repo.postmortems[0];
  pm.classification_function = "degraded"; // SEV3
  pm.classification_scope = "lt-25pct";
  pm.revenue_impacting = true; // SEV2: more severe than the matrix
  CHECK(lint(repo).at(0).message ==
        "declared SEV4 is below the severity matrix: revenue impact requires SEV2 or higher");
  pm.classification_scope = "all-users"; // SEV1: beats revenue
  pm.data_loss = true;                   // SEV1 too: the tie goes to the matrix
  CHECK(lint(repo).at(0).message ==
        "declared SEV4 is below the severity matrix: degraded affecting all-users is SEV1");
}

TEST_CASE("postmortem-severity: skipped when undecidable") {
  Repo repo;
  for (const char* severity : {"", "P1", "SEV5", "sev1"}) {
    repo.postmortems.push_back(make_postmortem(severity));
    repo.postmortems.back().data_loss = true;
  }
  // Half a classification is no classification.
  repo.postmortems.push_back(make_postmortem("SEV4"));
  repo.postmortems.back().classification_function = "core-down";
  repo.postmortems.push_back(make_postmortem("SEV4"));
  repo.postmortems.back().classification_function = "core-down";
  repo.postmortems.back().classification_scope = "everyone";
  CHECK(lint(repo).empty());
}

// ---- postmortem-timeline-order ----

TEST_CASE("postmortem-timeline-order: an entry earlier than the one before it") {
  Repo repo;
  repo.postmortems.push_back(make_postmortem("SEV2"));
  repo.postmortems[0].timeline = {{"03:00", "paged", {20, 5}},
                                  {"03:15", "acked", {21, 5}},
                                  {"03:15", "same time is fine", {22, 5}},
                                  {"03:10", "rolled back", {23, 5}},
                                  {"03:20", "resolved", {24, 5}}};
  expect_one(lint(repo), {"postmortems/2026-10-14-outage.yaml",
                          {23, 5},
                          Severity::Warning,
                          "postmortem-timeline-order",
                          "timeline entry at 03:10 is earlier than the one before it (03:15)",
                          "timeline entries are chronological"});
}

TEST_CASE("postmortem-timeline-order: dated and undated times are not compared") {
  Repo repo;
  repo.postmortems.push_back(make_postmortem("SEV2"));
  repo.postmortems[0].timeline = {{"2026-10-14 03:15", "paged", {20, 5}},
                                  {"03:10", "acked", {21, 5}},
                                  {"2026-10-14 04:00", "resolved", {22, 5}}};
  CHECK(lint(repo).empty());
}

TEST_CASE("postmortem-timeline-order: dated entries compare across days") {
  Repo repo;
  repo.postmortems.push_back(make_postmortem("SEV2"));
  repo.postmortems[0].timeline = {{"2026-10-14 03:15", "paged", {20, 5}},
                                  {"2026-10-13 23:00", "deploy", {21, 5}}};
  expect_one(lint(repo), {"postmortems/2026-10-14-outage.yaml",
                          {21, 5},
                          Severity::Warning,
                          "postmortem-timeline-order",
                          "timeline entry at 2026-10-13 23:00 is earlier than the one before it "
                          "(2026-10-14 03:15)"});
}

TEST_CASE("postmortem-timeline-order: unparseable times are skipped") {
  Repo repo;
  repo.postmortems.push_back(make_postmortem("SEV2"));
  repo.postmortems[0].timeline = {{"03:15", "paged", {20, 5}},
                                  {"shortly after", "acked", {21, 5}},
                                  {"", "nothing", {22, 5}},
                                  {"03:10", "rolled back", {23, 5}}};
  expect_one(lint(repo), {"postmortems/2026-10-14-outage.yaml",
                          {23, 5},
                          Severity::Warning,
                          "postmortem-timeline-order",
                          "timeline entry at 03:10 is earlier than the one before it (03:15)"});
}

// ---- action-item-owner, action-item-deadline ----

TEST_CASE("action items without owner or deadline") {
  Repo repo;
  repo.postmortems.push_back(make_postmortem("SEV2"));
  auto& items = repo.postmortems[0].action_items;
  items.resize(3);
  items[0].id = "AI-001";
  items[0].owner = "alice";
  items[0].deadline = "2026-12-01";
  items[0].loc = {30, 5};
  items[1].id = "AI-002";
  items[1].loc = {35, 5};
  items[2].owner = "bob";
  items[2].loc = {40, 5};
  auto got = lint(repo);
  REQUIRE(got.size() == 3);
  CHECK(got[0].rule == "action-item-deadline");
  CHECK(got[0].message == "action item AI-002 has no deadline");
  CHECK(got[0].severity == Severity::Warning);
  CHECK(got[0].loc.line == 35);
  CHECK(got[1].rule == "action-item-owner");
  CHECK(got[1].message == "action item AI-002 has no owner");
  CHECK(got[1].severity == Severity::Warning);
  CHECK(got[1].loc.line == 35);
  CHECK(got[1].file == "postmortems/2026-10-14-outage.yaml");
  CHECK(got[2].rule == "action-item-deadline");
  CHECK(got[2].message == "action item #3 has no deadline");
  CHECK(got[2].loc.line == 40);
  CHECK(got[2].loc.col == 5);
}

TEST_CASE("action-item-status: completed but not done is counted both ways") {
  Repo repo;
  repo.postmortems.push_back(make_postmortem("SEV2"));
  auto& items = repo.postmortems[0].action_items;
  items.resize(3);
  for (auto& i : items) {
    i.owner = "alice";
    i.deadline = "2026-10-30";
  }
  items[0].id = "AI-1";
  items[0].status = "in-progress";
  items[0].completed = "2026-10-25";
  items[0].loc = {12, 7};
  items[1].id = "AI-2";
  items[1].status = "done";
  items[1].completed = "2026-10-25";
  items[2].id = "AI-3";
  items[2].status = "open";
  auto got = lint(repo, "action-item-status");
  REQUIRE(got.size() == 1);
  CHECK(got[0].severity == Severity::Warning);
  CHECK(got[0].loc.line == 12);
  CHECK(got[0].message == "action item AI-1 has completed 2026-10-25 while its status is "
                          "'in-progress': the monthly report for 2026-10 counts it both as "
                          "completed and as open, and every page shows it open");
}

// ---- oncall-rotation-size ----

TEST_CASE("oncall-rotation-size: 4 members is a warning, 5 is fine") {
  Repo repo;
  repo.rotations.push_back(make_rotation(4));
  expect_one(lint(repo), {"oncall/payments-oncall.yaml",
                          {6, 3},
                          Severity::Warning,
                          "oncall-rotation-size",
                          "rotation 'payments-oncall' has 4 members, fewer than the 5 a "
                          "sustainable rotation needs",
                          "one week on, four weeks off needs at least 5 people"});
  repo.rotations[0] = make_rotation(5);
  CHECK(lint(repo).empty());
}

// ---- duplicate-period ----

TEST_CASE("duplicate-period: a month's health listed twice is an error at the second entry") {
  Repo repo;
  repo.rotations.push_back(make_rotation(5));
  auto entry = [](const std::string& period, int line) {
    RotationHealth h;
    h.period = period;
    h.loc = {line, 7};
    h.pages = 10;
    return h;
  };
  repo.rotations[0].health = {entry("2026-10", 8), entry("2026-09", 9), entry("2026-10", 10)};
  expect_one(lint(repo), {"oncall/payments-oncall.yaml",
                          {10, 7},
                          Severity::Error,
                          "duplicate-period",
                          "rotation 'payments-oncall' lists period 2026-10 twice (first at line "
                          "8); only the first entry is read",
                          "merge the two entries into one, or correct the period of this one"});
  // Every period once: nothing to say.
  repo.rotations[0].health.pop_back();
  CHECK(lint(repo).empty());
}

// ---- duplicate-id: alert names of one SLO ----

TEST_CASE("duplicate-id: two burn-rate alerts of one SLO with one name, at the second's name") {
  Repo repo;
  repo.services.push_back(make_service("checkout-api", ""));
  repo.slos.push_back(make_slo("checkout-availability", "checkout-api", 99.9));
  repo.runbooks.push_back(make_runbook("burn", "checkout-api"));
  BurnRateAlert fast = make_alert("burn", 14.4, 20), slow = make_alert("burn", 1, 25);
  fast.name_loc = {20, 13};
  slow.name_loc = {25, 13};
  slow.short_window = "6h";
  slow.long_window = "3d";
  slow.short_window_min = 360;
  slow.long_window_min = 4320;
  repo.slos[0].alerts = {fast, slow};
  expect_one(lint(repo), {"slos/checkout-availability.yaml",
                          {25, 13},
                          Severity::Error,
                          "duplicate-id",
                          "duplicate burn-rate alert name 'burn' in SLO 'checkout-availability' "
                          "(`nines rules` would write two alerts of one name): also listed at "
                          "slos/checkout-availability.yaml:20:13",
                          "give each of the SLO's burn_rate_alerts a name of its own, as "
                          "fast_burn and slow_burn are: an alert's runbook is found by its name"});
  // Without the name's place (a default-constructed alert), the entry's.
  repo.slos[0].alerts[1].name_loc = {};
  REQUIRE(lint(repo, "duplicate-id").size() == 1);
  CHECK(lint(repo, "duplicate-id")[0].loc.line == 25);
  CHECK(lint(repo, "duplicate-id")[0].loc.col == 5);
  // Two names: nothing to say. A third of one name is reported too, naming the first.
  repo.slos[0].alerts[1].name = "slow";
  repo.runbooks.push_back(make_runbook("slow", "checkout-api"));
  CHECK(lint(repo).empty());
  repo.slos[0].alerts.push_back(fast);
  repo.slos[0].alerts.back().name_loc = {30, 13};
  const auto third = lint(repo, "duplicate-id");
  REQUIRE(third.size() == 1);
  CHECK(third[0].loc.line == 30);
  CHECK(third[0].message.ends_with("also listed at slos/checkout-availability.yaml:20:13"));
}

TEST_CASE("duplicate-id: OpenSLO conditions of one name that differ; alike ones are one alert") {
  Repo repo;
  repo.slos.push_back(make_slo("checkout-availability", "checkout-api", 99.9));
  auto condition = [](const std::string& name, double threshold, const std::string& window,
                      double minutes, const std::string& severity, int line) {
    AlertConditionSpec c;
    c.name = name;
    c.kind = "burnrate";
    c.op = "gt";
    c.threshold = threshold;
    c.lookback_window = window;
    c.lookback_minutes = minutes;
    c.alert_after = "5m";
    c.alert_after_minutes = 5;
    c.severity = severity;
    c.loc = {line, 11};
    return c;
  };
  AlertPolicySpec fast, slow;
  fast.name = "fast";
  fast.file = "openslo/checkout.yaml";
  slow.name = "slow";
  slow.file = "openslo/policies.yaml";
  fast.conditions = {condition("checkout-burn", 14.4, "1h", 60, "page", 40),
                     condition("checkout-shared", 1, "3d", 4320, "ticket", 45)};
  slow.conditions = {condition("checkout-burn", 3, "6h", 360, "ticket", 12),
                     condition("checkout-shared", 1, "72h", 4320, "ticket", 17)};
  // The same condition described otherwise is still the same alert.
  slow.conditions[1].description = "the slow burn";
  repo.slos[0].alert_policies = {fast, slow};
  expect_one(lint(repo, "duplicate-id"),
             {"openslo/policies.yaml",
              {12, 11},
              Severity::Error,
              "duplicate-id",
              "duplicate AlertCondition name 'checkout-burn' in SLO 'checkout-availability', a "
              "different condition (threshold 3, not 14.4; lookbackWindow 6h, not 1h; severity "
              "ticket, not page) that would get no alert rule: also listed at "
              "openslo/checkout.yaml:40:11",
              "give each AlertCondition a metadata.name of its own, or make them one condition "
              "(a conditionRef to one AlertCondition object)"});
  // The first of a name makes the rule; a condition that makes none (op lt) takes no name.
  CHECK(rule_conditions(repo.slos[0]).size() == 2);
  repo.slos[0].alert_policies[0].conditions[0].op = "lt";
  CHECK(lint(repo, "duplicate-id").empty());
  CHECK(rule_conditions(repo.slos[0]).size() == 2);
  CHECK(rule_conditions(repo.slos[0])[1].condition->threshold == 3);
}

// ---- alert-runbook ----

TEST_CASE("alert-runbook: an SLO burn-rate alert without a runbook") {
  Repo repo;
  repo.services.push_back(make_service("checkout-api", ""));
  repo.slos.push_back(make_slo("checkout-availability", "checkout-api", 99.9));
  repo.slos[0].alerts.push_back(make_alert("fast_burn", 14.4, 20));
  repo.runbooks.push_back(make_runbook("slow_burn", "checkout-api"));
  repo.runbooks.push_back(make_runbook("fast_burn", "search-api")); // another service's
  expect_one(lint(repo), {"slos/checkout-availability.yaml",
                          {20, 5},
                          Severity::Error,
                          "alert-runbook",
                          "burn-rate alert 'fast_burn' of SLO 'checkout-availability' (service "
                          "checkout-api) has no runbook",
                          "runbook 'fast_burn-search-api' (runbooks/fast_burn.yaml) answers "
                          "alert fast_burn of service search-api, not checkout-api: correct its "
                          "service, or add a runbook for this one"});
  // With no near miss, the hint says what to add.
  repo.runbooks.pop_back();
  expect_one(lint(repo), {"slos/checkout-availability.yaml",
                          {20, 5},
                          Severity::Error,
                          "alert-runbook",
                          "burn-rate alert 'fast_burn' of SLO 'checkout-availability' (service "
                          "checkout-api) has no runbook",
                          "add a runbook with alert_name: fast_burn and service: checkout-api"});
}

TEST_CASE("alert-runbook: an SLO alert is covered by its service's runbook or a shared one") {
  for (const char* service : {"checkout-api", ""}) {
    CAPTURE(service);
    Repo repo;
    repo.services.push_back(make_service("checkout-api", ""));
    repo.slos.push_back(make_slo("checkout-availability", "checkout-api", 99.9));
    repo.slos[0].alerts.push_back(make_alert("fast_burn", 14.4, 20));
    repo.runbooks.push_back(make_runbook("fast_burn", service));
    CHECK(lint(repo).empty());
  }
}

TEST_CASE("alert-runbook: an SLO of an unknown service is left to the reference error") {
  Repo repo;
  repo.slos.push_back(make_slo("checkout-availability", "checkout-ap", 99.9));
  repo.slos[0].alerts.push_back(make_alert("fast_burn", 14.4, 20));
  CHECK(lint(repo).empty());
}

TEST_CASE(
    "rules-runbook: check warns of a default alert `nines rules` would write without runbook") {
  Repo repo;
  repo.services.push_back(make_service("checkout-api", ""));
  Sli sli;
  sli.meta = meta("sli", "success", "slis/success.yaml");
  sli.query = SliQuery{"req_total{code!~\"5..\"}", "req_total", "", {}};
  repo.slis.push_back(sli);
  repo.slos.push_back(make_slo("checkout-availability", "checkout-api", 99.9));
  repo.slos[0].sli = {"success", {5, 8}};
  repo.runbooks.push_back(make_runbook("fast_burn", "checkout-api"));
  repo.runbooks.push_back(make_runbook("slow_burn", ""));
  // fast_burn and slow_burn are covered; medium_burn is not.
  expect_one(lint(repo, "rules-runbook"),
             {"slos/checkout-availability.yaml",
              {1, 1},
              Severity::Warning,
              "rules-runbook",
              "default alert 'medium_burn' that `nines rules` generates for SLO "
              "'checkout-availability' (service checkout-api) has no runbook; its runbook_url "
              "points at the SLO's page",
              "add a runbook with alert_name medium_burn (service: checkout-api), or give the "
              "SLO burn_rate_alerts of its own ([] for none)"});
  // Several missing: one warning that names them all.
  repo.runbooks.clear();
  auto several = lint(repo, "rules-runbook");
  REQUIRE(several.size() == 1);
  CHECK(several[0].message.starts_with(
      "default alerts 'fast_burn', 'medium_burn' and 'slow_burn' that `nines rules` generates"));
  CHECK(several[0].message.find(" have no runbook; their runbook_url") != std::string::npos);
  // `burn_rate_alerts: []`: the SLO pages with nothing, so nothing needs a runbook.
  repo.slos[0].alerts_declared = true;
  CHECK(lint(repo, "rules-runbook").empty());
  // Without a query that makes rules there are no default alerts either.
  repo.slos[0].alerts_declared = false;
  repo.slis[0].query.reset();
  CHECK(lint(repo, "rules-runbook").empty());
}

TEST_CASE(
    "rules-runbook: not for a dialect SLO whose implied service is a typo of a declared one") {
  Repo repo;
  repo.services.push_back(make_service("checkout-api", ""));
  Service implied = make_service("checkout-ap", "");
  implied.implied = true;
  repo.services.push_back(implied);
  Sli sli;
  sli.meta = meta("sli", "success", "slis/success.yaml");
  sli.query = SliQuery{"req_total{code!~\"5..\"}", "req_total", "", {}};
  repo.slis.push_back(sli);
  repo.slos.push_back(make_slo("checkout-availability", "checkout-ap", 99.9));
  repo.slos[0].sli = {"success", {5, 8}};
  repo.slos[0].meta.dialect = "openslo";
  // The reference's warning says "did you mean 'checkout-api'?"; runbooks for the typo are not
  // asked for as well.
  CHECK(lint(repo, "rules-runbook").empty());
  // An implied service no declared one is near (a Sloth-only repository): they are.
  repo.services.erase(repo.services.begin());
  CHECK(lint(repo, "rules-runbook").size() == 1);
}

TEST_CASE("alert-runbook: a Prometheus alert without a runbook") {
  Repo repo;
  repo.prom_alerts.push_back({"alerts/platform.rules.yaml",
                              {12, 9},
                              "HighErrorRate",
                              "rate(x)",
                              "checkout-api",
                              "page",
                              "",
                              "",
                              "",
                              {}});
  repo.runbooks.push_back(make_runbook("HighErrorRate", "search-api"));
  expect_one(lint(repo), {"alerts/platform.rules.yaml",
                          {12, 9},
                          Severity::Error,
                          "alert-runbook",
                          "alert 'HighErrorRate' has no runbook",
                          "runbook 'HighErrorRate-search-api' (runbooks/HighErrorRate.yaml) "
                          "answers alert HighErrorRate of service search-api, not checkout-api: "
                          "correct its service, or add a runbook for this one"});
  repo.runbooks.clear();
  expect_one(lint(repo), {"alerts/platform.rules.yaml",
                          {12, 9},
                          Severity::Error,
                          "alert-runbook",
                          "alert 'HighErrorRate' has no runbook",
                          "add a runbook with alert_name: HighErrorRate, or a runbook_url "
                          "annotation"});
  // A runbook of the alert's service whose alert_name is a near miss: the typo, named.
  repo.runbooks.push_back(make_runbook("HighErrorRates", "checkout-api"));
  expect_one(lint(repo), {"alerts/platform.rules.yaml",
                          {12, 9},
                          Severity::Error,
                          "alert-runbook",
                          "alert 'HighErrorRate' has no runbook",
                          "runbook 'HighErrorRates-checkout-api' (runbooks/HighErrorRates.yaml) "
                          "has alert_name 'HighErrorRates': did you mean 'HighErrorRate'? "
                          "Correct it, or add a runbook with alert_name: HighErrorRate, or a "
                          "runbook_url annotation"});
}

TEST_CASE("alert-runbook: a Prometheus alert is covered by a runbook_url or a matching runbook") {
  struct Case {
    const char* alert_service;
    const char* runbook_service;
    const char* runbook_url;
  };
  for (Case c : {Case{"checkout-api", "checkout-api", ""}, Case{"checkout-api", "", ""},
                 Case{"", "search-api", ""}, Case{"checkout-api", "search-api", "https://rb"}}) {
    CAPTURE(c.alert_service);
    CAPTURE(c.runbook_service);
    Repo repo;
    repo.prom_alerts.push_back({"alerts/platform.rules.yaml",
                                {12, 9},
                                "HighErrorRate",
                                "rate(x)",
                                c.alert_service,
                                "page",
                                c.runbook_url,
                                "",
                                "",
                                {}});
    repo.runbooks.push_back(make_runbook("HighErrorRate", c.runbook_service));
    CHECK(lint(repo).empty());
  }
}

TEST_CASE("alert-runbook: a placeholder runbook_url is no runbook; an address or a path is") {
  auto lint_url = [](const std::string& url) {
    Repo repo;
    repo.prom_alerts.push_back({"alerts/platform.rules.yaml",
                                {12, 9},
                                "HighErrorRate",
                                "rate(x)",
                                "checkout-api",
                                "page",
                                url,
                                "",
                                "",
                                {}});
    // A runbook of the repository, answering another alert: only a path to it can name it.
    Runbook rb = make_runbook("DiskFull", "checkout-api");
    rb.meta.file = "runbooks/disk-full.md";
    repo.runbooks.push_back(rb);
    return lint(repo, "alert-runbook");
  };
  for (const char* placeholder :
       {"TODO", "tbd", "-", "n/a", "N/A", "none", "https://", "http:///x", "javascript:alert(1)",
        "mailto:oncall@example.com", "ftp://wiki/x", "https://wiki example.com",
        "runbooks/missing.md", "runbooks", "/../runbooks/disk-full.md", "../../disk-full.md",
        "#disk-full", "slos/checkout-availability/", "runbooks/other/",
        // A template action never closed; an action inside a path of the repository names no
        // runbook of it.
        "https://wiki.example.com/{{ $labels.alertname", "runbooks/{{ $labels.alertname }}.md"}) {
    CAPTURE(placeholder);
    expect_one(lint_url(placeholder),
               {"alerts/platform.rules.yaml",
                {12, 9},
                Severity::Error,
                "alert-runbook",
                "alert 'HighErrorRate' has no runbook: its runbook_url '" +
                    std::string(placeholder) +
                    "' is neither an http(s) address nor the path of a runbook in the repository",
                "add a runbook with alert_name: HighErrorRate, or make runbook_url the runbook's "
                "address (https://…) or its path (runbooks/NAME.md)"});
  }
  // An address with a host; the runbook's file from the top (with or without `/`, `./`, a
  // section) or from the rule file's folder (alerts/); its page on the site, as `nines rules`
  // writes it without a base_url (an SLO's page, where an alert without a runbook points, is
  // none).
  for (const char* url :
       {"https://wiki.example.com/rb/disk", "HTTP://wiki", "https://wiki.example.com",
        "runbooks/disk-full.md", "/runbooks/disk-full.md", "./runbooks/disk-full.md",
        "runbooks/disk-full.md#steps", "../runbooks/x/../disk-full.md",
        "../runbooks/disk-full.md?plain=1", "runbooks/DiskFull-checkout-api/",
        "/runbooks/DiskFull-checkout-api/index.html",
        // Go templates, which Prometheus expands when the alert fires: an action is a word of
        // the address, and one that starts it is Prometheus's own address.
        "https://runbooks.example.com/{{ $labels.alertname }}",
        "https://wiki/{{ .Labels.service }}/{{ $labels.alertname | toLower }}",
        "{{ $externalURL }}/runbooks/disk-full", "{{ .ExternalURL }}"}) {
    CAPTURE(url);
    CHECK(lint_url(url).empty());
  }
  // A placeholder beside a runbook that answers the alert: the alert has its runbook.
  Repo repo;
  repo.prom_alerts.push_back({"alerts/platform.rules.yaml",
                              {12, 9},
                              "HighErrorRate",
                              "rate(x)",
                              "",
                              "page",
                              "TODO",
                              "",
                              "",
                              {}});
  repo.runbooks.push_back(make_runbook("HighErrorRate", "checkout-api"));
  CHECK(lint(repo, "alert-runbook").empty());
}

// ---- toil-hours ----

TEST_CASE("toil-hours: a total that does not match the product") {
  Repo repo;
  repo.toil.push_back(make_toil(30, 12, 10));
  expect_one(lint(repo), {"toil/cert-rotation.yaml",
                          {8, 26},
                          Severity::Warning,
                          "toil-hours",
                          "total_hours_per_month 10 does not match 30 min x 12 per month = 6 h"});
}

TEST_CASE("toil-hours: within 0.1 h is fine, beyond it is not, and no total is skipped") {
  Repo repo;
  repo.toil.push_back(make_toil(30, 12, 6.1));
  repo.toil.push_back(make_toil(30, 12, 5.9));
  repo.toil.push_back(make_toil(45, 10, 7.5));
  repo.toil.push_back(make_toil(6, 10, 1.1)); // 1.1 - 1 is 0.10000000000000009 in binary
  repo.toil.push_back(make_toil(30, 12, std::nullopt));
  CHECK(lint(repo).empty());
  repo.toil.push_back(make_toil(30, 12, 6.11));
  expect_one(lint(repo), {"toil/cert-rotation.yaml",
                          {8, 26},
                          Severity::Warning,
                          "toil-hours",
                          "total_hours_per_month 6.11 does not match 30 min x 12 per month = 6 h"});
}

// ---- runbook-stale ----

TEST_CASE("runbook-stale: older than stale_after_days") {
  Repo repo;
  repo.runbooks.push_back(make_runbook("fast_burn", "checkout-api"));
  repo.runbooks[0].last_updated = "2026-01-02";
  expect_one(lint(repo), {"runbooks/fast_burn.yaml",
                          {5, 15},
                          Severity::Warning,
                          "runbook-stale",
                          "runbook last updated 2026-01-02, 325 days ago (stale after 90 days)"});
}

TEST_CASE("runbook-stale: exactly stale_after_days old is fresh, a day more is stale") {
  Repo repo;
  repo.config.stale_after_days = 30;
  repo.runbooks.push_back(make_runbook("fast_burn", "checkout-api"));
  repo.runbooks[0].last_updated = format_date(k_today - 30);
  CHECK(lint(repo).empty());
  repo.runbooks[0].last_updated = format_date(k_today - 31);
  expect_one(lint(repo), {"runbooks/fast_burn.yaml",
                          {5, 15},
                          Severity::Warning,
                          "runbook-stale",
                          "runbook last updated " + format_date(k_today - 31) +
                              ", 31 days ago (stale after 30 days)"});
}

TEST_CASE("runbook-stale: a missing or unparseable date is skipped") {
  Repo repo;
  repo.runbooks.push_back(make_runbook("a", ""));
  repo.runbooks[0].last_updated = "";
  repo.runbooks.push_back(make_runbook("b", ""));
  repo.runbooks[1].last_updated = "2026-02-30";
  CHECK(lint(repo).empty());
}

TEST_CASE("runbook-stale: the file's last commit decides, not the field") {
  Repo repo;
  repo.runbooks.push_back(make_runbook("fast_burn", "checkout-api"));
  repo.runbooks[0].last_updated = "2026-01-02";
  History h;
  FileChange recent;
  recent.time = (k_today - 3) * 86400;
  recent.short_hash = "abc1234";
  h.add(repo.runbooks[0].meta.file, recent);
  DiagBag bag;
  run_lints(repo, k_today, bag, &h);
  for (const auto& d : bag.sorted())
    CHECK(d.rule != "runbook-stale");
}

// ---- capacity-review-overdue ----

TEST_CASE("capacity-review-overdue: a last_reviewed older than a quarter") {
  Repo repo;
  CapacityModel c;
  c.meta = meta("capacity_model", "event-bus", "capacity/event-bus.yaml");
  c.last_reviewed = {format_date(k_today - 92), {7, 16}};
  repo.capacity.push_back(c);
  CHECK(lint(repo, "capacity-review-overdue").empty());
  repo.capacity[0].last_reviewed.value = "2026-03-01";
  // At the field, not at the document's first line.
  expect_one(lint(repo, "capacity-review-overdue"),
             {"capacity/event-bus.yaml",
              {7, 16},
              Severity::Warning,
              "capacity-review-overdue",
              "capacity model last reviewed 2026-03-01, 267 days ago, more than a quarter (92 "
              "days)"});
  // The field decides even when the file was committed recently.
  History h;
  FileChange recent;
  recent.time = (k_today - 1) * 86400;
  h.add("capacity/event-bus.yaml", recent);
  DiagBag bag;
  run_lints(repo, k_today, bag, &h);
  int overdue = 0;
  for (const auto& d : bag.sorted())
    overdue += d.rule == "capacity-review-overdue";
  CHECK(overdue == 1);
}

// ---- everything together ----

TEST_CASE("a consistent repo has no lint findings") {
  Repo repo;
  repo.services.push_back(make_service("checkout-api", "active-passive"));
  Slo slo = make_slo("checkout-availability", "checkout-api", 99.95);
  slo.error_budget = 0.05;
  slo.error_budget_minutes = 20.16;
  slo.sla = 99.9;
  slo.review_cadence = "quarterly";
  slo.last_reviewed = {"2026-10-01", {13, 18}};
  slo.alerts.push_back(make_alert("fast_burn", 14.4, 20));
  slo.alerts.push_back(make_alert("slow_burn", 1, 24));
  repo.slos.push_back(slo);
  repo.runbooks.push_back(make_runbook("fast_burn", "checkout-api"));
  repo.runbooks.push_back(make_runbook("slow_burn", ""));
  repo.runbooks.push_back(make_runbook("HighErrorRate", "checkout-api"));
  repo.prom_alerts.push_back({"alerts/platform.rules.yaml",
                              {12, 9},
                              "HighErrorRate",
                              "rate(x)",
                              "checkout-api",
                              "page",
                              "",
                              "",
                              "",
                              {}});
  Postmortem pm = make_postmortem("SEV1");
  pm.classification_function = "core-down";
  pm.classification_scope = "all-users";
  pm.data_loss = true;
  pm.timeline = {{"03:00", "paged", {20, 5}}, {"03:05", "acked", {21, 5}}};
  ActionItem item;
  item.id = "AI-001";
  item.owner = "alice";
  item.deadline = "2026-12-01";
  pm.action_items.push_back(item);
  repo.postmortems.push_back(pm);
  repo.rotations.push_back(make_rotation(6));
  repo.toil.push_back(make_toil(30, 12, 6));
  CHECK(lint(repo).empty());
}

TEST_CASE("default-constructed documents do not crash the lints") {
  Repo repo;
  repo.services.emplace_back();
  repo.slos.emplace_back();
  repo.slos[0].window_days = 0;
  repo.slos[0].alerts.emplace_back();
  repo.slos[0].error_budget = 1;
  repo.slos[0].error_budget_minutes = 1;
  repo.slos[0].sla = 1;
  repo.postmortems.emplace_back();
  repo.postmortems[0].timeline.emplace_back();
  repo.runbooks.emplace_back();
  repo.runbooks.emplace_back(make_runbook("fast_burn", "checkout-api"));
  repo.toil.emplace_back();
  repo.prom_alerts.emplace_back();
  repo.rotations.emplace_back();
  // Only the empty rotation is a finding: nothing else can be judged, and a nameless runbook
  // must not pass for the runbook of nameless alerts.
  auto got = lint(repo);
  std::vector<std::string> rules;
  for (const auto& d : got)
    rules.push_back(d.rule);
  CHECK(rules == std::vector<std::string>{"oncall-rotation-size"});
}

// policy-exception-unread and toil-automated-status: each at the line it is about.

Policy policy_with(const std::vector<std::string>& exceptions) {
  Policy p;
  p.meta.kind = "error_budget_policy";
  p.meta.id = "default-policy";
  p.meta.file = "policies/default-policy.yaml";
  p.meta.loc = {1, 1};
  int line = 20;
  for (const auto& e : exceptions) {
    p.exceptions.push_back(e);
    p.exception_locs.push_back({line++, 7});
  }
  return p;
}

ToilItem toil_with(const std::string& status, const std::string& automated_on) {
  ToilItem t;
  t.meta.kind = "toil_item";
  t.meta.id = "cert-rotation";
  t.meta.file = "toil/cert-rotation.yaml";
  t.meta.loc = {1, 1};
  t.status = status;
  t.automated_on = automated_on;
  t.automated_on_loc = {9, 17};
  t.time_per_occurrence_min = 60;
  t.occurrences_per_month = 10;
  t.automation_value = 9;
  return t;
}

TEST_CASE("policy-exception-unread: an exception using a type's word but naming none, at its "
          "line") {
  Repo repo;
  repo.policies.push_back(policy_with(
      {"Security patches always allowed", "Turning off a feature flag is always allowed",
       "fix: Fixes for the incident", "Security patches always allowed, no approval needed",
       "Data-loss prevention always allowed"}));
  const auto got = lint(repo, "policy-exception-unread");
  REQUIRE(got.size() == 1);
  CHECK(got[0].file == "policies/default-policy.yaml");
  CHECK(got[0].loc.line == 21);
  CHECK(got[0].loc.col == 7);
  CHECK(got[0].severity == Severity::Warning);
  CHECK(got[0].message == "exception 'Turning off a feature flag is always allowed' names no "
                          "change type nines can read; it lets nothing through");
  CHECK(got[0].hint.find("change_type:") != std::string::npos);
  // Prose that uses no change type's word is about a change the gate has no type for.
  repo.policies[0] =
      policy_with({"Rollbacks always allowed",
                   "Acquirer routing changes (configuration, not code) always allowed"});
  CHECK(lint(repo, "policy-exception-unread").empty());
  // The seed's three are read: nothing to say.
  repo.policies[0] = policy_with({"Security patches always allowed",
                                  "Regulatory compliance changes always allowed",
                                  "Data loss prevention always allowed"});
  CHECK(lint(repo, "policy-exception-unread").empty());
}

TEST_CASE("toil-automated-status: automated_on while the status says not automated") {
  Repo repo;
  repo.toil.push_back(toil_with("active", "2026-10-10"));
  auto got = lint(repo, "toil-automated-status");
  REQUIRE(got.size() == 1);
  CHECK(got[0].file == "toil/cert-rotation.yaml");
  CHECK(got[0].loc.line == 9);
  CHECK(got[0].loc.col == 17);
  CHECK(got[0].severity == Severity::Warning);
  CHECK(got[0].message == "automated_on 2026-10-10 is set while status is 'active': the monthly "
                          "report for 2026-10 counts the item both as toil spent and as "
                          "automated away");
  CHECK(got[0].hint.find("status: automated") != std::string::npos);
  // automating, and no status at all (active), are not automated either.
  repo.toil[0] = toil_with("automating", "2026-10-12");
  CHECK(lint(repo, "toil-automated-status").size() == 1);
  repo.toil[0] = toil_with("", "2026-10-12");
  got = lint(repo, "toil-automated-status");
  REQUIRE(got.size() == 1);
  CHECK(got[0].message.find("status is not given (active)") != std::string::npos);
  // Automated with its date, or not automated without one: consistent.
  repo.toil[0] = toil_with("automated", "2026-10-12");
  repo.toil.push_back(toil_with("active", ""));
  CHECK(lint(repo, "toil-automated-status").empty());
}

// The readiness dates lint: a readiness review or a sign-off dated after now decides nothing
// (docs/governance.md), and `check` says so (review-date-in-future).

ReadinessReview review(const std::string& date) {
  ReadinessReview r;
  r.meta.kind = "readiness_review";
  r.meta.id = "pay-api";
  r.meta.file = "readiness/pay-api.yaml";
  r.meta.loc = {1, 1};
  r.service = Ref{"pay-api", {}};
  r.date = date;
  return r;
}

TEST_SUITE("link.lints.readiness") {

  TEST_CASE("a sign-off dated after now is a warning at the sign-off") {
    Repo repo;
    ReadinessReview r = review("2026-11-01");
    r.signoffs = {Signoff{"Ann", "SRE", "2027-11-23", "approved", "", {8, 7}},
                  Signoff{"Bo", "SRE", "2026-11-23", "rejected", "", {13, 7}},
                  Signoff{"Cy", "SRE", "", "approved", "", {18, 7}}};
    repo.readiness.push_back(r);
    const auto got = lint(repo, "review-date-in-future");
    REQUIRE(got.size() == 1);
    CHECK(got[0].file == "readiness/pay-api.yaml");
    CHECK(got[0].loc.line == 8);
    CHECK(got[0].loc.col == 7);
    CHECK(got[0].severity == Severity::Warning);
    CHECK(got[0].message == "sign-off of Ann dated 2027-11-23 is after now (2026-11-23): a "
                            "sign-off that has not happened yet decides nothing (it neither "
                            "approves nor objects)");
    CHECK(got[0].hint == "set its date to the day it was given (`nines signoff` records today's)");
  }

  TEST_CASE("a readiness review dated after now is a warning at the document") {
    Repo repo;
    repo.readiness.push_back(review("2027-01-10"));
    repo.readiness.push_back(review("2026-11-23"));
    const auto got = lint(repo, "review-date-in-future");
    REQUIRE(got.size() == 1);
    CHECK(got[0].loc.line == 1);
    CHECK(got[0].message == "date 2027-01-10 is after now (2026-11-23): a review or update that "
                            "has not happened yet is not counted");
    CHECK(got[0].hint == "set date to the day it happened");
  }
}

TEST_CASE("event-date-in-future: an incident, or an experiment's outcome, dated after now") {
  // Now is 2026-11-23 (the lint helper's).
  Repo repo;
  Postmortem future;
  future.meta.kind = "postmortem";
  future.meta.file = "postmortems/a.yaml";
  future.meta.loc = {1, 1};
  future.date = "2062-11-02";
  future.date_loc = {4, 9};
  Postmortem today = future, stamped = future;
  today.date = "2026-11-23";
  stamped.date = "2026-11-24T01:00:00Z";
  stamped.date_loc = {};
  repo.postmortems = {future, today, stamped};
  Experiment planned;
  planned.meta.kind = "experiment";
  planned.meta.file = "chaos/e.yaml";
  planned.meta.loc = {2, 3};
  planned.date = "2026-12-01";
  Experiment ran = planned;
  ran.outcome = "passed";
  repo.experiments = {planned, ran};
  // An action item completed, or toil automated, on a day to come.
  Postmortem done = today;
  done.meta.file = "postmortems/b.yaml";
  done.action_items = {ActionItem{}, ActionItem{}};
  done.action_items[0].completed = "2026-11-23";
  done.action_items[1].completed = "2026-11-30";
  done.action_items[1].loc = {12, 7};
  repo.postmortems.push_back(done);
  ToilItem planned_toil, automated_toil;
  planned_toil.meta.file = "toil/t.yaml";
  planned_toil.status = "automating";
  planned_toil.automated_on = "2026-12-01";
  automated_toil = planned_toil;
  automated_toil.status = "automated";
  automated_toil.automated_on_loc = {6, 17};
  repo.toil = {planned_toil, automated_toil};
  const auto got = lint(repo, "event-date-in-future"); // sorted by file, then place
  REQUIRE(got.size() == 5);
  CHECK(got[3].file == "postmortems/b.yaml");
  CHECK(got[3].loc.line == 12);
  CHECK(got[3].message ==
        "completed 2026-11-30 is after now (2026-11-23): an action item "
        "completed on a day to come is still open on every page and report until that "
        "day");
  CHECK(got[4].file == "toil/t.yaml");
  CHECK(got[4].loc.line == 6);
  CHECK(got[4].message.ends_with("toil automated on a day to come is still counted as spent"));
  CHECK(got[0].file == "chaos/e.yaml");
  CHECK(got[0].loc.line == 2);
  CHECK(got[0].message.ends_with("the outcome of an experiment that has not run yet counts for "
                                 "no maturity score"));
  CHECK(got[1].loc.line == 1); // no place of its own: the document's
  CHECK(got[1].message.starts_with("date 2026-11-24T01:00:00Z is after now"));
  CHECK(got[2].loc.line == 4);
  CHECK(got[2].loc.col == 9);
  CHECK(got[2].severity == Severity::Warning);
  CHECK(got[2].message == "date 2062-11-02 is after now (2026-11-23): an incident that has not "
                          "happened yet is in no report or dashboard figure");
}

TEST_CASE("event-date-in-future: an on-call health month that has not started") {
  // Now is 2026-11-23 (the lint helper's).
  Repo repo;
  Rotation r;
  r.meta.kind = "oncall_rotation";
  r.meta.file = "oncall/r.yaml";
  r.meta.loc = {1, 1};
  RotationHealth now_month, next_month;
  now_month.period = "2026-11";
  now_month.loc = {8, 7};
  next_month.period = "2026-12";
  next_month.loc = {12, 7};
  r.health = {now_month, next_month};
  repo.rotations = {r};
  const auto got = lint(repo, "event-date-in-future");
  REQUIRE(got.size() == 1);
  CHECK(got[0].loc.line == 12);
  CHECK(got[0].message == "on-call health period 2026-12 is after now (2026-11-23): a month that "
                          "has not started is in no on-call figure or score");
}

TEST_CASE("self-dependency: a service that lists itself is warned at the entry") {
  Repo repo;
  Service pay = make_service("pay-api", "");
  pay.upstream = {{"pay-api", {12, 7}}, {"ledger", {13, 7}}};
  pay.downstream = {{"pay-api", {15, 7}}};
  repo.services.push_back(pay);
  repo.services.push_back(make_service("ledger", ""));
  DiagBag diags;
  link_references(repo, diags);
  std::vector<Diagnostic> found;
  for (const auto& d : diags.all())
    if (d.rule == "self-dependency") found.push_back(d);
  REQUIRE(found.size() == 2);
  CHECK(found[0].severity == Severity::Warning);
  CHECK(found[0].message == "service 'pay-api' lists itself as upstream dependency");
  CHECK(found[0].loc.line == 12);
  CHECK(found[1].message == "service 'pay-api' lists itself as downstream dependency");
  CHECK(found[1].loc.line == 15);
  // Another service's entries are not its own.
  for (const auto& d : diags.all())
    CHECK(d.rule != "unknown-reference");
}

TEST_CASE("unknown-reference: a dependency's did-you-mean never names the service itself") {
  Repo repo;
  Service pay = make_service("pay-api", "");
  pay.upstream = {{"pay-apx", {12, 7}}, {"ledgr", {13, 7}}};
  repo.services.push_back(pay);
  repo.services.push_back(make_service("ledger", ""));
  DiagBag diags;
  link_references(repo, diags);
  std::vector<Diagnostic> found;
  for (const auto& d : diags.all())
    if (d.rule == "unknown-reference") found.push_back(d);
  REQUIRE(found.size() == 2);
  // 'pay-apx' is one edit from 'pay-api', the service listing it: no suggestion of itself.
  CHECK(found[0].message == "unknown service 'pay-apx'");
  CHECK(found[0].hint.find("pay-api") == std::string::npos);
  CHECK(found[1].message == "unknown service 'ledgr', did you mean 'ledger'?");

  // The only service's own typo: no suggestion, and no claim that no service is defined.
  Repo alone;
  Service only = make_service("pay-api", "");
  only.upstream = {{"pay-apii", {10, 9}}};
  alone.services.push_back(only);
  DiagBag diags2;
  link_references(alone, diags2);
  REQUIRE(diags2.all().size() >= 1);
  const Diagnostic* d = nullptr;
  for (const auto& x : diags2.all())
    if (x.rule == "unknown-reference") d = &x;
  REQUIRE(d != nullptr);
  CHECK(d->message == "unknown service 'pay-apii'");
  CHECK(d->hint.find("no service is defined yet") == std::string::npos);
  CHECK(d->hint.find("use the id of an existing service") == 0);
}

Policy make_policy(const std::string& id, const std::string& service, const std::string& file) {
  Policy p;
  p.meta = meta("error_budget_policy", id, file);
  if (!service.empty()) p.service = {service, {3, 12}};
  return p;
}

std::vector<Diagnostic> linked(const Repo& repo, const std::string& rule) {
  DiagBag diags;
  link_references(repo, diags);
  std::vector<Diagnostic> out;
  for (const auto& d : diags.sorted())
    if (d.rule == rule) out.push_back(d);
  return out;
}

TEST_CASE("policy-conflict: two policies of one service, at the later one's service") {
  Repo repo;
  repo.services.push_back(make_service("checkout-api", ""));
  repo.slos.push_back(make_slo("checkout-availability", "checkout-api", 99));
  // In file order the lenient one comes first; the strict one's id sorts first.
  repo.policies.push_back(make_policy("zz-lenient", "checkout-api", "policy-lenient.yaml"));
  repo.policies.push_back(make_policy("aa-strict", "checkout-api", "policy-strict.yaml"));
  expect_one(linked(repo, "policy-conflict"),
             {"policy-strict.yaml",
              {3, 12},
              Severity::Error,
              "policy-conflict",
              "error budget policy 'aa-strict' names service 'checkout-api', as policy "
              "'zz-lenient' does at policy-lenient.yaml:3:12; SLO checkout-availability names no "
              "`policy:` of its own and would take 'aa-strict', whose id sorts first",
              "give the service one policy (merge the two, or remove `service:` from one), or "
              "name each SLO's policy in its `policy:` field"});
  // The one that governs is the same whatever the files are called or the order they are read in.
  CHECK(policy_for(repo, repo.slos[0])->meta.id == "aa-strict");
  std::swap(repo.policies[0], repo.policies[1]);
  CHECK(policy_for(repo, repo.slos[0])->meta.id == "aa-strict");
  const auto swapped = linked(repo, "policy-conflict");
  REQUIRE(swapped.size() == 1);
  CHECK(swapped[0].file == "policy-lenient.yaml");

  // A third is reported too, each naming the first; a service without SLOs still has a conflict.
  repo.policies.push_back(make_policy("mid", "checkout-api", "policy-mid.yaml"));
  CHECK(linked(repo, "policy-conflict").size() == 2);
  repo.slos.clear();
  const auto no_slo = linked(repo, "policy-conflict");
  REQUIRE(no_slo.size() == 2);
  CHECK(no_slo[0].message.find("; the service's SLOs would take 'aa-strict'") != std::string::npos);
}

TEST_CASE("policy-conflict: none for an SLO's own policy, the default, other services, one id") {
  Repo repo;
  repo.services.push_back(make_service("checkout-api", ""));
  repo.services.push_back(make_service("ledger", ""));
  Slo availability = make_slo("availability", "checkout-api", 99);
  Slo latency = make_slo("latency", "checkout-api", 99);
  availability.policy = {"for-availability", {6, 11}};
  latency.policy = {"for-latency", {6, 11}};
  repo.slos = {availability, latency};
  // Both name the service, but each SLO names its own: no SLO is left to choose between them.
  repo.policies.push_back(make_policy("for-availability", "checkout-api", "a.yaml"));
  repo.policies.push_back(make_policy("for-latency", "checkout-api", "b.yaml"));
  // The nines.yaml default names no service: the fallback of every service, no conflict.
  repo.policies.push_back(make_policy("company", "", "company.yaml"));
  repo.config.default_policy = "company";
  // One policy each for other services; an unknown service is unknown-reference's alone.
  repo.policies.push_back(make_policy("ledger-policy", "ledger", "c.yaml"));
  repo.policies.push_back(make_policy("ghost-1", "ghost", "d.yaml"));
  repo.policies.push_back(make_policy("ghost-2", "ghost", "e.yaml"));
  CHECK(linked(repo, "policy-conflict").empty());
  CHECK(linked(repo, "unknown-reference").size() == 2);
  CHECK(policy_for(repo, repo.slos[1])->meta.id == "for-latency");

  // An SLO without a policy of its own (or naming none that exists) brings the conflict back.
  repo.slos.push_back(make_slo("errors", "checkout-api", 99));
  const auto got = linked(repo, "policy-conflict");
  REQUIRE(got.size() == 1);
  CHECK(got[0].file == "b.yaml");
  CHECK(got[0].message.find("; SLO errors names no `policy:`") != std::string::npos);
  CHECK(policy_for(repo, repo.slos[2])->meta.id == "for-availability");

  // Two policies of one id are duplicate-id's, not a conflict too.
  Repo twice;
  twice.services.push_back(make_service("ledger", ""));
  twice.policies.push_back(make_policy("p", "ledger", "a.yaml"));
  twice.policies.push_back(make_policy("p", "ledger", "b.yaml"));
  CHECK(linked(twice, "policy-conflict").empty());
  CHECK(linked(twice, "duplicate-id").size() == 1);
}

// ---- csv-future-date, csv-old-date ----

TEST_CASE("csv dates out of range: one finding per file, at the first such row's date cell") {
  Repo repo;
  repo.add_csv_row("metrics/a.csv", 2, "api", *parse_date("2026-11-01"), 9, 10, 5);
  repo.add_csv_row("metrics/a.csv", 3, "api", *parse_date("2062-11-02"), 9, 10, 5);
  repo.add_csv_row("metrics/a.csv", 4, "api", *parse_date("2062-11-03"), 9, 10, 5);
  repo.add_csv_row("metrics/b.csv", 2, "web-api", *parse_date("1026-11-01"), 9, 10, 9);
  auto future = lint(repo, "csv-future-date");
  REQUIRE(future.size() == 1);
  CHECK(future[0].file == "metrics/a.csv");
  CHECK(future[0].loc.line == 3);
  CHECK(future[0].loc.col == 5);
  CHECK(future[0].message.find("(and 1 more row)") != std::string::npos);
  auto old = lint(repo, "csv-old-date");
  REQUIRE(old.size() == 1);
  CHECK(old[0].file == "metrics/b.csv");
  CHECK(old[0].loc.col == 9);
}

} // namespace
} // namespace nines

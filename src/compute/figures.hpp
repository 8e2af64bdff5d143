// The compute stage: every figure of SPEC section 3, as plain structs, from the typed model.
//
// Pure functions only: no I/O, no clock, no globals. "Now" is passed in as wall-clock seconds in
// the configured timezone (the driver adds its UTC offset), so days, months and "the end of P" are
// that zone's calendar boundaries.
//
// Nulls are std::optional; nothing is rounded (rounding is for display). Fractions are fractions
// (0.86 is 86%); the API multiplies by 100 with pct().
#pragma once

#include "model/budget.hpp"
#include "model/model.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nines {

// ---------------------------------------------------------------------------------------------
// Daily data

// Recorded CSV rows → a series per SLO id. Later rows for the same slo and day replace earlier
// ones; rows with a bad date, negative or non-finite counts, or good > total are skipped (the
// validate stage already reported them).
std::map<std::string, DailySeries> series_from_csv(const std::vector<CsvRow>& rows);

// ---------------------------------------------------------------------------------------------
// SLOs (SPEC 3.1)

// Fraction → percent, keeping null null.
std::optional<double> pct(std::optional<double> fraction);

// b = 1 − target/100, computed as (100 − target)/100.
double budget_fraction(double target_pct);
// W·1440·b.
double allowed_bad_minutes(double target_pct, double window_days);
// (1 − A)/b for good/total events; nullopt when total ≤ 0, good > total or b ≤ 0.
std::optional<double> burn_rate(double good, double total, double budget_frac);
// Budget spent by an alert that fires at burn B over long window L: B·L/W.
double budget_consumed_when_fires(double burn, double long_window_min, double window_days);
// Time to spend the whole budget at burn B: W/B (days); nullopt when B ≤ 0.
std::optional<double> time_to_exhaust_days(double window_days, double burn);

// Whether `remaining_pct` (R·100) satisfies a parsed policy condition. Bounds are compared with a
// 1e-9 percentage-point tolerance so that a decimal boundary ("exactly 50%") is not flipped by
// binary rounding of the target.
bool condition_matches(const BudgetCondition& c, double remaining_pct);

// The seed's policy: healthy > 50%, warning 25–50%, critical 0–25%, exhausted ≤ 0, with the seed's
// actions. Used when no policy applies.
Policy seed_default_policy();

// The policy that applies to an SLO: slo.policy, else a policy of the SLO's service, else
// nines.yaml's defaults.error_budget_policy; nullptr when none (→ seed_default_policy()).
// `source` is set to "slo", "service", "default" or "seed".
const Policy* policy_for(const Repo& repo, const Slo& slo, std::string* source = nullptr);
// True when a policy document applies to the service (any of the three routes above).
bool service_has_policy(const Repo& repo, const std::string& service);

struct BudgetStateFigure {
  BudgetState level = BudgetState::Missing;
  std::string name() const { return std::string(budget_state_name(level)); }
  std::string policy;        // policy id; empty for the seed default
  std::string policy_source; // slo | service | default | seed
  std::string condition;     // the matched condition as written
  std::vector<std::string> actions;
  std::vector<std::string> exceptions;
};

struct AlertFigures {
  std::string name, severity, short_window, long_window;
  double burn_rate = 0;
  double short_window_min = 0, long_window_min = 0;
  double budget_consumed_when_fires = 0; // fraction of the window's budget: B·L/W
  std::optional<double> time_to_exhaust_hours, time_to_exhaust_days; // W/B
  std::optional<double> short_burn, long_burn; // current burn over each window, when known
  std::optional<bool> firing;                  // both windows known and both ≥ burn_rate
};

struct DataFreshness {
  std::string status = "missing";       // fresh | stale | missing
  std::optional<std::string> as_of;     // last day with data before now, YYYY-MM-DD
  std::optional<std::int64_t> age_days; // whole days between as_of and the last closed day
};

struct Coverage {
  int days_with_data = 0; // days of the window with total > 0
  int window_days = 0;
  std::optional<std::string> first_data; // first day with data before now
  bool window_start_before_first_data = false;
};

struct SloFigures {
  std::string id, service, sli, name;
  double target = 0;
  double window_days = 0;
  std::optional<double> sla;
  double budget_fraction = 0;           // b
  double allowed_bad_minutes = 0;       // W·1440·b
  std::string window_start, window_end; // the whole days averaged, YYYY-MM-DD
  std::string status = "missing";       // ok | missing
  std::optional<double> good, total;    // sums over the window
  std::optional<double> attainment;     // A
  std::optional<double> consumed;       // C = (1 − A)/b
  std::optional<double> remaining;      // R = 1 − C (negative when overspent)
  std::optional<double> bad_minutes;    // C·allowed_bad_minutes: budget minutes spent
  BudgetStateFigure state;
  std::map<std::string, std::optional<double>> burn_rates; // "1h", "6h", "24h", "3d"
  std::vector<AlertFigures> alerts;
  std::optional<std::string> projected_exhaustion; // YYYY-MM-DD
  DataFreshness data;
  Coverage coverage;
};

// Figures of one SLO at `now`. `series` and `live` may be null (no data).
SloFigures compute_slo(const Repo& repo, const Slo& slo, const DailySeries* series,
                       const LiveWindows* live, std::int64_t now);
// Every SLO of the repo, in repo order.
std::vector<SloFigures> compute_slos(const Repo& repo,
                                     const std::map<std::string, DailySeries>& series,
                                     const std::map<std::string, LiveWindows>& live,
                                     std::int64_t now);

// Sums of usable days (total > 0, good ≤ total) in [first_day, last_day], inclusive.
struct RangeTotals {
  double good = 0, total = 0;
  int days_with_data = 0;
};
RangeTotals sum_range(const DailySeries* series, std::int64_t first_day, std::int64_t last_day);

// ---------------------------------------------------------------------------------------------
// Maturity (SPEC 3.2). The rules are written out at the top of maturity.cpp.

// The eight dimensions, in the seed's order.
std::vector<std::string> maturity_dimensions();
// 8–16 Firefighting, 17–24 Foundation, 25–32 Maturing, 33–40 Advanced; a fractional (org mean)
// total takes the band of the integer range it falls in (< 17 Firefighting, < 25 Foundation, …).
std::string maturity_band(double total);

struct DimensionScore {
  std::string dimension;
  int computed = 1;              // 1–5 from the repo
  std::optional<int> manual;     // from an assessment
  std::string manual_assessment; // its id
  std::string manual_date;
  int effective = 1;                 // manual when present, else computed
  std::string source = "computed";   // computed | assessment
  std::vector<std::string> evidence; // the documents and facts that set `computed`
  std::string to_raise;              // what would raise `computed` by one; empty at 5
};

struct RubricLine {
  std::string name;  // "SLO Coverage", …
  double weight = 0; // 20, 15, …
  double score = 0;  // 0–5
  double points = 0; // weight·score/5
};

struct Rubric {
  std::vector<RubricLine> lines;
  double total = 0; // 0–100
};

struct ServiceMaturity {
  std::string service, team, tier;
  std::vector<DimensionScore> dimensions; // maturity_dimensions() order
  int computed_total = 8;
  int total = 8; // effective
  std::string band;
  int documentation = 0; // 0–5, the rubric's Documentation line
  Rubric rubric;
};

struct MeanDimension {
  std::string dimension;
  double computed = 1, effective = 1;
};

struct GroupMaturity {
  std::string id; // team id; "org" for the organisation
  std::vector<std::string> services;
  std::vector<MeanDimension> dimensions;
  double computed_total = 8, total = 8;
  std::string band;
  Rubric rubric;
};

struct TierCoverage {
  int services = 0, with_slo = 0;
};

struct MaturityFigures {
  std::vector<ServiceMaturity> services; // repo order
  std::vector<GroupMaturity> teams;      // by team id
  GroupMaturity org;                     // mean of services
  std::map<std::string, TierCoverage> slo_coverage_by_tier;
};

// Rubric from 1–5 dimension scores (maturity_dimensions() order) and a 0–5 documentation score.
Rubric quality_rubric(const std::vector<double>& dimension_scores, double documentation);

MaturityFigures compute_maturity(const Repo& repo, const std::map<std::string, DailySeries>& series,
                                 std::int64_t now);

// ---------------------------------------------------------------------------------------------
// Readiness (SPEC 3.3)

struct ReadinessCheck {
  std::string slug, category, title;
  bool provable = false; // evaluated from the repo
};
// The seed's 28 rows, in the seed's order.
std::vector<ReadinessCheck> readiness_checklist();

struct ReadinessRow {
  std::string slug, category, title;
  std::string status; // pass | fail | na | todo
  std::string source; // repo | review | missing
  std::string evidence, notes;
  std::string review; // readiness_review id the row came from, when source == review
};

struct SignoffFigure {
  std::string name, role, date, decision, digest, review;
  bool stale = true;
};

struct ReadinessFigures {
  std::string service;
  std::vector<ReadinessRow> rows;
  int pass = 0, fail = 0, na = 0, todo = 0;
  std::string digest; // current_digest
  std::vector<SignoffFigure> signoffs;
  bool current_approval = false; // an approved sign-off that is not stale
};

ReadinessFigures compute_readiness(const Repo& repo, const std::string& service,
                                   const std::map<std::string, DailySeries>& series);
// The digest a sign-off records: FNV-1a 64 (hex) of the service's documents (service, SLOs,
// runbooks, capacity models, readiness items without sign-offs) and the checklist statuses.
std::string current_digest(const Repo& repo, const std::string& service,
                           const std::map<std::string, DailySeries>& series);

// ---------------------------------------------------------------------------------------------
// Incidents, toil, capacity, on-call (SPEC 3.4)

struct ActionItemFigure {
  std::string postmortem, id, description, owner, priority, deadline, status, completed;
  bool overdue = false;
};

struct IncidentFigures {
  std::string id, title, date, severity, root_cause_category, repeat_of;
  std::vector<std::string> services;
  std::optional<double> time_to_detect_minutes, time_to_mitigate_minutes, time_to_resolve_minutes;
  bool repeat = false; // repeat_of set, or same service and root cause in the 90 days before
  std::vector<ActionItemFigure> action_items;
  int open_action_items = 0, overdue_action_items = 0;
};

// deadline < the day of `today` and status ≠ done; an unparseable deadline is never overdue.
bool action_item_overdue(const ActionItem& item, std::int64_t today);
// repeat_of set, or another postmortem shares a service and the root_cause_category and is dated
// in the 90 days before (same-day incidents are not ordered, so they do not count).
bool is_repeat_incident(const Repo& repo, const Postmortem& pm);
std::vector<IncidentFigures> compute_incidents(const Repo& repo, std::int64_t now);

// Toil value band from hours/month: > 10 high, 2–10 medium, < 2 low.
std::string toil_value_band(double hours_per_month);
// The seed's priority matrix cell; empty for an unknown difficulty.
std::string toil_priority(double hours_per_month, const std::string& difficulty);
// time_per_occurrence_min · occurrences_per_month / 60.
double toil_hours(const ToilItem& item);

struct ToilFigures {
  std::string id, name, service, category, difficulty, status;
  std::vector<std::string> teams;
  double hours_per_month = 0;
  std::optional<double> stated_hours_per_month, automation_value;
  std::string value_band, priority;
  bool active = true; // status active or automating (or not given)
};

struct TeamToil {
  std::string team, name;
  double hours = 0; // Σ hours of active/automating items affecting the team
  std::optional<double> sre_hours_per_month;
  std::optional<double> pct; // 100·hours/sre_hours_per_month
  bool over_target = false;  // pct ≥ 25 (target is < 25%)
  std::vector<std::string> items;
};

std::vector<ToilFigures> compute_toil(const Repo& repo);
// Every team of nines.yaml plus any team named only by toil items, by team id.
std::vector<TeamToil> compute_team_toil(const Repo& repo);

// current·(1 + g/100)^months.
double capacity_projection(double current, double growth_pct, double months);
// Smallest whole m ≥ 0 with peak·(1+g/100)^m ≥ threshold; 0 when already there; nullopt when
// growth ≤ 0 and not there.
std::optional<int> capacity_runway_months(double peak_pct, double threshold_pct, double growth_pct);
// log(threshold/peak)/log(1 + g/100); 0 when already there; nullopt as above.
std::optional<double> capacity_runway_fractional(double peak_pct, double threshold_pct,
                                                 double growth_pct);

struct CapacityFigures {
  std::string id, service, bottleneck_resource, growth_metric;
  std::optional<double> peak_utilization_pct, monthly_growth_pct;
  double threshold_pct = 100; // scale_up_threshold, else 100
  bool threshold_defaulted = true;
  std::optional<double> current, projected_6mo, projected_12mo; // computed from current
  std::optional<double> stated_projected_6mo, stated_projected_12mo;
  std::optional<double> utilization_6mo, utilization_12mo; // peak projected at the same growth
  bool over_threshold = false;
  std::optional<int> runway_months;
  std::optional<double> runway_months_fractional;
  std::optional<bool> auto_scaling;
};

std::vector<CapacityFigures> compute_capacity(const Repo& repo);

// "healthy" | "warning" | "critical" for a metric where lower is better: < healthy_below is
// healthy, > critical_above is critical, the closed range between is warning.
std::string classify_lower_better(double value, double healthy_below, double critical_above);
// For on-call satisfaction: > 4 healthy, 3–4 warning, < 3 critical.
std::string classify_satisfaction(double value);

struct MetricHealth {
  std::optional<double> value;
  std::string status; // healthy | warning | critical; empty when value is null
};

struct OncallPeriod {
  std::string period;
  std::optional<double> pages, shifts, off_hours_pages;
  MetricHealth pages_per_shift, off_hours_per_week, ack_min, mitigate_min, false_positive_pct,
      escalation_pct, satisfaction;
  std::string worst; // worst status among the metrics; empty when none known
};

struct RotationFigures {
  std::string id, name, team;
  int members = 0;
  bool size_warning = false;         // fewer than 5 members
  std::vector<OncallPeriod> periods; // as written
};

OncallPeriod oncall_period(const RotationHealth& h);
std::vector<RotationFigures> compute_oncall(const Repo& repo);

// ---------------------------------------------------------------------------------------------
// Monthly report (SPEC 3.5)

struct SloMonth {
  std::string slo, service;
  double target = 0;
  std::optional<double> attainment, consumed; // over the calendar month
  int days_with_data = 0;
  std::optional<bool> meets; // null without data
};

struct ReportSloSummary {
  int services_meeting_slo = 0, services_breaching_slo = 0;
  std::optional<std::string> worst_performing; // service of the SLO with the largest consumed
  std::optional<std::string> worst_slo;
  std::vector<std::string> meeting, breaching;
  std::vector<SloMonth> slos;
};

struct ReportIncidents {
  int total = 0;
  std::map<std::string, int> by_severity; // SEV1..SEV4, always present
  std::optional<double> mttr_minutes, mttd_minutes;
  int repeat_incidents = 0;
  std::vector<std::string> postmortems;
};

struct ReportErrorBudget {
  int services_in_healthy = 0, services_in_warning = 0, services_in_critical = 0,
      services_exhausted = 0;
  std::map<std::string, std::string> service_state; // service → worst state
  std::vector<std::string> exhausted_slos;
};

struct ReportToil {
  double hours_spent = 0, hours_automated_away = 0;
  std::optional<double> pct_of_sre_time;
};

struct ReportOnCall {
  double total_pages = 0, off_hours_pages = 0;
  std::optional<double> false_positive_pct, avg_ack_time_min; // page-weighted means
  int rotations_reporting = 0;
  std::vector<std::string> critical; // "rotation: metric" pairs classified critical
};

struct ReportActionItems {
  int open = 0, completed_this_month = 0, overdue = 0;
};

struct MonthlyReport {
  std::string period;          // YYYY-MM
  std::string previous_period; // YYYY-MM
  ReportSloSummary slo_summary;
  ReportIncidents incidents;
  ReportErrorBudget error_budget;
  ReportToil toil;
  ReportOnCall on_call;
  ReportActionItems action_items;
  std::vector<std::string> highlights, concerns, next_month_priorities; // people's
  std::vector<std::string> computed_concerns;
  std::string report_doc; // id of the monthly_report document, if any
  // Every numeric figure (report_numbers keys) minus the previous month's; null when either is.
  std::map<std::string, std::optional<double>> delta;
  bool frozen = false; // figures come from `report --freeze`, not from a recomputation
};

// The report's numeric figures flattened to dotted keys ("incidents.by_severity.SEV1", …).
std::map<std::string, std::optional<double>> report_numbers(const MonthlyReport& r);

// The report for `period` (YYYY-MM); nullopt for a malformed period. Figures of months not yet
// over stop at now.
std::optional<MonthlyReport> compute_report(const Repo& repo,
                                            const std::map<std::string, DailySeries>& series,
                                            const std::string& period, std::int64_t now);

// Every month (YYYY-MM, ascending) with CSV data or a dated postmortem.
std::vector<std::string> months_with_data(const Repo& repo);

} // namespace nines

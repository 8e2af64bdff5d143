// Incident, toil, capacity and on-call figures (SPEC 3.4).
#pragma once

#include "compute/slo.hpp"
#include "model/model.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nines {

// ---------------------------------------------------------------------------------------------
// Incidents, toil, capacity, on-call (SPEC 3.4)

struct ActionItemFigure {
  std::string postmortem, id, description, owner, priority, deadline, status, completed;
  bool overdue = false;
  // As written: the seed's kind of action (prevent, detect, mitigate, process) and its ticket.
  std::string type, ticket;
  // Not done as of now: status other than done, or done on a `completed` day after today (a
  // completion that has not happened; the report reads it the same way).
  bool open = true;
};

struct IncidentFigures {
  // severity: as counted (auto-escalated, Postmortem::severity); declared_severity: as written.
  std::string id, title, date, severity, declared_severity, root_cause_category, repeat_of;
  std::vector<std::string> services;
  std::optional<double> time_to_detect_minutes, time_to_mitigate_minutes, time_to_resolve_minutes;
  bool repeat = false; // repeat_of set, or same service and root cause in the 90 days before
  // Without repeat_of, the earlier postmortem that makes it a repeat: the latest of the same
  // root cause and a shared service in the 90 days before (the smallest id on a tie).
  std::string repeats;
  std::vector<ActionItemFigure> action_items;
  int open_action_items = 0, overdue_action_items = 0;
  // Dated today or before (or undated). A postmortem dated after today has not happened (a
  // mistyped or planned date, event-date-in-future): it is in no incident count of the dashboard
  // or a report, and none of its action items is overdue.
  bool happened = true;
};

// Whether what a date records has happened by `today` (a day): the date is today or before, or
// absent or unparseable (nothing says it has not). A date after today is a mistyped or planned
// one (`check` warns, event-date-in-future); every figure reads such a record as not yet made.
bool dated_by(const std::string& date, std::int64_t today);
// status done, and completed (when given) by today.
bool action_item_done_by(const ActionItem& item, std::int64_t today);
// status automated, and automated_on (when given) by today: until then the toil is still spent.
bool toil_automated_by(const ToilItem& item, std::int64_t today);
// deadline < the day of `today` and not done by today (action_item_done_by); an unparseable
// deadline is never overdue.
bool action_item_overdue(const ActionItem& item, std::int64_t today);
// repeat_of set, or another postmortem shares a service and the root_cause_category and is dated
// in the 90 days before (same-day incidents are not ordered, so they do not count).
bool is_repeat_incident(const Repo& repo, const Postmortem& pm);
// The earlier postmortem of the second rule above (null when none): the latest one, the smallest
// id among those of its day.
const Postmortem* earlier_same_cause(const Repo& repo, const Postmortem& pm);
std::vector<IncidentFigures> compute_incidents(const Repo& repo, std::int64_t now);

// The seed's toil value bands in hours a month: above 10 high, below 2 low, between (both ends
// included) medium. Shown hours are kept apart from them (number_against), so an item never
// reads as in the band next to its own.
constexpr double k_toil_low_below = 2, k_toil_high_above = 10;
// The seed's toil budget: below 25% of a team's SRE hours.
constexpr double k_toil_target_pct = 25;

// Toil value band from hours/month: > 10 high, 2–10 medium, < 2 low.
std::string toil_value_band(double hours_per_month);
// The seed's priority matrix cell; empty for an unknown difficulty.
std::string toil_priority(double hours_per_month, const std::string& difficulty);
// time_per_occurrence_min · occurrences_per_month / 60.
double toil_hours(const ToilItem& item);
// The hours a month an automated item saves: its automation_value (the seed's "hours saved per
// month"), else the hours it took. One rule for the maturity rubric and the weekly review.
double toil_hours_saved(const ToilItem& item);

struct ToilFigures {
  std::string id, name, service, category, difficulty, status;
  std::string frequency;    // the seed's daily | weekly | monthly | per-incident, "" not given
  std::string automated_on; // YYYY-MM-DD, "" not given
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

// The team's toil hours at its 25% target (a quarter of its SRE hours), which its shown hours are
// kept apart from; NaN when it has no SRE hours (number_against then keeps them apart from
// nothing).
double toil_target_hours(const TeamToil& t);

std::vector<ToilFigures> compute_toil(const Repo& repo, std::int64_t now);
// Every team of nines.yaml plus any team named only by toil items, by team id.
std::vector<TeamToil> compute_team_toil(const Repo& repo, std::int64_t now);

// The range of a monthly growth, as the capacity_model schema bounds monthly_growth_pct: -100%
// (the whole load gone) up to a thousandfold a month.
constexpr double k_growth_min_pct = -100, k_growth_max_pct = 100000;

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
  // The runway is past k_runway_horizon_months: runway_months is the horizon, read "more than".
  bool runway_beyond_horizon = false;
  std::optional<bool> auto_scaling;
  // The rest of the model as written, for the page and the API: not used by any figure.
  std::optional<double> headroom_pct, cost_per_month_usd;
  std::string scaling_type;
  std::optional<double> min_instances, max_instances, scale_down_threshold, cooldown_seconds;
  std::optional<double> cost_current_monthly, cost_projected_6mo, cost_projected_12mo;
};

std::vector<CapacityFigures> compute_capacity(const Repo& repo);
// Whether the model's runway is known: its peak utilization is, and either its growth forecast
// (growth_forecast.monthly_growth_pct) is or the peak is already at or over the threshold (0
// months whatever the growth). Without a forecast the runway of a peak under the threshold is
// unknown — "no data" —, not "no limit", which only a growth of 0 or less gives.
bool capacity_runway_known(const CapacityFigures& c);

// "healthy" | "warning" | "critical" for a metric where lower is better: < healthy_below is
// healthy, > critical_above is critical, the closed range between is warning.
std::string classify_lower_better(double value, double healthy_below, double critical_above);
// For on-call satisfaction: > 4 healthy, 3–4 warning, < 3 critical.
std::string classify_satisfaction(double value);

// The seed's two thresholds of an on-call metric: healthy beyond the first, critical beyond the
// second, warning between them and on them (below and above for most; satisfaction is healthy
// above 4 and critical below 3).
struct OncallThresholds {
  double healthy, critical;
};
constexpr OncallThresholds k_pages_per_shift{2, 5}, k_off_hours_per_week{1, 3}, k_ack_min{5, 15},
    k_mitigate_min{30, 60}, k_false_positive_pct{10, 30}, k_escalation_pct{20, 40},
    k_satisfaction{4, 3};

struct MetricHealth {
  std::optional<double> value;
  std::string status; // healthy | warning | critical; empty when value is null
  // What the status was judged against: a value shown beside it is kept apart from both
  // (number_against), so it never reads on the other side of a line it is not on.
  OncallThresholds thresholds{0, 0};
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
  bool size_warning = false; // fewer than 5 members
  // Oldest first by period (YYYY-MM), whatever order the health entries are written in; entries
  // of the same period keep their written order.
  std::vector<OncallPeriod> periods;
};

// The rotation's health entries in written order, the first of each period only: a period listed
// again is the duplicate-period error and its entry is not read, so every page, command and
// report reads the same one month.
std::vector<const RotationHealth*> health_entries(const Rotation& r);

// `now` (seconds, wall-clock in the configured timezone) dates the month still running: its
// off-hours pages per week are over the days gone by, not over the whole month.
OncallPeriod oncall_period(const RotationHealth& h, std::int64_t now);
std::vector<RotationFigures> compute_oncall(const Repo& repo, std::int64_t now);
// The rotation's latest period (the last of `periods`); nullptr when it has no health entry. Every
// page, command and API reader that says "latest" means this one.
const OncallPeriod* latest_period(const RotationFigures& r);

} // namespace nines

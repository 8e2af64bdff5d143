// The weekly rhythm (seed Phase 3 "Error Budget Dashboard", Phase 10 on-call handoff, Phase 11
// "Weekly SRE Review"): ISO week arithmetic, the error budget week of an SLO, the weekly review and
// the handoff document of a rotation. Pure functions of the model, the daily series, the other
// figures and (for the handoff) what git knows; no I/O, no clock. Days are those of the configured
// timezone (`now` is wall-clock seconds there, as for every figure), so a week starts on Monday
// 00:00 local time.
#pragma once

#include "compute/claims.hpp"
#include "compute/ops.hpp"
#include "compute/slo.hpp"
#include "model/history.hpp"
#include "model/model.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nines {

// ---------------------------------------------------------------------------------------------
// ISO 8601 weeks: Monday to Sunday; week 1 is the week with the year's first Thursday.

struct IsoWeek {
  int year = 0; // the ISO week-numbering year (2027-01-01 is in 2026-W53)
  int week = 0; // 1..52 or 53
  bool operator==(const IsoWeek&) const = default;
  bool operator<(const IsoWeek& o) const { return year != o.year ? year < o.year : week < o.week; }
};

// 52 or 53.
int iso_weeks_in_year(int year);
// The week containing a day (days since the epoch).
IsoWeek iso_week_of(std::int64_t day);
// Its Monday, as days since the epoch.
std::int64_t iso_week_monday(IsoWeek w);
// "2026-W48" → {2026, 48}; nullopt when malformed or the year has no such week.
std::optional<IsoWeek> parse_iso_week(std::string_view s);
std::string format_iso_week(IsoWeek w); // "2026-W05"
// The last complete week before the day of `local_now` (wall-clock seconds): on any day of W49,
// W48 — Monday 00:00 starts a new week, so on a Monday the week just ended is the answer.
IsoWeek last_complete_week(std::int64_t local_now);

// ---------------------------------------------------------------------------------------------
// The error budget week of one SLO (seed Phase 3 dashboard)

// A burn-rate alert judged from daily data over a week's days.
struct AlertWeek {
  std::string name, severity, short_window, long_window;
  double burn_rate = 0;
  // Judged when the long window is a whole number of days (daily data can serve it); a short
  // window under a day is then judged by the day itself (its 24h burn, the finest grain daily data
  // has). Other alerts need a live source: judged false, fired empty.
  bool judged = false;
  std::vector<std::string> fired; // days (YYYY-MM-DD) on which the alert would have fired
};

// The day of the week with the most bad events (total − good); ties go to the earlier day.
struct ErrorContributor {
  std::string day;
  double bad = 0;
  std::optional<double> share; // of the week's bad events; null when the week had none
};

struct WeekIncident {
  std::string postmortem, title, date, severity, status;
  std::optional<double> claimed_pct;  // impact.slo_budget_consumed_pct, as written
  std::optional<double> computed_pct; // this SLO's share from the data (compute/claims)
};

struct BudgetWeek {
  std::string slo, service, name;
  double target = 0;
  std::string first_day, last_day;                   // the 7 days, YYYY-MM-DD
  std::optional<double> remaining, remaining_before; // at the end of the week, and 7 days earlier
  std::optional<double> remaining_change;            // remaining − remaining_before
  std::string trend;                                 // up | down | flat | unknown
  BudgetState state = BudgetState::Missing;          // at the end of the week
  // bad(week) / (b · total of the W days ending on the week's last day): the share of the
  // window's budget the week spent, as compute/claims counts an incident's days.
  std::optional<double> consumed;
  int days_with_data = 0;
  std::map<std::string, std::optional<double>> burn_rates; // "1h", "6h", "24h" at the week's end
  std::vector<WeekIncident> incidents;
  std::optional<ErrorContributor> top_contributor;
  std::optional<std::string> projected_exhaustion;
  bool exhaustion_beyond = false; // SloFigures::exhaustion_beyond at the week's end
  std::vector<AlertWeek> alerts;
};

// A change of remaining budget smaller than this (0.1 percentage point of the budget) is "flat".
constexpr double k_trend_flat = 0.001;
// "up", "down" or "flat" for a change of remaining budget; "unknown" without both figures.
std::string budget_trend(std::optional<double> change);

// The error budget week of `slo` over the 7 days from `first_day`. The figures at its end are
// those of compute_slo at the following midnight (with `live` when that is now: only then can a
// live source speak for the 1h/6h windows); those 7 days earlier, at `first_day`'s midnight.
//
// `week_postmortems` (from postmortems_by_service for the same 7 days) saves every SLO of a week
// from scanning every postmortem of the repository: without it the weeks cost SLOs × postmortems.
//
// `claims_by_postmortem` (from claims_by_postmortem of the same claims) does the same for the
// budget claims of those postmortems: without it each incident scanned every claim.
using WeekPostmortems = std::map<std::string, std::vector<const Postmortem*>, std::less<>>;
WeekPostmortems postmortems_by_service(const Repo& repo, std::int64_t first_day);
using ClaimsByPostmortem =
    std::unordered_map<std::string_view, std::vector<const BudgetClaimFigures*>>;
ClaimsByPostmortem claims_by_postmortem(const std::vector<BudgetClaimFigures>& claims);
BudgetWeek budget_week(const Repo& repo, const Slo& slo, const DailySeries* series,
                       const LiveWindows* live, const std::vector<BudgetClaimFigures>& claims,
                       std::int64_t first_day, const WeekPostmortems* week_postmortems = nullptr,
                       const ClaimsByPostmortem* claims_by_postmortem = nullptr);
// The same from the SLO's figures at the week's end and at `first_day`'s midnight, computed by
// the caller.
BudgetWeek budget_week(const Repo& repo, const Slo& slo, const DailySeries* series,
                       const SloFigures& end, const SloFigures& before,
                       const std::vector<BudgetClaimFigures>& claims, std::int64_t first_day,
                       const WeekPostmortems* week_postmortems,
                       const ClaimsByPostmortem* claims_by_postmortem);

// The error budget weeks of `slo` for the reviews of `weeks` (ascending; `week_postmortems[k]`
// is postmortems_by_service of week k), as compute_review makes them. One week's end is the next
// week's start, so the figures at that midnight are computed once for both: computing them twice
// was half of the reviews' cost in a build (docs/performance.md, "Weekly reviews share their
// boundaries").
std::vector<BudgetWeek> review_budget_weeks(const Repo& repo, const Slo& slo,
                                            const DailySeries* series,
                                            const std::vector<BudgetClaimFigures>& claims,
                                            const std::vector<IsoWeek>& weeks,
                                            const std::vector<WeekPostmortems>& week_postmortems,
                                            const ClaimsByPostmortem& by_postmortem);

// ---------------------------------------------------------------------------------------------
// The weekly SRE review (seed Phase 11)

struct ReviewIncidents {
  int total = 0;
  std::map<std::string, int> by_severity;       // SEV1..SEV4 always present, plus any other written
  std::vector<IncidentFigures> postmortems;     // dated in the week
  std::optional<double> total_duration_minutes; // Σ time to resolve, of those that say it
  // Action items not done, of every postmortem, overdue as of the week's end.
  std::vector<ActionItemFigure> open_action_items;
  int open = 0, in_progress = 0, overdue = 0;
};

// One rotation's health entry for a month the week touches (entries are monthly).
struct ReviewOncallEntry {
  std::string rotation, period;
  std::optional<double> pages, off_hours_pages, false_positive_pct;
};

struct ReviewOncall {
  std::vector<std::string> periods; // the month(s) the week falls in, YYYY-MM
  std::vector<ReviewOncallEntry> entries;
  double total_pages = 0, off_hours_pages = 0;
};

struct ReviewToil {
  std::string id, name, service, automated_on;
  double hours_saved_per_month = 0;
};

struct ReviewExperiment {
  std::string id, name, service, date, outcome;
};

struct ReviewCapacity {
  std::string id, service;
  std::optional<int> runway_months;
  std::optional<double> runway_months_fractional; // what decides "under 6 months", as on the pages
};

// Capacity models with a runway below this many months are a concern at the review.
constexpr int k_capacity_concern_months = 6;

struct WeeklyReview {
  std::string week;                // YYYY-Www
  std::string first_day, last_day; // Monday, Sunday
  std::vector<BudgetWeek> slos;    // repo order
  int alerts_fired = 0;            // alert-days over every SLO
  ReviewIncidents incidents;
  ReviewOncall on_call;
  std::vector<ReviewToil> toil_automated;
  double hours_saved_per_month = 0;
  std::vector<ReviewExperiment> experiments;
  std::vector<ReviewCapacity> capacity_concerns;
};

// The review of week `w`. Figures come from the data up to the week's end, whatever now is.
// `budget_weeks`, when given, are the week's error budget weeks in repo order (from
// review_budget_weeks; moved from), else they are computed here.
WeeklyReview compute_review(const Repo& repo, const std::map<std::string, DailySeries>& series,
                            const std::vector<BudgetClaimFigures>& claims,
                            const std::vector<CapacityFigures>& capacity, IsoWeek w,
                            std::vector<BudgetWeek>* budget_weeks = nullptr);

// Every complete week (before the week of `local_now`) with a day of SLO data or a dated
// postmortem, ascending: the weeks that get a review page.
std::vector<IsoWeek> weeks_with_data(const Repo& repo,
                                     const std::map<std::string, DailySeries>& series,
                                     std::int64_t local_now);

// ---------------------------------------------------------------------------------------------
// The on-call handoff (seed Phase 10)

struct HandoffChange {
  std::string file, kind, id; // the document changed (kind/id empty for other files)
  std::string date, hash, short_hash, author;
};

struct HandoffRisk {
  std::string kind; // slo | runbook | capacity | experiment
  std::string id, service, text;
};

struct HandoffMaintenance {
  std::string id, service, start, end, description, rollback_plan;
  bool under_way = false;
};

struct HandoffRunbook {
  std::string id, title, service, date, short_hash, author; // the latest change since `since`
  std::string source;                                       // git | last_updated
};

struct HandoffPostmortem {
  std::string id, title, date, severity, status;
};

struct Handoff {
  std::string rotation, name, date; // date: the day of now
  std::string since;                // runbook updates since, YYYY-MM-DD
  std::vector<std::string> services;
  std::vector<HandoffPostmortem> open_postmortems; // draft or in review
  std::vector<ActionItemFigure> open_action_items; // not done, with overdue
  int overdue_action_items = 0;
  bool history_available = false;
  std::string history_reason;
  std::vector<HandoffChange> recent_changes; // last 7 days, newest first
  std::vector<HandoffRisk> risks;
  std::vector<HandoffMaintenance> maintenance;
  std::vector<HandoffRunbook> runbook_updates;
};

// Scheduled maintenance shown: under way, or starting within this many days.
constexpr int k_handoff_maintenance_days = 14;
// Recent changes: the last 7 days.
constexpr int k_handoff_recent_days = 7;

// What each rotation answers for: the documents and figures of the services it is the on-call
// rotation of, sorted out by rotation in one pass over each list, each list's order kept. Made
// per rotation by scanning every list, the handoffs cost rotations × documents, and rotations
// grow with the organisation. Refers to the repository and the figures given: it must not
// outlive them.
class HandoffIndex {
public:
  // `incidents` are compute_incidents(repo, local_now); `slos` and `capacity` the run's figures.
  HandoffIndex(const Repo& repo, const std::vector<SloFigures>& slos,
               const std::vector<CapacityFigures>& capacity,
               const std::vector<IncidentFigures>& incidents);

  struct Incident {
    const IncidentFigures* figures;
    const Postmortem* postmortem; // the last postmortem of the incident's id
  };
  struct Docs {
    std::vector<const Service*> services;
    std::vector<Incident> incidents; // affecting one of the services, in the incidents' order
    // Every document of the services (services, SLOs, policies, runbooks, capacity models,
    // experiments, maintenance, auto-remediations, toil, then affected postmortems), for which
    // file holds what: a later one of a file wins.
    std::vector<const DocMeta*> docs;
    std::vector<const SloFigures*> slos;
    std::vector<const Runbook*> runbooks;
    std::vector<const CapacityFigures*> capacity;
    std::vector<const Experiment*> experiments;
    std::vector<const Maintenance*> maintenance;
  };
  const Docs& of(const std::string& rotation) const;
  // The last runbook with this id, if any.
  const Runbook* runbook(const std::string& id) const;

private:
  std::unordered_map<std::string_view, Docs> m_by_rotation;
  std::unordered_map<std::string_view, const Runbook*> m_runbooks;
};

// The handoff of rotation `rotation` at `local_now`; `since_day` (days since the epoch) starts the
// runbook updates. `history` may be null (no git); `index` sorts the run's documents and figures
// (at `local_now`) by rotation.
Handoff compute_handoff(const Repo& repo, const Rotation& rotation, const History* history,
                        const HandoffIndex& index, std::int64_t local_now, std::int64_t since_day);
// The same for one rotation, with an index made for it.
Handoff compute_handoff(const Repo& repo, const Rotation& rotation, const History* history,
                        const std::vector<SloFigures>& slos,
                        const std::vector<CapacityFigures>& capacity, std::int64_t local_now,
                        std::int64_t since_day);

} // namespace nines

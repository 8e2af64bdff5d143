// SLO figures (SPEC 3.1): budgets, burn rates, states and the daily data they come from.
#pragma once

#include "model/budget.hpp"
#include "model/model.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace nines {

// ---------------------------------------------------------------------------------------------
// Daily data

// The repository's recorded CSV rows → a series per SLO id. Later rows for the same slo and day
// replace earlier ones; rows with an empty SLO id, negative or non-finite counts, or good > total
// are skipped (the validate stage already reported them).
std::map<std::string, DailySeries> series_from_csv(const Repo& repo);

// ---------------------------------------------------------------------------------------------
// SLOs (SPEC 3.1)

// Fraction → percent, keeping null null.
std::optional<double> pct(std::optional<double> fraction);
// The consumed budget fraction as published: its percentage at pct()'s rounding point, back as a
// fraction, so the budget and the monthly report carry the same value for the same month.
double published_consumed(double consumed);

// b = 1 − target/100, computed as (100 − target)/100.
double budget_fraction(double target_pct);
// W·1440·b.
double allowed_bad_minutes(double target_pct, double window_days);
// (1 − A)/b for good/total events; nullopt when total ≤ 0, good > total or b ≤ 0.
std::optional<double> burn_rate(double good, double total, double budget_frac);
// The same from the bad count (total − good), for sums where good and total are too close for a
// double to tell apart (RangeTotals::bad); nullopt when total ≤ 0, bad < 0 or b ≤ 0.
std::optional<double> bad_burn_rate(double bad, double total, double budget_frac);
// Budget spent by an alert that fires at burn B over long window L: B·L/W.
double budget_consumed_when_fires(double burn, double long_window_min, double window_days);
// Time to spend the whole budget at burn B: W/B (days); nullopt when B ≤ 0.
std::optional<double> time_to_exhaust_days(double window_days, double burn);

// The seed's policy: healthy > 50%, warning 25–50%, critical 0–25%, exhausted ≤ 0, with the seed's
// actions. Used when no policy applies.
Policy seed_default_policy();

// The policy that applies to an SLO: slo.policy, else a policy of the SLO's service, else
// nines.yaml's defaults.error_budget_policy; nullptr when none (→ seed_default_policy()).
// `source` is set to "slo", "service", "default" or "seed".
const Policy* policy_for(const Repo& repo, const Slo& slo, std::string* source = nullptr);
// The policy whose `service:` names `service` (the least id of several), or null.
const Policy* service_policy(const Repo& repo, const std::string& service);
// True when a policy document applies to the service (any of the three routes above).
bool service_has_policy(const Repo& repo, const std::string& service);

struct BudgetStateFigure {
  BudgetState level = BudgetState::Missing;
  std::string name() const { return std::string(budget_state_name(level)); }
  std::string policy;        // policy id; empty for the seed default
  std::string policy_source; // slo | service | default | seed
  std::string condition;     // the matched condition as written
  // The bounds (percent) of every condition of the policy that placed the budget (and of the
  // seed's, for a policy-gap): remaining_text keeps the shown figure off each of them.
  std::vector<double> edges;
  // No state of the policy covers the remaining budget (a policy-gap): `level` and `condition`
  // are the seed default's band, and `actions` are empty; `exceptions` stay the policy's.
  bool seed_band = false;
  std::vector<std::string> actions;
  std::vector<std::string> exceptions;
  std::string reset; // the policy's reset rule as written ("" when it states none)
};

struct AlertFigures {
  std::string name, severity, short_window, long_window;
  double burn_rate = 0;
  double short_window_min = 0, long_window_min = 0;
  double budget_consumed_when_fires = 0; // fraction of the window's budget: B·L/W
  std::optional<double> time_to_exhaust_hours, time_to_exhaust_days; // W/B
  std::optional<double> short_burn, long_burn; // current burn over each window, when known
  std::optional<bool> firing;                  // both windows known and both ≥ burn_rate
  bool generated = false; // a Workbook default `nines rules` generates, not in the SLO document
};

struct DataFreshness {
  std::string status = "missing";       // fresh | stale | missing (of the daily data)
  std::optional<std::string> as_of;     // last day with data before now, YYYY-MM-DD
  std::optional<std::int64_t> age_days; // whole days between as_of and the last closed day
  // as_of's value was fetched before the day had settled (the source's `settle`): it may be short.
  // Set by the driver from the store; a provisional last day that this run's pull did not fetch
  // again makes the status stale (docs/metrics.md).
  bool provisional = false;
  // Live windows (labels, e.g. "1h") this build asked the source for and did not get: their
  // burn rates are missing because of a failed fetch, not for want of a source (SPEC 4.4).
  std::vector<std::string> live_missing{};
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
  std::optional<std::string> projected_exhaustion; // YYYY-MM-DD, at most k_last_iso_date
  // The projection falls after k_last_iso_date: projected_exhaustion is null (SPEC 5: an ISO
  // date or null) and people read k_exhaustion_beyond_text.
  bool exhaustion_beyond = false;
  DataFreshness data;
  Coverage coverage;
  std::string window_kind = "rolling";         // rolling | calendar
  std::string budgeting = "Occurrences";       // Occurrences | Timeslices | RatioTimeslices
  std::optional<int> slices, good_slices;      // Timeslices: slices with data, and good ones
  std::optional<std::string> missing_reason;   // why attainment is null although data may exist
  std::vector<AlertPolicySpec> alert_policies; // OpenSLO's, as read (shown, not computed)
};

// The last day a projected exhaustion is published as (four-digit years are what ISO 8601 and its
// parsers agree on), and what the pages and the terminal say for a projection after it.
inline constexpr std::string_view k_last_iso_date = "9999-12-31";
inline constexpr std::string_view k_exhaustion_beyond_text = "not before 9999-12-31";

// The calendar period of an SLO's calendar-aligned window that holds `day` (days since the
// epoch): its first and last day. Periods are `count` units long ("d", "w", "M", "Q", "Y") and
// aligned to `start_day`.
std::pair<std::int64_t, std::int64_t> calendar_period(const std::string& unit, int count,
                                                      std::int64_t start_day, std::int64_t day);

// The last closed day, in the SLO's calendar zone (OpenSLO calendar.timeZone), that picks which
// calendar period "now" is in: `local_now` is wall-clock seconds in `repo_zone` (nines.yaml's
// timezone, which the daily data are cut in). Without an SLO zone, or with the same one, it is
// the repository's last closed day.
std::int64_t calendar_last_day(const std::string& repo_zone, const std::string& slo_zone,
                               std::int64_t local_now);

// Figures of one SLO at `now`. `series` and `live` may be null (no data).
SloFigures compute_slo(const Repo& repo, const Slo& slo, const DailySeries* series,
                       const LiveWindows* live, std::int64_t now);
// `days` (day numbers) were asked of the source by this run and not got: the fetch failed or its
// answer was refused. When one of them is in the SLO's window, its figures rest on a window with
// holes in it, so fresh data reads `stale` (with the age of its last day) and `--strict` names it
// (SPEC 4.4). Days outside the window, and days the source simply had no data for, change nothing.
void mark_unfetched_days(SloFigures& f, const std::set<std::int64_t>& days);
// Every SLO of the repo, in repo order, on `jobs` threads (parallel_for; the same figures on any
// number).
std::vector<SloFigures> compute_slos(const Repo& repo,
                                     const std::map<std::string, DailySeries>& series,
                                     const std::map<std::string, LiveWindows>& live,
                                     std::int64_t now, int jobs = 1);

// Sums of usable days (total > 0, good ≤ total) in [first_day, last_day], inclusive. The sums are
// taken in long double (64 bits of mantissa or more), where the daily counts, each at most 2^53,
// add up exactly for any window, and rounded once; `bad` sums each day's total − good, so a window
// whose totals pass 2^53 still holds its bad events (a burn rate above 0, never 100% attainment
// for want of a double's digits).
struct RangeTotals {
  double good = 0, total = 0, bad = 0;
  int days_with_data = 0;
};
RangeTotals sum_range(const DailySeries* series, std::int64_t first_day, std::int64_t last_day);

// An SLO's attainment over the whole days [first, last] by its budgeting method, the one rule
// for the budget's window and the report's month: Occurrences Σgood/Σtotal; whole-day
// Timeslices good slices / slices with data (RatioTimeslices their mean ratio), slices counted
// from `first`; slices shorter than a day null with a reason, never an occurrences figure.
struct RangeAttainment {
  RangeTotals totals;
  std::optional<double> attainment;
  std::optional<double> unmet; // 1 − attainment, as Σbad/Σtotal for occurrences
  std::optional<int> slices, good_slices;
  std::optional<std::string> missing_reason;
};
RangeAttainment attainment_over(const Slo& slo, const DailySeries* series, std::int64_t first,
                                std::int64_t last);

} // namespace nines

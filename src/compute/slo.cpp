// SLO figures (SPEC 3.1): attainment, error budget, burn rates, alert arithmetic, budget state,
// projected exhaustion and data freshness.
#include "compute/detail.hpp"
#include "compute/figures.hpp"
#include "model/alerts.hpp"
#include "model/budget.hpp"
#include "model/numbers.hpp"
#include "model/parallel.hpp"
#include "model/promql.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

namespace nines {

using compute_detail::day_of;
using compute_detail::usable;

namespace {

// Whole-day windows are read from daily data; the rest need a live source.
constexpr double k_minutes_per_day = 1440.0;

std::optional<double> live_burn(const LiveWindows* live, double minutes, double b) {
  if (!live) return std::nullopt;
  for (const auto& [label, w] : *live) {
    auto m = parse_duration_minutes(label);
    if (!m || std::fabs(*m - minutes) > 1e-9) continue;
    return burn_rate(w.good, w.total, b);
  }
  return std::nullopt;
}

std::optional<double> daily_burn(const DailySeries* series, std::int64_t today, std::int64_t days,
                                 double b) {
  RangeTotals t = sum_range(series, today - days, today - 1);
  if (t.days_with_data == 0) return std::nullopt;
  return bad_burn_rate(t.bad, t.total, b);
}

// Burn over a trailing window of `minutes`, as the burn rates show it: whole days from the daily
// data (the last closed days, so every page shows the same number for a given now, and a window
// whose days hold no data is null, never a live value over other hours); shorter windows from the
// live source.
std::optional<double> window_burn(const DailySeries* series, const LiveWindows* live,
                                  std::int64_t today, double minutes, double b) {
  if (minutes >= k_minutes_per_day && std::fmod(minutes, k_minutes_per_day) == 0.0)
    return daily_burn(series, today, static_cast<std::int64_t>(minutes / k_minutes_per_day), b);
  return live_burn(live, minutes, b);
}

// Burn over an alert's window as its Prometheus rule sees it: the rolling window ending now, so
// the live value when the source answered, and `firing` agrees with Alertmanager; without one (an
// offline build, a failed fetch) a whole-day window falls back to the closed days.
std::optional<double> alert_window_burn(const DailySeries* series, const LiveWindows* live,
                                        std::int64_t today, double minutes, double b) {
  if (auto r = live_burn(live, minutes, b)) return r;
  return window_burn(series, nullptr, today, minutes, b);
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Timeslices and RatioTimeslices over daily data: slices of `slice_days` whole days from the
// range's first day. A slice with data is good when its ratio is at least the slice target
// (Timeslices); RatioTimeslices averages the slices' ratios. Sets the attainment and the slice
// counts; leaves them null when no slice has data.
void timeslice_attainment(const Slo& slo, const DailySeries* series, std::int64_t first,
                          std::int64_t last, RangeAttainment& a) {
  const auto k = static_cast<std::int64_t>(std::llround(slo.slice_minutes / k_minutes_per_day));
  int slices = 0, good = 0;
  double ratios = 0;
  for (std::int64_t d = first; d <= last; d += k) {
    RangeTotals t = sum_range(series, d, std::min(d + k - 1, last));
    if (t.days_with_data == 0 || t.total <= 0) continue;
    const double ratio = t.good / t.total;
    ++slices;
    ratios += ratio;
    if (ratio >= slo.slice_target - 1e-12) ++good;
  }
  if (slices == 0) return;
  a.slices = slices;
  // RatioTimeslices has no slice target, so no slice is good or bad: the count stays null rather
  // than calling every slice good.
  if (slo.budgeting == "Timeslices") a.good_slices = good;
  a.attainment =
      slo.budgeting == "Timeslices" ? static_cast<double>(good) / slices : ratios / slices;
}

// C, R and the bad minutes from the consumed fraction, as published: the consumed percentage at
// pct()'s rounding point and R = 100 − that, so a budget spent exactly is R = 0 (not a residue
// of 1e-14) and a budget at exactly 25% left reads 25, whatever binary made of the division. The
// bad minutes are C · allowed, rounded once (from the rounded percentage, 403.3584 read
// 403.358399999).
void set_budget(SloFigures& f, double consumed) {
  f.status = "ok";
  const double consumed_pct = rounded_figure(consumed * 100.0);
  f.consumed = published_consumed(consumed);
  f.remaining = published_difference(100.0, consumed_pct) / 100.0;
  f.bad_minutes = published_figure(consumed * f.allowed_bad_minutes);
}

} // namespace

std::int64_t calendar_last_day(const std::string& repo_zone, const std::string& slo_zone,
                               std::int64_t local_now) {
  const std::int64_t repo_last = day_of(local_now) - 1;
  if (slo_zone.empty() || slo_zone == repo_zone) return repo_last;
  // The instant: local_now less the repository zone's offset at that instant (taken twice, so
  // that an hour next to a daylight-saving change reads right).
  auto repo_offset = [&](std::int64_t t) { return utc_offset(repo_zone, t).value_or(0); };
  const std::int64_t utc = local_now - repo_offset(local_now - repo_offset(local_now));
  auto slo_offset = utc_offset(slo_zone, utc);
  if (!slo_offset) return repo_last; // unknown zone: reported by the decoder
  return day_of(utc + *slo_offset) - 1;
}

std::pair<std::int64_t, std::int64_t> calendar_period(const std::string& unit, int count,
                                                      std::int64_t start_day, std::int64_t day) {
  if (count < 1) count = 1;
  if (unit == "d" || unit == "w") {
    const std::int64_t len = static_cast<std::int64_t>(count) * (unit == "w" ? 7 : 1);
    const std::int64_t first = start_day + floor_div(day - start_day, len) * len;
    return {first, first + len - 1};
  }
  const int months = count * (unit == "Y" ? 12 : unit == "Q" ? 3 : 1);
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(start_day, y, m, d);
  const std::int64_t start_month = static_cast<std::int64_t>(y) * 12 + (m - 1);
  // Periods begin on the start's day of the month (a billing cycle from the 15th runs to the
  // 14th), on a short month's last day when it has no such day (from the 31st: February 28).
  const unsigned start_dom = d;
  auto month_start = [start_dom](std::int64_t mi) {
    const int yy = static_cast<int>(floor_div(mi, 12));
    const int mm = static_cast<int>(mi - floor_div(mi, 12) * 12 + 1);
    const unsigned dom = std::min(start_dom, static_cast<unsigned>(days_in_month(yy, mm)));
    return days_from_civil(yy, static_cast<unsigned>(mm), dom);
  };
  civil_from_days(day, y, m, d);
  std::int64_t day_month = static_cast<std::int64_t>(y) * 12 + (m - 1);
  if (day < month_start(day_month)) --day_month; // before this month's start: last month's period
  const std::int64_t first_month =
      start_month + floor_div(day_month - start_month, months) * months;
  return {month_start(first_month), month_start(first_month + months) - 1};
}

namespace {

const Policy* find_policy(const Repo& repo, const std::string& id) {
  if (id.empty()) return nullptr;
  for (const auto& p : repo.policies)
    if (p.meta.id == id) return &p;
  return nullptr;
}

PolicyState seed_state(BudgetState state, const char* condition,
                       std::initializer_list<const char*> actions) {
  PolicyState s;
  s.state = state;
  if (auto c = parse_budget_condition(condition)) s.condition = *c;
  for (const char* a : actions)
    s.actions.emplace_back(a);
  return s;
}

} // namespace

std::map<std::string, DailySeries> series_from_csv(const Repo& repo) {
  // An SLO's rows are gathered in file order, its list looked up once per entry of the SLO table
  // rather than per row, and sorted by day once: a series is a sorted vector, where rows inserted
  // in place (a file in descending order) would move every later day each time.
  std::map<std::string, std::vector<DailyCount>> rows;
  std::vector<std::vector<DailyCount>*> rows_of(repo.csv_slos.size(), nullptr);
  for (const auto& r : repo.csv_rows) {
    if (repo.csv_slo(r).empty()) continue;
    if (!std::isfinite(r.good) || !std::isfinite(r.total) || r.good < 0 || r.total < 0 ||
        r.good > r.total)
      continue;
    std::vector<DailyCount>*& list = rows_of[r.slo];
    if (list == nullptr) list = &rows[repo.csv_slo(r)];
    list->push_back(DailyCount{r.day, r.good, r.total});
  }
  std::map<std::string, DailySeries> out;
  for (auto& [slo, list] : rows) {
    std::stable_sort(list.begin(), list.end(),
                     [](const DailyCount& a, const DailyCount& b) { return a.day < b.day; });
    DailySeries& s = out[slo];
    s.reserve(list.size());
    for (const DailyCount& c : list) {
      if (!s.empty() && s.rbegin()->first == c.day)
        s.rbegin()->second = c; // of two rows for one day, the later wins
      else
        s.emplace_hint(s.end(), c.day, c);
    }
  }
  return out;
}

double published_consumed(double consumed) {
  return rounded_figure(consumed * 100.0) / 100.0;
}

std::optional<double> pct(std::optional<double> fraction) {
  if (!fraction) return std::nullopt;
  return published_figure(*fraction * 100.0);
}

double budget_fraction(double target_pct) {
  // A target is a decimal as written (99.9), which binary cannot hold: (100 − 99.9) / 100 is
  // 0.00099999999999994, and the SPEC's own 40.32 allowed minutes read 40.319999999997712 in the
  // API. Subtracting in whole units of the target's last written decimal gives the double
  // nearest to the decimal budget (0.001) instead. Up to 12 decimals, where those units stay
  // exact; past that, the plain difference.
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, target_pct);
  const std::string_view text(buf, ec == std::errc() ? static_cast<std::size_t>(end - buf) : 0);
  const std::size_t dot = text.find('.');
  const std::size_t decimals = dot == std::string_view::npos ? 0 : text.size() - dot - 1;
  if (text.empty() || text.find('e') != std::string_view::npos || decimals > 12)
    return (100.0 - target_pct) / 100.0;
  const double scale = std::pow(10.0, static_cast<double>(decimals));
  return std::round((100.0 - target_pct) * scale) / (scale * 100.0);
}

double allowed_bad_minutes(double target_pct, double window_days) {
  return published_figure(window_days * k_minutes_per_day * budget_fraction(target_pct));
}

std::optional<double> burn_rate(double good, double total, double budget_frac) {
  if (good < 0 || good > total) return std::nullopt;
  // (1 − good/total)/b computed from the bad count keeps whole-number inputs exact.
  return bad_burn_rate(total - good, total, budget_frac);
}

std::optional<double> bad_burn_rate(double bad, double total, double budget_frac) {
  if (!(total > 0) || bad < 0 || bad > total || !(budget_frac > 0)) return std::nullopt;
  // Rounded as published: 1 bad event in 10^5 against a 99.99999% target burns at 100, not
  // 100.00000000000001. An alert's comparison with its threshold has a far wider tolerance
  // (burn_rate_exceeds), so no alert changes side.
  return rounded_figure(bad / total / budget_frac);
}

double budget_consumed_when_fires(double burn, double long_window_min, double window_days) {
  return burn * long_window_min / (window_days * k_minutes_per_day);
}

std::optional<double> time_to_exhaust_days(double window_days, double burn) {
  if (!(burn > 0)) return std::nullopt;
  return window_days / burn;
}

Policy seed_default_policy() {
  Policy p;
  p.meta.kind = "error_budget_policy";
  p.states.push_back(seed_state(
      BudgetState::Healthy, "remaining_budget > 50%",
      {"Normal development velocity", "Feature work prioritized", "Chaos experiments allowed"}));
  p.states.push_back(
      seed_state(BudgetState::Warning, "remaining_budget 25-50%",
                 {"Increase monitoring scrutiny", "Review recent changes for risk",
                  "Limit risky deployments to business hours", "No chaos experiments"}));
  p.states.push_back(
      seed_state(BudgetState::Critical, "remaining_budget 0-25%",
                 {"Feature freeze — reliability work only", "All deployments require SRE approval",
                  "Mandatory rollback plan for every change", "Daily error budget review"}));
  p.states.push_back(
      seed_state(BudgetState::Exhausted, "remaining_budget <= 0",
                 {"Complete deployment freeze", "All engineering redirected to reliability",
                  "VP Engineering notified", "Postmortem required for budget exhaustion",
                  "Freeze maintained until budget recovers to 10%"}));
  p.exceptions = {"Security patches always allowed", "Regulatory compliance changes always allowed",
                  "Data loss prevention always allowed"};
  p.reset = "Rolling 28-day window (no manual resets)";
  return p;
}

const Policy* service_policy(const Repo& repo, const std::string& service) {
  // Two policies naming one service are a policy-conflict error; should the rule be lowered, the
  // one whose id sorts first governs, whatever the files are called (docs/content.md).
  const Policy* own = nullptr;
  if (!service.empty())
    for (const auto& p : repo.policies)
      if (p.service.id == service && (!own || p.meta.id < own->meta.id)) own = &p;
  return own;
}

const Policy* policy_for(const Repo& repo, const Slo& slo, std::string* source) {
  auto set = [&](const char* s) {
    if (source) *source = s;
  };
  if (const Policy* p = find_policy(repo, slo.policy.id)) {
    set("slo");
    return p;
  }
  if (const Policy* own = service_policy(repo, slo.service.id)) {
    set("service");
    return own;
  }
  if (const Policy* p = find_policy(repo, repo.config.default_policy)) {
    set("default");
    return p;
  }
  set("seed");
  return nullptr;
}

bool service_has_policy(const Repo& repo, const std::string& service) {
  for (const auto& p : repo.policies)
    if (p.service.id == service) return true;
  for (const Slo* s : compute_detail::slos_of(repo, service))
    if (find_policy(repo, s->policy.id)) return true;
  return find_policy(repo, repo.config.default_policy) != nullptr;
}

RangeTotals sum_range(const DailySeries* series, std::int64_t first_day, std::int64_t last_day) {
  static_assert(std::numeric_limits<long double>::digits >= 64,
                "window sums need a long double that adds daily counts of up to 2^53 exactly");
  RangeTotals t;
  if (!series || first_day > last_day) return t;
  long double good = 0, total = 0, bad = 0;
  for (auto it = series->lower_bound(first_day); it != series->end() && it->first <= last_day;
       ++it) {
    if (!usable(it->second)) continue; // zero-traffic days are no data for that day
    good += it->second.good;
    total += it->second.total;
    bad += it->second.total - it->second.good;
    ++t.days_with_data;
  }
  t.good = static_cast<double>(good);
  t.total = static_cast<double>(total);
  t.bad = static_cast<double>(bad);
  return t;
}

RangeAttainment attainment_over(const Slo& slo, const DailySeries* series, std::int64_t first,
                                std::int64_t last) {
  RangeAttainment a;
  a.totals = sum_range(series, first, last);
  const bool occurrences = slo.budgeting.empty() || slo.budgeting == "Occurrences";
  if (!occurrences && (slo.slice_minutes < k_minutes_per_day ||
                       std::fmod(slo.slice_minutes, k_minutes_per_day) != 0.0)) {
    // Never an occurrences figure under another name: slices finer than the data are null, with
    // or without data, and the reason is the same either way.
    // In seconds when the slice is not whole minutes (OpenSLO's 30s), so it never reads "1 minute".
    const long long seconds = std::llround(slo.slice_minutes * 60.0);
    a.missing_reason =
        slo.budgeting + " with a time slice of " +
        (seconds % 60 != 0 ? plural(seconds, "second") : plural(seconds / 60, "minute")) +
        " needs data finer than the daily values nines keeps";
    return a;
  }
  if (a.totals.days_with_data == 0) return a;
  if (occurrences) {
    a.attainment = a.totals.good / a.totals.total;
    a.unmet = a.totals.bad / a.totals.total; // the exact sum of the bad counts (sum_range)
  } else {
    timeslice_attainment(slo, series, first, last, a);
    if (a.attainment) a.unmet = 1.0 - *a.attainment;
  }
  return a;
}

void mark_unfetched_days(SloFigures& f, const std::set<std::int64_t>& days) {
  if (f.data.status != "fresh" || days.empty()) return;
  const auto first = parse_date(f.window_start), last = parse_date(f.window_end);
  if (!first || !last) return;
  auto it = days.lower_bound(*first);
  if (it != days.end() && *it <= *last) f.data.status = "stale";
}

SloFigures compute_slo(const Repo& repo, const Slo& slo, const DailySeries* series,
                       const LiveWindows* live, std::int64_t now) {
  SloFigures f;
  f.id = slo.meta.id;
  f.service = slo.service.id;
  f.sli = slo.sli.id;
  f.name = slo.name;
  f.target = slo.target;
  f.window_days = slo.window_days;
  f.sla = slo.sla;
  f.alert_policies = slo.alert_policies;
  f.budget_fraction = budget_fraction(slo.target);
  f.allowed_bad_minutes = allowed_bad_minutes(slo.target, slo.window_days);
  const double b = f.budget_fraction;

  // The W whole days before now: now 2026-11-01T00:00Z, W 28 → 2026-10-04 … 2026-10-31.
  const std::int64_t today = day_of(now);
  std::int64_t w = std::llround(slo.window_days);
  if (w < 1) w = 1;
  std::int64_t first = today - w;
  const std::int64_t last = today - 1;
  std::int64_t window_last = last; // a calendar period may end before the last closed day
  f.budgeting = slo.budgeting;
  if (!slo.calendar_unit.empty()) {
    // A calendar-aligned window: the period that holds the last closed day, from its first day
    // up to that day; the budget is the whole period's. Weeks start on Mondays (1970-01-05) and
    // months, quarters and years in January unless calendar.startTime says otherwise.
    f.window_kind = "calendar";
    auto start = parse_date(slo.calendar_start);
    const std::int64_t anchor = start ? *start : (slo.calendar_unit == "w" ? 4 : 0);
    const std::int64_t pick = calendar_last_day(repo.config.timezone, slo.calendar_timezone, now);
    auto [p0, p1] = calendar_period(slo.calendar_unit, slo.calendar_count, anchor, pick);
    first = p0;
    window_last = std::min(last, p1);
    w = p1 - p0 + 1;
    f.window_days = static_cast<double>(w);
    f.allowed_bad_minutes = allowed_bad_minutes(slo.target, f.window_days);
    if (first > window_last)
      f.missing_reason = "the period that began on " + format_date(first) + " in " +
                         slo.calendar_timezone + " has no closed day yet in " +
                         repo.config.timezone + ", the zone the daily data are cut in";
  }
  f.window_start = format_date(first);
  f.window_end = format_date(window_last);

  const RangeAttainment range = attainment_over(slo, series, first, window_last);
  const RangeTotals& t = range.totals;
  f.coverage.window_days = static_cast<int>(w);
  f.coverage.days_with_data = t.days_with_data;
  if (series) {
    // Only the first and the last usable day are named; formatting every day in between cost a
    // third of the compute stage, which runs this once per SLO and per week and month reported.
    // A day of no traffic (0 of 0, fetched or recorded) counts for no figure, but it is data: the
    // series is as current as that day, and an idle Sunday does not make it stale.
    std::optional<std::int64_t> last_usable, last_recorded;
    for (const auto& [day, c] : *series) {
      if (day >= today) break;
      if (c.good == 0 && c.total == 0) last_recorded = day;
      if (!usable(c)) continue;
      last_recorded = day;
      if (!f.coverage.first_data) {
        f.coverage.first_data = format_date(day);
        f.coverage.window_start_before_first_data = first < day;
      }
      last_usable = day;
    }
    if (last_usable) {
      f.data.as_of = format_date(*last_recorded);
      f.data.age_days = last - *last_recorded;
    }
  }
  if (f.data.age_days) f.data.status = *f.data.age_days <= 0 ? "fresh" : "stale";

  const bool occurrences = slo.budgeting.empty() || slo.budgeting == "Occurrences";
  if (t.days_with_data > 0) {
    f.good = t.good;
    f.total = t.total;
    f.attainment = range.attainment;
    f.slices = range.slices;
    f.good_slices = range.good_slices;
    if (range.unmet && b > 0) set_budget(f, *range.unmet / b);
  }
  if (range.missing_reason) f.missing_reason = range.missing_reason;

  // Burn rates are rates of bad events: an occurrences figure, so null for the slice methods.
  for (auto [label, minutes] :
       {std::pair<const char*, double>{"1h", 60.0}, {"6h", 360.0}, {"24h", 1440.0}, {"3d", 4320.0}})
    f.burn_rates[label] =
        occurrences ? window_burn(series, live, today, minutes, b) : std::optional<double>();

  // The SLO's own alerts, or the Workbook defaults `nines rules` generates for it: their
  // runbook_url leads to the SLO's page, so the page shows them too.
  const bool generated = pages_with_workbook_alerts(repo, slo);
  for (const auto& a : paging_alerts(repo, slo)) {
    AlertFigures af;
    af.generated = generated;
    af.name = a.name;
    af.severity = a.severity;
    af.short_window = a.short_window;
    af.long_window = a.long_window;
    af.burn_rate = a.burn_rate;
    af.short_window_min = a.short_window_min;
    af.long_window_min = a.long_window_min;
    // W is the window the figures are over: a calendar SLO's period length, not its nominal
    // duration (a 31-day month, not 30).
    af.budget_consumed_when_fires =
        budget_consumed_when_fires(a.burn_rate, a.long_window_min, f.window_days);
    // Rounded as published (28 days at 0.6x is 46.6666666667 days, not 46.666666666666664),
    // the hours from the exact days.
    if (auto days = time_to_exhaust_days(f.window_days, a.burn_rate)) {
      af.time_to_exhaust_days = rounded_figure(*days);
      af.time_to_exhaust_hours = rounded_figure(*days * 24.0);
    }
    af.budget_consumed_when_fires = rounded_figure(af.budget_consumed_when_fires);
    if (a.short_window_min > 0)
      af.short_burn = alert_window_burn(series, live, today, a.short_window_min, b);
    if (a.long_window_min > 0)
      af.long_burn = alert_window_burn(series, live, today, a.long_window_min, b);
    if (af.short_burn && af.long_burn)
      // The rule's own comparison (error ratio > B·b, strict): a burn at the threshold does not
      // fire, so `firing` and Prometheus never disagree.
      af.firing = burn_rate_exceeds(*af.short_burn, a.burn_rate) &&
                  burn_rate_exceeds(*af.long_burn, a.burn_rate);
    f.alerts.push_back(std::move(af));
  }

  // projected exhaustion = now + R·W/B24h (W the window_days shown), when B24h > 0 and R > 0, R as
  // published (set_budget): an exactly spent budget is 0 there (state exhausted), never a float
  // residue of budget left to run out of.
  const auto& b24 = f.burn_rates["24h"];
  if (f.remaining && *pct(f.remaining) > 0 && b24 && *b24 > 0) {
    // The instant, to the second (finer than any figure shown), then its UTC day.
    const double seconds = *f.remaining * f.window_days * 86400.0 / *b24;
    const std::int64_t last_iso = days_from_civil(9999, 12, 31);
    const std::int64_t day = seconds < 1e15 ? day_of(now + std::llround(seconds)) : last_iso + 1;
    if (day <= last_iso)
      f.projected_exhaustion = format_date(day);
    else
      f.exhaustion_beyond = true;
  }

  // The budget state, from the policy that applies (or the seed's).
  std::string source;
  const Policy* policy = policy_for(repo, slo, &source);
  Policy seed;
  if (!policy) {
    seed = seed_default_policy();
    policy = &seed;
  }
  f.state.policy = source == "seed" ? "" : policy->meta.id;
  f.state.policy_source = source;
  f.state.exceptions = policy->exceptions;
  // The built-in default's reset rule names a 28-day window whatever this SLO's window is, so only
  // a policy document's own rule is shown.
  if (source != "seed") f.state.reset = policy->reset;
  if (!f.remaining) {
    f.state.level = BudgetState::Missing;
  } else {
    // The published remaining budget (pct), so a reader applying the policy's bounds to the API's
    // budget_remaining_pct gets this state.
    const double r = *pct(f.remaining);
    // Where a policy's states overlap (a policy-overlap error), the strictest that matches
    // applies, whatever their order: never a lenient state for a budget a stricter one names.
    const PolicyState* match = nullptr;
    for (const auto& s : policy->states)
      if (condition_matches(s.condition, r) &&
          (!match || budget_state_rank(s.state) > budget_state_rank(match->state)))
        match = &s;
    auto add_edges = [&f](const Policy& p) {
      for (const auto& s : p.states)
        for (const auto& bound : {s.condition.lo, s.condition.hi})
          if (bound) f.state.edges.push_back(*bound);
    };
    add_edges(*policy);
    if (match) {
      f.state.level = match->state;
      f.state.condition = match->condition.text;
      f.state.actions = match->actions;
    } else {
      // A policy with a gap in its bands: name the seed's state, show no actions of its own.
      if (policy != &seed) seed = seed_default_policy();
      f.state.seed_band = true;
      add_edges(seed);
      for (const auto& s : seed.states)
        if (condition_matches(s.condition, r)) {
          f.state.level = s.state;
          f.state.condition = s.condition.text;
          break;
        }
    }
  }
  return f;
}

std::vector<SloFigures> compute_slos(const Repo& repo,
                                     const std::map<std::string, DailySeries>& series,
                                     const std::map<std::string, LiveWindows>& live,
                                     std::int64_t now, int jobs) {
  std::vector<SloFigures> out(repo.slos.size());
  const auto index = compute_detail::IndexScope::current();
  parallel_for(repo.slos.size(), jobs, [&](std::size_t i) {
    const compute_detail::IndexScope lent(index);
    const Slo& slo = repo.slos[i];
    auto s = series.find(slo.meta.id);
    auto l = live.find(slo.meta.id);
    out[i] = compute_slo(repo, slo, s == series.end() ? nullptr : &s->second,
                         l == live.end() ? nullptr : &l->second, now);
  });
  return out;
}

} // namespace nines

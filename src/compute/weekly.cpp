// The weekly rhythm: ISO weeks, the error budget week, the weekly review and the handoff.
#include "compute/weekly.hpp"

#include "compute/detail.hpp"
#include "model/budget.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string_view>

namespace nines {

using compute_detail::day_of_text;
using compute_detail::usable;

namespace {

// A capacity model the review and the handoff raise: runway under k_capacity_concern_months by
// the fractional runway the capacity page colours (5.4 months is under 6, though its whole
// months read 6), including one at or over its threshold now.
bool runway_concern(const CapacityFigures& c) {
  if (!c.runway_months) return false;
  const RunwayStatus st = runway_status(true, c.runway_months, c.runway_months_fractional);
  return st.state == "critical" || st.state == "warning";
}

constexpr double k_minutes_per_day = 1440.0;

// 1970-01-01 was a Thursday: ISO weekday 4 (Monday 1 … Sunday 7).
int iso_weekday(std::int64_t day) {
  std::int64_t r = (day + 3) % 7; // 0 = Monday
  if (r < 0) r += 7;
  return static_cast<int>(r) + 1;
}

// Whole days of a window in minutes; nullopt when it is not a whole number of days.
std::optional<std::int64_t> whole_days(double minutes) {
  if (minutes < k_minutes_per_day || std::fmod(minutes, k_minutes_per_day) != 0.0)
    return std::nullopt;
  return static_cast<std::int64_t>(minutes / k_minutes_per_day);
}

// Burn over the `days` whole days ending on `last` (inclusive); nullopt without data.
std::optional<double> burn_ending(const DailySeries* series, std::int64_t last, std::int64_t days,
                                  double b) {
  RangeTotals t = sum_range(series, last - days + 1, last);
  if (t.days_with_data == 0) return std::nullopt;
  return burn_rate(t.good, t.total, b);
}

AlertWeek alert_week(const BurnRateAlert& a, const DailySeries* series, double b,
                     std::int64_t first_day) {
  AlertWeek w;
  w.name = a.name;
  w.severity = a.severity;
  w.short_window = a.short_window;
  w.long_window = a.long_window;
  w.burn_rate = a.burn_rate;
  auto long_days = whole_days(a.long_window_min);
  if (!long_days) return w; // needs a live source
  w.judged = true;
  // A short window under a day is judged by the day itself; a whole-day one by its days.
  const std::int64_t short_days = whole_days(a.short_window_min).value_or(1);
  for (std::int64_t d = first_day; d < first_day + 7; ++d) {
    auto lb = burn_ending(series, d, *long_days, b);
    auto sb = burn_ending(series, d, short_days, b);
    // The day itself must have data: an alert cannot fire on a day nobody measured.
    auto it = series ? series->find(d) : DailySeries::const_iterator{};
    if (!series || it == series->end() || !usable(it->second)) continue;
    // The same test as an alert's `firing` and the generated rules (strictly above).
    if (lb && sb && burn_rate_exceeds(*lb, a.burn_rate) && burn_rate_exceeds(*sb, a.burn_rate))
      w.fired.push_back(format_date(d));
  }
  return w;
}

} // namespace

// ---- ISO weeks

int iso_weeks_in_year(int year) {
  // A year has 53 weeks when it starts on a Thursday, or on a Wednesday in a leap year; the same
  // as: its 28 December (always in its last week) is in week 53.
  const std::int64_t jan1 = days_from_civil(year, 1, 1);
  const int wd = iso_weekday(jan1);
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return wd == 4 || (leap && wd == 3) ? 53 : 52;
}

std::int64_t iso_week_monday(IsoWeek w) {
  // Week 1 holds 4 January.
  const std::int64_t jan4 = days_from_civil(w.year, 1, 4);
  const std::int64_t week1 = jan4 - (iso_weekday(jan4) - 1);
  return week1 + 7 * static_cast<std::int64_t>(w.week - 1);
}

IsoWeek iso_week_of(std::int64_t day) {
  // The week's Thursday decides its year.
  const std::int64_t thursday = day - (iso_weekday(day) - 1) + 3;
  int y;
  unsigned m, d;
  civil_from_days(thursday, y, m, d);
  const std::int64_t jan1 = days_from_civil(y, 1, 1);
  return {y, static_cast<int>((thursday - jan1) / 7) + 1};
}

std::optional<IsoWeek> parse_iso_week(std::string_view s) {
  // YYYY-Www
  if (s.size() != 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w')) return std::nullopt;
  for (std::size_t i : {0u, 1u, 2u, 3u, 6u, 7u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  IsoWeek w;
  w.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  w.week = (s[6] - '0') * 10 + (s[7] - '0');
  if (w.week < 1 || w.week > iso_weeks_in_year(w.year)) return std::nullopt;
  return w;
}

std::string format_iso_week(IsoWeek w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", w.year, w.week);
  return buf;
}

IsoWeek last_complete_week(std::int64_t local_now) {
  const std::int64_t today = day_of(local_now);
  const std::int64_t monday = today - (iso_weekday(today) - 1);
  return iso_week_of(monday - 1);
}

// ---- the error budget week

std::string budget_trend(std::optional<double> change) {
  if (!change) return "unknown";
  if (std::fabs(*change) < k_trend_flat) return "flat";
  return *change > 0 ? "up" : "down";
}

WeekPostmortems postmortems_by_service(const Repo& repo, std::int64_t first_day) {
  WeekPostmortems out;
  for (const auto& pm : repo.postmortems) {
    auto day = day_of_text(pm.date);
    if (!day || *day < first_day || *day > first_day + 6) continue;
    for (const auto& r : pm.services) {
      auto& list = out[r.id];
      if (list.empty() || list.back() != &pm) list.push_back(&pm); // a service named twice
    }
  }
  return out;
}

ClaimsByPostmortem claims_by_postmortem(const std::vector<BudgetClaimFigures>& claims) {
  ClaimsByPostmortem out;
  for (const auto& c : claims)
    out[c.postmortem].push_back(&c);
  return out;
}

BudgetWeek budget_week(const Repo& repo, const Slo& slo, const DailySeries* series,
                       const LiveWindows* live, const std::vector<BudgetClaimFigures>& claims,
                       std::int64_t first_day, const WeekPostmortems* week_postmortems,
                       const ClaimsByPostmortem* claims_by_pm) {
  // The SLO's own figures at the week's end and 7 days earlier: one formula for every page.
  const SloFigures end = compute_slo(repo, slo, series, live, (first_day + 7) * k_seconds_per_day);
  const SloFigures before = compute_slo(repo, slo, series, nullptr, first_day * k_seconds_per_day);
  return budget_week(repo, slo, series, end, before, claims, first_day, week_postmortems,
                     claims_by_pm);
}

BudgetWeek budget_week(const Repo& repo, const Slo& slo, const DailySeries* series,
                       const SloFigures& end, const SloFigures& before,
                       const std::vector<BudgetClaimFigures>& claims, std::int64_t first_day,
                       const WeekPostmortems* week_postmortems,
                       const ClaimsByPostmortem* claims_by_pm) {
  BudgetWeek w;
  w.slo = slo.meta.id;
  w.service = slo.service.id;
  w.name = slo.name;
  w.target = slo.target;
  const std::int64_t last_day = first_day + 6;
  w.first_day = format_date(first_day);
  w.last_day = format_date(last_day);

  w.remaining = end.remaining;
  w.remaining_before = before.remaining;
  // The difference of the two published percentages, as the decimals they are: 0.9% − 0.8% is
  // 0.1 points, on the flat band's line (k_trend_flat), where the fractions' binary difference
  // (0.0009999999999999992) fell below it and read as flat.
  if (w.remaining && w.remaining_before)
    w.remaining_change = published_difference(*pct(w.remaining), *pct(w.remaining_before)) / 100.0;
  w.trend = budget_trend(w.remaining_change);
  w.state = end.state.level;
  w.projected_exhaustion = end.projected_exhaustion;
  w.exhaustion_beyond = end.exhaustion_beyond;
  for (const char* label : {"1h", "6h", "24h"}) {
    auto it = end.burn_rates.find(label);
    w.burn_rates[label] = it == end.burn_rates.end() ? std::nullopt : it->second;
  }

  const double b = budget_fraction(slo.target);
  const RangeTotals week = sum_range(series, first_day, last_day);
  w.days_with_data = week.days_with_data;
  const std::int64_t win = std::max<std::int64_t>(1, std::llround(slo.window_days));
  const RangeTotals window = sum_range(series, last_day - win + 1, last_day);
  if (week.days_with_data > 0 && window.total > 0 && b > 0)
    w.consumed = (week.total - week.good) / (b * window.total);

  if (series && week.days_with_data > 0) {
    ErrorContributor top;
    bool found = false;
    for (auto it = series->lower_bound(first_day); it != series->end() && it->first <= last_day;
         ++it) {
      if (!usable(it->second)) continue;
      const double bad = it->second.total - it->second.good;
      if (!found || bad > top.bad) {
        top.day = format_date(it->first);
        top.bad = bad;
        found = true;
      }
    }
    const double week_bad = week.total - week.good;
    if (week_bad > 0) top.share = top.bad / week_bad;
    if (found) w.top_contributor = top;
  }

  WeekPostmortems own;
  if (!week_postmortems) {
    own = postmortems_by_service(repo, first_day);
    week_postmortems = &own;
  }
  auto of_service = week_postmortems->find(slo.service.id);
  const std::vector<const Postmortem*> none;
  for (const Postmortem* p :
       slo.service.empty() || of_service == week_postmortems->end() ? none : of_service->second) {
    const Postmortem& pm = *p;
    WeekIncident inc{pm.meta.id, pm.title,     pm.date,     pm.severity,
                     pm.status,  std::nullopt, std::nullopt};
    // Its claims in their order, the last one winning, as a scan of all claims would find them.
    auto apply = [&](const BudgetClaimFigures& c) {
      inc.claimed_pct = c.claimed_pct;
      for (const auto& s : c.slos)
        if (s.slo == slo.meta.id) inc.computed_pct = s.consumed_pct;
    };
    if (claims_by_pm) {
      if (auto it = claims_by_pm->find(pm.meta.id); it != claims_by_pm->end())
        for (const BudgetClaimFigures* c : it->second)
          apply(*c);
    } else {
      for (const auto& c : claims)
        if (c.postmortem == pm.meta.id) apply(c);
    }
    w.incidents.push_back(std::move(inc));
  }

  for (const auto& a : slo.alerts)
    w.alerts.push_back(alert_week(a, series, b, first_day));
  return w;
}

std::vector<BudgetWeek> review_budget_weeks(const Repo& repo, const Slo& slo,
                                            const DailySeries* series,
                                            const std::vector<BudgetClaimFigures>& claims,
                                            const std::vector<IsoWeek>& weeks,
                                            const std::vector<WeekPostmortems>& week_postmortems,
                                            const ClaimsByPostmortem& by_postmortem) {
  std::vector<BudgetWeek> out;
  out.reserve(weeks.size());
  std::optional<SloFigures> previous_end;
  std::int64_t previous_end_day = 0;
  for (std::size_t k = 0; k < weeks.size(); ++k) {
    const std::int64_t first = iso_week_monday(weeks[k]);
    // Both without a live source: a review's figures come from the data up to its week's end.
    SloFigures before = previous_end && previous_end_day == first
                            ? std::move(*previous_end)
                            : compute_slo(repo, slo, series, nullptr, first * k_seconds_per_day);
    SloFigures end = compute_slo(repo, slo, series, nullptr, (first + 7) * k_seconds_per_day);
    out.push_back(budget_week(repo, slo, series, end, before, claims, first, &week_postmortems[k],
                              &by_postmortem));
    previous_end = std::move(end);
    previous_end_day = first + 7;
  }
  return out;
}

// ---- the weekly review

WeeklyReview compute_review(const Repo& repo, const std::map<std::string, DailySeries>& series,
                            const std::vector<BudgetClaimFigures>& claims,
                            const std::vector<CapacityFigures>& capacity, IsoWeek wk,
                            std::vector<BudgetWeek>* budget_weeks) {
  WeeklyReview r;
  const std::int64_t first = iso_week_monday(wk), last = first + 6;
  r.week = format_iso_week(wk);
  r.first_day = format_date(first);
  r.last_day = format_date(last);

  if (budget_weeks) {
    r.slos = std::move(*budget_weeks);
  } else {
    const std::vector<WeekPostmortems> week_postmortems{postmortems_by_service(repo, first)};
    const ClaimsByPostmortem by_postmortem = claims_by_postmortem(claims);
    r.slos.reserve(repo.slos.size());
    for (const auto& slo : repo.slos) {
      auto it = series.find(slo.meta.id);
      r.slos.push_back(
          std::move(review_budget_weeks(repo, slo, it == series.end() ? nullptr : &it->second,
                                        claims, {wk}, week_postmortems, by_postmortem)[0]));
    }
  }
  for (const auto& w : r.slos)
    for (const auto& a : w.alerts)
      r.alerts_fired += static_cast<int>(a.fired.size());

  // Incidents: postmortems dated in the week; action items as they stand, overdue at its end.
  auto& inc = r.incidents;
  for (const char* sev : {"SEV1", "SEV2", "SEV3", "SEV4"})
    inc.by_severity[sev] = 0;
  for (auto& f : compute_incidents(repo, (last + 1) * k_seconds_per_day)) {
    // Dated after the week: it had not happened, and neither had its action items.
    if (!f.happened) continue;
    for (const auto& a : f.action_items) {
      if (!a.open) continue;
      inc.open_action_items.push_back(a);
      if (a.status == "in-progress")
        ++inc.in_progress;
      else
        ++inc.open;
      if (a.overdue) ++inc.overdue;
    }
    auto day = day_of_text(f.date);
    if (!day || *day < first || *day > last) continue;
    ++inc.total;
    if (!f.severity.empty()) ++inc.by_severity[f.severity];
    if (f.time_to_resolve_minutes)
      inc.total_duration_minutes =
          inc.total_duration_minutes.value_or(0) + *f.time_to_resolve_minutes;
    inc.postmortems.push_back(std::move(f));
  }

  // On-call: health entries are monthly, so the week shows the month(s) it falls in.
  for (std::int64_t day : {first, last}) {
    std::string p = period_of_day(day);
    if (r.on_call.periods.empty() || r.on_call.periods.back() != p) r.on_call.periods.push_back(p);
  }
  for (const auto& rot : repo.rotations)
    for (const RotationHealth* hp : health_entries(rot)) {
      const RotationHealth& h = *hp;
      if (std::find(r.on_call.periods.begin(), r.on_call.periods.end(), h.period) ==
          r.on_call.periods.end())
        continue;
      r.on_call.entries.push_back(
          {rot.meta.id, h.period, h.pages, h.off_hours_pages, h.false_positive_pct});
      r.on_call.total_pages += h.pages.value_or(0);
      r.on_call.off_hours_pages += h.off_hours_pages.value_or(0);
    }

  // Reliability work.
  for (const auto& t : repo.toil) {
    auto day = day_of_text(t.automated_on);
    if (!day || *day < first || *day > last) continue;
    const double saved = toil_hours_saved(t);
    r.toil_automated.push_back({t.meta.id, t.name, t.service.id, t.automated_on, saved});
    r.hours_saved_per_month += saved;
  }
  for (const auto& e : repo.experiments) {
    auto day = day_of_text(e.date);
    if (!day || *day < first || *day > last) continue;
    r.experiments.push_back({e.meta.id, e.name, e.service_id(), e.date, e.outcome});
  }
  for (const auto& c : capacity)
    if (runway_concern(c))
      r.capacity_concerns.push_back({c.id, c.service, c.runway_months, c.runway_months_fractional});
  return r;
}

std::vector<IsoWeek> weeks_with_data(const Repo& repo,
                                     const std::map<std::string, DailySeries>& series,
                                     std::int64_t local_now) {
  const IsoWeek last = last_complete_week(local_now);
  std::set<IsoWeek> weeks;
  for (const auto& [slo, s] : series)
    for (const auto& [day, c] : s)
      if (usable(c)) weeks.insert(iso_week_of(day));
  for (const auto& pm : repo.postmortems)
    if (auto day = day_of_text(pm.date)) weeks.insert(iso_week_of(*day));
  std::vector<IsoWeek> out;
  for (const auto& w : weeks)
    if (!(last < w)) out.push_back(w);
  return out;
}

// ---- the handoff

HandoffIndex::HandoffIndex(const Repo& repo, const std::vector<SloFigures>& slos,
                           const std::vector<CapacityFigures>& capacity,
                           const std::vector<IncidentFigures>& incidents) {
  // The rotations of each service id (a repeated id can name several).
  std::unordered_map<std::string_view, std::vector<std::string_view>> rotations_of;
  for (const auto& s : repo.services) {
    auto& rotations = rotations_of[s.meta.id];
    if (std::find(rotations.begin(), rotations.end(), s.oncall_rotation.id) == rotations.end())
      rotations.push_back(s.oncall_rotation.id);
    m_by_rotation[s.oncall_rotation.id].services.push_back(&s);
  }
  // Calls add(docs) for each rotation of `service`.
  auto each_rotation = [&](const std::string& service, auto&& add) {
    auto it = rotations_of.find(service);
    if (it == rotations_of.end()) return;
    for (std::string_view rotation : it->second)
      add(m_by_rotation[rotation]);
  };
  // The rotations of any of `services`, each once.
  auto rotations_of_any = [&](const std::vector<Ref>& services) {
    std::vector<std::string_view> out;
    for (const auto& ref : services)
      if (auto it = rotations_of.find(ref.id); it != rotations_of.end())
        for (std::string_view rotation : it->second)
          if (std::find(out.begin(), out.end(), rotation) == out.end()) out.push_back(rotation);
    return out;
  };

  // Incidents, with their postmortem by id: an id given twice keeps its last document.
  std::unordered_map<std::string_view, const Postmortem*> by_id;
  for (const auto& p : repo.postmortems)
    by_id[p.meta.id] = &p;
  for (const auto& f : incidents) {
    auto found = by_id.find(f.id);
    if (found == by_id.end()) continue;
    for (std::string_view rotation : rotations_of_any(found->second->services))
      m_by_rotation[rotation].incidents.push_back({&f, found->second});
  }

  auto note = [&](const DocMeta& meta, const std::string& service) {
    each_rotation(service, [&](Docs& d) { d.docs.push_back(&meta); });
  };
  for (const auto& s : repo.services)
    note(s.meta, s.meta.id);
  for (const auto& s : repo.slos)
    note(s.meta, s.service.id);
  for (const auto& p : repo.policies)
    note(p.meta, p.service.id);
  for (const auto& rb : repo.runbooks)
    note(rb.meta, rb.service.id);
  for (const auto& c : repo.capacity)
    note(c.meta, c.service.id);
  for (const auto& e : repo.experiments)
    note(e.meta, e.service_id());
  for (const auto& m : repo.maintenance)
    note(m.meta, m.service.id);
  for (const auto& a : repo.remediations)
    note(a.meta, a.service.id);
  for (const auto& t : repo.toil)
    note(t.meta, t.service.id);
  for (const auto& pm : repo.postmortems)
    for (std::string_view rotation : rotations_of_any(pm.services))
      m_by_rotation[rotation].docs.push_back(&pm.meta);

  for (const auto& f : slos)
    each_rotation(f.service, [&](Docs& d) { d.slos.push_back(&f); });
  for (const auto& rb : repo.runbooks) {
    each_rotation(rb.service.id, [&](Docs& d) { d.runbooks.push_back(&rb); });
    m_runbooks[rb.meta.id] = &rb;
  }
  for (const auto& c : capacity)
    each_rotation(c.service, [&](Docs& d) { d.capacity.push_back(&c); });
  for (const auto& e : repo.experiments)
    each_rotation(e.service_id(), [&](Docs& d) { d.experiments.push_back(&e); });
  for (const auto& m : repo.maintenance)
    each_rotation(m.service.id, [&](Docs& d) { d.maintenance.push_back(&m); });
}

const HandoffIndex::Docs& HandoffIndex::of(const std::string& rotation) const {
  static const Docs k_none;
  auto it = m_by_rotation.find(rotation);
  return it == m_by_rotation.end() ? k_none : it->second;
}

const Runbook* HandoffIndex::runbook(const std::string& id) const {
  auto it = m_runbooks.find(id);
  return it == m_runbooks.end() ? nullptr : it->second;
}

Handoff compute_handoff(const Repo& repo, const Rotation& rotation, const History* history,
                        const std::vector<SloFigures>& slos,
                        const std::vector<CapacityFigures>& capacity, std::int64_t local_now,
                        std::int64_t since_day) {
  const std::vector<IncidentFigures> incidents = compute_incidents(repo, local_now);
  const HandoffIndex index(repo, slos, capacity, incidents);
  return compute_handoff(repo, rotation, history, index, local_now, since_day);
}

Handoff compute_handoff(const Repo& repo, const Rotation& rotation, const History* history,
                        const HandoffIndex& index, std::int64_t local_now, std::int64_t since_day) {
  Handoff h;
  h.rotation = rotation.meta.id;
  h.name = rotation.name;
  const std::int64_t today = day_of(local_now);
  h.date = format_date(today);
  h.since = format_date(since_day);
  const HandoffIndex::Docs& ours = index.of(rotation.meta.id);
  for (const Service* s : ours.services)
    h.services.push_back(s->meta.id);

  // Open issues.
  for (const auto& [f, pm] : ours.incidents) {
    // An incident dated after now has not happened: in no figure, the handoff's included.
    if (!f->happened) continue;
    if (pm->status == "draft" || pm->status == "in-review")
      h.open_postmortems.push_back({pm->meta.id, pm->title, pm->date, pm->severity, pm->status});
    for (const auto& a : f->action_items) {
      if (!a.open) continue;
      h.open_action_items.push_back(a);
      // `done` with a completion date after now is still open now, as every figure counts it.
      if (h.open_action_items.back().status == "done") h.open_action_items.back().status = "open";
      if (a.overdue) ++h.overdue_action_items;
    }
  }

  // The documents each content file holds, for the changes of the rotation's services. git tells
  // changes by file: a change to a file of several documents (two SLOs of one service) is listed
  // for each document the file holds now.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> docs; // file → (kind, id)
  for (const DocMeta* m : ours.docs)
    docs[m->file].emplace_back(m->kind, m->id);
  if (docs.count(rotation.meta.file) == 0)
    docs[rotation.meta.file].emplace_back(rotation.meta.kind, rotation.meta.id);

  h.history_available = history && history->available();
  h.history_reason = history ? history->reason() : "no git history was read";
  std::map<std::string, HandoffRunbook> runbook_latest;
  if (h.history_available) {
    const std::int64_t recent_from = today - k_handoff_recent_days;
    for (const auto& c : history->commits()) {
      auto file = docs.find(c.path);
      if (file == docs.end()) continue;
      const std::int64_t day = day_of(c.change.time);
      for (const auto& [kind, id] : file->second) {
        if (day >= recent_from)
          h.recent_changes.push_back({c.path, kind, id, format_date(day), c.change.hash,
                                      c.change.short_hash, c.change.author});
        // Newest first: the first change of a runbook since `since` is its latest.
        if (kind == "runbook" && day >= since_day && runbook_latest.count(id) == 0)
          runbook_latest[id] = {
              id, "", "", format_date(day), c.change.short_hash, c.change.author, "git"};
      }
    }
  }

  // Known risks.
  for (const SloFigures* fp : ours.slos) {
    const SloFigures& f = *fp;
    if (f.state.level == BudgetState::Critical || f.state.level == BudgetState::Exhausted)
      h.risks.push_back(
          {"slo", f.id, f.service,
           "error budget " + f.state.name() +
               (f.remaining
                    ? ": " + remaining_text(*f.remaining * 100.0, f.state.edges) + " remaining"
                    : std::string())});
  }
  for (const Runbook* rbp : ours.runbooks) {
    const Runbook& rb = *rbp;
    // As the runbook-stale lint judges it: git's last change, else last_updated.
    std::optional<std::int64_t> changed;
    const FileChange* ch = history ? history->last_change(rb.meta.file) : nullptr;
    if (ch)
      changed = day_of(ch->time);
    else
      changed = parse_date(rb.last_updated);
    if (changed && today - *changed > repo.config.stale_after_days)
      h.risks.push_back({"runbook", rb.meta.id, rb.service.id,
                         "runbook stale: last changed " + format_date(*changed) + ", " +
                             std::to_string(today - *changed) + " days ago"});
    // Without git, last_updated says when a runbook was updated.
    if (!h.history_available) {
      auto upd = parse_date(rb.last_updated);
      if (upd && *upd >= since_day && *upd <= today)
        runbook_latest[rb.meta.id] = {rb.meta.id, "", "", rb.last_updated, "", "", "last_updated"};
    }
  }
  for (const CapacityFigures* cp : ours.capacity)
    if (const CapacityFigures& c = *cp; runway_concern(c))
      h.risks.push_back({"capacity", c.id, c.service,
                         "capacity runway " +
                             runway_text(c.runway_months, c.runway_months_fractional) + " (" +
                             c.bottleneck_resource + ")"});
  for (const Experiment* ep : ours.experiments) {
    const Experiment& e = *ep;
    auto day = day_of_text(e.date);
    const bool planned = e.outcome == "planned" || (day && *day >= today);
    if (planned)
      h.risks.push_back({"experiment", e.meta.id, e.service.id,
                         "chaos experiment planned" + (e.date.empty() ? "" : " for " + e.date) +
                             (e.name.empty() ? "" : ": " + e.name)});
  }

  // Scheduled maintenance: under way, or starting within 14 days. Times are instants (UTC) and now
  // is wall-clock: a window is under way from its start to its end, compared as instants (one
  // that ended an hour ago is over, one starting tonight is not yet under way), and without an
  // end on the local day it starts; "within 14 days" counts local days. In order of their
  // starts as instants, whatever offsets they are written with.
  const std::string& tz = repo.config.timezone;
  const std::int64_t now_utc = wall_clock_instant(tz, local_now).value_or(local_now);
  const auto local_day = [&](std::int64_t instant) {
    return day_of(instant + utc_offset(tz, instant).value_or(0));
  };
  std::vector<const Maintenance*> listed;
  for (const Maintenance* mp : ours.maintenance)
    if (mp->start_time) listed.push_back(mp);
  std::stable_sort(listed.begin(), listed.end(), [](const Maintenance* a, const Maintenance* b) {
    return *a->start_time < *b->start_time;
  });
  for (const Maintenance* mp : listed) {
    const Maintenance& m = *mp;
    const std::int64_t start_day = local_day(*m.start_time);
    const bool started = *m.start_time <= now_utc;
    const bool under_way = started && (m.end_time ? now_utc < *m.end_time : start_day == today);
    if (under_way ||
        (!started && start_day >= today && start_day <= today + k_handoff_maintenance_days))
      h.maintenance.push_back(
          {m.meta.id, m.service.id, m.start, m.end, m.description, m.rollback_plan, under_way});
  }

  for (auto& [id, u] : runbook_latest) {
    if (const Runbook* rb = index.runbook(id)) {
      u.title = rb->title;
      u.service = rb->service.id;
    }
    h.runbook_updates.push_back(u);
  }
  return h;
}

} // namespace nines

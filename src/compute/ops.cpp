// Incidents, toil, capacity and on-call figures (SPEC 3.4).
#include "compute/detail.hpp"
#include "compute/figures.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nines {

using namespace compute_detail;

namespace {

// SPEC 3.5: "another incident in the 90 days before".
constexpr std::int64_t k_repeat_window_days = 90;

bool shares_service(const Postmortem& a, const Postmortem& b) {
  for (const auto& x : a.services)
    for (const auto& y : b.services)
      if (!x.empty() && x.id == y.id) return true;
  return false;
}

MetricHealth metric(std::optional<double> v, OncallThresholds t) {
  MetricHealth m;
  m.value = v;
  m.thresholds = t;
  if (v) m.status = classify_lower_better(*v, t.healthy, t.critical);
  return m;
}

int rank(const std::string& status) {
  if (status == "critical") return 3;
  if (status == "warning") return 2;
  if (status == "healthy") return 1;
  return 0;
}

} // namespace

// ---- incidents

bool dated_by(const std::string& date, std::int64_t today) {
  const auto day = day_of_text(date);
  return !day || *day <= today;
}

bool action_item_done_by(const ActionItem& item, std::int64_t today) {
  return item.status == "done" && dated_by(item.completed, today);
}

bool toil_automated_by(const ToilItem& item, std::int64_t today) {
  return item.status == "automated" && dated_by(item.automated_on, today);
}

bool action_item_overdue(const ActionItem& item, std::int64_t today) {
  if (action_item_done_by(item, today)) return false;
  auto deadline = day_of_text(item.deadline);
  return deadline && *deadline < today;
}

const Postmortem* earlier_same_cause(const Repo& repo, const Postmortem& pm) {
  if (pm.root_cause_category.empty()) return nullptr;
  auto day = day_of_text(pm.date);
  if (!day) return nullptr;
  const Postmortem* best = nullptr;
  std::int64_t best_day = 0;
  auto consider = [&](const Postmortem* other, std::int64_t od) {
    if (od >= *day || od < *day - k_repeat_window_days) return;
    if (!best || od > best_day || (od == best_day && other->meta.id < best->meta.id)) {
      best = other;
      best_day = od;
    }
  };
  // With compute's index: the postmortems of this cause and of one of pm's services, by day; any
  // in the window before pm's day is an earlier incident (pm itself is on its own day, not
  // before it). Without it, the scan of every postmortem below, with the same answer.
  bool indexed = true;
  for (const auto& s : pm.services) {
    if (s.empty()) continue;
    const auto* list = compute_detail::postmortems_by_cause(repo, pm.root_cause_category, s.id);
    if (!list) {
      indexed = false;
      break;
    }
    auto from = std::lower_bound(list->begin(), list->end(), *day - k_repeat_window_days,
                                 [](const auto& e, std::int64_t d) { return e.first < d; });
    for (; from != list->end() && from->first < *day; ++from)
      consider(from->second, from->first);
  }
  if (indexed) return best;
  best = nullptr;
  for (const auto& other : repo.postmortems) {
    if (&other == &pm || other.root_cause_category != pm.root_cause_category) continue;
    auto od = day_of_text(other.date);
    if (od && shares_service(pm, other)) consider(&other, *od);
  }
  return best;
}

// repeat_of counts when it names another incident dated no later than this one (the link stage
// reports the others, `repeat-of`): a lowered rule must not count a repeat that did not happen.
bool repeat_of_counts(const Repo& repo, const Postmortem& pm) {
  if (pm.repeat_of.empty() || pm.repeat_of.id == pm.meta.id) return false;
  const auto day = day_of_text(pm.date);
  for (const auto& other : repo.postmortems)
    if (other.meta.id == pm.repeat_of.id) {
      const auto repeated = day_of_text(other.date);
      return !day || !repeated || *repeated <= *day;
    }
  return true; // an unknown id is its own error; the author says it is a repeat
}

bool is_repeat_incident(const Repo& repo, const Postmortem& pm) {
  return repeat_of_counts(repo, pm) || earlier_same_cause(repo, pm) != nullptr;
}

std::vector<IncidentFigures> compute_incidents(const Repo& repo, std::int64_t now) {
  const std::int64_t today = day_of(now);
  std::vector<IncidentFigures> out;
  for (const auto& p : repo.postmortems) {
    IncidentFigures f;
    f.id = p.meta.id;
    f.title = p.title;
    f.date = p.date;
    f.severity = p.severity;
    f.declared_severity = p.declared_severity;
    f.root_cause_category = p.root_cause_category;
    f.repeat_of = p.repeat_of.id;
    for (const auto& s : p.services)
      f.services.push_back(s.id);
    f.time_to_detect_minutes = p.time_to_detect_minutes;
    f.time_to_mitigate_minutes = p.time_to_mitigate_minutes;
    f.time_to_resolve_minutes = p.time_to_resolve_minutes;
    f.happened = dated_by(p.date, today);
    if (repeat_of_counts(repo, p)) {
      f.repeat = true;
    } else if (const Postmortem* earlier = earlier_same_cause(repo, p)) {
      f.repeat = true;
      f.repeats = earlier->meta.id;
    }
    for (const auto& a : p.action_items) {
      ActionItemFigure af{p.meta.id, a.id,        a.description, a.owner, a.priority, a.deadline,
                          a.status,  a.completed, false,         a.type,  a.ticket};
      af.overdue = f.happened && action_item_overdue(a, today);
      af.open = !action_item_done_by(a, today);
      if (af.open) ++f.open_action_items;
      if (af.overdue) ++f.overdue_action_items;
      f.action_items.push_back(std::move(af));
    }
    out.push_back(std::move(f));
  }
  return out;
}

// ---- toil

double toil_hours(const ToilItem& item) {
  return item.time_per_occurrence_min * item.occurrences_per_month / 60.0;
}

double toil_hours_saved(const ToilItem& item) {
  return item.automation_value.value_or(toil_hours(item));
}

std::string toil_value_band(double hours) {
  if (hours > k_toil_high_above) return "high";
  if (hours >= k_toil_low_below) return "medium"; // the seed's "2-10 hrs/mo" includes both ends
  return "low";
}

std::string toil_priority(double hours, const std::string& difficulty) {
  int col = difficulty == "low" ? 0 : difficulty == "medium" ? 1 : difficulty == "high" ? 2 : -1;
  if (col < 0) return "";
  static const char* const matrix[3][3] = {
      {"DO FIRST", "DO SECOND", "PLAN"}, // high value
      {"DO SECOND", "PLAN", "EVALUATE"}, // medium value
      {"QUICK WIN", "SKIP", "SKIP"},     // low value
  };
  std::string band = toil_value_band(hours);
  int row = band == "high" ? 0 : band == "medium" ? 1 : 2;
  return matrix[row][col];
}

double toil_target_hours(const TeamToil& t) {
  if (!t.sre_hours_per_month || !(*t.sre_hours_per_month > 0)) return std::nan("");
  return *t.sre_hours_per_month * k_toil_target_pct / 100.0;
}

std::vector<ToilFigures> compute_toil(const Repo& repo, std::int64_t now) {
  const std::int64_t today = day_of(now);
  std::vector<ToilFigures> out;
  for (const auto& t : repo.toil) {
    ToilFigures f;
    f.id = t.meta.id;
    f.name = t.name;
    f.service = t.service.id;
    f.category = t.category;
    f.frequency = t.frequency;
    f.automated_on = t.automated_on;
    f.difficulty = t.automation_difficulty;
    f.status = t.status.empty() ? "active" : t.status;
    for (const auto& team : t.teams_affected)
      f.teams.push_back(team.id);
    f.hours_per_month = toil_hours(t);
    f.stated_hours_per_month = t.total_hours_per_month;
    f.automation_value = t.automation_value;
    f.value_band = toil_value_band(f.hours_per_month);
    f.priority = toil_priority(f.hours_per_month, f.difficulty);
    f.active = !toil_automated_by(t, today);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<TeamToil> compute_team_toil(const Repo& repo, std::int64_t now) {
  const std::int64_t today = day_of(now);
  std::map<std::string, TeamToil> teams;
  for (const auto& [id, team] : repo.config.teams) {
    TeamToil& tt = teams[id];
    tt.team = id;
    tt.name = team.name;
    tt.sre_hours_per_month = team.sre_hours_per_month;
  }
  for (const auto& t : repo.toil) {
    const bool active = !toil_automated_by(t, today);
    for (const auto& team : t.teams_affected) {
      if (team.empty()) continue;
      TeamToil& tt = teams[team.id];
      if (tt.team.empty()) {
        tt.team = team.id;
        tt.name = team.id;
      }
      if (!active) continue;
      tt.hours += toil_hours(t);
      tt.items.push_back(t.meta.id);
    }
  }
  std::vector<TeamToil> out;
  for (auto& [id, tt] : teams) {
    // Rounded as published, the share from the exact sum: a share of 25 is on the target's
    // line, never below it by a sum's binary noise.
    if (tt.sre_hours_per_month && *tt.sre_hours_per_month > 0) {
      tt.pct = rounded_figure(100.0 * tt.hours / *tt.sre_hours_per_month);
      tt.over_target = *tt.pct >= k_toil_target_pct;
    }
    tt.hours = rounded_figure(tt.hours);
    out.push_back(std::move(tt));
  }
  return out;
}

// ---- capacity

// Rounded to the 12 significant digits figures are published with: the inputs are decimals a
// person wrote (45 % growing 40 % a month), and 45 · 1.4 is 63, not the 62.99999999999999 of
// binary arithmetic, which would put a runway a month late and print 1771.5610000000008.
double capacity_projection(double current, double growth_pct, double months) {
  return rounded_figure(current * std::pow(1.0 + growth_pct / 100.0, months));
}

std::optional<double> capacity_runway_fractional(double peak_pct, double threshold_pct,
                                                 double growth_pct) {
  if (peak_pct >= threshold_pct) return 0.0;
  if (!(growth_pct > 0) || !(peak_pct > 0)) return std::nullopt;
  // log1p: a tiny positive growth (1e-9 %/month) is a long runway, not log(1) = 0 and "no limit".
  const double months = std::log(threshold_pct / peak_pct) / std::log1p(growth_pct / 100.0);
  if (!std::isfinite(months)) return std::numeric_limits<double>::max();
  // As the projection: a runway of exactly one month is 1, not 0.9999999999999999.
  return rounded_figure(months);
}

std::optional<int> capacity_runway_months(double peak_pct, double threshold_pct,
                                          double growth_pct) {
  auto frac = capacity_runway_fractional(peak_pct, threshold_pct, growth_pct);
  if (!frac) return std::nullopt;
  // Past the horizon no plan uses the count; it also keeps it in an int.
  if (*frac > k_runway_horizon_months) return k_runway_horizon_months;
  // Start from the closed form and settle on the exact smallest whole month by the definition,
  // so a logarithm that lands a hair off an integer cannot shift the answer.
  auto m = static_cast<int>(std::max(0.0, std::ceil(*frac)));
  auto crosses = [&](int k) {
    return capacity_projection(peak_pct, growth_pct, static_cast<double>(k)) >= threshold_pct;
  };
  while (m > 0 && crosses(m - 1))
    --m;
  while (!crosses(m))
    ++m;
  return m;
}

std::vector<CapacityFigures> compute_capacity(const Repo& repo) {
  std::vector<CapacityFigures> out;
  for (const auto& c : repo.capacity) {
    CapacityFigures f;
    f.id = c.meta.id;
    f.service = c.service.id;
    f.bottleneck_resource = c.bottleneck_resource;
    f.growth_metric = c.growth_metric;
    f.peak_utilization_pct = c.peak_utilization_pct;
    f.monthly_growth_pct = c.monthly_growth_pct;
    f.threshold_defaulted = !c.scale_up_threshold;
    f.threshold_pct = c.scale_up_threshold.value_or(100.0);
    f.current = c.growth_current;
    f.stated_projected_6mo = c.projected_6mo;
    f.stated_projected_12mo = c.projected_12mo;
    f.auto_scaling = c.auto_scaling;
    f.headroom_pct = c.headroom_pct;
    f.cost_per_month_usd = c.cost_per_month_usd;
    f.scaling_type = c.scaling_type;
    f.min_instances = c.min_instances;
    f.max_instances = c.max_instances;
    f.scale_down_threshold = c.scale_down_threshold;
    f.cooldown_seconds = c.cooldown_seconds;
    f.cost_current_monthly = c.cost_current_monthly;
    f.cost_projected_6mo = c.cost_projected_6mo;
    f.cost_projected_12mo = c.cost_projected_12mo;
    const double g = c.monthly_growth_pct.value_or(0.0);
    if (c.growth_current && c.monthly_growth_pct) {
      f.projected_6mo = capacity_projection(*c.growth_current, g, 6);
      f.projected_12mo = capacity_projection(*c.growth_current, g, 12);
    }
    if (c.peak_utilization_pct) {
      const double peak = *c.peak_utilization_pct;
      f.over_threshold = peak >= f.threshold_pct;
      if (c.monthly_growth_pct) {
        f.utilization_6mo = capacity_projection(peak, g, 6);
        f.utilization_12mo = capacity_projection(peak, g, 12);
      }
      // Without a growth forecast only a peak already over the threshold has a runway (0).
      if (c.monthly_growth_pct || f.over_threshold) {
        f.runway_months = capacity_runway_months(peak, f.threshold_pct, g);
        f.runway_months_fractional = capacity_runway_fractional(peak, f.threshold_pct, g);
        f.runway_beyond_horizon = runway_beyond_horizon(f.runway_months_fractional);
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

bool capacity_runway_known(const CapacityFigures& c) {
  return c.peak_utilization_pct && (c.monthly_growth_pct || c.over_threshold);
}

// ---- on-call

std::string classify_lower_better(double value, double healthy_below, double critical_above) {
  if (value < healthy_below) return "healthy";
  if (value > critical_above) return "critical";
  return "warning";
}

std::string classify_satisfaction(double value) {
  if (value > k_satisfaction.healthy) return "healthy";
  if (value < k_satisfaction.critical) return "critical";
  return "warning";
}

OncallPeriod oncall_period(const RotationHealth& h, std::int64_t now) {
  OncallPeriod p;
  p.period = h.period;
  p.pages = h.pages;
  p.shifts = h.shifts;
  p.off_hours_pages = h.off_hours_pages;
  // Rounded as published: 3 off-hours pages in a 30-day month are 0.7 a week, not the
  // 0.7000000000000001 of binary arithmetic (one division, then the figure's rounding).
  std::optional<double> per_shift, per_week;
  if (h.pages && h.shifts && *h.shifts > 0) per_shift = rounded_figure(*h.pages / *h.shifts);
  if (auto ym = parse_period(h.period); ym && h.off_hours_pages) {
    // The pages of a month still running came in the days gone by so far (3 in the first week
    // are 3 a week, not 0.7), at least one day's worth.
    const auto first = days_from_civil(ym->first, static_cast<unsigned>(ym->second), 1) * 86400;
    const auto month_days = days_in_month(ym->first, ym->second);
    double days = month_days;
    if (now >= first && now < first + static_cast<std::int64_t>(month_days) * 86400)
      days = std::max(1.0, static_cast<double>(now - first) / 86400.0);
    per_week = rounded_figure(*h.off_hours_pages * 7.0 / days);
  }
  p.pages_per_shift = metric(per_shift, k_pages_per_shift);
  p.off_hours_per_week = metric(per_week, k_off_hours_per_week);
  p.ack_min = metric(h.avg_ack_min, k_ack_min);
  p.mitigate_min = metric(h.avg_mitigate_min, k_mitigate_min);
  p.false_positive_pct = metric(h.false_positive_pct, k_false_positive_pct);
  p.escalation_pct = metric(h.escalation_pct, k_escalation_pct);
  p.satisfaction.value = h.satisfaction;
  p.satisfaction.thresholds = k_satisfaction;
  if (h.satisfaction) p.satisfaction.status = classify_satisfaction(*h.satisfaction);
  for (const MetricHealth* m :
       {&p.pages_per_shift, &p.off_hours_per_week, &p.ack_min, &p.mitigate_min,
        &p.false_positive_pct, &p.escalation_pct, &p.satisfaction})
    if (rank(m->status) > rank(p.worst)) p.worst = m->status;
  return p;
}

std::vector<const RotationHealth*> health_entries(const Rotation& r) {
  std::vector<const RotationHealth*> out;
  out.reserve(r.health.size());
  for (const auto& h : r.health)
    if (std::none_of(out.begin(), out.end(),
                     [&](const RotationHealth* seen) { return seen->period == h.period; }))
      out.push_back(&h);
  return out;
}

std::vector<RotationFigures> compute_oncall(const Repo& repo, std::int64_t now) {
  std::vector<RotationFigures> out;
  for (const auto& r : repo.rotations) {
    RotationFigures f;
    f.id = r.meta.id;
    f.name = r.name;
    f.team = r.team.id;
    f.members = static_cast<int>(r.members.size());
    f.size_warning = f.members < 5; // the seed: minimum rotation size 5
    for (const RotationHealth* h : health_entries(r))
      // A month to come is in no figure: it would be the latest period (`check` warns).
      if (month_started(h->period, day_of(now))) f.periods.push_back(oncall_period(*h, now));
    // Chronological, so the latest is the last however the entries are listed.
    std::stable_sort(
        f.periods.begin(), f.periods.end(),
        [](const OncallPeriod& a, const OncallPeriod& b) { return a.period < b.period; });
    out.push_back(std::move(f));
  }
  return out;
}

const OncallPeriod* latest_period(const RotationFigures& r) {
  return r.periods.empty() ? nullptr : &r.periods.back();
}

} // namespace nines

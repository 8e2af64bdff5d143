// The monthly reliability report (SPEC 3.5): the seed's monthly_report fields for a calendar
// month, the people's lists, computed concerns and the change against the previous month.
//
// The configured timezone is treated as UTC for now: P runs from its first day 00:00Z to the end of
// its last day. A report is "as at the close of P" — figures that depend on a moment use the first
// instant after P (or now, while P is not over).
#include "compute/detail.hpp"
#include "compute/figures.hpp"
#include "compute/ops.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

namespace nines {

using namespace compute_detail;

namespace {

constexpr double k_pct_tolerance = 1e-9; // see condition_matches
// The computed concern that names the exhausted SLOs; a frozen report keeps only the concern, so
// the list is read back from it.
constexpr std::string_view k_exhausted_concern = "Error budget exhausted: ";

struct Month {
  std::int64_t first = 0, last = 0; // days, inclusive
};

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : ", ") + x;
  return s;
}

// The services meeting and breaching their SLOs, and the worst performing one, from the month's
// SLO rows: a service meets when every SLO of it with data meets; services without data count in
// neither (SPEC 3.5). The same for computed and frozen rows.
void summarise_slos(ReportSloSummary& s) {
  std::vector<std::string> order;
  std::map<std::string, bool> all_meet; // service with data → every SLO with data meets
  double worst = -1;
  s.meeting.clear();
  s.breaching.clear();
  s.worst_performing.reset();
  s.worst_slo.reset();
  s.services_meeting_slo.reset();
  s.services_breaching_slo.reset();
  for (const auto& m : s.slos) {
    if (!m.meets) continue; // no data
    auto [it, fresh] = all_meet.try_emplace(m.service, true);
    if (fresh) order.push_back(m.service);
    it->second = it->second && *m.meets;
    if (m.consumed && *m.consumed > worst) {
      worst = *m.consumed;
      s.worst_performing = m.service;
      s.worst_slo = m.slo;
    }
  }
  for (const auto& svc : order)
    (all_meet[svc] ? s.meeting : s.breaching).push_back(svc);
  if (order.empty()) return; // no SLO has data in P: the counts are unknown, not zero
  s.services_meeting_slo = static_cast<int>(s.meeting.size());
  s.services_breaching_slo = static_cast<int>(s.breaching.size());
}

void slo_summary(const Repo& repo, const std::map<std::string, DailySeries>& series,
                 const Month& mo, std::int64_t today, MonthlyReport& r) {
  const std::int64_t last = std::min(mo.last, today - 1); // closed days only
  for (const auto& slo : repo.slos) {
    SloMonth m;
    m.slo = slo.meta.id;
    m.service = slo.service.id;
    m.target = slo.target;
    auto it = series.find(slo.meta.id);
    // The budget's own rule over the month, so the report and the budget agree on a method.
    const RangeAttainment a =
        attainment_over(slo, it == series.end() ? nullptr : &it->second, mo.first, last);
    m.days_with_data = a.totals.days_with_data;
    if (a.attainment) {
      m.attainment = a.attainment;
      const double b = budget_fraction(slo.target);
      if (b > 0 && a.unmet) m.consumed = published_consumed(*a.unmet / b);
      // Met exactly when the month's budget was not overspent, decided from the unrounded
      // counts: an attainment of 99.89999999999% prints as 99.9 but misses a 99.9 target, and
      // the row's consumed figure (over 100%) says so. That figure is published to 12
      // significant digits, which absorbs the double's error in the budget fraction.
      if (m.consumed)
        m.meets = *m.consumed <= 1.0;
      else if (a.unmet)
        m.meets = *a.unmet <= 0.0; // a 100% target: not one bad event
      else
        m.meets = *m.attainment * 100.0 >= slo.target - k_pct_tolerance;
    }
    r.slo_summary.slos.push_back(std::move(m));
  }
  summarise_slos(r.slo_summary);
}

// Days of P (closed, up to today) on which at least one SLO has data.
ReportCoverage coverage(const Repo& repo, const std::map<std::string, DailySeries>& series,
                        const Month& mo, std::int64_t today) {
  ReportCoverage c;
  c.days_in_month = static_cast<int>(mo.last - mo.first + 1);
  const std::int64_t last = std::min(mo.last, today - 1);
  std::set<std::int64_t> days;
  for (const auto& slo : repo.slos) {
    auto it = series.find(slo.meta.id);
    if (it == series.end()) continue;
    for (auto d = it->second.lower_bound(mo.first); d != it->second.end() && d->first <= last; ++d)
      if (usable(d->second)) days.insert(d->first);
  }
  c.days_with_data = static_cast<int>(days.size());
  return c;
}

void incidents(const Repo& repo, const Month& mo, MonthlyReport& r) {
  auto& inc = r.incidents;
  for (const char* s : {"SEV1", "SEV2", "SEV3", "SEV4"})
    inc.by_severity[s] = 0;
  double ttr = 0, ttd = 0;
  int n_ttr = 0, n_ttd = 0;
  for (const auto& p : repo.postmortems) {
    auto day = day_of_text(p.date);
    if (!day || *day < mo.first || *day > mo.last) continue;
    ++inc.total;
    inc.postmortems.push_back(p.meta.id);
    std::string sev = p.severity;
    std::transform(sev.begin(), sev.end(), sev.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (auto it = inc.by_severity.find(sev); it != inc.by_severity.end()) ++it->second;
    if (p.time_to_resolve_minutes) {
      ttr += *p.time_to_resolve_minutes;
      ++n_ttr;
    }
    if (p.time_to_detect_minutes) {
      ttd += *p.time_to_detect_minutes;
      ++n_ttd;
    }
    if (is_repeat_incident(repo, p)) ++inc.repeat_incidents;
  }
  if (n_ttr) inc.mttr_minutes = rounded_figure(ttr / n_ttr);
  if (n_ttd) inc.mttd_minutes = rounded_figure(ttd / n_ttd);
}

void error_budget(const Repo& repo, const std::map<std::string, DailySeries>& series,
                  std::int64_t close, MonthlyReport& r) {
  // The rolling window ending at the end of P: the W whole days before the close of P.
  std::map<std::string, BudgetState> worst;
  std::vector<std::string> order;
  for (const auto& slo : repo.slos) {
    auto it = series.find(slo.meta.id);
    SloFigures f =
        compute_slo(repo, slo, it == series.end() ? nullptr : &it->second, nullptr, close);
    if (f.status == "missing") continue;
    const BudgetState state = f.state.level;
    if (state == BudgetState::Exhausted) r.error_budget.exhausted_slos.push_back(f.id);
    auto [w, fresh] = worst.try_emplace(f.service, state);
    if (fresh)
      order.push_back(f.service);
    else
      w->second = std::max(w->second, state);
  }
  if (order.empty()) return; // no service has data: the counts are unknown, not zero
  auto& eb = r.error_budget;
  eb.services_in_healthy = eb.services_in_warning = eb.services_in_critical =
      eb.services_exhausted = 0;
  for (const auto& s : order) {
    const BudgetState st = worst[s];
    eb.service_state[s] = std::string(budget_state_name(st));
    switch (st) {
    case BudgetState::Healthy:
      ++*eb.services_in_healthy;
      break;
    case BudgetState::Warning:
      ++*eb.services_in_warning;
      break;
    case BudgetState::Critical:
      ++*eb.services_in_critical;
      break;
    case BudgetState::Exhausted:
      ++*eb.services_exhausted;
      break;
    case BudgetState::Missing:
      break; // no data: counted in no state (SPEC 3.5)
    }
  }
}

void toil(const Repo& repo, const Month& mo, MonthlyReport& r) {
  for (const auto& t : repo.toil) {
    auto automated_on = day_of_text(t.automated_on);
    // Automated by the end of P (undated counts as done), as every other figure reads it by today.
    if (!toil_automated_by(t, mo.last)) r.toil.hours_spent += toil_hours(t);
    // Σ automation_value (the seed's "hours saved per month"); an item that does not give one
    // saves the hours it took, as the weekly review and the maturity rubric count it.
    if (automated_on && *automated_on >= mo.first && *automated_on <= mo.last)
      r.toil.hours_automated_away += toil_hours_saved(t);
  }
  double sre = 0;
  bool any = false;
  for (const auto& [id, team] : repo.config.teams)
    if (team.sre_hours_per_month) {
      sre += *team.sre_hours_per_month;
      any = true;
    }
  if (any && sre > 0) r.toil.pct_of_sre_time = rounded_figure(100.0 * r.toil.hours_spent / sre);
  // Sums of decimals, rounded as published once the share is taken from the exact sum.
  r.toil.hours_spent = rounded_figure(r.toil.hours_spent);
  r.toil.hours_automated_away = rounded_figure(r.toil.hours_automated_away);
}

void on_call(const Repo& repo, const std::string& period, std::int64_t now, MonthlyReport& r) {
  double fp = 0, fp_w = 0, ack = 0, ack_w = 0;
  for (const auto& rot : repo.rotations)
    for (const RotationHealth* hp : health_entries(rot)) {
      const RotationHealth& h = *hp;
      if (h.period != period) continue;
      ++r.on_call.rotations_reporting;
      // A sum over the entries that report it; null while none does.
      if (h.pages) r.on_call.total_pages = r.on_call.total_pages.value_or(0.0) + *h.pages;
      if (h.off_hours_pages)
        r.on_call.off_hours_pages = r.on_call.off_hours_pages.value_or(0.0) + *h.off_hours_pages;
      if (h.pages && h.false_positive_pct) {
        fp += *h.false_positive_pct * *h.pages;
        fp_w += *h.pages;
      }
      if (h.pages && h.avg_ack_min) {
        ack += *h.avg_ack_min * *h.pages;
        ack_w += *h.pages;
      }
      OncallPeriod p = oncall_period(h, now);
      for (auto [name, m] :
           {std::pair<const char*, const MetricHealth*>{"pages per shift", &p.pages_per_shift},
            {"off-hours pages per week", &p.off_hours_per_week},
            {"time to acknowledge", &p.ack_min},
            {"time to mitigate", &p.mitigate_min},
            {"false positive rate", &p.false_positive_pct},
            {"escalation rate", &p.escalation_pct},
            {"satisfaction", &p.satisfaction}})
        if (m->status == "critical") r.on_call.critical.push_back(rot.meta.id + ": " + name);
    }
  if (fp_w > 0) r.on_call.false_positive_pct = rounded_figure(fp / fp_w);
  if (ack_w > 0) r.on_call.avg_ack_time_min = rounded_figure(ack / ack_w);
}

void action_items(const Repo& repo, const Month& mo, std::int64_t close_day, MonthlyReport& r) {
  for (const auto& p : repo.postmortems) {
    auto day = day_of_text(p.date);
    if (!day || *day > mo.last) continue;
    for (const auto& a : p.action_items) {
      auto completed = day_of_text(a.completed);
      if (completed && *completed >= mo.first && *completed <= mo.last)
        ++r.action_items.completed_this_month;
      // Not done at the end of P: not done now, or done after P.
      if (action_item_done_by(a, mo.last)) continue;
      ++r.action_items.open;
      auto deadline = day_of_text(a.deadline);
      if (deadline && *deadline < close_day) ++r.action_items.overdue;
    }
  }
}

void people(const Repo& repo, const std::string& period, MonthlyReport& r) {
  for (const auto& d : repo.reports) {
    if (d.period != period) continue;
    if (r.report_doc.empty()) r.report_doc = d.meta.id;
    r.highlights.insert(r.highlights.end(), d.highlights.begin(), d.highlights.end());
    r.concerns.insert(r.concerns.end(), d.concerns.begin(), d.concerns.end());
    r.next_month_priorities.insert(r.next_month_priorities.end(), d.next_month_priorities.begin(),
                                   d.next_month_priorities.end());
  }
}

void computed_concerns(const Repo& repo, const Month& mo, MonthlyReport& r) {
  auto& c = r.computed_concerns;
  if (!r.error_budget.exhausted_slos.empty())
    c.push_back(std::string(k_exhausted_concern) + join(r.error_budget.exhausted_slos));
  if (!r.slo_summary.breaching.empty())
    c.push_back("SLO breached this month: " + join(r.slo_summary.breaching));
  if (int n = r.incidents.by_severity["SEV1"]; n > 0) {
    std::vector<std::string> ids;
    for (const auto& p : repo.postmortems) {
      auto day = day_of_text(p.date);
      std::string sev = p.severity;
      for (auto& ch : sev)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (day && *day >= mo.first && *day <= mo.last && sev == "SEV1") ids.push_back(p.meta.id);
    }
    c.push_back(plural(n, "SEV1 incident") + ": " + join(ids));
  }
  if (int n = r.incidents.repeat_incidents; n > 0) c.push_back(plural(n, "repeat incident"));
  if (int n = r.action_items.overdue; n > 0)
    c.push_back(plural(n, "overdue postmortem action item"));
  if (r.toil.pct_of_sre_time && *r.toil.pct_of_sre_time >= 25.0)
    c.push_back("Toil is " + share_against(r.toil.pct_of_sre_time, 25) +
                " of SRE time (target < 25%)");
  if (!r.on_call.critical.empty())
    c.push_back("On-call health critical: " + join(r.on_call.critical));
}

std::optional<MonthlyReport> base_report(const Repo& repo,
                                         const std::map<std::string, DailySeries>& series, int year,
                                         int month, std::int64_t now) {
  if (month < 1 || month > 12) return std::nullopt;
  MonthlyReport r;
  r.period = format_period(year, month);
  // January of year 1 has none: year 0 is no date nines writes (docs/commands.md, --now).
  r.previous_period = month != 1 ? format_period(year, month - 1)
                      : year > 1 ? format_period(year - 1, 12)
                                 : std::string();
  Month mo;
  mo.first = days_from_civil(year, static_cast<unsigned>(month), 1);
  mo.last = mo.first + days_in_month(year, month) - 1;
  const std::int64_t today = day_of(now);
  const std::int64_t close_day = std::min(mo.last + 1, today);
  const std::int64_t close = std::min((mo.last + 1) * 86400, now);

  // The month so far: for the month still running, "the end of P" is now (docs/scoring.md). A
  // postmortem, a completion or an automation dated after today has not happened (a mistyped or
  // planned date): the month's incidents leave such a postmortem out, its action items are not
  // counted, an item completed later is still open, and toil automated later is still spent, as
  // the SLO figures leave out days to come.
  Month so_far = mo;
  so_far.last = std::min(mo.last, today);
  r.coverage = coverage(repo, series, mo, today);
  slo_summary(repo, series, mo, today, r);
  incidents(repo, so_far, r);
  error_budget(repo, series, close, r);
  toil(repo, so_far, r);
  on_call(repo, r.period, now, r);
  action_items(repo, so_far, close_day, r);
  people(repo, r.period, r);
  computed_concerns(repo, so_far, r);
  return r;
}

using nlohmann::json;

std::optional<double> opt_num(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

int num_or(const json& j, const char* key, int fallback) {
  auto v = opt_num(j, key);
  return v ? static_cast<int>(*v) : fallback;
}

std::optional<int> opt_int(const json& j, const char* key) {
  auto v = opt_num(j, key);
  return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
}

std::string str_or_empty(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::vector<std::string> str_list(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.is_object() && j.contains(key) && j[key].is_array())
    for (const auto& x : j[key])
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

// The month's SLO rows as frozen (`slos`, percentages as the API writes them).
std::vector<SloMonth> frozen_slos(const json& rows) {
  std::vector<SloMonth> out;
  for (const auto& x : rows) {
    if (!x.is_object()) continue;
    SloMonth m;
    m.slo = str_or_empty(x, "slo");
    m.service = str_or_empty(x, "service");
    m.target = opt_num(x, "target").value_or(0);
    m.frozen_attainment_pct = opt_num(x, "attainment_pct");
    m.frozen_consumed_pct = opt_num(x, "budget_consumed_pct");
    if (m.frozen_attainment_pct) m.attainment = *m.frozen_attainment_pct / 100.0;
    if (m.frozen_consumed_pct) m.consumed = *m.frozen_consumed_pct / 100.0;
    m.days_with_data = num_or(x, "days_with_data", 0);
    if (x.contains("meets") && x["meets"].is_boolean()) m.meets = x["meets"].get<bool>();
    out.push_back(std::move(m));
  }
  return out;
}

} // namespace

std::optional<double> attainment_pct(const SloMonth& m) {
  if (m.frozen_attainment_pct) return m.frozen_attainment_pct;
  return pct(m.attainment);
}

std::optional<double> consumed_pct(const SloMonth& m) {
  if (m.frozen_consumed_pct) return m.frozen_consumed_pct;
  return pct(m.consumed);
}

// A frozen report (`nines report --freeze`) holds the figures as they were when the month closed.
// Every figure it holds wins over a recomputation, so a past report never changes — even after the
// backend has forgotten the data — and the next month's changes are against it. People's
// highlights, concerns and priorities stay live, as do the lists the frozen file does not hold
// (postmortems, critical on-call metrics), which come from documents rather than metrics.
void apply_frozen(MonthlyReport& r, const std::string& frozen_json) {
  json f = json::parse(frozen_json, nullptr, false);
  if (!f.is_object()) return;
  const json& s = f.value("slo_summary", json::object());
  // The SLO rows first: the services meeting and breaching, and the worst SLO, follow from them;
  // the frozen counts and worst service then win. A file frozen before the rows were kept has
  // none: those stay computed.
  if (f.contains("slos") && f["slos"].is_array()) {
    r.slo_summary.slos = frozen_slos(f["slos"]);
    summarise_slos(r.slo_summary);
  }
  r.slo_summary.services_meeting_slo = opt_int(s, "services_meeting_slo");
  r.slo_summary.services_breaching_slo = opt_int(s, "services_breaching_slo");
  const std::optional<std::string> worst_slo = r.slo_summary.worst_slo;
  const std::optional<std::string> worst_service = r.slo_summary.worst_performing;
  r.slo_summary.worst_performing = std::nullopt;
  r.slo_summary.worst_slo = std::nullopt;
  if (s.contains("worst_performing") && s["worst_performing"].is_string()) {
    r.slo_summary.worst_performing = s["worst_performing"].get<std::string>();
    if (worst_service == r.slo_summary.worst_performing) r.slo_summary.worst_slo = worst_slo;
  }
  const json& i = f.value("incidents", json::object());
  r.incidents.total = num_or(i, "total", 0);
  r.incidents.by_severity.clear();
  if (i.contains("by_severity") && i["by_severity"].is_object())
    for (const auto& [k, v] : i["by_severity"].items())
      if (v.is_number()) r.incidents.by_severity[k] = v.get<int>();
  r.incidents.mttr_minutes = opt_num(i, "mttr_minutes");
  r.incidents.mttd_minutes = opt_num(i, "mttd_minutes");
  r.incidents.repeat_incidents = num_or(i, "repeat_incidents", 0);
  const json& e = f.value("error_budget", json::object());
  r.error_budget.services_in_healthy = opt_int(e, "services_in_healthy");
  r.error_budget.services_in_warning = opt_int(e, "services_in_warning");
  r.error_budget.services_in_critical = opt_int(e, "services_in_critical");
  r.error_budget.services_exhausted = opt_int(e, "services_exhausted");
  const json& t = f.value("toil", json::object());
  r.toil.hours_spent = opt_num(t, "hours_spent").value_or(0);
  r.toil.hours_automated_away = opt_num(t, "hours_automated_away").value_or(0);
  r.toil.pct_of_sre_time = opt_num(t, "pct_of_sre_time");
  const json& o = f.value("on_call", json::object());
  r.on_call.total_pages = opt_num(o, "total_pages");
  r.on_call.off_hours_pages = opt_num(o, "off_hours_pages");
  r.on_call.false_positive_pct = opt_num(o, "false_positive_pct");
  r.on_call.avg_ack_time_min = opt_num(o, "avg_ack_time_min");
  const json& a = f.value("action_items", json::object());
  r.action_items.open = num_or(a, "open", 0);
  r.action_items.completed_this_month = num_or(a, "completed_this_month", 0);
  r.action_items.overdue = num_or(a, "overdue", 0);
  if (const json& c = f.value("coverage", json::object()); c.is_object() && !c.empty()) {
    r.coverage.days_with_data = num_or(c, "days_with_data", r.coverage.days_with_data);
    r.coverage.days_in_month = num_or(c, "days_in_month", r.coverage.days_in_month);
  }
  if (f.contains("service_budget_states") && f["service_budget_states"].is_object()) {
    r.error_budget.service_state.clear();
    for (const auto& [svc, state] : f["service_budget_states"].items())
      if (state.is_string()) r.error_budget.service_state[svc] = state.get<std::string>();
  }
  r.computed_concerns = str_list(f, "computed_concerns");
  // The exhausted SLOs are named only in their computed concern.
  r.error_budget.exhausted_slos.clear();
  for (const auto& c : r.computed_concerns) {
    if (!c.starts_with(k_exhausted_concern)) continue;
    std::string_view ids = std::string_view(c).substr(k_exhausted_concern.size());
    while (!ids.empty()) {
      const std::size_t comma = ids.find(", ");
      r.error_budget.exhausted_slos.emplace_back(ids.substr(0, comma));
      ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 2);
    }
  }
  r.delta.clear();
  if (f.contains("delta") && f["delta"].is_object())
    for (const auto& [k, v] : f["delta"].items())
      r.delta[k] = v.is_number() ? std::optional<double>(v.get<double>()) : std::nullopt;
  r.previous_has_report = false;
  for (const auto& [k, v] : r.delta)
    r.previous_has_report = r.previous_has_report || v.has_value();
  if (f.contains("previous_period") && f["previous_period"].is_string())
    r.previous_period = f["previous_period"].get<std::string>();
  r.frozen = true;
}

std::map<std::string, std::optional<double>> report_numbers(const MonthlyReport& r) {
  std::map<std::string, std::optional<double>> n;
  auto d = [](auto v) { return std::optional<double>(static_cast<double>(v)); };
  auto o = [](const std::optional<int>& v) {
    return v ? std::optional<double>(*v) : std::optional<double>();
  };
  n["slo_summary.services_meeting_slo"] = o(r.slo_summary.services_meeting_slo);
  n["slo_summary.services_breaching_slo"] = o(r.slo_summary.services_breaching_slo);
  n["incidents.total"] = d(r.incidents.total);
  for (const auto& [sev, count] : r.incidents.by_severity)
    n["incidents.by_severity." + sev] = d(count);
  n["incidents.mttr_minutes"] = r.incidents.mttr_minutes;
  n["incidents.mttd_minutes"] = r.incidents.mttd_minutes;
  n["incidents.repeat_incidents"] = d(r.incidents.repeat_incidents);
  n["error_budget.services_in_healthy"] = o(r.error_budget.services_in_healthy);
  n["error_budget.services_in_warning"] = o(r.error_budget.services_in_warning);
  n["error_budget.services_in_critical"] = o(r.error_budget.services_in_critical);
  n["error_budget.services_exhausted"] = o(r.error_budget.services_exhausted);
  n["toil.hours_spent"] = r.toil.hours_spent;
  n["toil.hours_automated_away"] = r.toil.hours_automated_away;
  n["toil.pct_of_sre_time"] = r.toil.pct_of_sre_time;
  n["on_call.total_pages"] = r.on_call.total_pages;
  n["on_call.off_hours_pages"] = r.on_call.off_hours_pages;
  n["on_call.false_positive_pct"] = r.on_call.false_positive_pct;
  n["on_call.avg_ack_time_min"] = r.on_call.avg_ack_time_min;
  n["action_items.open"] = d(r.action_items.open);
  n["action_items.completed_this_month"] = d(r.action_items.completed_this_month);
  n["action_items.overdue"] = d(r.action_items.overdue);
  return n;
}

namespace {

// The report's figures that are not counts, with how their change is shown. Every figure not
// listed is a count.
struct Shown {
  std::string_view key;
  int decimals;
  std::string_view unit;
};
constexpr Shown k_shown[] = {
    {"incidents.mttr_minutes", 1, " min"},  {"incidents.mttd_minutes", 1, " min"},
    {"toil.hours_spent", 1, " h"},          {"toil.hours_automated_away", 1, " h"},
    {"toil.pct_of_sre_time", 2, " pts"},    {"on_call.false_positive_pct", 1, " pts"},
    {"on_call.avg_ack_time_min", 1, " min"}};

const Shown* shown_of(std::string_view key) {
  for (const auto& s : k_shown)
    if (s.key == key) return &s;
  return nullptr;
}

} // namespace

bool report_figure_is_count(std::string_view key) {
  return shown_of(key) == nullptr;
}

std::optional<std::string> report_change_text(const MonthlyReport& r, const std::string& key) {
  auto it = r.delta.find(key);
  if (it == r.delta.end() || !it->second || !std::isfinite(*it->second)) return std::nullopt;
  if (const Shown* s = shown_of(key)) return change_text(*it->second, s->decimals, s->unit);
  return change_text(*it->second, 0);
}

std::optional<MonthlyReport> compute_report(const Repo& repo,
                                            const std::map<std::string, DailySeries>& series,
                                            const std::string& period, std::int64_t now,
                                            const std::vector<std::string>* months) {
  auto ym = parse_period(period);
  if (!ym) return std::nullopt;
  auto r = base_report(repo, series, ym->first, ym->second, now);
  if (!r) return r;
  int py = ym->second == 1 ? ym->first - 1 : ym->first;
  int pm = ym->second == 1 ? 12 : ym->second - 1;
  auto prev = base_report(repo, series, py, pm, now);
  // A change is only against a month that has a report: one with data, or frozen. A frozen month's
  // figures are the frozen ones, also when its metrics are gone.
  std::vector<std::string> listed;
  if (!months) listed = months_with_data(repo, series);
  const std::vector<std::string>& with_data = months ? *months : listed;
  bool prev_has_report = std::binary_search(with_data.begin(), with_data.end(), r->previous_period);
  for (const auto& d : repo.reports)
    if (d.period == r->previous_period && !d.frozen_json.empty()) {
      prev_has_report = true;
      apply_frozen(*prev, d.frozen_json);
    }
  r->previous_has_report = prev_has_report;
  auto cur_n = report_numbers(*r);
  auto prev_n = report_numbers(*prev);
  for (const auto& [key, v] : cur_n) {
    auto p = prev_n.find(key);
    // As the decimals they are: 10.4 − 12 is −1.6, not −1.5999999999999943.
    if (prev_has_report && v && p != prev_n.end() && p->second)
      r->delta[key] = published_difference(*v, *p->second);
    else
      r->delta[key] = std::nullopt;
  }
  return r;
}

std::vector<std::string> months_with_data(const Repo& repo,
                                          const std::map<std::string, DailySeries>& series) {
  // Months as year × 12 + month, formatted once at the end: a large repository has hundreds of
  // thousands of rows, and this runs once per report.
  std::set<std::int64_t> months;
  auto add = [&](std::optional<std::int64_t> day) {
    if (!day) return;
    int y;
    unsigned m, d;
    civil_from_days(*day, y, m, d);
    months.insert(static_cast<std::int64_t>(y) * 12 + (m - 1));
  };
  // The store's daily counts: pulled from a source or imported with `metrics import` as well as
  // the repository's CSV files. Only the SLOs the repository defines (the report has no row for
  // another), and only usable days, as the report's coverage counts them. One usable day settles a
  // month, so the search goes on from the next month's first day.
  for (const auto& slo : repo.slos) {
    auto s = series.find(slo.meta.id);
    if (s == series.end()) continue;
    for (auto it = s->second.begin(); it != s->second.end();) {
      if (!usable(it->second)) {
        ++it;
        continue;
      }
      int y;
      unsigned m, d;
      civil_from_days(it->first, y, m, d);
      months.insert(static_cast<std::int64_t>(y) * 12 + (m - 1));
      it = s->second.lower_bound(it->first - (d - 1) + days_in_month(y, static_cast<int>(m)));
    }
  }
  const CsvRow* last = nullptr; // a series' rows repeat the day of the row before
  for (const auto& row : repo.csv_rows) {
    if (last && last->day == row.day) continue;
    last = &row;
    add(row.day);
  }
  for (const auto& p : repo.postmortems)
    add(day_of_text(p.date));
  // What people wrote for a month is data too: a monthly_report document (its highlights,
  // concerns and priorities are the report's own part) and a rotation's health entry for it.
  auto add_period = [&](const std::string& period) {
    if (const auto ym = parse_period(period))
      months.insert(static_cast<std::int64_t>(ym->first) * 12 + (ym->second - 1));
  };
  for (const auto& d : repo.reports)
    add_period(d.period);
  for (const auto& r : repo.rotations)
    for (const auto& h : r.health)
      add_period(h.period);
  std::vector<std::string> out;
  out.reserve(months.size());
  for (std::int64_t ym : months) {
    const std::int64_t y = ym >= 0 ? ym / 12 : (ym - 11) / 12;
    out.push_back(format_period(static_cast<int>(y), static_cast<int>(ym - y * 12) + 1));
  }
  return out;
}

} // namespace nines

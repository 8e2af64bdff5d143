#include "compute/figures_all.hpp"

#include "compute/detail.hpp"
#include "model/parallel.hpp"
#include "model/time.hpp"

#include <functional>
#include <nlohmann/json.hpp>

namespace nines {
namespace {

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

std::vector<std::string> str_list(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.is_object() && j.contains(key) && j[key].is_array())
    for (const auto& x : j[key])
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

} // namespace

// A frozen report (`nines report --freeze`) holds the figures as they were when the month closed.
// They win over a recomputation, so a past report never changes — even after the backend has
// forgotten the data. People's highlights, concerns and priorities stay live.
void apply_frozen(MonthlyReport& r, const std::string& frozen_json) {
  json f = json::parse(frozen_json, nullptr, false);
  if (!f.is_object()) return;
  const json& s = f.value("slo_summary", json::object());
  r.slo_summary.services_meeting_slo = opt_int(s, "services_meeting_slo");
  r.slo_summary.services_breaching_slo = opt_int(s, "services_breaching_slo");
  r.slo_summary.worst_performing = std::nullopt;
  if (s.contains("worst_performing") && s["worst_performing"].is_string())
    r.slo_summary.worst_performing = s["worst_performing"].get<std::string>();
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
  r.computed_concerns = str_list(f, "computed_concerns");
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

Figures compute_all(const Repo& repo, const std::map<std::string, DailySeries>& series,
                    const std::map<std::string, LiveWindows>& live, std::int64_t now,
                    const History* history, int jobs) {
  const compute_detail::IndexScope index(repo); // the look-ups of every formula below
  // Runs f(i) for i < n on the threads, each answering from this thread's index; f writes only
  // its own slot, so the figures do not depend on the threads.
  const auto lent = compute_detail::IndexScope::current();
  auto each = [&](std::size_t n, const std::function<void(std::size_t)>& f) {
    parallel_for(n, jobs, [&](std::size_t i) {
      const compute_detail::IndexScope scope(lent);
      f(i);
    });
  };
  Figures f;
  f.now = now;
  f.slos = compute_slos(repo, series, live, now, jobs);
  // The figures below depend on the repo and the data only, not on each other: one task each,
  // the readiness of each service one task too, all on the threads. They ran one after the other
  // on one thread, with the other cores idle.
  enum Group : std::size_t {
    k_maturity,
    k_budget_claims,
    k_incidents,
    k_toil,
    k_team_toil,
    k_capacity,
    k_oncall,
    k_groups
  };
  f.readiness.resize(repo.services.size());
  each(k_groups + repo.services.size(), [&](std::size_t i) {
    switch (i) {
    case k_maturity:
      f.maturity = compute_maturity(repo, series, now);
      return;
    case k_budget_claims:
      f.budget_claims = check_budget_claims(repo, series);
      return;
    case k_incidents:
      f.incidents = compute_incidents(repo, now);
      return;
    case k_toil:
      f.toil = compute_toil(repo);
      return;
    case k_team_toil:
      f.team_toil = compute_team_toil(repo);
      return;
    case k_capacity:
      f.capacity = compute_capacity(repo);
      return;
    case k_oncall:
      f.oncall = compute_oncall(repo);
      return;
    default:
      f.readiness[i - k_groups] =
          compute_readiness(repo, repo.services[i - k_groups].meta.id, series);
      return;
    }
  });
  const std::int64_t today = day_of(now);
  const WeekPostmortems week_postmortems = postmortems_by_service(repo, today - 7);
  const ClaimsByPostmortem by_postmortem = claims_by_postmortem(f.budget_claims);
  f.budget_weeks.resize(repo.slos.size());
  each(repo.slos.size(), [&](std::size_t i) {
    const Slo& slo = repo.slos[i];
    auto s = series.find(slo.meta.id);
    auto l = live.find(slo.meta.id);
    f.budget_weeks[i] = budget_week(repo, slo, s == series.end() ? nullptr : &s->second,
                                    l == live.end() ? nullptr : &l->second, f.budget_claims,
                                    today - 7, &week_postmortems, &by_postmortem);
  });
  const std::vector<IsoWeek> weeks = weeks_with_data(repo, series, now);
  std::vector<WeeklyReview> reviews(weeks.size());
  each(weeks.size(), [&](std::size_t i) {
    reviews[i] = compute_review(repo, series, f.budget_claims, f.capacity, weeks[i]);
  });
  for (std::size_t i = 0; i < weeks.size(); ++i)
    f.reviews.emplace(format_iso_week(weeks[i]), std::move(reviews[i]));
  const HandoffIndex handoff_index(repo, f.slos, f.capacity, f.incidents);
  std::vector<Handoff> handoffs(repo.rotations.size());
  each(repo.rotations.size(), [&](std::size_t i) {
    handoffs[i] = compute_handoff(repo, repo.rotations[i], history, handoff_index, now,
                                  today - k_handoff_recent_days);
  });
  for (std::size_t i = 0; i < repo.rotations.size(); ++i)
    f.handoffs.emplace(repo.rotations[i].meta.id, std::move(handoffs[i]));
  const std::vector<std::string> months = months_with_data(repo);
  std::vector<std::optional<MonthlyReport>> reports(months.size());
  each(months.size(),
       [&](std::size_t i) { reports[i] = compute_report(repo, series, months[i], now); });
  for (std::size_t i = 0; i < months.size(); ++i)
    if (reports[i]) f.reports.emplace(months[i], std::move(*reports[i]));
  // Frozen months: their figures come from the repo, even when no data is left to recompute them.
  for (const auto& doc : repo.reports) {
    if (doc.frozen_json.empty()) continue;
    auto it = f.reports.find(doc.period);
    if (it == f.reports.end()) {
      MonthlyReport r;
      r.period = doc.period;
      r.report_doc = doc.meta.id;
      r.highlights = doc.highlights;
      r.concerns = doc.concerns;
      r.next_month_priorities = doc.next_month_priorities;
      it = f.reports.emplace(doc.period, std::move(r)).first;
    }
    apply_frozen(it->second, doc.frozen_json);
  }
  return f;
}

} // namespace nines

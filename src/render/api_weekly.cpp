// The JSON of the weekly rhythm: the error budget week, the weekly review and the handoff
// (docs/weekly.md). Percentages are ×100 and a missing figure is null, as in the rest of the API.
#include "render/api_json.hpp"

#include <utility>

namespace nines {
namespace {

template <typename T> OrderedJson or_null(const std::optional<T>& v) {
  return v ? OrderedJson(*v) : OrderedJson(nullptr);
}

OrderedJson pct_or_null(const std::optional<double>& fraction) {
  return fraction ? OrderedJson(*fraction * 100.0) : OrderedJson(nullptr);
}

OrderedJson action_items_json(const std::vector<ActionItemFigure>& items) {
  OrderedJson a = OrderedJson::array();
  for (const auto& i : items)
    a.push_back({{"postmortem", i.postmortem},
                 {"id", i.id},
                 {"description", i.description},
                 {"owner", i.owner},
                 {"priority", i.priority},
                 {"deadline", i.deadline},
                 {"status", i.status},
                 {"overdue", i.overdue}});
  return a;
}

} // namespace

const char* trend_arrow(const std::string& trend) {
  if (trend == "up") return "↑";
  if (trend == "down") return "↓";
  if (trend == "flat") return "→";
  return "";
}

OrderedJson budget_week_json(const BudgetWeek& w) {
  OrderedJson burn = OrderedJson::object();
  for (const char* label : {"1h", "6h", "24h"}) {
    auto it = w.burn_rates.find(label);
    burn[label] = it == w.burn_rates.end() ? OrderedJson(nullptr) : or_null(it->second);
  }
  OrderedJson incidents = OrderedJson::array();
  for (const auto& i : w.incidents)
    incidents.push_back({{"postmortem", i.postmortem},
                         {"title", i.title},
                         {"date", i.date},
                         {"severity", i.severity},
                         {"status", i.status},
                         {"claimed_budget_pct", or_null(i.claimed_pct)},
                         {"computed_budget_pct", or_null(i.computed_pct)}});
  OrderedJson top = nullptr;
  if (w.top_contributor)
    top = {{"day", w.top_contributor->day},
           {"bad_events", w.top_contributor->bad},
           {"share_pct", pct_or_null(w.top_contributor->share)}};
  OrderedJson alerts = OrderedJson::array();
  for (const auto& a : w.alerts)
    alerts.push_back({{"name", a.name},
                      {"severity", a.severity},
                      {"burn_rate", a.burn_rate},
                      {"short_window", a.short_window},
                      {"long_window", a.long_window},
                      {"judged", a.judged},
                      {"fired", a.fired}});
  return {{"slo", w.slo},
          {"service", w.service},
          {"name", w.name},
          {"target", w.target},
          {"first_day", w.first_day},
          {"last_day", w.last_day},
          {"budget_remaining_pct", pct_or_null(w.remaining)},
          {"budget_remaining_7d_before_pct", pct_or_null(w.remaining_before)},
          {"budget_remaining_change_pct", pct_or_null(w.remaining_change)},
          {"trend", w.trend},
          {"state", std::string(budget_state_name(w.state))},
          {"budget_consumed_pct", pct_or_null(w.consumed)},
          {"days_with_data", w.days_with_data},
          {"burn_rates", std::move(burn)},
          {"incidents", std::move(incidents)},
          {"top_error_contributor", std::move(top)},
          {"projected_exhaustion", or_null(w.projected_exhaustion)},
          {"alerts", std::move(alerts)}};
}

OrderedJson review_json(const WeeklyReview& r) {
  OrderedJson slos = OrderedJson::array();
  for (const auto& w : r.slos)
    slos.push_back(budget_week_json(w));
  OrderedJson postmortems = OrderedJson::array();
  for (const auto& i : r.incidents.postmortems)
    postmortems.push_back({{"id", i.id},
                           {"title", i.title},
                           {"date", i.date},
                           {"severity", i.severity},
                           {"services", i.services},
                           {"time_to_resolve_minutes", or_null(i.time_to_resolve_minutes)}});
  OrderedJson entries = OrderedJson::array();
  for (const auto& e : r.on_call.entries)
    entries.push_back({{"rotation", e.rotation},
                       {"period", e.period},
                       {"pages", or_null(e.pages)},
                       {"off_hours_pages", or_null(e.off_hours_pages)},
                       {"false_positive_pct", or_null(e.false_positive_pct)}});
  OrderedJson toil = OrderedJson::array();
  for (const auto& t : r.toil_automated)
    toil.push_back({{"id", t.id},
                    {"name", t.name},
                    {"service", t.service},
                    {"automated_on", t.automated_on},
                    {"hours_saved_per_month", t.hours_saved_per_month}});
  OrderedJson experiments = OrderedJson::array();
  for (const auto& e : r.experiments)
    experiments.push_back({{"id", e.id},
                           {"name", e.name},
                           {"service", e.service},
                           {"date", e.date},
                           {"outcome", e.outcome}});
  OrderedJson capacity = OrderedJson::array();
  for (const auto& c : r.capacity_concerns)
    capacity.push_back(
        {{"id", c.id}, {"service", c.service}, {"runway_months", or_null(c.runway_months)}});
  OrderedJson by_sev = OrderedJson::object();
  for (const auto& [sev, n] : r.incidents.by_severity)
    by_sev[sev] = n;
  OrderedJson j;
  j["week"] = r.week;
  j["first_day"] = r.first_day;
  j["last_day"] = r.last_day;
  j["slo_status"] = {{"alerts_fired", r.alerts_fired}, {"slos", std::move(slos)}};
  j["incidents"] = {{"total", r.incidents.total},
                    {"by_severity", std::move(by_sev)},
                    {"total_duration_minutes", or_null(r.incidents.total_duration_minutes)},
                    {"postmortems", std::move(postmortems)},
                    {"action_items",
                     {{"open", r.incidents.open},
                      {"in_progress", r.incidents.in_progress},
                      {"overdue", r.incidents.overdue},
                      {"items", action_items_json(r.incidents.open_action_items)}}}};
  j["on_call"] = {{"periods", r.on_call.periods},
                  {"total_pages", r.on_call.total_pages},
                  {"off_hours_pages", r.on_call.off_hours_pages},
                  {"rotations", std::move(entries)}};
  j["reliability_work"] = {{"toil_automated", std::move(toil)},
                           {"hours_saved_per_month", r.hours_saved_per_month},
                           {"experiments", std::move(experiments)},
                           {"capacity_concerns", std::move(capacity)},
                           {"capacity_concern_months", k_capacity_concern_months}};
  return {{"weekly_review", std::move(j)}};
}

OrderedJson handoff_json(const Handoff& h) {
  OrderedJson pms = OrderedJson::array();
  for (const auto& p : h.open_postmortems)
    pms.push_back({{"id", p.id},
                   {"title", p.title},
                   {"date", p.date},
                   {"severity", p.severity},
                   {"status", p.status}});
  OrderedJson changes = OrderedJson::array();
  for (const auto& c : h.recent_changes)
    changes.push_back({{"file", c.file},
                       {"kind", c.kind},
                       {"id", c.id},
                       {"date", c.date},
                       {"commit", c.hash},
                       {"short_commit", c.short_hash},
                       {"author", c.author}});
  OrderedJson risks = OrderedJson::array();
  for (const auto& r : h.risks)
    risks.push_back({{"kind", r.kind}, {"id", r.id}, {"service", r.service}, {"text", r.text}});
  OrderedJson maint = OrderedJson::array();
  for (const auto& m : h.maintenance)
    maint.push_back({{"id", m.id},
                     {"service", m.service},
                     {"start", m.start},
                     {"end", m.end},
                     {"description", m.description},
                     {"rollback_plan", m.rollback_plan},
                     {"under_way", m.under_way}});
  OrderedJson runbooks = OrderedJson::array();
  for (const auto& u : h.runbook_updates)
    runbooks.push_back({{"id", u.id},
                        {"title", u.title},
                        {"service", u.service},
                        {"date", u.date},
                        {"short_commit", u.short_hash},
                        {"author", u.author},
                        {"source", u.source}});
  OrderedJson j;
  j["rotation"] = h.rotation;
  j["name"] = h.name;
  j["date"] = h.date;
  j["since"] = h.since;
  j["services"] = h.services;
  j["open_issues"] = {{"postmortems", pms},
                      {"action_items", action_items_json(h.open_action_items)},
                      {"overdue_action_items", h.overdue_action_items}};
  j["recent_changes"] = {{"history", h.history_available},
                         {"reason", h.history_available ? "" : h.history_reason},
                         {"changes", changes}};
  j["known_risks"] = risks;
  j["scheduled_maintenance"] = maint;
  j["runbook_updates"] = runbooks;
  return {{"handoff", j}};
}

void weekly_api_files(const Figures& figs, const ApiFileSink& emit) {
  OrderedJson weeks = OrderedJson::array();
  for (const auto& [week, r] : figs.reviews) {
    emit("api/reviews/" + week + ".json", review_json(r).dump(2) + "\n");
    weeks.push_back(week);
  }
  emit("api/reviews/index.json", weeks.dump(2) + "\n");
  for (const auto& [rotation, h] : figs.handoffs)
    emit("api/handoffs/" + rotation + ".json", handoff_json(h).dump(2) + "\n");
}

} // namespace nines

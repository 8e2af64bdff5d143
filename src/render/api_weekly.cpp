// The JSON of the weekly rhythm: the error budget week, the weekly review and the handoff
// (docs/weekly.md). Percentages are ×100 and a missing figure is null, as in the rest of the API.
#include "render/api_json.hpp"

#include <utility>

namespace nines {
namespace {

OrderedJson action_items_json(const std::vector<ActionItemFigure>& items) {
  OrderedJson a = json_array(items.size());
  for (const auto& i : items)
    a.push_back(JsonObject(8)
                    .add("postmortem", i.postmortem)
                    .add("id", i.id)
                    .add("description", i.description)
                    .add("owner", i.owner)
                    .add("priority", i.priority)
                    .add("deadline", i.deadline)
                    .add("status", i.status)
                    .add("overdue", i.overdue)
                    .take());
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
  JsonObject burn(3);
  for (const char* label : {"1h", "6h", "24h"}) {
    auto it = w.burn_rates.find(label);
    burn.add(label, it == w.burn_rates.end() ? OrderedJson(nullptr) : json_or_null(it->second));
  }
  OrderedJson incidents = json_array(w.incidents.size());
  for (const auto& i : w.incidents)
    incidents.push_back(JsonObject(7)
                            .add("postmortem", i.postmortem)
                            .add("title", i.title)
                            .add("date", i.date)
                            .add("severity", i.severity)
                            .add("status", i.status)
                            .add("claimed_budget_pct", json_or_null(i.claimed_pct))
                            .add("computed_budget_pct", json_or_null(i.computed_pct))
                            .take());
  OrderedJson top = nullptr;
  if (w.top_contributor)
    top = JsonObject(3)
              .add("day", w.top_contributor->day)
              .add("bad_events", w.top_contributor->bad)
              .add("share_pct", json_pct_or_null(w.top_contributor->share))
              .take();
  OrderedJson alerts = json_array(w.alerts.size());
  for (const auto& a : w.alerts)
    alerts.push_back(JsonObject(7)
                         .add("name", a.name)
                         .add("severity", a.severity)
                         .add("burn_rate", a.burn_rate)
                         .add("short_window", a.short_window)
                         .add("long_window", a.long_window)
                         .add("judged", a.judged)
                         .add("fired", a.fired)
                         .take());
  return JsonObject(18)
      .add("slo", w.slo)
      .add("service", w.service)
      .add("name", w.name)
      .add("target", w.target)
      .add("first_day", w.first_day)
      .add("last_day", w.last_day)
      .add("budget_remaining_pct", json_pct_or_null(w.remaining))
      .add("budget_remaining_7d_before_pct", json_pct_or_null(w.remaining_before))
      .add("budget_remaining_change_pct", json_pct_or_null(w.remaining_change))
      .add("trend", w.trend)
      .add("state", std::string(budget_state_name(w.state)))
      .add("budget_consumed_pct", json_pct_or_null(w.consumed))
      .add("days_with_data", w.days_with_data)
      .add("burn_rates", burn.take())
      .add("incidents", std::move(incidents))
      .add("top_error_contributor", std::move(top))
      .add("projected_exhaustion", json_or_null(w.projected_exhaustion))
      .add("alerts", std::move(alerts))
      .take();
}

OrderedJson review_json(const WeeklyReview& r) {
  OrderedJson slos = json_array(r.slos.size());
  for (const auto& w : r.slos)
    slos.push_back(budget_week_json(w));
  OrderedJson postmortems = json_array(r.incidents.postmortems.size());
  for (const auto& i : r.incidents.postmortems)
    postmortems.push_back(
        JsonObject(6)
            .add("id", i.id)
            .add("title", i.title)
            .add("date", i.date)
            .add("severity", i.severity)
            .add("services", i.services)
            .add("time_to_resolve_minutes", json_or_null(i.time_to_resolve_minutes))
            .take());
  OrderedJson entries = json_array(r.on_call.entries.size());
  for (const auto& e : r.on_call.entries)
    entries.push_back(JsonObject(5)
                          .add("rotation", e.rotation)
                          .add("period", e.period)
                          .add("pages", count_or_null(e.pages))
                          .add("off_hours_pages", count_or_null(e.off_hours_pages))
                          .add("false_positive_pct", json_or_null(e.false_positive_pct))
                          .take());
  OrderedJson toil = json_array(r.toil_automated.size());
  for (const auto& t : r.toil_automated)
    toil.push_back(JsonObject(5)
                       .add("id", t.id)
                       .add("name", t.name)
                       .add("service", t.service)
                       .add("automated_on", t.automated_on)
                       .add("hours_saved_per_month", t.hours_saved_per_month)
                       .take());
  OrderedJson experiments = json_array(r.experiments.size());
  for (const auto& e : r.experiments)
    experiments.push_back(JsonObject(5)
                              .add("id", e.id)
                              .add("name", e.name)
                              .add("service", e.service)
                              .add("date", e.date)
                              .add("outcome", e.outcome)
                              .take());
  OrderedJson capacity = json_array(r.capacity_concerns.size());
  for (const auto& c : r.capacity_concerns)
    capacity.push_back(
        JsonObject(4)
            .add("id", c.id)
            .add("service", c.service)
            .add("runway_months", json_or_null(c.runway_months))
            .add("runway_months_fractional", json_or_null(c.runway_months_fractional))
            .take());
  JsonObject by_sev(r.incidents.by_severity.size()); // a std::map: each severity once
  for (const auto& [sev, n] : r.incidents.by_severity)
    by_sev.add(sev, n);
  JsonObject j(7);
  j.add("week", r.week);
  j.add("first_day", r.first_day);
  j.add("last_day", r.last_day);
  j.add("slo_status",
        JsonObject(2).add("alerts_fired", r.alerts_fired).add("slos", std::move(slos)).take());
  j.add("incidents",
        JsonObject(5)
            .add("total", r.incidents.total)
            .add("by_severity", by_sev.take())
            .add("total_duration_minutes", json_or_null(r.incidents.total_duration_minutes))
            .add("postmortems", std::move(postmortems))
            .add("action_items", JsonObject(4)
                                     .add("open", r.incidents.open)
                                     .add("in_progress", r.incidents.in_progress)
                                     .add("overdue", r.incidents.overdue)
                                     .add("items", action_items_json(r.incidents.open_action_items))
                                     .take())
            .take());
  j.add("on_call", JsonObject(4)
                       .add("periods", r.on_call.periods)
                       .add("total_pages", count_json(r.on_call.total_pages))
                       .add("off_hours_pages", count_json(r.on_call.off_hours_pages))
                       .add("rotations", std::move(entries))
                       .take());
  j.add("reliability_work", JsonObject(5)
                                .add("toil_automated", std::move(toil))
                                .add("hours_saved_per_month", r.hours_saved_per_month)
                                .add("experiments", std::move(experiments))
                                .add("capacity_concerns", std::move(capacity))
                                .add("capacity_concern_months", k_capacity_concern_months)
                                .take());
  return JsonObject(1).add("weekly_review", j.take()).take();
}

OrderedJson handoff_json(const Handoff& h) {
  OrderedJson pms = json_array(h.open_postmortems.size());
  for (const auto& p : h.open_postmortems)
    pms.push_back(JsonObject(5)
                      .add("id", p.id)
                      .add("title", p.title)
                      .add("date", p.date)
                      .add("severity", p.severity)
                      .add("status", p.status)
                      .take());
  OrderedJson changes = json_array(h.recent_changes.size());
  for (const auto& c : h.recent_changes)
    changes.push_back(JsonObject(7)
                          .add("file", c.file)
                          .add("kind", c.kind)
                          .add("id", c.id)
                          .add("date", c.date)
                          .add("commit", c.hash)
                          .add("short_commit", c.short_hash)
                          .add("author", c.author)
                          .take());
  OrderedJson risks = json_array(h.risks.size());
  for (const auto& r : h.risks)
    risks.push_back(JsonObject(4)
                        .add("kind", r.kind)
                        .add("id", r.id)
                        .add("service", r.service)
                        .add("text", r.text)
                        .take());
  OrderedJson maint = json_array(h.maintenance.size());
  for (const auto& m : h.maintenance)
    maint.push_back(JsonObject(7)
                        .add("id", m.id)
                        .add("service", m.service)
                        .add("start", m.start)
                        .add("end", m.end)
                        .add("description", m.description)
                        .add("rollback_plan", m.rollback_plan)
                        .add("under_way", m.under_way)
                        .take());
  OrderedJson runbooks = json_array(h.runbook_updates.size());
  for (const auto& u : h.runbook_updates)
    runbooks.push_back(JsonObject(7)
                           .add("id", u.id)
                           .add("title", u.title)
                           .add("service", u.service)
                           .add("date", u.date)
                           .add("short_commit", u.short_hash)
                           .add("author", u.author)
                           .add("source", u.source)
                           .take());
  JsonObject j(10);
  j.add("rotation", h.rotation);
  j.add("name", h.name);
  j.add("date", h.date);
  j.add("since", h.since);
  j.add("services", h.services);
  j.add("open_issues", JsonObject(3)
                           .add("postmortems", std::move(pms))
                           .add("action_items", action_items_json(h.open_action_items))
                           .add("overdue_action_items", h.overdue_action_items)
                           .take());
  j.add("recent_changes", JsonObject(3)
                              .add("history", h.history_available)
                              .add("reason", h.history_available ? "" : h.history_reason)
                              .add("changes", std::move(changes))
                              .take());
  j.add("known_risks", std::move(risks));
  j.add("scheduled_maintenance", std::move(maint));
  j.add("runbook_updates", std::move(runbooks));
  return JsonObject(1).add("handoff", j.take()).take();
}

void weekly_api_files(const Figures& figs, const ApiFileSink& emit) {
  OrderedJson weeks = json_array(figs.reviews.size());
  for (const auto& [week, r] : figs.reviews) {
    emit("api/reviews/" + week + ".json", api_file_text(review_json(r)));
    weeks.push_back(week);
  }
  emit("api/reviews/index.json", api_file_text(std::move(weeks)));
  for (const auto& [rotation, h] : figs.handoffs)
    emit("api/handoffs/" + rotation + ".json", api_file_text(handoff_json(h)));
}

} // namespace nines

// The weekly rhythm's pages (docs/weekly.md): the archive of weekly reviews, a page per review, a
// handoff page per rotation, and the error budget week block of an SLO page.
//
// Every figure cell carries `data-key`, the path of its value in the page's API file, so a test
// (and a reader) can check the page against `api/reviews/WEEK.json` figure by figure.
#include "model/numbers.hpp"
#include "render/api_json.hpp"
#include "render/site_detail.hpp"

#include <cmath>

namespace nines::site {
namespace {

// A shown figure and where the API has it.
json fig(json text, const std::string& key) {
  if (text.is_null()) text = "no data";
  return ViewObject().add("text", std::move(text)).add("key", key).take();
}

// A week's budget figures as `nines budget` and the SLO page write them (model/numbers.hpp): one
// decimal, remaining kept off 0% (an overspent budget never reads "0%") and off the edges of the
// bands of the SLO's policy, and consumed off 100%.
json remaining_figure(std::optional<double> fraction, std::span<const double> edges) {
  return fraction ? json(remaining_text(pct(fraction), edges)) : json(nullptr);
}

// The band edges of the policy that gives SLO `id` its state (none when it has no figures).
std::span<const double> policy_edges(const Site& site, const std::string& id) {
  const auto it = site.slo_figs.find(id);
  return it == site.slo_figs.end() ? std::span<const double>() : it->second->state.edges;
}
json consumed_figure(std::optional<double> fraction) {
  return fraction ? json(consumed_text(pct(fraction))) : json(nullptr);
}

// Open action items, as the review and the handoff list them.
json action_items(const Site& site, const std::vector<ActionItemFigure>& list) {
  json items = json::array();
  for (const auto& a : list)
    items.push_back(ViewObject()
                        .add("id", a.id)
                        .add("postmortem", a.postmortem)
                        .add("href", postmortem_href(site, a.postmortem))
                        .add("description", text_or_null(a.description))
                        .add("owner", text_or_null(a.owner))
                        .add("deadline", text_or_null(a.deadline))
                        .add("status", text_or_null(a.status))
                        .add("overdue", a.overdue)
                        .take());
  return items;
}

json week_slo(const Site& site, const BudgetWeek& w, const std::string& key) {
  json incidents = json::array();
  for (std::size_t i = 0; i < w.incidents.size(); ++i) {
    const auto& inc = w.incidents[i];
    const std::string k = key + ".incidents." + std::to_string(i);
    incidents.push_back(
        ViewObject()
            .add("id", inc.postmortem)
            .add("href", postmortem_href(site, inc.postmortem))
            .add("title", text_or_null(inc.title))
            .add("severity", text_or_null(inc.severity))
            .add("claimed", fig(num_or_null(inc.claimed_pct, 1, "%"), k + ".claimed_budget_pct"))
            .add("computed", fig(num_or_null(inc.computed_pct, 1, "%"), k + ".computed_budget_pct"))
            .take());
  }
  json alerts = json::array();
  for (const auto& a : w.alerts)
    alerts.push_back(ViewObject()
                         .add("name", a.name)
                         .add("burn_rate", num(a.burn_rate, 2))
                         .add("windows", alert_windows_text(a.long_window, a.short_window))
                         .add("judged", a.judged)
                         .add("fired", join(a.fired, ", "))
                         .add("fired_count", a.fired.size())
                         .take());
  const std::string state(budget_state_name(w.state));
  // No change without the figure 7 days earlier; the row then says only that figure ("no data").
  json change_text = nullptr;
  if (w.remaining_change)
    change_text = std::string(w.trend == "down" ? "−"
                              : w.trend == "up" ? "+"
                                                : "±") +
                  num(std::fabs(*w.remaining_change * 100.0), 2) + " pts";
  json top = nullptr;
  if (w.top_contributor)
    top = ViewObject()
              .add("day", w.top_contributor->day)
              .add("bad", fig(grouped(w.top_contributor->bad, 0),
                              key + ".top_error_contributor.bad_events"))
              .add("share",
                   fig(num_or_null(w.top_contributor->share
                                       ? std::optional<double>(*w.top_contributor->share * 100.0)
                                       : std::nullopt,
                                   1, "%"),
                       key + ".top_error_contributor.share_pct"))
              .take();
  auto burn = [&](const char* label) {
    auto it = w.burn_rates.find(label);
    std::optional<double> v = it == w.burn_rates.end() ? std::nullopt : it->second;
    return fig(v ? json(burn_rate_text(v)) : json(nullptr), key + ".burn_rates." + label);
  };
  const bool has_incidents = !incidents.empty(), has_alerts = !alerts.empty();
  return ViewObject()
      .add("slo", w.slo)
      .add("name", text_or_null(w.name))
      .add("href", slo_href(site, w.slo))
      .add("service", w.service)
      .add("service_href", service_href(site, w.service))
      .add("first_day", w.first_day)
      .add("last_day", w.last_day)
      .add("remaining", fig(remaining_figure(w.remaining, policy_edges(site, w.slo)),
                            key + ".budget_remaining_pct"))
      .add("remaining_before", fig(remaining_figure(w.remaining_before, policy_edges(site, w.slo)),
                                   key + ".budget_remaining_7d_before_pct"))
      .add("trend", w.trend)
      .add("trend_arrow", trend_arrow(w.trend))
      .add("trend_text", w.trend == "unknown" ? "unknown" : w.trend)
      .add("change", std::move(change_text))
      .add("state", css_word(state))
      .add("state_label", state_label(state))
      .add("consumed", fig(consumed_figure(w.consumed), key + ".budget_consumed_pct"))
      .add("burn_1h", burn("1h"))
      .add("burn_6h", burn("6h"))
      .add("burn_24h", burn("24h"))
      .add("incidents", std::move(incidents))
      .add("has_incidents", has_incidents)
      .add("top", std::move(top))
      .add("projected_exhaustion", opt_text(w.projected_exhaustion))
      .add("exhaustion_beyond",
           w.exhaustion_beyond ? json(k_exhaustion_beyond_text) : json(nullptr))
      .add("exhaustion_none", exhaustion_none(w.state, "not on the current 24h burn"))
      .add("alerts", std::move(alerts))
      .add("has_alerts", has_alerts)
      .take();
}

} // namespace

// Weeks come from format_iso_week ("2026-W48"): always safe as a file name, and kept as written
// (segment() would refuse the capital W of the ISO form).
std::string review_page(const std::string& week) {
  return "reviews/" + week + ".html";
}
std::string handoff_page(const std::string& rotation) {
  return "handoffs/" + segment(rotation) + ".html";
}

json budget_week_block(const Site& site, const BudgetWeek& w) {
  return week_slo(site, w, "budget_week");
}

json reviews_view(const Site& site) {
  json v = page_view(site, "reviews/index.html", "Weekly reviews", "reports",
                     {{"reports/index.html", "Reports"}});
  v["freshness"] = documents_freshness(site);
  json reviews = json::array();
  for (auto it = site.figs.reviews.rbegin(); it != site.figs.reviews.rend(); ++it) {
    const WeeklyReview& r = it->second;
    reviews.push_back(
        ViewObject()
            .add("href", review_page(r.week))
            .add("week", r.week)
            .add("days", r.first_day + " to " + r.last_day)
            .add("summary", std::to_string(r.incidents.total) +
                                (r.incidents.total == 1 ? " incident" : " incidents") + ", " +
                                std::to_string(r.alerts_fired) +
                                (r.alerts_fired == 1 ? " alert-day" : " alert-days"))
            .add("json_href", "api/reviews/" + r.week + ".json")
            .take());
  }
  v["has_reviews"] = !reviews.empty();
  v["reviews"] = std::move(reviews);
  return v;
}

json review_view(const Site& site, const WeeklyReview& r) {
  const std::string page = review_page(r.week);
  json v = page_view(site, page, "Weekly SRE review: " + r.week, "reports",
                     {{"reports/index.html", "Reports"}, {"reviews/index.html", "Weekly reviews"}});
  v["freshness"] = documents_freshness(site);
  const std::string k = "weekly_review.";
  const std::string api_file = "api/reviews/" + r.week + ".json";
  json slos = json::array();
  // A long review keeps the SLOs with the least budget left (those without data first): what
  // the meeting talks about. A short one keeps the review's order.
  std::vector<std::size_t> order(r.slos.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  if (order.size() > k_paper_rows)
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return r.slos[a].remaining.value_or(-1e300) < r.slos[b].remaining.value_or(-1e300);
    });
  // Only the rows the page keeps are built: a review of every SLO of a large organisation has
  // thousands, and the rest are in the API file.
  order.resize(std::min(order.size(), k_paper_rows));
  for (std::size_t i : order)
    slos.push_back(week_slo(site, r.slos[i], k + "slo_status.slos." + std::to_string(i)));
  v["slos_more"] = paper_more(r.slos.size(), "SLO", api_file);
  std::vector<std::string> live_only;
  json fired = json::array();
  for (const auto& w : r.slos)
    for (const auto& a : w.alerts) {
      if (!a.judged) live_only.push_back(w.slo + "/" + a.name);
      if (!a.fired.empty())
        fired.push_back(ViewObject()
                            .add("slo", w.slo)
                            .add("href", slo_href(site, w.slo))
                            .add("name", a.name)
                            .add("burn_rate", num(a.burn_rate, 2))
                            .add("windows", alert_windows_text(a.long_window, a.short_window))
                            .add("severity", text_or_null(a.severity))
                            .add("days", join(a.fired, ", "))
                            .take());
    }
  json sev = json::array();
  for (const auto& [s, n] : r.incidents.by_severity)
    sev.push_back(ViewObject()
                      .add("sep", sev.empty() ? "" : ", ")
                      .add("severity", s)
                      .add("count", fig(n, k + "incidents.by_severity." + s))
                      .take());
  json pms = json::array();
  for (std::size_t i = 0; i < r.incidents.postmortems.size(); ++i) {
    const auto& p = r.incidents.postmortems[i];
    pms.push_back(ViewObject()
                      .add("id", p.id)
                      .add("href", postmortem_href(site, p.id))
                      .add("title", text_or_null(p.title))
                      .add("date", p.date)
                      .add("severity", text_or_null(p.severity))
                      .add("duration", fig(num_or_null(p.time_to_resolve_minutes, 0, " min"),
                                           k + "incidents.postmortems." + std::to_string(i) +
                                               ".time_to_resolve_minutes"))
                      .take());
  }
  json items = action_items(site, r.incidents.open_action_items);
  json oncall = json::array();
  for (std::size_t i = 0; i < r.on_call.entries.size(); ++i) {
    const auto& e = r.on_call.entries[i];
    const std::string ek = k + "on_call.rotations." + std::to_string(i);
    oncall.push_back(
        ViewObject()
            .add("rotation", e.rotation)
            .add("href", rotation_href(site, e.rotation))
            .add("period", e.period)
            .add("pages", fig(num_or_null(e.pages, 0), ek + ".pages"))
            .add("off_hours", fig(num_or_null(e.off_hours_pages, 0), ek + ".off_hours_pages"))
            .add("false_positive",
                 fig(num_against_or_null(
                         e.false_positive_pct,
                         {k_false_positive_pct.healthy, k_false_positive_pct.critical}, 2, "%"),
                     ek + ".false_positive_pct"))
            .take());
  }
  json toil = json::array();
  for (std::size_t i = 0; i < r.toil_automated.size(); ++i) {
    const auto& t = r.toil_automated[i];
    toil.push_back(ViewObject()
                       .add("id", t.id)
                       .add("name", text_or_null(t.name))
                       .add("date", t.automated_on)
                       .add("hours", fig(num(t.hours_saved_per_month, 1) + " h",
                                         k + "reliability_work.toil_automated." +
                                             std::to_string(i) + ".hours_saved_per_month"))
                       .take());
  }
  json experiments = json::array();
  for (const auto& e : r.experiments)
    experiments.push_back(ViewObject()
                              .add("id", e.id)
                              // A name that only repeats the id is said once.
                              .add("name", e.name == e.id ? json(nullptr) : text_or_null(e.name))
                              .add("service", e.service)
                              .add("service_href", service_href(site, e.service))
                              .add("date", e.date)
                              .add("outcome", text_or_null(e.outcome))
                              .take());
  json capacity = json::array();
  for (std::size_t i = 0; i < r.capacity_concerns.size(); ++i) {
    const auto& c = r.capacity_concerns[i];
    capacity.push_back(
        ViewObject()
            .add("id", c.id)
            .add("service", c.service)
            .add("service_href", service_href(site, c.service))
            // As the capacity page writes it: one decimal, never rounded up.
            .add("runway", fig(runway_text(c.runway_months, c.runway_months_fractional),
                               k + "reliability_work.capacity_concerns." + std::to_string(i) +
                                   (c.runway_months_fractional ? ".runway_months_fractional"
                                                               : ".runway_months")))
            .take());
  }
  // The weeks before and after, when they have pages: reviews read in sequence.
  auto it = site.figs.reviews.find(r.week);
  json prev = nullptr, next = nullptr;
  if (it != site.figs.reviews.begin())
    prev = ViewObject()
               .add("href", review_page(std::prev(it)->first))
               .add("label", std::prev(it)->first)
               .take();
  if (std::next(it) != site.figs.reviews.end())
    next = ViewObject()
               .add("href", review_page(std::next(it)->first))
               .add("label", std::next(it)->first)
               .take();

  v["review"] = ViewObject()
                    .add("week", r.week)
                    .add("first_day", r.first_day)
                    .add("last_day", r.last_day)
                    .add("json_href", "api/reviews/" + r.week + ".json")
                    .add("previous", std::move(prev))
                    .add("next", std::move(next))
                    .take();
  v["has_slos"] = !slos.empty();
  v["slos"] = std::move(slos);
  v["alerts_fired"] = fig(r.alerts_fired, k + "slo_status.alerts_fired");
  v["has_fired"] = !fired.empty();
  cut_paper_list(fired, v["fired_more"], "alert", api_file);
  v["fired"] = std::move(fired);
  v["live_only"] = live_only.size() > 30
                       ? plural(static_cast<long long>(live_only.size()), "alert") +
                             " (listed in " + api_file + ")"
                       : join(live_only, ", ");
  v["incidents_total"] = fig(r.incidents.total, k + "incidents.total");
  v["by_severity"] = std::move(sev);
  v["duration"] = fig(num_or_null(r.incidents.total_duration_minutes, 0, " min"),
                      k + "incidents.total_duration_minutes");
  cut_paper_list(pms, v["postmortems_more"], "postmortem", api_file);
  v["has_postmortems"] = !pms.empty();
  v["postmortems"] = std::move(pms);
  v["items_open"] = fig(r.incidents.open, k + "incidents.action_items.open");
  v["items_in_progress"] = fig(r.incidents.in_progress, k + "incidents.action_items.in_progress");
  v["items_overdue"] = fig(r.incidents.overdue, k + "incidents.action_items.overdue");
  cut_paper_list(items, v["items_more"], "action item", api_file);
  v["has_items"] = !items.empty();
  v["items"] = std::move(items);
  v["periods"] = join(r.on_call.periods, " and ");
  cut_paper_list(oncall, v["oncall_more"], "rotation", api_file);
  v["has_oncall"] = !oncall.empty();
  v["oncall"] = std::move(oncall);
  v["total_pages"] = fig(num(r.on_call.total_pages, 0), k + "on_call.total_pages");
  v["total_off_hours"] = fig(num(r.on_call.off_hours_pages, 0), k + "on_call.off_hours_pages");
  cut_paper_list(toil, v["toil_more"], "toil item", api_file);
  v["has_toil"] = !toil.empty();
  v["toil"] = std::move(toil);
  v["hours_saved"] =
      fig(num(r.hours_saved_per_month, 1) + " h", k + "reliability_work.hours_saved_per_month");
  cut_paper_list(experiments, v["experiments_more"], "experiment", api_file);
  v["has_experiments"] = !experiments.empty();
  v["experiments"] = std::move(experiments);
  cut_paper_list(capacity, v["capacity_more"], "capacity model", api_file);
  v["has_capacity"] = !capacity.empty();
  v["capacity"] = std::move(capacity);
  v["capacity_months"] = k_capacity_concern_months;
  return v;
}

json handoff_view(const Site& site, const Handoff& h) {
  const std::string page = handoff_page(h.rotation);
  json v = page_view(site, page, "On-call handoff: " + h.rotation, "oncall",
                     {{"oncall/index.html", "On-call"}});
  v["freshness"] = documents_freshness(site);
  json services = json::array();
  for (const auto& s : h.services)
    services.push_back(ViewObject().add("id", s).add("href", service_href(site, s)).take());
  json pms = json::array();
  for (const auto& p : h.open_postmortems)
    pms.push_back(ViewObject()
                      .add("id", p.id)
                      .add("href", postmortem_href(site, p.id))
                      .add("title", text_or_null(p.title))
                      .add("date", text_or_null(p.date))
                      .add("severity", text_or_null(p.severity))
                      .add("status", p.status)
                      .take());
  json items = action_items(site, h.open_action_items);
  json changes = json::array();
  for (const auto& c : h.recent_changes)
    changes.push_back(ViewObject()
                          .add("date", c.date)
                          .add("kind", c.kind)
                          .add("id", c.id)
                          .add("file", c.file)
                          .add("commit", c.short_hash)
                          .add("author", text_or_null(c.author))
                          .take());
  json risks = json::array();
  for (const auto& r : h.risks)
    risks.push_back(ViewObject()
                        .add("kind", r.kind)
                        .add("id", r.id)
                        .add("service", r.service)
                        .add("text", r.text)
                        .take());
  json maint = json::array();
  for (const auto& m : h.maintenance)
    maint.push_back(ViewObject()
                        .add("id", m.id)
                        .add("service", m.service)
                        .add("start", m.start)
                        .add("end", text_or_null(m.end))
                        .add("description", text_or_null(m.description))
                        .add("rollback_plan", text_or_null(m.rollback_plan))
                        .add("under_way", m.under_way)
                        .take());
  json runbooks = json::array();
  for (const auto& u : h.runbook_updates)
    runbooks.push_back(
        ViewObject()
            .add("id", u.id)
            .add("href", site.runbooks.count(u.id) ? json(runbook_page(u.id)) : json(nullptr))
            .add("title", text_or_null(u.title))
            .add("date", u.date)
            .add("commit", text_or_null(u.short_hash))
            .add("author", text_or_null(u.author))
            .add("from_git", u.source == "git")
            .take());
  v["handoff"] = ViewObject()
                     .add("rotation", h.rotation)
                     .add("name", text_or_null(h.name == h.rotation ? "" : h.name))
                     .add("href", rotation_href(site, h.rotation))
                     .add("date", h.date)
                     .add("since", h.since)
                     .add("json_href", "api/handoffs/" + segment(h.rotation) + ".json")
                     .add("history", h.history_available)
                     .add("history_reason", h.history_reason)
                     .take();
  v["services"] = std::move(services);
  v["has_open_issues"] = !pms.empty() || !items.empty();
  v["open_postmortems"] = std::move(pms);
  v["items"] = std::move(items);
  v["overdue"] = h.overdue_action_items;
  v["has_changes"] = !changes.empty();
  v["changes"] = std::move(changes);
  v["recent_days"] = k_handoff_recent_days;
  v["has_risks"] = !risks.empty();
  v["risks"] = std::move(risks);
  v["has_maintenance"] = !maint.empty();
  v["maintenance"] = std::move(maint);
  v["maintenance_days"] = k_handoff_maintenance_days;
  v["has_runbooks"] = !runbooks.empty();
  v["runbooks"] = std::move(runbooks);
  return v;
}

} // namespace nines::site

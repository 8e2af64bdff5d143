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
  return {{"text", text.is_null() ? json("no data") : text}, {"key", key}};
}

// Open action items, as the review and the handoff list them.
json action_items(const Site& site, const std::vector<ActionItemFigure>& list) {
  json items = json::array();
  for (const auto& a : list)
    items.push_back({{"id", a.id},
                     {"postmortem", a.postmortem},
                     {"href", postmortem_href(site, a.postmortem)},
                     {"description", text_or_null(a.description)},
                     {"owner", text_or_null(a.owner)},
                     {"deadline", text_or_null(a.deadline)},
                     {"status", text_or_null(a.status)},
                     {"overdue", a.overdue}});
  return items;
}

json week_slo(const Site& site, const BudgetWeek& w, const std::string& key) {
  json incidents = json::array();
  for (std::size_t i = 0; i < w.incidents.size(); ++i) {
    const auto& inc = w.incidents[i];
    const std::string k = key + ".incidents." + std::to_string(i);
    incidents.push_back(
        {{"id", inc.postmortem},
         {"href", postmortem_href(site, inc.postmortem)},
         {"title", text_or_null(inc.title)},
         {"severity", text_or_null(inc.severity)},
         {"claimed", fig(num_or_null(inc.claimed_pct, 1, "%"), k + ".claimed_budget_pct")},
         {"computed", fig(num_or_null(inc.computed_pct, 1, "%"), k + ".computed_budget_pct")}});
  }
  json alerts = json::array();
  for (const auto& a : w.alerts)
    alerts.push_back({{"name", a.name},
                      {"burn_rate", num(a.burn_rate, 2)},
                      {"windows", a.short_window + "/" + a.long_window},
                      {"judged", a.judged},
                      {"fired", join(a.fired, ", ")},
                      {"fired_count", a.fired.size()}});
  const std::string state(budget_state_name(w.state));
  std::string change_text = "no data 7 days earlier";
  if (w.remaining_change)
    change_text = std::string(w.trend == "down" ? "−"
                              : w.trend == "up" ? "+"
                                                : "±") +
                  num(std::fabs(*w.remaining_change * 100.0), 2) + " pts";
  json top = nullptr;
  if (w.top_contributor)
    top = {
        {"day", w.top_contributor->day},
        {"bad", fig(grouped(w.top_contributor->bad, 0), key + ".top_error_contributor.bad_events")},
        {"share", fig(num_or_null(w.top_contributor->share
                                      ? std::optional<double>(*w.top_contributor->share * 100.0)
                                      : std::nullopt,
                                  1, "%"),
                      key + ".top_error_contributor.share_pct")}};
  auto burn = [&](const char* label) {
    auto it = w.burn_rates.find(label);
    std::optional<double> v = it == w.burn_rates.end() ? std::nullopt : it->second;
    return fig(num_or_null(v, 2), key + ".burn_rates." + label);
  };
  return {{"slo", w.slo},
          {"name", text_or_null(w.name)},
          {"href", slo_href(site, w.slo)},
          {"service", w.service},
          {"service_href", service_href(site, w.service)},
          {"first_day", w.first_day},
          {"last_day", w.last_day},
          {"remaining", fig(num_or_null(pct(w.remaining), 2, "%"), key + ".budget_remaining_pct")},
          {"remaining_before", fig(num_or_null(pct(w.remaining_before), 2, "%"),
                                   key + ".budget_remaining_7d_before_pct")},
          {"trend", w.trend},
          {"trend_arrow", trend_arrow(w.trend)},
          {"trend_text", w.trend == "unknown" ? "unknown" : w.trend},
          {"change", change_text},
          {"state", css_word(state)},
          {"state_label", state_label(state)},
          {"consumed", fig(num_or_null(pct(w.consumed), 2, "%"), key + ".budget_consumed_pct")},
          {"burn_1h", burn("1h")},
          {"burn_6h", burn("6h")},
          {"burn_24h", burn("24h")},
          {"incidents", incidents},
          {"has_incidents", !incidents.empty()},
          {"top", top},
          {"projected_exhaustion", opt_text(w.projected_exhaustion)},
          {"alerts", alerts},
          {"has_alerts", !alerts.empty()}};
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
    reviews.push_back({{"href", review_page(r.week)},
                       {"week", r.week},
                       {"days", r.first_day + " to " + r.last_day},
                       {"summary", std::to_string(r.incidents.total) +
                                       (r.incidents.total == 1 ? " incident" : " incidents") +
                                       ", " + std::to_string(r.alerts_fired) +
                                       (r.alerts_fired == 1 ? " alert-day" : " alert-days")},
                       {"json_href", "api/reviews/" + r.week + ".json"}});
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
        fired.push_back({{"slo", w.slo},
                         {"href", slo_href(site, w.slo)},
                         {"name", a.name},
                         {"burn_rate", num(a.burn_rate, 2)},
                         {"windows", a.short_window + "/" + a.long_window},
                         {"days", join(a.fired, ", ")}});
    }
  json sev = json::array();
  for (const auto& [s, n] : r.incidents.by_severity)
    sev.push_back({{"severity", s}, {"count", fig(n, k + "incidents.by_severity." + s)}});
  json pms = json::array();
  for (std::size_t i = 0; i < r.incidents.postmortems.size(); ++i) {
    const auto& p = r.incidents.postmortems[i];
    pms.push_back({{"id", p.id},
                   {"href", postmortem_href(site, p.id)},
                   {"title", text_or_null(p.title)},
                   {"date", p.date},
                   {"severity", text_or_null(p.severity)},
                   {"duration", fig(num_or_null(p.time_to_resolve_minutes, 0, " min"),
                                    k + "incidents.postmortems." + std::to_string(i) +
                                        ".time_to_resolve_minutes")}});
  }
  json items = action_items(site, r.incidents.open_action_items);
  json oncall = json::array();
  for (std::size_t i = 0; i < r.on_call.entries.size(); ++i) {
    const auto& e = r.on_call.entries[i];
    const std::string ek = k + "on_call.rotations." + std::to_string(i);
    oncall.push_back(
        {{"rotation", e.rotation},
         {"href", rotation_href(site, e.rotation)},
         {"period", e.period},
         {"pages", fig(num_or_null(e.pages, 0), ek + ".pages")},
         {"off_hours", fig(num_or_null(e.off_hours_pages, 0), ek + ".off_hours_pages")},
         {"false_positive",
          fig(num_or_null(e.false_positive_pct, 2, "%"), ek + ".false_positive_pct")}});
  }
  json toil = json::array();
  for (std::size_t i = 0; i < r.toil_automated.size(); ++i) {
    const auto& t = r.toil_automated[i];
    toil.push_back({{"id", t.id},
                    {"name", text_or_null(t.name)},
                    {"date", t.automated_on},
                    {"hours", fig(num(t.hours_saved_per_month, 1) + " h",
                                  k + "reliability_work.toil_automated." + std::to_string(i) +
                                      ".hours_saved_per_month")}});
  }
  json experiments = json::array();
  for (const auto& e : r.experiments)
    experiments.push_back({{"id", e.id},
                           {"name", text_or_null(e.name)},
                           {"service", e.service},
                           {"service_href", service_href(site, e.service)},
                           {"date", e.date},
                           {"outcome", text_or_null(e.outcome)}});
  json capacity = json::array();
  for (std::size_t i = 0; i < r.capacity_concerns.size(); ++i) {
    const auto& c = r.capacity_concerns[i];
    capacity.push_back({{"id", c.id},
                        {"service", c.service},
                        {"service_href", service_href(site, c.service)},
                        {"runway", fig(c.runway_months ? json(*c.runway_months) : json(nullptr),
                                       k + "reliability_work.capacity_concerns." +
                                           std::to_string(i) + ".runway_months")}});
  }
  // The weeks before and after, when they have pages: reviews read in sequence.
  auto it = site.figs.reviews.find(r.week);
  json prev = nullptr, next = nullptr;
  if (it != site.figs.reviews.begin())
    prev = {{"href", review_page(std::prev(it)->first)}, {"label", std::prev(it)->first}};
  if (std::next(it) != site.figs.reviews.end())
    next = {{"href", review_page(std::next(it)->first)}, {"label", std::next(it)->first}};

  v["review"] = {{"week", r.week},         {"first_day", r.first_day},
                 {"last_day", r.last_day}, {"json_href", "api/reviews/" + r.week + ".json"},
                 {"previous", prev},       {"next", next}};
  v["slos"] = slos;
  v["has_slos"] = !slos.empty();
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
  v["postmortems"] = pms;
  v["has_postmortems"] = !pms.empty();
  v["items_open"] = fig(r.incidents.open, k + "incidents.action_items.open");
  v["items_in_progress"] = fig(r.incidents.in_progress, k + "incidents.action_items.in_progress");
  v["items_overdue"] = fig(r.incidents.overdue, k + "incidents.action_items.overdue");
  cut_paper_list(items, v["items_more"], "action item", api_file);
  v["items"] = items;
  v["has_items"] = !items.empty();
  v["periods"] = join(r.on_call.periods, " and ");
  cut_paper_list(oncall, v["oncall_more"], "rotation", api_file);
  v["oncall"] = oncall;
  v["has_oncall"] = !oncall.empty();
  v["total_pages"] = fig(num(r.on_call.total_pages, 0), k + "on_call.total_pages");
  v["total_off_hours"] = fig(num(r.on_call.off_hours_pages, 0), k + "on_call.off_hours_pages");
  cut_paper_list(toil, v["toil_more"], "toil item", api_file);
  v["toil"] = toil;
  v["has_toil"] = !toil.empty();
  v["hours_saved"] =
      fig(num(r.hours_saved_per_month, 1) + " h", k + "reliability_work.hours_saved_per_month");
  cut_paper_list(experiments, v["experiments_more"], "experiment", api_file);
  v["experiments"] = experiments;
  v["has_experiments"] = !experiments.empty();
  cut_paper_list(capacity, v["capacity_more"], "capacity model", api_file);
  v["capacity"] = capacity;
  v["has_capacity"] = !capacity.empty();
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
    services.push_back({{"id", s}, {"href", service_href(site, s)}});
  json pms = json::array();
  for (const auto& p : h.open_postmortems)
    pms.push_back({{"id", p.id},
                   {"href", postmortem_href(site, p.id)},
                   {"title", text_or_null(p.title)},
                   {"date", text_or_null(p.date)},
                   {"severity", text_or_null(p.severity)},
                   {"status", p.status}});
  json items = action_items(site, h.open_action_items);
  json changes = json::array();
  for (const auto& c : h.recent_changes)
    changes.push_back({{"date", c.date},
                       {"kind", c.kind},
                       {"id", c.id},
                       {"file", c.file},
                       {"commit", c.short_hash},
                       {"author", text_or_null(c.author)}});
  json risks = json::array();
  for (const auto& r : h.risks)
    risks.push_back({{"kind", r.kind}, {"id", r.id}, {"service", r.service}, {"text", r.text}});
  json maint = json::array();
  for (const auto& m : h.maintenance)
    maint.push_back({{"id", m.id},
                     {"service", m.service},
                     {"start", m.start},
                     {"end", text_or_null(m.end)},
                     {"description", text_or_null(m.description)},
                     {"rollback_plan", text_or_null(m.rollback_plan)},
                     {"under_way", m.under_way}});
  json runbooks = json::array();
  for (const auto& u : h.runbook_updates)
    runbooks.push_back(
        {{"id", u.id},
         {"href", site.runbooks.count(u.id) ? json(runbook_page(u.id)) : json(nullptr)},
         {"title", text_or_null(u.title)},
         {"date", u.date},
         {"commit", text_or_null(u.short_hash)},
         {"author", text_or_null(u.author)},
         {"from_git", u.source == "git"}});
  v["handoff"] = {{"rotation", h.rotation},
                  {"name", text_or_null(h.name == h.rotation ? "" : h.name)},
                  {"href", rotation_href(site, h.rotation)},
                  {"date", h.date},
                  {"since", h.since},
                  {"json_href", "api/handoffs/" + segment(h.rotation) + ".json"},
                  {"history", h.history_available},
                  {"history_reason", h.history_reason}};
  v["services"] = std::move(services);
  v["open_postmortems"] = pms;
  v["items"] = items;
  v["has_open_issues"] = !pms.empty() || !items.empty();
  v["overdue"] = h.overdue_action_items;
  v["changes"] = changes;
  v["has_changes"] = !changes.empty();
  v["recent_days"] = k_handoff_recent_days;
  v["risks"] = risks;
  v["has_risks"] = !risks.empty();
  v["maintenance"] = maint;
  v["has_maintenance"] = !maint.empty();
  v["maintenance_days"] = k_handoff_maintenance_days;
  v["runbooks"] = runbooks;
  v["has_runbooks"] = !runbooks.empty();
  return v;
}

} // namespace nines::site

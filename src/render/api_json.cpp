#include "render/api_json.hpp"

#include "diag/format.hpp"
#include "model/entity_ref.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <utility>

namespace nines {
namespace {

OrderedJson strings(const std::vector<std::string>& v) {
  OrderedJson a = json_array(v.size());
  for (const auto& s : v)
    a.push_back(s);
  return a;
}

OrderedJson refs(const std::vector<Ref>& v) {
  OrderedJson a = json_array(v.size());
  for (const auto& r : v)
    a.push_back(r.id);
  return a;
}

OrderedJson rubric_json(const Rubric& r) {
  OrderedJson lines = json_array(r.lines.size());
  for (const auto& l : r.lines)
    lines.push_back(JsonObject(4)
                        .add("name", l.name)
                        .add("weight", l.weight)
                        .add("score", l.score)
                        .add("points", l.points)
                        .take());
  return JsonObject(2).add("total", r.total).add("lines", std::move(lines)).take();
}

OrderedJson group_json(const GroupMaturity& g) {
  // Keyed by dimension: maturity_dimensions() names each once.
  // A group of no services has no scores: null, never the lowest band.
  auto score = [&g](double v) { return g.scored ? OrderedJson(v) : OrderedJson(nullptr); };
  JsonObject dims(g.dimensions.size());
  for (const auto& d : g.dimensions)
    dims.add(d.dimension, JsonObject(2)
                              .add("computed", score(d.computed))
                              .add("effective", score(d.effective))
                              .take());
  return JsonObject(7)
      .add("id", g.id)
      .add("services", strings(g.services))
      .add("dimensions", dims.take())
      .add("computed_total", score(g.computed_total))
      .add("total", score(g.total))
      .add("band", g.scored ? OrderedJson(g.band) : OrderedJson(nullptr))
      .add("rubric", g.scored ? rubric_json(g.rubric) : OrderedJson(nullptr))
      .take();
}

OrderedJson text_or_null(const std::string& v) {
  return v.empty() ? OrderedJson(nullptr) : OrderedJson(v);
}

// A Backstage entity's owner, title, system, lifecycle, tags and part_of (6 fields), for services
// and catalog entries alike; `team` is the owner team the owner resolved to ("" when none).
void catalog_json(JsonObject& j, const CatalogInfo& c, const std::string& team) {
  j.add("owner", c.owner_ref.empty() ? OrderedJson(nullptr)
                                     : JsonObject(6)
                                           .add("ref", c.owner_ref)
                                           .add("kind", !team.empty()           ? "team"
                                                        : !c.owner_user.empty() ? "user"
                                                                                : "external")
                                           .add("team", text_or_null(team))
                                           .add("user", text_or_null(c.owner_user))
                                           .add("person", text_or_null(c.owner_person))
                                           .add("email", text_or_null(c.owner_email))
                                           .take());
  j.add("title", text_or_null(c.title));
  j.add("system", c.system.empty() ? OrderedJson(nullptr)
                                   : JsonObject(4)
                                         .add("id", c.system)
                                         .add("ref", c.system_ref)
                                         .add("name", text_or_null(c.system_name))
                                         .add("description", text_or_null(c.system_description))
                                         .take());
  j.add("lifecycle", text_or_null(c.lifecycle));
  j.add("tags", strings(c.tags));
  j.add("part_of", text_or_null(c.part_of));
}

} // namespace

namespace {

// An OpenSLO SLO's alert policies, conditions and notification targets as they were read
// (docs/dialects.md); `ref` is the name a reference gave, null when written inline.
OrderedJson alert_policies_json(const std::vector<AlertPolicySpec>& policies) {
  OrderedJson out = json_array(policies.size());
  for (const auto& p : policies) {
    OrderedJson conditions = json_array(p.conditions.size());
    for (const auto& c : p.conditions)
      conditions.push_back(JsonObject(10)
                               .add("name", c.name)
                               .add("ref", text_or_null(c.ref))
                               .add("display_name", c.display_name)
                               .add("description", c.description)
                               .add("severity", c.severity)
                               .add("kind", c.kind)
                               .add("op", c.op)
                               .add("threshold", json_or_null(c.threshold))
                               .add("lookback_window", c.lookback_window)
                               .add("alert_after", c.alert_after)
                               .take());
    OrderedJson targets = json_array(p.targets.size());
    for (const auto& t : p.targets)
      targets.push_back(JsonObject(5)
                            .add("name", t.name)
                            .add("ref", text_or_null(t.ref))
                            .add("display_name", t.display_name)
                            .add("description", t.description)
                            .add("target", t.target)
                            .take());
    out.push_back(JsonObject(9)
                      .add("name", p.name)
                      .add("ref", text_or_null(p.ref))
                      .add("display_name", p.display_name)
                      .add("description", p.description)
                      .add("alert_when_breaching", p.alert_when_breaching)
                      .add("alert_when_resolved", p.alert_when_resolved)
                      .add("alert_when_no_data", p.alert_when_no_data)
                      .add("conditions", std::move(conditions))
                      .add("notification_targets", std::move(targets))
                      .take());
  }
  return out;
}

} // namespace

const BudgetWeek* budget_week_of(const Figures& figs, std::string_view slo) {
  for (const auto& w : figs.budget_weeks)
    if (w.slo == slo) return &w;
  return nullptr;
}

OrderedJson slo_json(const SloFigures& f, const BudgetWeek* week) {
  JsonObject burn(4);
  for (const char* w : {"1h", "6h", "24h", "3d"}) {
    auto it = f.burn_rates.find(w);
    burn.add(w, it == f.burn_rates.end() ? OrderedJson(nullptr) : json_or_null(it->second));
  }
  OrderedJson alerts = json_array(f.alerts.size());
  for (const auto& a : f.alerts) {
    alerts.push_back(JsonObject(12)
                         .add("name", a.name)
                         .add("severity", a.severity)
                         .add("burn_rate", a.burn_rate)
                         .add("short_window", a.short_window)
                         .add("long_window", a.long_window)
                         .add("budget_consumed_when_fires_pct", *pct(a.budget_consumed_when_fires))
                         .add("time_to_exhaust_hours", json_or_null(a.time_to_exhaust_hours))
                         .add("time_to_exhaust_days", json_or_null(a.time_to_exhaust_days))
                         .add("short_burn", json_or_null(a.short_burn))
                         .add("long_burn", json_or_null(a.long_burn))
                         .add("firing", json_or_null(a.firing))
                         .add("generated", a.generated)
                         .take());
  }
  JsonObject j(28);
  // The fields SPEC 5 fixes for scripts come first, in its order.
  j.add("id", f.id);
  j.add("service", f.service);
  j.add("sli", f.sli);
  j.add("target", f.target);
  j.add("window_days", std::llround(f.window_days)); // whole days: 28, not 28.0
  j.add("attainment_pct", json_pct_or_null(f.attainment));
  j.add("budget_consumed_pct", json_pct_or_null(f.consumed));
  j.add("budget_remaining_pct", json_pct_or_null(f.remaining));
  j.add("state", f.state.name());
  j.add("burn_rates", burn.take());
  j.add("projected_exhaustion", json_or_null(f.projected_exhaustion));
  j.add("data", JsonObject(5)
                    .add("status", f.data.status)
                    .add("as_of", json_or_null(f.data.as_of))
                    .add("age_days", json_or_null(f.data.age_days))
                    .add("provisional", f.data.provisional)
                    .add("live_missing", strings(f.data.live_missing))
                    .take());
  // Then everything else a page or a script may want.
  j.add("name", f.name);
  j.add("sla", json_or_null(f.sla));
  j.add("allowed_bad_minutes", f.allowed_bad_minutes);
  j.add("bad_minutes", json_or_null(f.bad_minutes));
  j.add("window_start", f.window_start);
  j.add("window_end", f.window_end);
  j.add("good", json_or_null(f.good));
  j.add("total", json_or_null(f.total));
  j.add("policy", JsonObject(6)
                      .add("id", f.state.policy)
                      .add("source", f.state.policy_source)
                      .add("condition", f.state.condition)
                      .add("actions", strings(f.state.actions))
                      .add("exceptions", strings(f.state.exceptions))
                      .add("reset", text_or_null(f.state.reset))
                      .take());
  j.add("alerts", std::move(alerts));
  j.add("coverage",
        JsonObject(4)
            .add("days_with_data", f.coverage.days_with_data)
            .add("window_days", f.coverage.window_days)
            .add("first_data", json_or_null(f.coverage.first_data))
            .add("window_start_before_first_data", f.coverage.window_start_before_first_data)
            .take());
  // How the figures were made (OpenSLO windows and budgeting methods, docs/dialects.md).
  j.add("window_kind", f.window_kind);
  j.add("budgeting_method", f.budgeting);
  j.add("slices", JsonObject(2)
                      .add("with_data", json_or_null(f.slices))
                      .add("good", json_or_null(f.good_slices))
                      .take());
  j.add("missing_reason", json_or_null(f.missing_reason));
  j.add("alert_policies", alert_policies_json(f.alert_policies));
  // The error budget of the last 7 whole days, as the SLO page shows it (its figures' keys are
  // budget_week.*).
  j.add("budget_week", week ? budget_week_json(*week) : OrderedJson(nullptr));
  return j.take();
}

namespace {

// A Backstage entity's metadata.links, for services and catalog entries alike.
OrderedJson links_json(const std::vector<std::pair<std::string, std::string>>& links) {
  OrderedJson out = json_array(links.size());
  for (const auto& [title, url] : links)
    out.push_back(JsonObject(2).add("title", title).add("url", url).take());
  return out;
}

} // namespace

namespace {

// What the API lists of one service, gathered for every service in one pass over each list:
// looked up per service, the lists made the API cost services × documents (a second and more of
// string compares at 50,000 documents).
struct ServiceLinks {
  std::vector<const SloFigures*> slos;
  const ServiceMaturity* maturity = nullptr; // the last of the service's, as the pages show
  const ReadinessFigures* readiness = nullptr;
  std::vector<const std::string*> runbooks, capacity_models, experiments, toil_items, postmortems;
};

std::unordered_map<std::string_view, ServiceLinks> service_links(const Repo& repo,
                                                                 const Figures& figs) {
  std::unordered_map<std::string_view, ServiceLinks> out;
  for (const auto& f : figs.slos)
    out[f.service].slos.push_back(&f);
  for (const auto& m : figs.maturity.services)
    out[m.service].maturity = &m;
  for (const auto& r : figs.readiness)
    out[r.service].readiness = &r;
  auto ids = [&out](const auto& docs, std::vector<const std::string*> ServiceLinks::*list) {
    for (const auto& d : docs)
      (out[d.service.id].*list).push_back(&d.meta.id);
  };
  ids(repo.runbooks, &ServiceLinks::runbooks);
  ids(repo.capacity, &ServiceLinks::capacity_models);
  for (const auto& e : repo.experiments) // by `service`, else `method.target`, as maturity counts
    out[e.service_id()].experiments.push_back(&e.meta.id);
  ids(repo.toil, &ServiceLinks::toil_items);
  for (const auto& p : repo.postmortems)
    for (std::size_t i = 0; i < p.services.size(); ++i) {
      // A postmortem naming a service twice is listed once.
      bool earlier = false;
      for (std::size_t k = 0; k < i && !earlier; ++k)
        earlier = p.services[k].id == p.services[i].id;
      if (!earlier) out[p.services[i].id].postmortems.push_back(&p.meta.id);
    }
  return out;
}

OrderedJson id_list(const std::vector<const std::string*>& ids) {
  OrderedJson a = json_array(ids.size());
  for (const std::string* id : ids)
    a.push_back(*id);
  return a;
}

OrderedJson service_json(const Service& s, const ServiceLinks& links) {
  OrderedJson slos = json_array(links.slos.size());
  std::optional<BudgetState> worst;
  for (const SloFigures* f : links.slos) {
    slos.push_back(f->id);
    worst = std::max(worst.value_or(f->state.level), f->state.level);
  }
  JsonObject j(37); // 35, and maturity and readiness when the service has them
  j.add("id", s.meta.id);
  j.add("name", s.name);
  j.add("tier", s.tier);
  j.add("type", s.type);
  j.add("owner_team", s.owner_team.id);
  j.add("oncall_rotation", s.oncall_rotation.id);
  j.add("description", s.description);
  j.add(
      "dependencies",
      JsonObject(2).add("upstream", refs(s.upstream)).add("downstream", refs(s.downstream)).take());
  j.add("data_classification", s.data_classification);
  j.add("deployment_frequency", s.deployment_frequency);
  j.add("architecture", s.architecture);
  j.add("language", s.language);
  j.add("infra", s.infra);
  j.add("traffic_pattern", s.traffic_pattern);
  j.add("multi_region", s.multi_region);
  j.add("peak_rps", json_or_null(s.peak_rps));
  j.add("storage_gb", json_or_null(s.storage_gb));
  j.add("monthly_cost_usd", json_or_null(s.monthly_cost_usd));
  j.add("slos", std::move(slos));
  j.add("budget_state", worst ? OrderedJson(budget_state_name(*worst)) : OrderedJson(nullptr));
  if (const ServiceMaturity* m = links.maturity)
    j.add("maturity", JsonObject(3)
                          .add("total", m->total)
                          .add("band", m->band)
                          .add("rubric", m->rubric.total)
                          .take());
  if (const ReadinessFigures* r = links.readiness)
    j.add("readiness", JsonObject(5)
                           .add("pass", r->pass)
                           .add("fail", r->fail)
                           .add("na", r->na)
                           .add("todo", r->todo)
                           .add("approved", r->approved)
                           .take());
  j.add("runbooks", id_list(links.runbooks));
  j.add("capacity_models", id_list(links.capacity_models));
  j.add("experiments", id_list(links.experiments));
  j.add("toil_items", id_list(links.toil_items));
  j.add("postmortems", id_list(links.postmortems));
  j.add("source", JsonObject(2).add("file", s.meta.file).add("dialect", s.meta.dialect).take());
  // A Backstage component's catalog data (docs/dialects.md); null or empty for other services.
  j.add("links", links_json(s.links));
  OrderedJson checks = json_array(s.health_checks.size());
  for (const auto& h : s.health_checks)
    checks.push_back(JsonObject(6)
                         .add("name", h.name)
                         .add("type", h.type)
                         .add("endpoint", h.endpoint)
                         .add("interval", h.interval)
                         .add("timeout", h.timeout)
                         .add("failure_threshold", json_or_null(h.failure_threshold))
                         .take());
  j.add("health_checks", std::move(checks));
  const CatalogInfo none;
  const CatalogInfo& c = s.catalog ? *s.catalog : none;
  catalog_json(j, c, s.owner_team.id);
  j.add("known_annotations",
        JsonObject(5)
            .add("pagerduty_service_id", text_or_null(c.pagerduty_service))
            .add("pagerduty_integration_key", !c.pagerduty_integration_key.empty())
            .add("techdocs_ref", text_or_null(c.techdocs_ref))
            .add("source_location", text_or_null(c.source_location))
            .add("github_project_slug", text_or_null(c.github_project_slug))
            .take());
  return j.take();
}

} // namespace

OrderedJson service_json(const Repo& repo, const Figures& figs, const Service& s) {
  const auto links = service_links(repo, figs);
  auto it = links.find(s.meta.id);
  return service_json(s, it == links.end() ? ServiceLinks{} : it->second);
}

OrderedJson service_maturity_json(const ServiceMaturity& m) {
  OrderedJson dims = json_array(m.dimensions.size());
  for (const auto& d : m.dimensions) {
    dims.push_back(JsonObject(10)
                       .add("dimension", d.dimension)
                       .add("computed", d.computed)
                       .add("manual", json_or_null(d.manual))
                       .add("manual_assessment", d.manual_assessment)
                       .add("manual_date", d.manual_date)
                       .add("manual_notes", d.manual_notes)
                       .add("effective", d.effective)
                       .add("source", d.source)
                       .add("evidence", strings(d.evidence))
                       .add("to_raise", d.to_raise)
                       .take());
  }
  return JsonObject(11)
      .add("service", m.service)
      .add("team", m.team)
      .add("tier", m.tier)
      .add("dimensions", std::move(dims))
      .add("computed_total", m.computed_total)
      .add("total", m.total)
      .add("band", m.band)
      .add("documentation", m.documentation)
      .add("documentation_evidence", strings(m.documentation_evidence))
      .add("documentation_to_raise", m.documentation_to_raise)
      .add("rubric", rubric_json(m.rubric))
      .take();
}

OrderedJson maturity_json(const MaturityFigures& m) {
  OrderedJson services = json_array(m.services.size());
  for (const auto& s : m.services)
    services.push_back(service_maturity_json(s));
  OrderedJson teams = json_array(m.teams.size());
  for (const auto& t : m.teams)
    teams.push_back(group_json(t));
  JsonObject tiers(m.slo_coverage_by_tier.size()); // a std::map: each tier once
  for (const auto& [tier, c] : m.slo_coverage_by_tier)
    tiers.add(tier, JsonObject(2).add("services", c.services).add("with_slo", c.with_slo).take());
  return JsonObject(4)
      .add("org", group_json(m.org))
      .add("teams", std::move(teams))
      .add("services", std::move(services))
      .add("slo_coverage_by_tier", tiers.take())
      .take();
}

OrderedJson readiness_json(const ReadinessFigures& r) {
  OrderedJson rows = json_array(r.rows.size());
  for (const auto& row : r.rows)
    rows.push_back(JsonObject(8)
                       .add("check", row.slug)
                       .add("category", row.category)
                       .add("title", row.title)
                       .add("status", row.status)
                       .add("source", row.source)
                       .add("evidence", row.evidence)
                       .add("notes", row.notes)
                       .add("review", row.review)
                       .take());
  OrderedJson signoffs = json_array(r.signoffs.size());
  for (const auto& s : r.signoffs)
    signoffs.push_back(JsonObject(9)
                           .add("name", s.name)
                           .add("role", s.role)
                           .add("date", s.date)
                           .add("decision", s.decision)
                           .add("digest", s.digest)
                           .add("review", s.review)
                           .add("stale", s.stale)
                           .add("superseded", s.superseded)
                           .add("future", s.future)
                           .take());
  return JsonObject(7)
      .add("service", r.service)
      .add("digest", text_or_null(r.digest))
      .add("summary", JsonObject(4)
                          .add("pass", r.pass)
                          .add("fail", r.fail)
                          .add("na", r.na)
                          .add("todo", r.todo)
                          .take())
      .add("approved", r.approved)
      .add("withheld", text_or_null(withheld_text(r)))
      .add("rows", std::move(rows))
      .add("signoffs", std::move(signoffs))
      .take();
}

OrderedJson incident_json(const IncidentFigures& i) {
  OrderedJson items = json_array(i.action_items.size());
  for (const auto& a : i.action_items)
    items.push_back(JsonObject(10)
                        .add("id", a.id)
                        .add("type", text_or_null(a.type))
                        .add("description", a.description)
                        .add("owner", a.owner)
                        .add("priority", a.priority)
                        .add("deadline", a.deadline)
                        .add("status", a.status)
                        .add("completed", a.completed)
                        .add("overdue", a.overdue)
                        .add("ticket", text_or_null(a.ticket))
                        .take());
  return JsonObject(16)
      .add("id", i.id)
      .add("title", i.title)
      .add("date", i.date)
      .add("severity", i.severity)
      .add("declared_severity", i.declared_severity)
      .add("services", strings(i.services))
      .add("root_cause_category", i.root_cause_category)
      .add("repeat_of", i.repeat_of)
      .add("repeat", i.repeat)
      .add("repeats",
           i.repeats.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(i.repeats))
      .add("time_to_detect_minutes", json_or_null(i.time_to_detect_minutes))
      .add("time_to_mitigate_minutes", json_or_null(i.time_to_mitigate_minutes))
      .add("time_to_resolve_minutes", json_or_null(i.time_to_resolve_minutes))
      .add("open_action_items", i.open_action_items)
      .add("overdue_action_items", i.overdue_action_items)
      .add("action_items", std::move(items))
      .take();
}

OrderedJson toil_json(const std::vector<ToilFigures>& items, const std::vector<TeamToil>& teams) {
  OrderedJson a = json_array(items.size());
  for (const auto& t : items)
    a.push_back(JsonObject(15)
                    .add("id", t.id)
                    .add("name", t.name)
                    .add("service", t.service)
                    .add("category", t.category)
                    .add("frequency", text_or_null(t.frequency))
                    .add("teams", strings(t.teams))
                    .add("hours_per_month", t.hours_per_month)
                    .add("stated_hours_per_month", json_or_null(t.stated_hours_per_month))
                    .add("automation_value", json_or_null(t.automation_value))
                    .add("difficulty", t.difficulty)
                    .add("value_band", t.value_band)
                    .add("priority", t.priority)
                    .add("status", t.status)
                    .add("automated_on", text_or_null(t.automated_on))
                    .add("active", t.active)
                    .take());
  OrderedJson b = json_array(teams.size());
  for (const auto& t : teams)
    b.push_back(JsonObject(7)
                    .add("team", t.team)
                    .add("name", t.name)
                    .add("hours", t.hours)
                    .add("sre_hours_per_month", json_or_null(t.sre_hours_per_month))
                    .add("pct", json_or_null(t.pct))
                    .add("over_target", t.over_target)
                    .add("items", strings(t.items))
                    .take());
  return JsonObject(2).add("items", std::move(a)).add("teams", std::move(b)).take();
}

OrderedJson capacity_json(const CapacityFigures& c) {
  return JsonObject(23)
      .add("id", c.id)
      .add("service", c.service)
      .add("bottleneck_resource", c.bottleneck_resource)
      .add("growth_metric", c.growth_metric)
      .add("peak_utilization_pct", json_or_null(c.peak_utilization_pct))
      .add("monthly_growth_pct", json_or_null(c.monthly_growth_pct))
      .add("threshold_pct", c.threshold_pct)
      .add("threshold_defaulted", c.threshold_defaulted)
      .add("current", json_or_null(c.current))
      .add("projected_6mo", json_or_null(c.projected_6mo))
      .add("projected_12mo", json_or_null(c.projected_12mo))
      .add("stated_projected_6mo", json_or_null(c.stated_projected_6mo))
      .add("stated_projected_12mo", json_or_null(c.stated_projected_12mo))
      .add("utilization_6mo", json_or_null(c.utilization_6mo))
      .add("utilization_12mo", json_or_null(c.utilization_12mo))
      .add("over_threshold", c.over_threshold)
      .add("runway_months", json_or_null(c.runway_months))
      .add("runway_months_fractional", json_or_null(c.runway_months_fractional))
      .add("runway_beyond_horizon", c.runway_beyond_horizon)
      .add("auto_scaling", json_or_null(c.auto_scaling))
      .add("headroom_pct", json_or_null(c.headroom_pct))
      .add("cost_per_month_usd", json_or_null(c.cost_per_month_usd))
      .add("scaling_strategy",
           JsonObject(5)
               .add("type", text_or_null(c.scaling_type))
               .add("min_instances", json_or_null(c.min_instances))
               .add("max_instances", json_or_null(c.max_instances))
               .add("scale_down_threshold", json_or_null(c.scale_down_threshold))
               .add("cooldown_seconds", json_or_null(c.cooldown_seconds))
               .take())
      .add("cost_projection",
           JsonObject(3)
               .add("current_monthly", json_or_null(c.cost_current_monthly))
               .add("projected_6mo_monthly", json_or_null(c.cost_projected_6mo))
               .add("projected_12mo_monthly", json_or_null(c.cost_projected_12mo))
               .take())
      .take();
}

OrderedJson oncall_json(const RotationFigures& r) {
  auto metric = [](const MetricHealth& m) {
    // A metric without data has no status either: null, as every figure without data.
    return JsonObject(2)
        .add("value", json_or_null(m.value))
        .add("status", m.status.empty() ? OrderedJson(nullptr) : OrderedJson(m.status))
        .take();
  };
  OrderedJson periods = json_array(r.periods.size());
  for (const auto& p : r.periods)
    periods.push_back(JsonObject(12)
                          .add("period", p.period)
                          .add("pages", count_or_null(p.pages))
                          .add("shifts", count_or_null(p.shifts))
                          .add("off_hours_pages", count_or_null(p.off_hours_pages))
                          .add("pages_per_shift", metric(p.pages_per_shift))
                          .add("off_hours_per_week", metric(p.off_hours_per_week))
                          .add("ack_min", metric(p.ack_min))
                          .add("mitigate_min", metric(p.mitigate_min))
                          .add("false_positive_pct", metric(p.false_positive_pct))
                          .add("escalation_pct", metric(p.escalation_pct))
                          .add("satisfaction", metric(p.satisfaction))
                          .add("worst", p.worst)
                          .take());
  return JsonObject(6)
      .add("id", r.id)
      .add("name", r.name)
      .add("team", r.team)
      .add("members", r.members)
      .add("size_warning", r.size_warning)
      .add("periods", std::move(periods))
      .take();
}

OrderedJson report_json(const MonthlyReport& r) {
  JsonObject by_sev(4);
  for (const char* s : {"SEV1", "SEV2", "SEV3", "SEV4"}) {
    auto it = r.incidents.by_severity.find(s);
    by_sev.add(s, it == r.incidents.by_severity.end() ? 0 : it->second);
  }
  // The seed's concerns, then the computed ones.
  OrderedJson concerns = json_array(r.concerns.size() + r.computed_concerns.size());
  for (const auto* list : {&r.concerns, &r.computed_concerns})
    for (const auto& c : *list)
      concerns.push_back(c);
  JsonObject delta(r.delta.size()); // a std::map: each figure once
  for (const auto& [k, v] : r.delta)
    delta.add(k, report_figure_is_count(k) ? count_or_null(v) : json_or_null(v));
  OrderedJson slos = json_array(r.slo_summary.slos.size());
  for (const auto& s : r.slo_summary.slos)
    slos.push_back(JsonObject(7)
                       .add("slo", s.slo)
                       .add("service", s.service)
                       .add("target", s.target)
                       .add("attainment_pct", json_or_null(attainment_pct(s)))
                       .add("budget_consumed_pct", json_or_null(consumed_pct(s)))
                       .add("days_with_data", s.days_with_data)
                       .add("meets", json_or_null(s.meets))
                       .take());
  JsonObject m(17);
  m.add("period", r.period);
  m.add("slo_summary",
        JsonObject(3)
            .add("services_meeting_slo", json_or_null(r.slo_summary.services_meeting_slo))
            .add("services_breaching_slo", json_or_null(r.slo_summary.services_breaching_slo))
            .add("worst_performing", json_or_null(r.slo_summary.worst_performing))
            .take());
  m.add("incidents", JsonObject(5)
                         .add("total", r.incidents.total)
                         .add("by_severity", by_sev.take())
                         .add("mttr_minutes", json_or_null(r.incidents.mttr_minutes))
                         .add("mttd_minutes", json_or_null(r.incidents.mttd_minutes))
                         .add("repeat_incidents", r.incidents.repeat_incidents)
                         .take());
  m.add("error_budget",
        JsonObject(4)
            .add("services_in_healthy", json_or_null(r.error_budget.services_in_healthy))
            .add("services_in_warning", json_or_null(r.error_budget.services_in_warning))
            .add("services_in_critical", json_or_null(r.error_budget.services_in_critical))
            .add("services_exhausted", json_or_null(r.error_budget.services_exhausted))
            .take());
  m.add("toil", JsonObject(3)
                    .add("hours_spent", r.toil.hours_spent)
                    .add("hours_automated_away", r.toil.hours_automated_away)
                    .add("pct_of_sre_time", json_or_null(r.toil.pct_of_sre_time))
                    .take());
  m.add("on_call", JsonObject(4)
                       .add("total_pages", count_or_null(r.on_call.total_pages))
                       .add("off_hours_pages", count_or_null(r.on_call.off_hours_pages))
                       .add("false_positive_pct", json_or_null(r.on_call.false_positive_pct))
                       .add("avg_ack_time_min", json_or_null(r.on_call.avg_ack_time_min))
                       .take());
  m.add("action_items", JsonObject(3)
                            .add("open", r.action_items.open)
                            .add("completed_this_month", r.action_items.completed_this_month)
                            .add("overdue", r.action_items.overdue)
                            .take());
  m.add("highlights", strings(r.highlights));
  m.add("concerns", std::move(concerns));
  m.add("next_month_priorities", strings(r.next_month_priorities));
  // Beyond the seed's fields: where the concerns came from, and the change against last month.
  m.add("computed_concerns", strings(r.computed_concerns));
  m.add("previous_period", r.previous_period);
  m.add("coverage", JsonObject(2)
                        .add("days_with_data", r.coverage.days_with_data)
                        .add("days_in_month", r.coverage.days_in_month)
                        .take());
  m.add("frozen", r.frozen);
  m.add("delta", delta.take());
  m.add("slos", std::move(slos));
  m.add("service_budget_states", r.error_budget.service_state);
  return JsonObject(1).add("monthly_report", m.take()).take();
}

namespace {

// A Backstage catalog entry (library, documentation, tool) for api/catalog-entries.json.
OrderedJson catalog_entry_json(const CatalogEntry& e) {
  const CatalogInfo& c = e.catalog;
  const std::string team = owner_team_id(c);
  JsonObject j(13);
  j.add("id", e.meta.id);
  j.add("name", e.name);
  j.add("kind", "component");
  j.add("type", e.type);
  // The same owner, system and other catalog fields as a service's in api/services.json.
  catalog_json(j, c, team);
  j.add("description", e.description);
  j.add("links", links_json(e.links));
  j.add("source", JsonObject(2).add("file", e.meta.file).add("dialect", e.meta.dialect).take());
  return j.take();
}

} // namespace

namespace {
void null_for_not_given(OrderedJson& j) {
  if (j.is_object()) {
    for (auto& [key, value] : j.items())
      if (value.is_string() && value.get_ref<const std::string&>().empty())
        value = nullptr;
      else
        null_for_not_given(value);
  } else if (j.is_array()) {
    for (auto& value : j)
      null_for_not_given(value);
  }
}
} // namespace

std::string api_file_text(OrderedJson j, int indent) {
  null_for_not_given(j);
  return j.dump(indent, ' ', false, OrderedJson::error_handler_t::replace) + "\n";
}

void api_files(const Repo& repo, const Figures& figs, const std::vector<Diagnostic>& diagnostics,
               const ApiFileSink& emit) {
  // Each file is made, handed on and dropped before the next is made: at 10,000 documents the
  // API weighs about 77 MB as text and several times that as JSON trees.
  {
    OrderedJson slos = json_array(figs.slos.size());
    std::map<std::string_view, const BudgetWeek*> weeks;
    for (const auto& w : figs.budget_weeks)
      weeks[w.slo] = &w;
    for (const auto& f : figs.slos) {
      const auto w = weeks.find(f.id);
      slos.push_back(slo_json(f, w == weeks.end() ? nullptr : w->second));
    }
    emit("api/slos.json", api_file_text(std::move(slos)));
  }
  {
    OrderedJson services = json_array(repo.services.size());
    const auto links = service_links(repo, figs);
    const ServiceLinks none;
    for (const auto& s : repo.services) {
      auto it = links.find(s.meta.id);
      services.push_back(service_json(s, it == links.end() ? none : it->second));
    }
    emit("api/services.json", api_file_text(std::move(services)));
  }
  {
    // Catalog entries (Backstage libraries, documentation, tools), by id: shown, not scored.
    std::vector<const CatalogEntry*> entries;
    for (const auto& e : repo.catalog.entries)
      entries.push_back(&e);
    std::sort(entries.begin(), entries.end(),
              [](const CatalogEntry* a, const CatalogEntry* b) { return a->meta.id < b->meta.id; });
    OrderedJson entry_list = json_array(entries.size());
    for (const CatalogEntry* e : entries)
      entry_list.push_back(catalog_entry_json(*e));
    emit("api/catalog-entries.json", api_file_text(std::move(entry_list)));
  }
  emit("api/maturity.json", api_file_text(maturity_json(figs.maturity)));
  // A file that is a list of one kind of figure, each as its JSON.
  auto emit_list = [&emit](const std::string& path, const auto& figures, auto to_json) {
    OrderedJson list = json_array(figures.size());
    for (const auto& x : figures)
      list.push_back(to_json(x));
    emit(path, api_file_text(std::move(list)));
  };
  emit_list("api/readiness.json", figs.readiness,
            [](const ReadinessFigures& r) { return readiness_json(r); });
  emit_list("api/incidents.json", figs.incidents,
            [](const IncidentFigures& i) { return incident_json(i); });
  emit("api/toil.json", api_file_text(toil_json(figs.toil, figs.team_toil)));
  emit_list("api/capacity.json", figs.capacity,
            [](const CapacityFigures& c) { return capacity_json(c); });
  emit_list("api/oncall.json", figs.oncall,
            [](const RotationFigures& r) { return oncall_json(r); });
  OrderedJson periods = json_array(figs.reports.size());
  for (const auto& [period, r] : figs.reports) {
    emit("api/reports/" + period + ".json", api_file_text(report_json(r)));
    periods.push_back(period);
  }
  emit("api/reports/index.json", api_file_text(std::move(periods)));
  emit("api/diagnostics.json", diagnostics_json(diagnostics));
  weekly_api_files(figs, emit);
}

} // namespace nines

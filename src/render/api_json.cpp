#include "render/api_json.hpp"

#include "diag/format.hpp"
#include "model/entity_ref.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace nines {
namespace {

// JSON null for a missing figure: never 0, never 100%.
template <typename T> OrderedJson opt(const std::optional<T>& v) {
  return v ? OrderedJson(*v) : OrderedJson(nullptr);
}

OrderedJson opt_pct(const std::optional<double>& fraction) {
  return fraction ? OrderedJson(*fraction * 100.0) : OrderedJson(nullptr);
}

OrderedJson strings(const std::vector<std::string>& v) {
  OrderedJson a = OrderedJson::array();
  for (const auto& s : v)
    a.push_back(s);
  return a;
}

OrderedJson refs(const std::vector<Ref>& v) {
  OrderedJson a = OrderedJson::array();
  for (const auto& r : v)
    a.push_back(r.id);
  return a;
}

OrderedJson rubric_json(const Rubric& r) {
  OrderedJson lines = OrderedJson::array();
  for (const auto& l : r.lines)
    lines.push_back(
        {{"name", l.name}, {"weight", l.weight}, {"score", l.score}, {"points", l.points}});
  return {{"total", r.total}, {"lines", std::move(lines)}};
}

OrderedJson group_json(const GroupMaturity& g) {
  OrderedJson dims = OrderedJson::object();
  for (const auto& d : g.dimensions)
    dims[d.dimension] = {{"computed", d.computed}, {"effective", d.effective}};
  return {{"id", g.id},
          {"services", strings(g.services)},
          {"dimensions", std::move(dims)},
          {"computed_total", g.computed_total},
          {"total", g.total},
          {"band", g.band},
          {"rubric", rubric_json(g.rubric)}};
}

std::string dump(const OrderedJson& j) {
  return j.dump(2) + "\n";
}

// A Backstage entity's owner, title, system, lifecycle, tags and part_of, for services and
// catalog entries alike; `team` is the owner team the owner resolved to ("" when none).
void catalog_json(OrderedJson& j, const CatalogInfo& c, const std::string& team) {
  auto text = [](const std::string& v) {
    return v.empty() ? OrderedJson(nullptr) : OrderedJson(v);
  };
  j["owner"] = c.owner_ref.empty() ? OrderedJson(nullptr)
                                   : OrderedJson{{"ref", c.owner_ref},
                                                 {"kind", !team.empty()           ? "team"
                                                          : !c.owner_user.empty() ? "user"
                                                                                  : "external"},
                                                 {"team", text(team)},
                                                 {"user", text(c.owner_user)},
                                                 {"person", text(c.owner_person)},
                                                 {"email", text(c.owner_email)}};
  j["title"] = text(c.title);
  j["system"] = c.system.empty() ? OrderedJson(nullptr)
                                 : OrderedJson{{"id", c.system},
                                               {"ref", c.system_ref},
                                               {"name", text(c.system_name)},
                                               {"description", text(c.system_description)}};
  j["lifecycle"] = text(c.lifecycle);
  j["tags"] = strings(c.tags);
  j["part_of"] = text(c.part_of);
}

} // namespace

namespace {

// An OpenSLO SLO's alert policies, conditions and notification targets as they were read
// (docs/dialects.md); `ref` is the name a reference gave, null when written inline.
OrderedJson alert_policies_json(const std::vector<AlertPolicySpec>& policies) {
  auto ref = [](const std::string& r) { return r.empty() ? OrderedJson(nullptr) : OrderedJson(r); };
  OrderedJson out = OrderedJson::array();
  for (const auto& p : policies) {
    OrderedJson conditions = OrderedJson::array();
    for (const auto& c : p.conditions)
      conditions.push_back({{"name", c.name},
                            {"ref", ref(c.ref)},
                            {"display_name", c.display_name},
                            {"description", c.description},
                            {"severity", c.severity},
                            {"kind", c.kind},
                            {"op", c.op},
                            {"threshold", opt(c.threshold)},
                            {"lookback_window", c.lookback_window},
                            {"alert_after", c.alert_after}});
    OrderedJson targets = OrderedJson::array();
    for (const auto& t : p.targets)
      targets.push_back({{"name", t.name},
                         {"ref", ref(t.ref)},
                         {"display_name", t.display_name},
                         {"description", t.description},
                         {"target", t.target}});
    out.push_back({{"name", p.name},
                   {"ref", ref(p.ref)},
                   {"display_name", p.display_name},
                   {"description", p.description},
                   {"alert_when_breaching", p.alert_when_breaching},
                   {"alert_when_resolved", p.alert_when_resolved},
                   {"alert_when_no_data", p.alert_when_no_data},
                   {"conditions", std::move(conditions)},
                   {"notification_targets", std::move(targets)}});
  }
  return out;
}

} // namespace

OrderedJson slo_json(const SloFigures& f) {
  OrderedJson burn = OrderedJson::object();
  for (const char* w : {"1h", "6h", "24h", "3d"}) {
    auto it = f.burn_rates.find(w);
    burn[w] = it == f.burn_rates.end() ? OrderedJson(nullptr) : opt(it->second);
  }
  OrderedJson alerts = OrderedJson::array();
  for (const auto& a : f.alerts) {
    alerts.push_back({{"name", a.name},
                      {"severity", a.severity},
                      {"burn_rate", a.burn_rate},
                      {"short_window", a.short_window},
                      {"long_window", a.long_window},
                      {"budget_consumed_when_fires_pct", a.budget_consumed_when_fires * 100.0},
                      {"time_to_exhaust_hours", opt(a.time_to_exhaust_hours)},
                      {"time_to_exhaust_days", opt(a.time_to_exhaust_days)},
                      {"short_burn", opt(a.short_burn)},
                      {"long_burn", opt(a.long_burn)},
                      {"firing", opt(a.firing)}});
  }
  OrderedJson j;
  // The fields SPEC 5 fixes for scripts come first, in its order.
  j["id"] = f.id;
  j["service"] = f.service;
  j["sli"] = f.sli;
  j["target"] = f.target;
  j["window_days"] = f.window_days;
  j["attainment_pct"] = opt_pct(f.attainment);
  j["budget_consumed_pct"] = opt_pct(f.consumed);
  j["budget_remaining_pct"] = opt_pct(f.remaining);
  j["state"] = f.state.name();
  j["burn_rates"] = burn;
  j["projected_exhaustion"] = opt(f.projected_exhaustion);
  j["data"] = {
      {"status", f.data.status}, {"as_of", opt(f.data.as_of)}, {"age_days", opt(f.data.age_days)}};
  // Then everything else a page or a script may want.
  j["name"] = f.name;
  j["sla"] = opt(f.sla);
  j["allowed_bad_minutes"] = f.allowed_bad_minutes;
  j["bad_minutes"] = opt(f.bad_minutes);
  j["window_start"] = f.window_start;
  j["window_end"] = f.window_end;
  j["good"] = opt(f.good);
  j["total"] = opt(f.total);
  j["policy"] = {{"id", f.state.policy},
                 {"source", f.state.policy_source},
                 {"condition", f.state.condition},
                 {"actions", strings(f.state.actions)},
                 {"exceptions", strings(f.state.exceptions)}};
  j["alerts"] = alerts;
  j["coverage"] = {{"days_with_data", f.coverage.days_with_data},
                   {"window_days", f.coverage.window_days},
                   {"first_data", opt(f.coverage.first_data)},
                   {"window_start_before_first_data", f.coverage.window_start_before_first_data}};
  // How the figures were made (OpenSLO windows and budgeting methods, docs/dialects.md).
  j["window_kind"] = f.window_kind;
  j["budgeting_method"] = f.budgeting;
  j["slices"] = {{"with_data", opt(f.slices)}, {"good", opt(f.good_slices)}};
  j["missing_reason"] = opt(f.missing_reason);
  j["alert_policies"] = alert_policies_json(f.alert_policies);
  return j;
}

namespace {

// A Backstage entity's metadata.links, for services and catalog entries alike.
OrderedJson links_json(const std::vector<std::pair<std::string, std::string>>& links) {
  OrderedJson out = OrderedJson::array();
  for (const auto& [title, url] : links)
    out.push_back({{"title", title}, {"url", url}});
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
  ids(repo.experiments, &ServiceLinks::experiments);
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
  OrderedJson a = OrderedJson::array();
  for (const std::string* id : ids)
    a.push_back(*id);
  return a;
}

OrderedJson service_json(const Service& s, const ServiceLinks& links) {
  OrderedJson slos = OrderedJson::array();
  std::optional<BudgetState> worst;
  for (const SloFigures* f : links.slos) {
    slos.push_back(f->id);
    worst = std::max(worst.value_or(f->state.level), f->state.level);
  }
  OrderedJson j;
  j["id"] = s.meta.id;
  j["name"] = s.name;
  j["tier"] = s.tier;
  j["type"] = s.type;
  j["owner_team"] = s.owner_team.id;
  j["oncall_rotation"] = s.oncall_rotation.id;
  j["description"] = s.description;
  j["dependencies"] = {{"upstream", refs(s.upstream)}, {"downstream", refs(s.downstream)}};
  j["data_classification"] = s.data_classification;
  j["deployment_frequency"] = s.deployment_frequency;
  j["architecture"] = s.architecture;
  j["language"] = s.language;
  j["infra"] = s.infra;
  j["traffic_pattern"] = s.traffic_pattern;
  j["multi_region"] = s.multi_region;
  j["peak_rps"] = opt(s.peak_rps);
  j["storage_gb"] = opt(s.storage_gb);
  j["monthly_cost_usd"] = opt(s.monthly_cost_usd);
  j["slos"] = std::move(slos);
  j["budget_state"] = worst ? OrderedJson(budget_state_name(*worst)) : OrderedJson(nullptr);
  if (const ServiceMaturity* m = links.maturity)
    j["maturity"] = {{"total", m->total}, {"band", m->band}, {"rubric", m->rubric.total}};
  if (const ReadinessFigures* r = links.readiness)
    j["readiness"] = {{"pass", r->pass},
                      {"fail", r->fail},
                      {"na", r->na},
                      {"todo", r->todo},
                      {"approved", r->approved}};
  j["runbooks"] = id_list(links.runbooks);
  j["capacity_models"] = id_list(links.capacity_models);
  j["experiments"] = id_list(links.experiments);
  j["toil_items"] = id_list(links.toil_items);
  j["postmortems"] = id_list(links.postmortems);
  j["source"] = {{"file", s.meta.file}, {"dialect", s.meta.dialect}};
  // A Backstage component's catalog data (docs/dialects.md); null or empty for other services.
  j["links"] = links_json(s.links);
  const CatalogInfo none;
  const CatalogInfo& c = s.catalog ? *s.catalog : none;
  auto text = [](const std::string& v) {
    return v.empty() ? OrderedJson(nullptr) : OrderedJson(v);
  };
  catalog_json(j, c, s.owner_team.id);
  j["known_annotations"] = {{"pagerduty_service_id", text(c.pagerduty_service)},
                            {"pagerduty_integration_key", !c.pagerduty_integration_key.empty()},
                            {"techdocs_ref", text(c.techdocs_ref)},
                            {"source_location", text(c.source_location)},
                            {"github_project_slug", text(c.github_project_slug)}};
  return j;
}

} // namespace

OrderedJson service_json(const Repo& repo, const Figures& figs, const Service& s) {
  const auto links = service_links(repo, figs);
  auto it = links.find(s.meta.id);
  return service_json(s, it == links.end() ? ServiceLinks{} : it->second);
}

OrderedJson service_maturity_json(const ServiceMaturity& m) {
  OrderedJson dims = OrderedJson::array();
  for (const auto& d : m.dimensions) {
    dims.push_back({{"dimension", d.dimension},
                    {"computed", d.computed},
                    {"manual", opt(d.manual)},
                    {"manual_assessment", d.manual_assessment},
                    {"manual_date", d.manual_date},
                    {"effective", d.effective},
                    {"source", d.source},
                    {"evidence", strings(d.evidence)},
                    {"to_raise", d.to_raise}});
  }
  return {{"service", m.service},
          {"team", m.team},
          {"tier", m.tier},
          {"dimensions", std::move(dims)},
          {"computed_total", m.computed_total},
          {"total", m.total},
          {"band", m.band},
          {"documentation", m.documentation},
          {"rubric", rubric_json(m.rubric)}};
}

OrderedJson maturity_json(const MaturityFigures& m) {
  OrderedJson services = OrderedJson::array();
  for (const auto& s : m.services)
    services.push_back(service_maturity_json(s));
  OrderedJson teams = OrderedJson::array();
  for (const auto& t : m.teams)
    teams.push_back(group_json(t));
  OrderedJson tiers = OrderedJson::object();
  for (const auto& [tier, c] : m.slo_coverage_by_tier)
    tiers[tier] = {{"services", c.services}, {"with_slo", c.with_slo}};
  return {{"org", group_json(m.org)},
          {"teams", std::move(teams)},
          {"services", std::move(services)},
          {"slo_coverage_by_tier", std::move(tiers)}};
}

OrderedJson readiness_json(const ReadinessFigures& r) {
  OrderedJson rows = OrderedJson::array();
  for (const auto& row : r.rows)
    rows.push_back({{"check", row.slug},
                    {"category", row.category},
                    {"title", row.title},
                    {"status", row.status},
                    {"source", row.source},
                    {"evidence", row.evidence},
                    {"notes", row.notes},
                    {"review", row.review}});
  OrderedJson signoffs = OrderedJson::array();
  for (const auto& s : r.signoffs)
    signoffs.push_back({{"name", s.name},
                        {"role", s.role},
                        {"date", s.date},
                        {"decision", s.decision},
                        {"digest", s.digest},
                        {"review", s.review},
                        {"stale", s.stale}});
  return {{"service", r.service},
          {"digest", r.digest},
          {"summary", {{"pass", r.pass}, {"fail", r.fail}, {"na", r.na}, {"todo", r.todo}}},
          {"approved", r.approved},
          {"rows", std::move(rows)},
          {"signoffs", std::move(signoffs)}};
}

OrderedJson incident_json(const IncidentFigures& i) {
  OrderedJson items = OrderedJson::array();
  for (const auto& a : i.action_items)
    items.push_back({{"id", a.id},
                     {"description", a.description},
                     {"owner", a.owner},
                     {"priority", a.priority},
                     {"deadline", a.deadline},
                     {"status", a.status},
                     {"completed", a.completed},
                     {"overdue", a.overdue}});
  return {{"id", i.id},
          {"title", i.title},
          {"date", i.date},
          {"severity", i.severity},
          {"services", strings(i.services)},
          {"root_cause_category", i.root_cause_category},
          {"repeat_of", i.repeat_of},
          {"repeat", i.repeat},
          {"time_to_detect_minutes", opt(i.time_to_detect_minutes)},
          {"time_to_mitigate_minutes", opt(i.time_to_mitigate_minutes)},
          {"time_to_resolve_minutes", opt(i.time_to_resolve_minutes)},
          {"open_action_items", i.open_action_items},
          {"overdue_action_items", i.overdue_action_items},
          {"action_items", std::move(items)}};
}

OrderedJson toil_json(const std::vector<ToilFigures>& items, const std::vector<TeamToil>& teams) {
  OrderedJson a = OrderedJson::array();
  for (const auto& t : items)
    a.push_back({{"id", t.id},
                 {"name", t.name},
                 {"service", t.service},
                 {"category", t.category},
                 {"teams", strings(t.teams)},
                 {"hours_per_month", t.hours_per_month},
                 {"stated_hours_per_month", opt(t.stated_hours_per_month)},
                 {"automation_value", opt(t.automation_value)},
                 {"difficulty", t.difficulty},
                 {"value_band", t.value_band},
                 {"priority", t.priority},
                 {"status", t.status},
                 {"active", t.active}});
  OrderedJson b = OrderedJson::array();
  for (const auto& t : teams)
    b.push_back({{"team", t.team},
                 {"name", t.name},
                 {"hours", t.hours},
                 {"sre_hours_per_month", opt(t.sre_hours_per_month)},
                 {"pct", opt(t.pct)},
                 {"over_target", t.over_target},
                 {"items", strings(t.items)}});
  return {{"items", std::move(a)}, {"teams", std::move(b)}};
}

OrderedJson capacity_json(const CapacityFigures& c) {
  return {{"id", c.id},
          {"service", c.service},
          {"bottleneck_resource", c.bottleneck_resource},
          {"growth_metric", c.growth_metric},
          {"peak_utilization_pct", opt(c.peak_utilization_pct)},
          {"monthly_growth_pct", opt(c.monthly_growth_pct)},
          {"threshold_pct", c.threshold_pct},
          {"threshold_defaulted", c.threshold_defaulted},
          {"current", opt(c.current)},
          {"projected_6mo", opt(c.projected_6mo)},
          {"projected_12mo", opt(c.projected_12mo)},
          {"stated_projected_6mo", opt(c.stated_projected_6mo)},
          {"stated_projected_12mo", opt(c.stated_projected_12mo)},
          {"utilization_6mo", opt(c.utilization_6mo)},
          {"utilization_12mo", opt(c.utilization_12mo)},
          {"over_threshold", c.over_threshold},
          {"runway_months", opt(c.runway_months)},
          {"runway_months_fractional", opt(c.runway_months_fractional)},
          {"auto_scaling", opt(c.auto_scaling)}};
}

OrderedJson oncall_json(const RotationFigures& r) {
  auto metric = [](const MetricHealth& m) {
    return OrderedJson{{"value", opt(m.value)}, {"status", m.status}};
  };
  OrderedJson periods = OrderedJson::array();
  for (const auto& p : r.periods)
    periods.push_back({{"period", p.period},
                       {"pages", opt(p.pages)},
                       {"shifts", opt(p.shifts)},
                       {"off_hours_pages", opt(p.off_hours_pages)},
                       {"pages_per_shift", metric(p.pages_per_shift)},
                       {"off_hours_per_week", metric(p.off_hours_per_week)},
                       {"ack_min", metric(p.ack_min)},
                       {"mitigate_min", metric(p.mitigate_min)},
                       {"false_positive_pct", metric(p.false_positive_pct)},
                       {"escalation_pct", metric(p.escalation_pct)},
                       {"satisfaction", metric(p.satisfaction)},
                       {"worst", p.worst}});
  return {{"id", r.id},
          {"name", r.name},
          {"team", r.team},
          {"members", r.members},
          {"size_warning", r.size_warning},
          {"periods", std::move(periods)}};
}

OrderedJson report_json(const MonthlyReport& r) {
  OrderedJson by_sev = OrderedJson::object();
  for (const char* s : {"SEV1", "SEV2", "SEV3", "SEV4"}) {
    auto it = r.incidents.by_severity.find(s);
    by_sev[s] = it == r.incidents.by_severity.end() ? 0 : it->second;
  }
  std::vector<std::string> concerns = r.concerns;
  concerns.insert(concerns.end(), r.computed_concerns.begin(), r.computed_concerns.end());
  OrderedJson m;
  m["period"] = r.period;
  m["slo_summary"] = {{"services_meeting_slo", opt(r.slo_summary.services_meeting_slo)},
                      {"services_breaching_slo", opt(r.slo_summary.services_breaching_slo)},
                      {"worst_performing", opt(r.slo_summary.worst_performing)}};
  m["incidents"] = {{"total", r.incidents.total},
                    {"by_severity", std::move(by_sev)},
                    {"mttr_minutes", opt(r.incidents.mttr_minutes)},
                    {"mttd_minutes", opt(r.incidents.mttd_minutes)},
                    {"repeat_incidents", r.incidents.repeat_incidents}};
  m["error_budget"] = {{"services_in_healthy", opt(r.error_budget.services_in_healthy)},
                       {"services_in_warning", opt(r.error_budget.services_in_warning)},
                       {"services_in_critical", opt(r.error_budget.services_in_critical)},
                       {"services_exhausted", opt(r.error_budget.services_exhausted)}};
  m["toil"] = {{"hours_spent", r.toil.hours_spent},
               {"hours_automated_away", r.toil.hours_automated_away},
               {"pct_of_sre_time", opt(r.toil.pct_of_sre_time)}};
  m["on_call"] = {{"total_pages", opt(r.on_call.total_pages)},
                  {"off_hours_pages", opt(r.on_call.off_hours_pages)},
                  {"false_positive_pct", opt(r.on_call.false_positive_pct)},
                  {"avg_ack_time_min", opt(r.on_call.avg_ack_time_min)}};
  m["action_items"] = {{"open", r.action_items.open},
                       {"completed_this_month", r.action_items.completed_this_month},
                       {"overdue", r.action_items.overdue}};
  m["highlights"] = strings(r.highlights);
  m["concerns"] = strings(concerns);
  m["next_month_priorities"] = strings(r.next_month_priorities);
  // Beyond the seed's fields: where the concerns came from, and the change against last month.
  m["computed_concerns"] = strings(r.computed_concerns);
  m["previous_period"] = r.previous_period;
  m["coverage"] = {{"days_with_data", r.coverage.days_with_data},
                   {"days_in_month", r.coverage.days_in_month}};
  m["frozen"] = r.frozen;
  OrderedJson delta = OrderedJson::object();
  for (const auto& [k, v] : r.delta)
    delta[k] = opt(v);
  m["delta"] = delta;
  OrderedJson slos = OrderedJson::array();
  for (const auto& s : r.slo_summary.slos)
    slos.push_back({{"slo", s.slo},
                    {"service", s.service},
                    {"target", s.target},
                    {"attainment_pct", opt_pct(s.attainment)},
                    {"budget_consumed_pct", opt_pct(s.consumed)},
                    {"days_with_data", s.days_with_data},
                    {"meets", opt(s.meets)}});
  m["slos"] = slos;
  m["service_budget_states"] = r.error_budget.service_state;
  return {{"monthly_report", std::move(m)}};
}

namespace {

// A Backstage catalog entry (library, documentation, tool) for api/catalog-entries.json.
OrderedJson catalog_entry_json(const CatalogEntry& e) {
  const CatalogInfo& c = e.catalog;
  const std::string team = owner_team_id(c);
  OrderedJson j;
  j["id"] = e.meta.id;
  j["name"] = e.name;
  j["kind"] = "component";
  j["type"] = e.type;
  // The same owner, system and other catalog fields as a service's in api/services.json.
  catalog_json(j, c, team);
  j["description"] = e.description;
  j["links"] = links_json(e.links);
  j["source"] = {{"file", e.meta.file}, {"dialect", e.meta.dialect}};
  return j;
}

} // namespace

void api_files(const Repo& repo, const Figures& figs, const std::vector<Diagnostic>& diagnostics,
               const ApiFileSink& emit) {
  // Each file is made, handed on and dropped before the next is made: at 10,000 documents the
  // API weighs about 77 MB as text and several times that as JSON trees.
  {
    OrderedJson slos = OrderedJson::array();
    for (const auto& f : figs.slos)
      slos.push_back(slo_json(f));
    emit("api/slos.json", dump(slos));
  }
  {
    OrderedJson services = OrderedJson::array();
    const auto links = service_links(repo, figs);
    const ServiceLinks none;
    for (const auto& s : repo.services) {
      auto it = links.find(s.meta.id);
      services.push_back(service_json(s, it == links.end() ? none : it->second));
    }
    emit("api/services.json", dump(services));
  }
  {
    // Catalog entries (Backstage libraries, documentation, tools), by id: shown, not scored.
    std::vector<const CatalogEntry*> entries;
    for (const auto& e : repo.catalog.entries)
      entries.push_back(&e);
    std::sort(entries.begin(), entries.end(),
              [](const CatalogEntry* a, const CatalogEntry* b) { return a->meta.id < b->meta.id; });
    OrderedJson entry_list = OrderedJson::array();
    for (const CatalogEntry* e : entries)
      entry_list.push_back(catalog_entry_json(*e));
    emit("api/catalog-entries.json", dump(entry_list));
  }
  emit("api/maturity.json", dump(maturity_json(figs.maturity)));
  // A file that is a list of one kind of figure, each as its JSON.
  auto emit_list = [&emit](const std::string& path, const auto& figures, auto to_json) {
    OrderedJson list = OrderedJson::array();
    for (const auto& x : figures)
      list.push_back(to_json(x));
    emit(path, dump(list));
  };
  emit_list("api/readiness.json", figs.readiness,
            [](const ReadinessFigures& r) { return readiness_json(r); });
  emit_list("api/incidents.json", figs.incidents,
            [](const IncidentFigures& i) { return incident_json(i); });
  emit("api/toil.json", dump(toil_json(figs.toil, figs.team_toil)));
  emit_list("api/capacity.json", figs.capacity,
            [](const CapacityFigures& c) { return capacity_json(c); });
  emit_list("api/oncall.json", figs.oncall,
            [](const RotationFigures& r) { return oncall_json(r); });
  OrderedJson periods = OrderedJson::array();
  for (const auto& [period, r] : figs.reports) {
    emit("api/reports/" + period + ".json", dump(report_json(r)));
    periods.push_back(period);
  }
  emit("api/reports/index.json", dump(periods));
  emit("api/diagnostics.json", diagnostics_json(diagnostics));
  weekly_api_files(figs, emit);
}

} // namespace nines

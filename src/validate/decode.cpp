#include "validate/decode.hpp"

#include "diag/format.hpp"
#include "model/budget.hpp"
#include "model/kinds.hpp"
#include "model/numbers.hpp"
#include "model/severity.hpp"
#include "model/time.hpp"
#include "validate/node_access.hpp"
#include "validate/yaml_json.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <regex>
#include <string_view>
#include <type_traits>

namespace nines {
namespace {

// The most `limits` may raise each limit to (decode_config says why).
constexpr double k_max_file_bytes_ceiling = 16 << 20;
constexpr double k_max_yaml_nodes_ceiling = 2'000'000;

DocMeta make_meta(RawDoc& doc, const Node& body, const std::string& digest, IdRule id_rule,
                  DiagBag& diags) {
  DocMeta m;
  m.kind = doc.kind;
  m.file = doc.file;
  m.loc = doc.kind_loc;
  m.digest = digest;
  // Moved, not copied: nothing reads a document's body after it is decoded, and the bodies are
  // most of what a run keeps.
  m.body = std::move(doc.body);
  m.body_line = doc.body_line;
  const Node& id = at(body, "id");
  const Node& name = at(body, "name");
  if (!id.is_absent()) {
    m.id = str(id);
    m.id_loc = id.loc;
  } else if (id_rule == IdRule::NameOrPathStem && !name.is_absent()) {
    m.id = str(name);
    m.id_loc = name.loc;
  } else {
    m.id = path_stem_slug(doc.file);
    m.id_loc = doc.kind_loc;
  }
  if (!valid_id(m.id)) {
    diags.error(doc.file, m.id_loc, "invalid-id",
                "id '" + m.id + "' is not valid: ids match ^[a-z0-9][a-z0-9._-]{0,127}$",
                "use lowercase letters, digits, '.', '_' and '-'");
  }
  return m;
}

double duration_or(const Node& n, double fallback) {
  auto v = parse_duration_minutes(str(n));
  return v ? *v : fallback;
}

// A list of references that names a document twice counts it once, with a warning at the repeat:
// a team listed twice under a toil item's teams_affected would get the item's hours twice.
std::vector<Ref> unique_refs(const Node& list, const std::string& file, const std::string& field,
                             DiagBag& diags) {
  std::vector<Ref> out;
  for (Ref& r : refs(list)) {
    const auto first =
        std::find_if(out.begin(), out.end(), [&r](const Ref& seen) { return seen.id == r.id; });
    if (first != out.end()) {
      diags.warning(file, r.loc, "duplicate-reference",
                    "'" + r.id + "' is listed again in " + field + " (first at line " +
                        std::to_string(first->loc.line) + "); it counts once",
                    "list each one once");
      continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

void decode_fields(const Node& b, Service& s, const Config& /*config*/, DiagBag& diags) {
  s.name = str(b, "name");
  s.tier = str(b, "tier");
  s.tier_loc = at(b, "tier").loc;
  s.owner_team = ref(b, "owner_team");
  s.oncall_rotation = ref(b, "oncall_rotation");
  s.upstream = unique_refs(at(at(b, "dependencies"), "upstream"), s.meta.file,
                           "dependencies.upstream", diags);
  s.downstream = unique_refs(at(at(b, "dependencies"), "downstream"), s.meta.file,
                             "dependencies.downstream", diags);
  for (auto [field, key] : std::initializer_list<std::pair<std::string*, const char*>>{
           {&s.data_classification, "data_classification"},
           {&s.deployment_frequency, "deployment_frequency"},
           {&s.architecture, "architecture"},
           {&s.language, "language"},
           {&s.infra, "infra"},
           {&s.traffic_pattern, "traffic_pattern"},
           {&s.description, "description"},
           {&s.type, "type"},
           {&s.multi_region, "multi_region"}})
    *field = str(b, key);
  s.multi_region_loc = at(b, "multi_region").loc;
  s.peak_rps = num(b, "peak_rps");
  s.storage_gb = num(b, "storage_gb");
  s.monthly_cost_usd = num(b, "monthly_cost_usd");
  // A probe's interval and timeout as a duration with its unit: the seed writes a whole number of
  // milliseconds (`interval: 30000`), shown as the seconds it is (30s) or with its unit (500ms).
  auto probe_duration = [](const Node& h, const char* key) {
    std::string text = str(h, key);
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return text;
    return text.size() > 3 && text.compare(text.size() - 3, 3, "000") == 0
               ? text.substr(0, text.size() - 3) + "s"
               : text + "ms";
  };
  for (const auto& h : at(b, "health_checks").items) {
    s.health_checks.push_back(HealthCheck{
        str(h, "name"), str(h, "type"), str(h, "endpoint"), probe_duration(h, "interval"),
        probe_duration(h, "timeout"), num(h, "failure_threshold")});
  }
  // A link whose URL is left empty (`""`, or no value at all) is not given (SPEC 1.3), not a
  // name shown without a link.
  const Node& links = at(b, "links");
  for (const auto& e : links.entries) {
    if (str(e.value).empty()) continue;
    s.links.emplace_back(e.key, str(e.value));
    s.link_locs.push_back(e.value.loc);
  }
  for (const auto& i : links.items) {
    if (str(i, "url").empty()) continue;
    s.links.emplace_back(str(i, "title"), str(i, "url"));
    s.link_locs.push_back(at(i, "url").loc);
  }
}

void decode_fields(const Node& b, Sli& s, const Config& /*config*/, DiagBag& /*diags*/) {
  s.name = str(b, "name");
  s.description = str(b, "description");
  s.type = str(b, "type");
  const Node& m = at(b, "measurement");
  s.good_events = str(m, "good_events");
  s.total_events = str(m, "total_events");
  s.measurement_source = str(m, "source");
  s.aggregation = str(m, "aggregation");
  s.exclusions = strs(b, "exclusions");
  const Node& q = at(b, "query");
  if (q.is_map())
    s.query = SliQuery{str(q, "good"),    str(q, "total"),    str(q, "source"),   q.loc,
                       at(q, "good").loc, at(q, "total").loc, at(q, "source").loc};
}

void decode_fields(const Node& b, Slo& s, const Config& config, DiagBag& diags) {
  s.service = ref(b, "service");
  s.sli = ref(b, "sli");
  s.policy = ref(b, "policy");
  s.name = str(b, "name");
  s.description = str(b, "description");
  s.description_loc = at(b, "description").loc;
  s.owner = str(b, "owner");
  s.review_cadence = str(b, "review_cadence");
  s.review_cadence_loc = at(b, "review_cadence").loc;
  s.target = num(b, "target").value_or(0);
  s.target_loc = at(b, "target").loc;
  s.window = str(b, "window");
  s.window_loc = at(b, "window").loc;
  std::string window = s.window.empty() ? config.default_slo_window : s.window;
  if (auto w = parse_duration_minutes(window)) {
    s.window_days = *w / 1440.0;
    if (*w < 1440.0 || std::fmod(*w, 1440.0) != 0.0)
      diags.error(s.meta.file, s.window_loc.line ? s.window_loc : s.meta.loc, "slo-window",
                  "SLO window '" + window + "' is not a whole number of days",
                  "budgets are computed over whole days, e.g. 28d or 30d");
  }
  s.error_budget = num(b, "error_budget");
  s.error_budget_loc = at(b, "error_budget").loc;
  s.error_budget_minutes = num(b, "error_budget_minutes");
  s.error_budget_minutes_loc = at(b, "error_budget_minutes").loc;
  s.sla = num(b, "sla");
  s.sla_loc = at(b, "sla").loc;
  s.last_reviewed = text(b, "last_reviewed");
  s.stakeholders = strs(b, "stakeholders");
  s.escalation_when_budget_exhausted = strs(b, "escalation_when_budget_exhausted");
  s.alerts_declared = !at(b, "burn_rate_alerts").is_absent();
  for (const auto& a : at(b, "burn_rate_alerts").items) {
    BurnRateAlert al;
    al.name = str(a, "name");
    al.loc = a.loc;
    al.name_loc = at(a, "name").loc;
    al.burn_rate = num(a, "burn_rate").value_or(0);
    al.burn_rate_loc = at(a, "burn_rate").loc;
    al.short_window = str(a, "short_window");
    al.long_window = str(a, "long_window");
    al.severity = str(a, "severity");
    al.short_window_min = duration_or(at(a, "short_window"), 0);
    al.long_window_min = duration_or(at(a, "long_window"), 0);
    s.alerts.push_back(std::move(al));
  }
}

void decode_fields(const Node& b, Policy& p, const Config& /*config*/, DiagBag& diags) {
  p.service = ref(b, "service");
  bool all_parsed = true;
  for (const Entry& e : data_entries(at(b, "budget_states"))) {
    PolicyState st;
    // The schema admits only the four state names.
    st.state = parse_budget_state(e.key).value_or(BudgetState::Healthy);
    const Node& cond = at(e.value, "condition");
    st.loc = cond.is_absent() ? e.key_loc : cond.loc;
    st.actions = strs(e.value, "actions");
    std::string c = str(cond);
    if (auto parsed = parse_budget_condition(c)) {
      st.condition = *parsed;
    } else {
      diags.error(
          p.meta.file, st.loc, "policy-condition",
          "cannot parse budget state condition '" + c + "'" +
              [&c] {
                const std::string why = budget_condition_problem(c);
                return why.empty() ? why : ": " + why;
              }(),
          "use one of: 'remaining_budget > 50%', 'remaining_budget 25-50%', "
          "'remaining_budget 0-25%', 'remaining_budget <= 0'");
      all_parsed = false;
      continue;
    }
    p.states.push_back(std::move(st));
  }
  // A remaining budget no state covers gets the seed's band for it and none of this policy's
  // actions (compute_slo): almost always a typo in a bound, so it is said where the states are.
  if (all_parsed && !p.states.empty()) {
    std::vector<BudgetCondition> conditions;
    for (const auto& st : p.states)
      conditions.push_back(st.condition);
    std::string gaps;
    for (const auto& range : uncovered_budget_ranges(conditions)) {
      if (!gaps.empty()) gaps += ", ";
      gaps += budget_range_text(range);
    }
    if (!gaps.empty()) {
      const Node& states = at(b, "budget_states");
      diags.warning(p.meta.file, states.is_absent() ? p.meta.loc : states.loc, "policy-gap",
                    "no budget state covers a remaining budget " + gaps +
                        "; there the seed's default band applies, with none of this policy's "
                        "actions",
                    "widen a state's condition to close the gap (e.g. healthy 'remaining_budget "
                    "> 50%' meets warning 'remaining_budget 25-50%')");
    }
    // Two states whose conditions both match a budget: the stricter one applies (compute_slo), but
    // a policy that says "healthy" and "exhausted" for one budget is a mistake in a bound, said at
    // the later condition.
    for (std::size_t j = 1; j < p.states.size(); ++j)
      for (std::size_t i = 0; i < j; ++i) {
        std::string where;
        for (const auto& range : overlapping_budget_ranges(conditions, i, j)) {
          if (!where.empty()) where += ", ";
          where += budget_range_text(range);
        }
        if (where.empty()) continue;
        const PolicyState& a = p.states[i];
        const PolicyState& c = p.states[j];
        const BudgetState stricter =
            budget_state_rank(a.state) > budget_state_rank(c.state) ? a.state : c.state;
        diags.error(p.meta.file, c.loc, "policy-overlap",
                    std::string(budget_state_name(c.state)) + " condition '" + c.condition.text +
                        "' overlaps " + std::string(budget_state_name(a.state)) + " condition '" +
                        a.condition.text + "' for a remaining budget " + where +
                        "; there the stricter state, " + std::string(budget_state_name(stricter)) +
                        ", applies",
                    "make the bands meet without overlapping (e.g. healthy 'remaining_budget > "
                    "50%' meets warning 'remaining_budget 25-50%')");
      }
  }
  // Exceptions are prose ("Security patches...") or structured {change_type, note}; the structured
  // form is kept as "change_type: note", which is how the deploy gate recognises it.
  for (const auto& e : at(b, "exceptions").items) {
    if (e.is_map()) {
      std::string note = str(e, "note");
      p.exceptions.push_back(str(e, "change_type") + ":" + (note.empty() ? "" : " " + note));
      p.exception_locs.push_back(e.loc);
    } else if (e.is_scalar() && !e.value.empty()) {
      p.exceptions.push_back(e.value);
      p.exception_locs.push_back(e.loc);
    }
  }
  p.reset = str(b, "reset");
}

void decode_fields(const Node& b, Postmortem& p, const Config& /*config*/, DiagBag& diags) {
  for (auto [field, key] : std::initializer_list<std::pair<std::string*, const char*>>{
           {&p.title, "title"},
           {&p.date, "date"},
           {&p.severity, "severity"},
           {&p.duration, "duration"},
           {&p.status, "status"},
           {&p.summary, "summary"},
           {&p.root_cause, "root_cause"},
           {&p.incident_id, "incident_id"},
           {&p.root_cause_category, "root_cause_category"},
           {&p.channel, "channel"}})
    *field = str(b, key);
  p.date_loc = at(b, "date").loc;
  p.severity_loc = at(b, "severity").loc;
  p.root_cause_loc = at(b, "root_cause").loc;
  p.authors = strs(b, "authors");
  p.reviewers = strs(b, "reviewers");
  p.contributing_factors = strs(b, "contributing_factors");
  p.what_went_well = strs(b, "what_went_well");
  p.what_went_wrong = strs(b, "what_went_wrong");
  p.where_we_got_lucky = strs(b, "where_we_got_lucky");
  p.five_whys = strs(b, "five_whys");
  for (const Entry& e : data_entries(at(b, "fishbone")))
    p.fishbone[e.key] = strs(e.value);
  const Node& impact = at(b, "impact");
  p.users_affected = num(impact, "users_affected");
  p.impact_duration_minutes = num(impact, "duration_minutes");
  p.revenue_impact_usd = num(impact, "revenue_impact_usd");
  p.slo_budget_consumed_pct = num(impact, "slo_budget_consumed_pct");
  p.budget_consumed_loc = at(impact, "slo_budget_consumed_pct").loc;
  p.customer_tickets = num(impact, "customer_tickets");
  p.data_loss = flag(impact, "data_loss");
  p.security_breach_pii = flag(b, "security_breach_pii");
  // The seed records revenue impact as impact.revenue_impact_usd, and its escalation list says
  // "Revenue-impacting -> SEV1 or SEV2": a positive amount is revenue impact, even beside an
  // explicit `revenue_impacting: false` (escalations only raise; docs/content.md).
  p.revenue_impacting = flag(b, "revenue_impacting") || p.revenue_impact_usd.value_or(0) > 0;
  p.declared_severity = p.severity;
  if (const auto declared = severity_number(p.severity)) {
    const auto [least, why] = p.data_loss             ? std::pair{1, "data loss"}
                              : p.security_breach_pii ? std::pair{1, "a security breach with PII"}
                              : p.revenue_impacting   ? std::pair{2, "revenue impact"}
                                                      : std::pair{4, ""};
    if (least < *declared) {
      p.severity = "SEV" + std::to_string(least);
      p.escalated_because = why;
    }
  }
  for (const auto& t : at(b, "timeline").items)
    p.timeline.push_back(TimelineEntry{str(t, "time"), str(t, "event"), t.loc});
  const Node& det = at(b, "detection");
  p.how_detected = str(det, "how_detected");
  p.time_to_detect_minutes = num(det, "time_to_detect_minutes");
  p.could_have_detected_sooner = str(det, "could_have_detected_sooner");
  const Node& res = at(b, "resolution");
  p.how_resolved = str(res, "how_resolved");
  p.time_to_mitigate_minutes = num(res, "time_to_mitigate_minutes");
  p.time_to_resolve_minutes = num(res, "time_to_resolve_minutes");
  for (const auto& a : at(b, "action_items").items) {
    ActionItem ai;
    ai.id = str(a, "id");
    ai.type = str(a, "type");
    ai.description = str(a, "description");
    ai.owner = str(a, "owner");
    ai.priority = str(a, "priority");
    ai.deadline = str(a, "deadline");
    ai.status = str(a, "status");
    ai.ticket = str(a, "ticket");
    ai.completed = str(a, "completed");
    ai.loc = a.loc;
    p.action_items.push_back(std::move(ai));
  }
  p.services = unique_refs(at(b, "services"), p.meta.file, "services", diags);
  p.repeat_of = ref(b, "repeat_of");
  const Node& cls = at(b, "classification");
  p.classification_function = str(cls, "function");
  p.classification_scope = str(cls, "scope");
  p.classification_loc = cls.loc;
  for (const Entry& e : data_entries(at(b, "ics")))
    p.ics[e.key] = str(e.value);
}

void decode_fields(const Node& b, Runbook& r, const Config& /*config*/, DiagBag& /*diags*/) {
  r.title = str(b, "title");
  r.alert_name = str(b, "alert_name");
  r.alert_name_loc = at(b, "alert_name").loc;
  r.last_updated = str(b, "last_updated");
  r.last_updated_loc = at(b, "last_updated").loc;
  r.owner = str(b, "owner");
  r.overview = str(b, "overview");
  r.overview_loc = at(b, "overview").loc;
  r.impact = str(b, "impact");
  r.impact_loc = at(b, "impact").loc;
  r.service = ref(b, "service");
  for (const auto& d : at(b, "diagnosis").items)
    r.diagnosis.push_back(DiagnosisStep{str(d, "step"), str(d, "command"), str(d, "expected"),
                                        str(d, "if_unexpected")});
  for (const auto& m : at(b, "mitigation").items)
    r.mitigation.push_back(MitigationOption{str(m, "option"), str(m, "when"), strs(m, "steps")});
  for (const auto& s : at(b, "steps").items)
    r.steps.push_back(RunbookStep{str(s, "name"), str(s, "action"), str(s, "command"),
                                  flag(s, "automated"), flag(s, "rollback_on_failure")});
  const Node& esc = at(b, "escalation");
  r.escalation_after_minutes = num(esc, "after_minutes");
  r.escalation_contact = str(esc, "contact");
  r.escalation_context = str(esc, "context_to_provide");
}

void decode_fields(const Node& b, ToilItem& t, const Config& /*config*/, DiagBag& diags) {
  t.name = str(b, "name");
  t.category = str(b, "category");
  t.frequency = str(b, "frequency");
  t.automation_difficulty = str(b, "automation_difficulty");
  t.status = str(b, "status");
  t.automated_on = str(b, "automated_on");
  t.automated_on_loc = at(b, "automated_on").loc;
  t.service = ref(b, "service");
  t.time_per_occurrence_min = num(b, "time_per_occurrence_min").value_or(0);
  t.occurrences_per_month = num(b, "occurrences_per_month").value_or(0);
  t.total_hours_per_month = num(b, "total_hours_per_month");
  t.total_hours_loc = at(b, "total_hours_per_month").loc;
  t.automation_value = num(b, "automation_value");
  t.priority_score = num(b, "priority_score");
  t.teams_affected = unique_refs(at(b, "teams_affected"), t.meta.file, "teams_affected", diags);
}

void decode_fields(const Node& b, CapacityModel& c, const Config& /*config*/, DiagBag& /*diags*/) {
  c.service = ref(b, "service");
  c.bottleneck_resource = str(b, "bottleneck_resource");
  c.last_reviewed = text(b, "last_reviewed");
  const Node& cs = at(b, "current_state");
  c.peak_utilization_pct = num(cs, "peak_utilization_pct");
  c.headroom_pct = num(cs, "headroom_pct");
  c.cost_per_month_usd = num(cs, "cost_per_month_usd");
  const Node& g = at(b, "growth_forecast");
  c.growth_metric = str(g, "metric");
  c.growth_current = num(g, "current");
  c.monthly_growth_pct = num(g, "monthly_growth_pct");
  c.projected_6mo = num(g, "projected_6mo");
  c.projected_12mo = num(g, "projected_12mo");
  const Node& sc = at(b, "scaling_strategy");
  c.scaling_type = str(sc, "type");
  c.auto_scaling = boolean(at(sc, "auto_scaling"));
  c.min_instances = num(sc, "min_instances");
  c.max_instances = num(sc, "max_instances");
  c.scale_up_threshold = num(sc, "scale_up_threshold");
  c.scale_down_threshold = num(sc, "scale_down_threshold");
  c.cooldown_seconds = num(sc, "cooldown_seconds");
  const Node& cp = at(b, "cost_projection");
  c.cost_current_monthly = num(cp, "current_monthly");
  c.cost_projected_6mo = num(cp, "projected_6mo_monthly");
  c.cost_projected_12mo = num(cp, "projected_12mo_monthly");
}

void decode_fields(const Node& b, Experiment& e, const Config& /*config*/, DiagBag& /*diags*/) {
  e.name = str(b, "name");
  e.hypothesis = str(b, "hypothesis");
  e.date = str(b, "date");
  e.environment = str(b, "environment");
  e.service = ref(b, "service");
  if (auto l = num(b, "level")) e.level = static_cast<int>(*l);
  const Node& m = at(b, "method");
  for (const auto& metric : at(at(b, "steady_state"), "metrics").items)
    e.steady_state.push_back(
        {str(metric, "name"), str(metric, "baseline"), str(metric, "acceptable_range")});
  e.fault_type = str(m, "fault_type");
  e.target = str(m, "target");
  e.blast_radius = str(m, "blast_radius");
  e.duration = str(m, "duration");
  const Node& s = at(b, "safety");
  e.abort_conditions = strs(s, "abort_conditions");
  e.rollback_plan = str(s, "rollback_plan");
  e.required_approvals = strs(s, "required_approvals");
  const Node& r = at(b, "results");
  e.outcome = str(r, "outcome");
  e.observations = strs(r, "observations");
  e.action_items = strs(r, "action_items");
}

void decode_fields(const Node& b, Maintenance& m, const Config& /*config*/, DiagBag& diags) {
  m.service = ref(b, "service");
  m.description = str(b, "description");
  m.rollback_plan = str(b, "rollback_plan");
  const Text start = text(b, "start"), end = text(b, "end");
  m.start = start.value;
  m.end = end.value;
  m.start_loc = start.loc;
  m.end_loc = end.loc;
  // The schema checks the shape; the calendar (a 31 November) and the order are checked here.
  auto instant = [&](const Text& t, const char* field) -> std::optional<std::int64_t> {
    auto v = parse_timestamp(t.value);
    if (!v)
      diags.error(m.meta.file, t.loc, "maintenance-window",
                  std::string("cannot read the maintenance ") + field + " '" + t.value + "'",
                  "use an ISO 8601 time such as 2026-11-25T02:00:00Z or 2026-11-25T03:00:00+01:00");
    return v;
  };
  m.start_time = instant(start, "start");
  m.end_time = instant(end, "end");
  if (m.start_time && m.end_time && *m.end_time <= *m.start_time)
    diags.error(m.meta.file, end.loc, "maintenance-window",
                "the maintenance ends (" + m.end + ") before it starts (" + m.start + ")",
                "`end` must be later than `start`");
}

void decode_fields(const Node& b, AutoRemediation& a, const Config& /*config*/,
                   DiagBag& /*diags*/) {
  const Node* rules = &b;
  if (b.is_map()) {
    a.service = ref(b, "service");
    rules = &at(b, "rules");
  }
  for (const auto& r : rules->items)
    a.rules.push_back(RemediationRule{str(r, "trigger"), str(r, "condition"), str(r, "action"),
                                      str(r, "escalate_if")});
}

void decode_fields(const Node& b, Rotation& r, const Config& /*config*/, DiagBag& diags) {
  r.name = str(b, "name");
  r.team = ref(b, "team");
  // A person listed twice (`Ann` and `ann `) is one person: counted once for the seed's minimum
  // rotation size, the readiness row and the maturity score, with a warning at the repeat.
  std::map<std::string, int> seen; // name, trimmed and lower-cased → line of its first listing
  for (const auto& item : at(b, "members").items) {
    if (!item.is_scalar() || item.value.empty()) continue;
    std::string key = item.value;
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    for (auto& c : key)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (auto [it, first] = seen.emplace(key, item.loc.line); !first) {
      diags.warning(r.meta.file, item.loc, "duplicate-member",
                    "'" + item.value + "' is listed again (first at line " +
                        std::to_string(it->second) + "); a person counts once",
                    "list each member of the rotation once");
      continue;
    }
    r.members.push_back(item.value);
  }
  r.members_loc = at(b, "members").loc;
  r.schedule = str(b, "schedule");
  r.primary = str(b, "primary");
  r.secondary = str(b, "secondary");
  r.escalation = strs(b, "escalation");
  for (const auto& h : at(b, "health").items) {
    RotationHealth rh;
    rh.period = str(h, "period");
    rh.loc = h.loc;
    rh.pages = num(h, "pages");
    rh.shifts = num(h, "shifts");
    rh.off_hours_pages = num(h, "off_hours_pages");
    rh.avg_ack_min = num(h, "avg_ack_min");
    rh.avg_mitigate_min = num(h, "avg_mitigate_min");
    rh.false_positive_pct = num(h, "false_positive_pct");
    rh.escalation_pct = num(h, "escalation_pct");
    rh.satisfaction = num(h, "satisfaction");
    r.health.push_back(std::move(rh));
  }
}

void decode_fields(const Node& b, ReadinessReview& r, const Config& /*config*/,
                   DiagBag& /*diags*/) {
  r.service = ref(b, "service");
  r.date = str(b, "date");
  for (const auto& i : at(b, "items").items)
    r.items.push_back(ReadinessItem{str(i, "check"), str(i, "status"), str(i, "evidence"),
                                    str(i, "notes"), i.loc});
  for (const auto& s : at(b, "signoffs").items)
    r.signoffs.push_back(Signoff{str(s, "name"), str(s, "role"), str(s, "date"), str(s, "decision"),
                                 str(s, "digest"), s.loc});
}

void decode_fields(const Node& b, Assessment& a, const Config& /*config*/, DiagBag& /*diags*/) {
  a.service = ref(b, "service");
  a.team = ref(b, "team");
  a.date = str(b, "date");
  a.notes = str(b, "notes");
  for (const Entry& e : data_entries(at(b, "scores")))
    if (auto v = num(e.value)) a.scores[e.key] = static_cast<int>(*v);
}

// The seed's report shape writes the month's figures beside the people's lists. nines computes
// them (SPEC 3.5) and reads only the lists and `frozen:`, so figures written by hand would vanish
// without a word: one warning, at the first of them, names them all and says how to keep a month.
void warn_written_figures(const Node& b, const MonthlyReportDoc& r, bool frozen, DiagBag& diags) {
  static constexpr std::string_view k_figures[] = {"slo_summary", "error_budget", "incidents",
                                                   "toil",        "on_call",      "action_items"};
  std::vector<const Entry*> written;
  for (const auto& e : b.entries)
    if (!e.value.is_absent() &&
        std::find(std::begin(k_figures), std::end(k_figures), e.key) != std::end(k_figures))
      written.push_back(&e);
  if (written.empty()) return;
  std::string names;
  for (std::size_t i = 0; i < written.size(); ++i)
    names += std::string(i == 0                    ? ""
                         : i + 1 == written.size() ? " and "
                                                   : ", ") +
             "`" + written[i]->key + "`";
  const std::size_t count = written.size();
  const Loc first = written.front()->key_loc;
  const std::string month = r.period.empty() ? "YYYY-MM" : r.period;
  diags.warning(
      r.meta.file, first, "report-figures-computed",
      names + (count == 1 ? " is" : " are") + " not read: the month's figures are " +
          (frozen ? "the ones kept under `frozen:`" : "computed from the repository and its data"),
      frozen ? std::string("remove the figures written here")
             : "remove them; to keep the month's figures as they are, run `nines report "
               "--month " +
                   month + " --freeze`, which writes them under `frozen:`");
}

void decode_fields(const Node& b, MonthlyReportDoc& r, const Config& /*config*/, DiagBag& diags) {
  r.period = str(b, "period");
  r.highlights = strs(b, "highlights");
  r.concerns = strs(b, "concerns");
  r.next_month_priorities = strs(b, "next_month_priorities");
  const Node& frozen = at(b, "frozen");
  // As the file has it: a figure frozen as null keeps its key (the API's delta lists every one).
  if (frozen.is_map()) r.frozen_json = to_json_keeping_nulls(frozen).dump();
  warn_written_figures(b, r, frozen.is_map(), diags);
}

void decode_rules(const RawDoc& doc, Repo& repo, DiagBag& diags) {
  // A prometheus-operator PrometheusRule holds its rule file under `spec`.
  const Node& file = doc.root.get("apiVersion") ? at(doc.root, "spec") : doc.root;
  // What Prometheus itself refuses beyond the schema (promtool check rules): a group name used
  // twice in a file, and alerting fields on a recording rule.
  std::map<std::string, int, std::less<>> group_lines;
  for (const auto& g : at(file, "groups").items) {
    const Node& rules = at(g, "rules");
    if (!g.is_map() || (!rules.is_seq() && !rules.is_absent())) {
      diags.error(doc.file, g.loc, "rules-file",
                  "a rule group is a mapping with `name` and a list of `rules`");
      continue;
    }
    if (const Node& name = at(g, "name"); name.is_scalar() && !name.value.empty()) {
      const auto [first, added] = group_lines.emplace(name.value, name.loc.line);
      if (!added)
        diags.error(doc.file, name.loc, "rules-file",
                    "group name '" + name.value + "' is repeated in the same file (first at line " +
                        std::to_string(first->second) + "); Prometheus refuses the file",
                    "give each rule group of the file its own name");
    }
    // vmalert reads a recording rule's annotations, which Prometheus refuses: a group written
    // for vmalert (one of its own keys) may have them.
    const bool vmalert = std::any_of(g.entries.begin(), g.entries.end(), [](const Entry& e) {
      constexpr std::array<std::string_view, 9> k_vmalert_keys = {
          "type",   "concurrency", "eval_offset",      "eval_delay", "eval_alignment",
          "params", "headers",     "notifier_headers", "debug"};
      return std::find(k_vmalert_keys.begin(), k_vmalert_keys.end(), e.key) != k_vmalert_keys.end();
    });
    for (const auto& r : rules.items) {
      const Node& alert = at(r, "alert");
      if (alert.is_absent()) {
        // Recording rules need no runbook; the fields only an alert has make Prometheus refuse
        // the file.
        // A zero duration and no annotations are what Prometheus reads when they are left out,
        // and it accepts them written so.
        auto set = [](const Node& v) {
          if (v.is_map()) return !v.entries.empty();
          return v.is_scalar() && v.value.find_first_of("123456789") != std::string::npos;
        };
        if (const Node& record = at(r, "record"); record.is_scalar() && r.is_map())
          for (const char* field : {"for", "keep_firing_for", "annotations"})
            if (const Entry* e = r.entry(field);
                e && set(e->value) && !(vmalert && std::string_view(field) == "annotations"))
              diags.error(doc.file, e->key_loc, "rules-file",
                          std::string("invalid field '") + field + "' in recording rule '" +
                              record.value + "'; Prometheus refuses the file",
                          "a recording rule has only record, expr and labels; `for`, "
                          "`keep_firing_for` and `annotations` belong to alerting rules");
        continue;
      }
      PromAlert a;
      a.file = doc.file;
      a.loc = alert.loc;
      a.name = str(alert);
      a.expr = str(r, "expr");
      a.runbook_url = str(at(r, "annotations"), "runbook_url");
      a.for_duration = str(r, "for");
      a.keep_firing_for = str(r, "keep_firing_for");
      // The alert's labels as Prometheus sends them: the group's `labels` on every rule of the
      // group, a rule's own label of the same name in its place. Its service and severity are
      // among them (a team often labels the whole group `service: pay-api`).
      std::map<std::string, std::string> labels;
      for (const Node* from : {&at(g, "labels"), &at(r, "labels")})
        if (from->is_map())
          for (const auto& e : from->entries)
            if (e.value.is_scalar()) labels[e.key] = e.value.value;
      if (auto it = labels.find("service"); it != labels.end()) a.service = it->second;
      if (auto it = labels.find("severity"); it != labels.end()) a.severity = it->second;
      a.labels.assign(labels.begin(), labels.end());
      // A rules file `nines rules` wrote (committed so that `rules --check` guards it) holds the
      // SLOs' own alerts over again: they are judged, counted and searched at their SLOs
      // (alert-runbook, rules-runbook, readiness, maturity, check --since), so its copies are
      // checked as a rules file and kept out of the alerts, or each would count twice and a
      // default alert's runbook_url (the SLO's page) would fail alert-runbook.
      if (!doc.generated) repo.prom_alerts.push_back(std::move(a));
    }
  }
}

// Whether metrics.cache keeps the store inside the content repository (SPEC 4.1: the path is
// relative to it): not absolute (`/x`, `\\x`, `C:x`), and no `..` part, which would lead out of it
// before or after normalisation. The store and the build state kept beside it are written there,
// so a setting in the content must not place them elsewhere. nines.schema.json's pattern for
// `cache` is the same rule, reported at the value; this keeps the default whatever the caller.
// The path as written only: one that leaves the repository through a symbolic link (a linked
// store folder) is refused where nines.yaml is read (load_config_file), which knows the
// repository's folder and drops the setting, so that it never reaches this.
bool store_path_inside(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.front() == '\\') return false;
  if (path.size() >= 2 && path[1] == ':' && std::isalpha(static_cast<unsigned char>(path[0])))
    return false;
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find_first_of("/\\", start), path.size());
    if (path.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

} // namespace

void decode_config(const Node& root, Config& cfg) {
  if (!root.is_map()) return;
  // Checked conversions: the schema bounds every number, and a value outside [lo, hi] (a schema
  // that was bypassed) keeps the default instead of wrapping around.
  auto checked = [](const std::optional<double>& v, double lo, double hi, auto& dst) {
    using T = std::remove_reference_t<decltype(dst)>;
    if (v && std::isfinite(*v) && *v >= lo && *v <= hi) dst = static_cast<T>(*v);
  };
  auto set = [&](std::string& dst, const char* key) {
    if (std::string v = str(root, key); !v.empty()) dst = v;
  };
  set(cfg.title, "title");
  set(cfg.description, "description");
  set(cfg.base_url, "base_url");
  set(cfg.repo_url, "repo_url");
  set(cfg.branch, "branch");
  set(cfg.theme, "theme");
  set(cfg.timezone, "timezone");
  cfg.timezone_loc = at(root, "timezone").loc;
  // A fixed "now" for frozen or demo repositories; the schema admits only dates and ISO times.
  set(cfg.as_of, "as_of");
  cfg.as_of_loc = at(root, "as_of").loc;
  set(cfg.output, "output");
  cfg.output_loc = at(root, "output").loc;
  const Node& d = at(root, "defaults");
  if (std::string w = str(d, "slo_window"); !w.empty()) cfg.default_slo_window = w;
  cfg.default_slo_window_loc = at(d, "slo_window").loc;
  cfg.default_policy = str(d, "error_budget_policy");
  cfg.default_policy_loc = at(d, "error_budget_policy").loc;
  checked(num(d, "stale_after_days"), 1, 3650, cfg.stale_after_days);
  for (const Entry& e : data_entries(at(root, "teams"))) {
    Team t;
    t.id = e.key;
    t.name = str(e.value, "name");
    if (t.name.empty()) t.name = e.key;
    const Node& members = at(e.value, "members");
    if (members.is_seq())
      t.members = strs(members);
    else
      t.headcount = num(members);
    t.sre_hours_per_month = num(e.value, "sre_hours_per_month");
    cfg.teams[e.key] = std::move(t);
  }
  const Node& m = at(root, "metrics");
  if (std::string c = str(m, "cache"); !c.empty() && store_path_inside(c)) cfg.cache_path = c;
  cfg.cache_loc = at(m, "cache").loc;
  for (const auto& s : at(m, "sources").items) {
    if (is_placeholder_row(s)) continue; // as the schema saw the list
    MetricsSource src;
    src.name = str(s, "name");
    src.type = str(s, "type");
    src.url = str(s, "url");
    src.bearer_token_env = str(s, "bearer_token_env");
    src.ca_bundle = str(s, "ca_bundle");
    if (auto t = parse_duration_minutes(str(s, "timeout")); t && *t > 0 && *t <= 600)
      src.timeout_s = *t * 60.0;
    if (auto t = parse_duration_minutes(str(s, "settle")); t && *t > 0 && *t <= 7 * 1440)
      src.settle_s = *t * 60.0;
    checked(num(s, "concurrency"), 1, 256, src.concurrency);
    checked(num(s, "retries"), 0, 10, src.retries);
    src.loc = s.loc;
    src.name_loc = s.get("name") ? at(s, "name").loc : s.loc;
    src.bearer_token_env_loc = s.get("bearer_token_env") ? at(s, "bearer_token_env").loc : s.loc;
    cfg.sources.push_back(std::move(src));
  }
  if (auto t = parse_duration_minutes(str(m, "deadline")); t && *t > 0 && *t <= 24 * 60)
    cfg.pull_deadline_s = *t * 60.0;
  cfg.golden_signals_loc = at(m, "golden_signals").loc;
  for (const Entry& e : data_entries(at(m, "golden_signals"))) {
    cfg.golden_signals[e.key] = str(e.value);
    cfg.golden_signal_locs[e.key] = e.value.loc;
  }
  // The rules that guard what is read stay errors (validate reports an override of them).
  for (const Entry& e : data_entries(at(root, "rules")))
    if (!rule_kept_as_error(e.key)) cfg.rules[e.key] = str(e.value);
  // The limits bound memory, so their ceilings do too (nines.schema.json says the same, at the
  // value): a node of a parsed file costs about 165 bytes (the tree, and its JSON copy when the
  // schema reports on it), so 2,000,000 nodes stay near 330 MB; 16 MiB of a file cost about
  // 130 MB as CSV and about 700 MB as Markdown dense with links (each byte ~45 in memory).
  const Node& lim = at(root, "limits");
  checked(num(lim, "max_file_bytes"), 1, k_max_file_bytes_ceiling, cfg.max_file_bytes);
  checked(num(lim, "max_yaml_nodes"), 1, k_max_yaml_nodes_ceiling, cfg.max_yaml_nodes);
  for (const auto& g : at(root, "include").items) {
    cfg.include.push_back(str(g));
    cfg.include_locs.push_back(g.loc);
  }
  for (const auto& g : at(root, "exclude").items)
    cfg.exclude.push_back(str(g));
}

void decode_document(RawDoc& doc, const std::string& digest, Repo& repo, DiagBag& diags) {
  // A template's placeholder row (`- time: "" event: ""`) is not given: the schema never saw it,
  // and no decoder reads it as an empty timeline entry or action item.
  drop_placeholder_rows(doc.root);
  if (doc.kind == "prometheus_rules") {
    decode_rules(doc, repo, diags);
    return;
  }
  if (doc.kind == "openslo" || doc.kind == "backstage" || doc.kind == "sloth" ||
      doc.kind == "pyrra") {
    decode_dialect(doc, digest, repo, diags);
    return;
  }
  // The registry's row for the kind: its id rule, its decoder (the decode_fields overload for its
  // struct) and the Repo member its documents go to.
  const Node& body = at(doc.root, doc.kind);
  bool decoded = false;
  for_each_kind([&](const auto& row) {
    if (decoded || row.name != doc.kind) return;
    typename std::decay_t<decltype(row)>::Doc d;
    d.meta = make_meta(doc, body, digest, row.id_rule, diags);
    decode_fields(body, d, repo.config, diags);
    (repo.*row.docs).push_back(std::move(d));
    decoded = true;
  });
  // The loader hands over only registry kinds and dialects; anything else is a bug here.
  if (!decoded) throw std::logic_error("document kind '" + doc.kind + "' has no registry row");
}

namespace {

// A row of a recorded golden-signal file (the file's header is service,signal,date,value).
bool decode_golden_row(const RawCsvRow& row, Repo& repo, DiagBag& diags) {
  if (is_golden_csv_header(row.cells)) return false; // the header, or it again further down
  if (row.cells.size() != 4) {
    diags.error(row.file, {row.line, 1}, "csv-row",
                "expected 4 columns (service,signal,date,value), got " +
                    std::to_string(row.cells.size()),
                "write one row per line with a comma between cells; quote a cell that holds a "
                "comma");
    return true;
  }
  int cols[4];
  for (std::size_t i = 0; i < 4; ++i)
    cols[i] = csv_cell_column(row, i);
  for (int i : {0, 1})
    if (row.cells[static_cast<std::size_t>(i)].empty()) {
      diags.error(row.file, {row.line, cols[i]}, "csv-row",
                  std::string("the ") + (i == 0 ? "service id" : "signal name") + " is empty",
                  "a golden-signal row is service,signal,date,value");
      return true;
    }
  const auto day = parse_date(row.cells[2]);
  if (!day) {
    diags.error(row.file, {row.line, cols[2]}, "csv-row", "bad date '" + row.cells[2] + "'",
                "use YYYY-MM-DD");
    return true;
  }
  // Latency, error rate, traffic and saturation are never negative, as the store's rule for
  // fetched values (docs/metrics.md).
  const auto v = plain_number(row.cells[3]);
  if (!v || !std::isfinite(*v) || *v < 0) {
    diags.error(row.file, {row.line, cols[3]}, "csv-row",
                "value '" + row.cells[3] + "' is not a number of 0 or more",
                "write the signal's value for the day (seconds, a ratio, a rate), e.g. 0.245");
    return true;
  }
  GoldenCsvRow g;
  g.file = repo.intern_csv_file(row.file);
  g.line = row.line;
  g.service_col = cols[0];
  g.signal_col = cols[1];
  g.service = row.cells[0];
  g.signal = row.cells[1];
  g.day = *day;
  g.value = *v;
  repo.golden_rows.push_back(std::move(g));
  return true;
}

} // namespace

bool decode_csv_row(const RawCsvRow& row, Repo& repo, DiagBag& diags) {
  static const std::vector<std::string> header = {"slo", "date", "good", "total"};
  if (row.golden) return decode_golden_row(row, repo, diags);
  // A UTF-8 byte order mark (spreadsheets write one) is not part of the first cell.
  if (row.line == 1 && !row.cells.empty() && row.cells[0].rfind("\xEF\xBB\xBF", 0) == 0) {
    RawCsvRow copy = row;
    copy.cells[0].erase(0, 3);
    return decode_csv_row(copy, repo, diags);
  }
  if (row.cells.size() == 4 && row.cells[0] == "slo") {
    // At the first column named otherwise, with the name meant: `slo,dat,good,total`.
    for (std::size_t i = 1; i < header.size(); ++i) {
      if (row.cells[i] == header[i]) continue;
      diags.error(row.file, {row.line, csv_cell_column(row, i)}, "csv-header",
                  "CSV header must be slo,date,good,total: column " + std::to_string(i + 1) +
                      " is '" + row.cells[i] + "'" + did_you_mean(row.cells[i], {header[i]}),
                  "the first line of a metrics CSV file names its four columns, in that order");
      break;
    }
    return false;
  }
  if (row.line == 1) {
    diags.error(row.file, {row.line, 1}, "csv-header",
                "first line must be the header slo,date,good,total",
                "recorded golden-signal values take the header service,signal,date,value");
    return false;
  }
  if (row.cells.size() != 4) {
    diags.error(row.file, {row.line, 1}, "csv-row",
                "expected 4 columns (slo,date,good,total), got " + std::to_string(row.cells.size()),
                "write one row per line with a comma between cells; quote a cell that holds a "
                "comma");
    return true;
  }
  // Column numbers point at the offending cell.
  int cols[4];
  for (std::size_t i = 0; i < 4; ++i)
    cols[i] = csv_cell_column(row, i);
  // A row without its SLO belongs to nothing: the link stage only checks ids that are there,
  // and the store refuses it, so it is refused here, where check sees it.
  if (row.cells[0].empty()) {
    diags.error(row.file, {row.line, cols[0]}, "csv-row", "the SLO id is empty",
                "the first cell names the SLO the counts are for");
    return true;
  }
  const auto day = parse_date(row.cells[1]);
  if (!day) {
    diags.error(row.file, {row.line, cols[1]}, "csv-row", "bad date '" + row.cells[1] + "'",
                "use YYYY-MM-DD");
    return true;
  }
  double counts[2] = {0, 0}; // good, total
  for (int i : {2, 3}) {
    const auto v = plain_number(row.cells[static_cast<std::size_t>(i)]);
    const char* what = i == 2 ? "good" : "total";
    if (!v || !std::isfinite(*v)) {
      diags.error(row.file, {row.line, cols[i]}, "csv-row",
                  std::string(what) + " count '" + row.cells[static_cast<std::size_t>(i)] +
                      "' is not a number",
                  "write the day's count of events as a plain number, without quotes or units");
      return true;
    }
    const double d = *v;
    if (d < 0) {
      diags.error(row.file, {row.line, cols[i]}, "csv-row",
                  std::string(what) + " count " + row.cells[static_cast<std::size_t>(i)] +
                      " is negative",
                  "a count of events is never negative: record the day's good and total events");
      return true;
    }
    // Above 2^53 a double no longer holds every integer, and 28 such days sum to infinity.
    if (d >= 9007199254740992.0 && decimal_over_two_to_53(row.cells[static_cast<std::size_t>(i)])) {
      diags.error(row.file, {row.line, cols[i]}, "csv-row",
                  std::string(what) + " count " + row.cells[static_cast<std::size_t>(i)] +
                      " is over 2^53 (9007199254740992)",
                  "record event counts, not a rate or a scaled value");
      return true;
    }
    counts[i - 2] = d;
  }
  if (counts[0] > counts[1]) {
    diags.error(row.file, {row.line, cols[2]}, "csv-row",
                "good count " + row.cells[2] + " is greater than total " + row.cells[3],
                "good events are a subset of all events");
    return true;
  }
  // A readable row of a day another row gave: the clash is its error, and it is not read.
  if (row.clash) {
    diags.add(*row.clash);
    return true;
  }
  repo.add_csv_row(row.file, row.line, row.cells[0], *day, counts[0], counts[1], cols[1]);
  return true;
}

} // namespace nines

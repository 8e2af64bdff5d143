// Maturity scores and the quality rubric (SPEC 3.2).
//
// SCORING RULES (copied into docs/scoring.md)
//
// Every score is computed per service from documents in the repo. Each of the eight dimensions has
// four criteria; a criterion is an "exists" fact (some document shows the practice), never a ratio
// or an "every X has Y" rule, so adding a document can satisfy more criteria but never fewer:
// adding evidence never lowers a score. A service's computed score is 1 + the number of satisfied
// criteria (1–5). `to_raise` names the first unsatisfied criterion (for a score set by an
// assessment, see Manual assessments).
//
// slos
//   1. the service has an SLO
//   2. an error budget policy applies to one of its SLOs (the SLO's `policy`, a policy for the
//      service, or nines.yaml defaults.error_budget_policy)
//   3. one of its SLOs was reviewed within its review_cadence (weekly 7 d, monthly 31 d,
//      quarterly 92 d, yearly/annually 366 d, anything else 92 d) before now (a `last_reviewed`
//      after now has not happened and counts for nothing: review-date-in-future)
//   4. one of its SLOs is measured (daily data in its window: slo_measured, the readiness row's
//      rule) and has burn-rate alerts (slo_alert_names: its own, or the defaults `nines rules`
//      generates for it)
// monitoring
//   1. the service declares health checks
//   2. nines.yaml has golden-signal query templates for latency, traffic, errors and saturation
//   3. an alert of the service (SLO burn-rate alert, generated defaults included, or Prometheus
//      rule labelled with the service: service_alerts, as the readiness row counts them) has a
//      runbook
//   4. an SLI of its SLOs is queried from a live metrics source: it has a `query` (the SLO's,
//      else the SLI's) and nines.yaml `metrics.sources` has the Prometheus source that runs it
//      (the one `query.source` names, else the first; with no source nothing is queried), or its
//      readiness review passes monitoring.distributed-tracing
// incident_response
//   1. the service has a runbook
//   2. a runbook of the service names an escalation (contact or after_minutes)
//   3. a postmortem of the service has an action item with an owner and a deadline
//   4. a postmortem of the service was detected by an alert and records ICS roles (a role naming
//      a person; the `""` roles of a `nines new incident` draft name nobody) or a root-cause
//      analysis (five_whys or fishbone)
// automation
//   1. the service deploys daily or weekly, or its readiness review passes deploy.canary
//   2. a runbook step of the service is automated, or a toil item of it is automating/automated
//   3. auto_remediation rules name the service (self-healing)
//   4. a capacity model of the service has auto_scaling: true
// chaos_engineering: 1 + the seed's chaos maturity level (0–4) reached by the service's
//   experiments (`service`, else `method.target` naming the service) that have run: an experiment
//   counts once it records a `results.outcome` and its `date`, when given, is not after now (a
//   `nines new experiment` scaffold or a planned game day is not evidence yet; `to_raise` names
//   those not counted). An experiment's level is
//   its `level` when given, else 3 in production and 1 elsewhere; outside production a level is
//   capped at 2. Two or more experiments outside production reach level 2 (systematic). Level 4
//   (continuous) needs a production experiment declared level 4.
// capacity_planning
//   1. the service has a capacity model
//   2. a capacity model gives a growth forecast (monthly_growth_pct; `""` is not given, as
//      `nines new capacity` leaves it; 0 is a forecast of no growth)
//   3. a capacity model with a growth forecast was reviewed (last_reviewed) within 92 days before
//      now (the seed's "quarterly forecasting": a model without a forecast, or a last_reviewed
//      after now, is no such review)
//   4. a capacity model has auto_scaling: true and a growth forecast (predictive auto-scaling)
// toil_management
//   1. toil is tracked: a toil item names the service or affects its owner team
//      (`teams_affected`, whichever service the item names: the team's toil share counts it too)
//   2. a reduction plan: one of those items is automating or automated
//   3. one of those items is automated
//   4. systematic elimination: automated items save ≥ 10 h/month (automation_value, else hours)
//   (Team toil % is shown beside the score but is not a criterion: a new toil item raises it,
//   and documenting toil must never lower a score.)
// oncall_health
//   1. the service names an on-call rotation that exists and has a member
//   2. the rotation has an escalation path (escalation list or a secondary)
//   3. the rotation has at least 5 members (the seed's minimum rotation size)
//   4. a recorded month of the rotation has fewer than 2 pages per shift (balanced load)
//
// "Its readiness review passes X" holds when any readiness_review of the service dated up to now
// records X as `pass` (a later review that has not got to X keeps the point; one dated after now
// has not happened and is evidence of nothing). nines.yaml facts (golden-signal queries, the
// default policy) count for every service.
//
// Manual assessments: for each service and dimension, the latest-dated `assessment` of the
// service that scores the dimension, else the latest of its owner team, overrides it. A score left
// `""` (as `nines new assessment` writes all eight) is not given: it scores nothing and overrides
// nothing, so a fresh scaffold leaves every computed score as it was. An assessment dated after
// now has not happened and overrides nothing (a mistyped year would otherwise override for good;
// review-date-in-future names it). Both values are kept; `effective` is the manual one with
// source "assessment", and its `to_raise` says so: a newer assessment raises it (whatever the
// evidence computes), followed by what the evidence lacks (the computed score's `to_raise`).
//
// Totals and bands: total = Σ effective scores (8–40); 8–16 Firefighting, 17–24 Foundation,
// 25–32 Maturing, 33–40 Advanced. A team's and the organisation's dimension scores are the means
// of their services' scores (a new service is new scope: it joins the mean with what it has); a
// fractional total takes the band whose integer range it falls in (< 17, < 25, < 33, else
// Advanced), and is shown with one decimal kept apart from the band lines (16.96 reads 16.9,
// never 17.0 beside Firefighting; exactly 17 reads 17.0).
//
// Quality rubric (0–100): Σ weight·score/5 over SLO Coverage 20, Monitoring 15, Incident
// Response 15, Automation 15, Chaos Engineering 10, Capacity Planning 10, On-Call Health 10,
// Documentation 5. A line's 0–5 score is (maturity − 1)·5/4 of the matching effective dimension
// (1 → 0, 3 → 2.5, 5 → 5); Automation uses the mean of automation and toil_management (the seed's
// Automation line includes "<25% toil"). Documentation is counted directly, 0–5, one point each:
//   1. the service has a runbook
//   2. a runbook has diagnosis steps and mitigation options (or steps): complete
//   3. a runbook was updated within nines.yaml stale_after_days before now: current (its file's
//      last commit when git knows it, else its last_updated, as the runbook-stale lint decides; a
//      last_updated after now is not current)
//   4. a runbook has a verify step or an automated step: tested
//   5. its readiness review passes docs.operational-runbook or docs.architecture-diagram
// Like a dimension, it names the evidence of each point it has and, as `to_raise`, the first
// point it lacks.
#include "compute/detail.hpp"
#include "compute/figures.hpp"
#include "model/freshness.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <set>

namespace nines {

using namespace compute_detail;

namespace {

struct Criterion {
  bool met = false;
  std::string description; // what it takes, for to_raise
  std::vector<std::string> evidence;
};

DimensionScore ladder(const std::string& dimension, std::vector<Criterion> criteria) {
  DimensionScore d;
  d.dimension = dimension;
  int met = 0;
  for (auto& c : criteria) {
    if (c.met) {
      ++met;
      for (auto& e : c.evidence)
        d.evidence.push_back(std::move(e));
    } else if (d.to_raise.empty()) {
      d.to_raise = c.description;
    }
  }
  d.computed = std::min(5, 1 + met);
  d.effective = d.computed;
  return d;
}

double cadence_days(const std::string& cadence) {
  if (cadence == "weekly") return 7;
  if (cadence == "monthly") return 31;
  if (cadence == "quarterly") return 92;
  if (cadence == "yearly" || cadence == "annually" || cadence == "annual") return 366;
  return 92;
}

// A review dated `day` counts within `days` before `today`: never one after today, which has not
// happened (a mistyped year must not keep a document "reviewed" for good; the
// review-date-in-future lint names it).
bool reviewed_by(std::int64_t day, std::int64_t today, double days) {
  return day <= today && static_cast<double>(today - day) <= days;
}

bool contains_ci(const std::string& haystack, const std::string& needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

DimensionScore score_slos(const Repo& repo, const Service& svc,
                          const std::map<std::string, DailySeries>& series, std::int64_t today) {
  auto slos = slos_of(repo, svc.meta.id);
  Criterion has{false, "define an SLO for the service", {}};
  Criterion policy{false, "apply an error budget policy to its SLOs", {}};
  Criterion reviewed{false, "review an SLO within its review_cadence (set last_reviewed)", {}};
  Criterion measured{
      false, "measure an SLO (daily data in its window) and give it burn-rate alerts", {}};
  for (const Slo* s : slos) {
    has.met = true;
    has.evidence.push_back("slo " + s->meta.id);
    std::string source;
    if (const Policy* p = policy_for(repo, *s, &source); p && !policy.met) {
      policy.met = true;
      policy.evidence.push_back("error_budget_policy " + p->meta.id + " applies to slo " +
                                s->meta.id);
    }
    if (auto d = day_of_text(s->last_reviewed.value);
        d && !reviewed.met && reviewed_by(*d, today, cadence_days(s->review_cadence))) {
      reviewed.met = true;
      reviewed.evidence.push_back("slo " + s->meta.id + " reviewed " + s->last_reviewed.value);
    }
    // Its burn-rate alerts are those `nines rules` writes for it, the Workbook defaults it
    // generates for an SLO without burn_rate_alerts included (slo_alert_names).
    if (measured.met || !slo_measured(*s, series, today)) continue;
    std::vector<bool> generated;
    const auto alerts = slo_alert_names(repo, *s, &generated);
    if (alerts.empty()) continue;
    measured.met = true;
    const bool all_generated = std::all_of(generated.begin(), generated.end(), std::identity());
    measured.evidence.push_back("slo " + s->meta.id + " measured, with " +
                                plural(static_cast<long long>(alerts.size()), "burn-rate alert") +
                                (all_generated ? " (generated by `nines rules`)" : ""));
  }
  return ladder("slos", {has, policy, reviewed, measured});
}

// The source a query is pulled from, as the pull picks it: the Prometheus source it names, else
// the first one; none when nines.yaml configures no such source, so nothing runs the query.
const MetricsSource* query_source(const Config& config, const SliQuery& q) {
  for (const auto& src : config.sources) {
    if (!src.type.empty() && src.type != "prometheus") continue;
    if (q.source.empty() || src.name == q.source) return &src;
  }
  return nullptr;
}

DimensionScore score_monitoring(const Repo& repo, const Service& svc, std::int64_t today) {
  const std::string& id = svc.meta.id;
  Criterion health{!svc.health_checks.empty(), "declare health checks on the service", {}};
  if (health.met)
    health.evidence.push_back("service " + id + " declares " +
                              std::to_string(svc.health_checks.size()) + " health checks");
  Criterion golden{golden_signals_complete(repo.config),
                   "configure golden-signal queries (latency, traffic, errors, saturation) in "
                   "nines.yaml",
                   {}};
  if (golden.met) golden.evidence.push_back("nines.yaml golden_signals (all four)");
  Criterion alerting{false, "give an alert of the service a runbook", {}};
  // The service's alerts as the readiness row counts them (service_alerts): the defaults `nines
  // rules` generates for its SLOs page too, and a runbook answering one is evidence.
  for (const auto& a : service_alerts(repo, id))
    if (!alerting.met && a.covered) {
      alerting.met = true;
      alerting.evidence.push_back(
          "alert " + a.name +
          (a.where.starts_with("slo ") ? " of " + a.where : " (" + a.where + ")") +
          (a.generated ? " (generated by `nines rules`)" : "") + " has a runbook");
    }
  Criterion live{false,
                 "query an SLI from a live metrics source, or pass "
                 "monitoring.distributed-tracing in the readiness review",
                 {}};
  std::string unrunnable; // an SLI with a query that no configured source can run
  for (const Slo* s : slos_of(repo, id))
    for (const auto& sli : repo.slis) {
      if (live.met || sli.meta.id != s->sli.id) continue;
      // The SLO's own query comes first, as the pull reads it.
      const SliQuery* q = s->query ? &*s->query : sli.query ? &*sli.query : nullptr;
      if (!q) continue;
      if (const MetricsSource* src = query_source(repo.config, *q)) {
        live.met = true;
        live.evidence.push_back("sli " + sli.meta.id + " is queried live from metrics source " +
                                src->name);
      } else if (unrunnable.empty()) {
        unrunnable = sli.meta.id;
        live.description =
            q->source.empty()
                ? "configure a metrics source (nines.yaml metrics.sources) to run sli " +
                      sli.meta.id +
                      "'s query, or pass monitoring.distributed-tracing in the "
                      "readiness review"
                : "configure metrics source " + q->source +
                      " (nines.yaml metrics.sources) that sli " + sli.meta.id +
                      "'s query names, or pass monitoring.distributed-tracing in the readiness "
                      "review";
      }
    }
  if (!live.met && any_review_passed(repo, id, "monitoring.distributed-tracing", today)) {
    live.met = true;
    live.evidence.push_back("readiness review: monitoring.distributed-tracing pass");
  }
  return ladder("monitoring", {health, golden, alerting, live});
}

// A role left "" (the `nines new incident` placeholders) names nobody: SPEC 1.3's "not given".
// The draft's page still lists the roles to assign; only a named person records a role.
bool records_ics_roles(const Postmortem& p) {
  return std::any_of(p.ics.begin(), p.ics.end(), [](const auto& kv) {
    return kv.second.find_first_not_of(" \t") != std::string::npos;
  });
}

DimensionScore score_incident_response(const Repo& repo, const Service& svc, std::int64_t today) {
  const std::string& id = svc.meta.id;
  auto runbooks = runbooks_of(repo, id);
  Criterion runbook{!runbooks.empty(), "write a runbook for the service", {}};
  if (runbook.met) runbook.evidence.push_back("runbook " + runbooks.front()->meta.id);
  Criterion escalation{false, "name an escalation (contact, after_minutes) in a runbook", {}};
  for (const Runbook* r : runbooks)
    if (!escalation.met && (!r->escalation_contact.empty() || r->escalation_after_minutes)) {
      escalation.met = true;
      escalation.evidence.push_back("runbook " + r->meta.id + " names an escalation");
    }
  Criterion tracked{false, "track postmortem action items with an owner and a deadline", {}};
  Criterion structured{false,
                       "detect incidents by alert and record ICS roles or a root-cause analysis "
                       "(five_whys, fishbone) in the postmortem",
                       {}};
  for (const Postmortem* pp : postmortems_of(repo, id)) {
    const Postmortem& p = *pp;
    if (!dated_by(p.date, today)) continue; // an incident to come is evidence of nothing
    for (const auto& ai : p.action_items)
      if (!tracked.met && !ai.owner.empty() && !ai.deadline.empty()) {
        tracked.met = true;
        tracked.evidence.push_back("postmortem " + p.meta.id + " tracks action item " + ai.id);
      }
    if (!structured.met && contains_ci(p.how_detected, "alert") &&
        (records_ics_roles(p) || !p.five_whys.empty() || !p.fishbone.empty())) {
      structured.met = true;
      structured.evidence.push_back("postmortem " + p.meta.id +
                                    " detected by alert, with ICS roles or root-cause analysis");
    }
  }
  return ladder("incident_response", {runbook, escalation, tracked, structured});
}

DimensionScore score_automation(const Repo& repo, const Service& svc, std::int64_t today) {
  const std::string& id = svc.meta.id;
  Criterion cicd{
      false, "deploy at least weekly, or pass deploy.canary in the readiness review", {}};
  if (svc.deployment_frequency == "daily" || svc.deployment_frequency == "weekly") {
    cicd.met = true;
    cicd.evidence.push_back("service " + id + " deploys " + svc.deployment_frequency);
  } else if (any_review_passed(repo, id, "deploy.canary", today)) {
    cicd.met = true;
    cicd.evidence.push_back("readiness review: deploy.canary pass");
  }
  Criterion some{false, "automate a runbook step or a toil item of the service", {}};
  for (const Runbook* r : runbooks_of(repo, id))
    for (const auto& st : r->steps)
      if (!some.met && st.automated) {
        some.met = true;
        some.evidence.push_back("runbook " + r->meta.id + " has an automated step");
      }
  for (const ToilItem* t : toil_items_of(repo, id, ""))
    if (!some.met && (t->status == "automated" || t->status == "automating")) {
      some.met = true;
      some.evidence.push_back("toil_item " + t->meta.id + " " + t->status);
    }
  Criterion healing{false, "add auto_remediation rules for the service", {}};
  for (const AutoRemediation* a : remediations_of(repo, id))
    if (!healing.met && !a->rules.empty()) {
      healing.met = true;
      healing.evidence.push_back("auto_remediation " + a->meta.id);
    }
  Criterion scaling{false, "enable auto_scaling in a capacity model", {}};
  for (const CapacityModel* c : capacity_of(repo, id))
    if (!scaling.met && c->auto_scaling.value_or(false)) {
      scaling.met = true;
      scaling.evidence.push_back("capacity_model " + c->meta.id + " auto_scaling");
    }
  return ladder("automation", {cicd, some, healing, scaling});
}

// An experiment is evidence once it has run: it records a results.outcome and its date, when it
// gives one, is not after now. A scaffold (`nines new experiment`) or a planned game day is not.
bool experiment_ran(const Experiment& e, std::int64_t today) {
  if (e.outcome.empty()) return false;
  auto d = day_of_text(e.date);
  return !d || *d <= today;
}

DimensionScore score_chaos(const Repo& repo, const Service& svc, std::int64_t today) {
  DimensionScore d;
  d.dimension = "chaos_engineering";
  int level = 0, outside_production = 0;
  std::vector<std::string> not_run;
  for (const Experiment* ep : experiments_of(repo, svc.meta.id)) {
    const Experiment& e = *ep;
    if (!experiment_ran(e, today)) {
      not_run.push_back(e.meta.id);
      continue;
    }
    const bool prod = e.environment == "production";
    int l = e.level ? *e.level : (prod ? 3 : 1);
    if (!prod) {
      l = std::min(l, 2);
      ++outside_production;
    }
    l = std::clamp(l, 0, 4);
    level = std::max(level, l);
    d.evidence.push_back(
        "experiment " + e.meta.id + " (" +
        (e.environment.empty() ? std::string("environment not given") : e.environment) +
        ", level " + std::to_string(l) + ")");
  }
  if (outside_production >= 2 && level < 2) {
    level = 2;
    d.evidence.push_back(std::to_string(outside_production) +
                         " experiments outside production: systematic");
  }
  static const char* const raise[] = {
      "run a chaos experiment (exploratory, staging)",
      "schedule chaos experiments (two or more in staging: systematic)",
      "run a controlled chaos experiment in production (game day)",
      "automate chaos in production with safety controls (an experiment declared level 4)"};
  d.computed = 1 + level;
  d.effective = d.computed;
  if (level < 4) {
    d.to_raise = raise[level];
    // Say why an experiment on record did not count, so adding its results is the obvious step.
    if (!not_run.empty()) {
      d.to_raise += "; not counted until run (results.outcome, a date not after now):";
      for (const auto& id : not_run)
        d.to_raise += " " + id;
    }
  }
  return d;
}

DimensionScore score_capacity(const Repo& repo, const Service& svc, std::int64_t today) {
  const std::string& id = svc.meta.id;
  Criterion model{false, "write a capacity model for the service", {}};
  Criterion forecast{false, "give a growth forecast (monthly_growth_pct)", {}};
  Criterion reviewed{
      false, "review the capacity model quarterly (last_reviewed within 92 days)", {}};
  Criterion predictive{false, "enable auto_scaling together with a growth forecast", {}};
  for (const CapacityModel* cp : capacity_of(repo, id)) {
    const CapacityModel& c = *cp;
    if (!model.met) {
      model.met = true;
      model.evidence.push_back("capacity_model " + c.meta.id);
    }
    if (!forecast.met && c.monthly_growth_pct) {
      forecast.met = true;
      forecast.evidence.push_back("capacity_model " + c.meta.id + " forecasts growth");
    }
    // A quarterly review is of a forecast (the seed's "quarterly forecasting"): a model without
    // one, such as a fresh scaffold, is not reviewed capacity planning.
    if (auto d = day_of_text(c.last_reviewed.value);
        d && !reviewed.met && c.monthly_growth_pct && reviewed_by(*d, today, 92)) {
      reviewed.met = true;
      reviewed.evidence.push_back("capacity_model " + c.meta.id + " reviewed " +
                                  c.last_reviewed.value);
    }
    if (!predictive.met && c.auto_scaling.value_or(false) && c.monthly_growth_pct) {
      predictive.met = true;
      predictive.evidence.push_back("capacity_model " + c.meta.id + " auto-scales with a forecast");
    }
  }
  return ladder("capacity_planning", {model, forecast, reviewed, predictive});
}

// `team_toil` is compute_team_toil(repo), computed once for every service: per service it made
// the toil dimension cost services x toil items.
DimensionScore score_toil(const Repo& repo, const Service& svc,
                          const std::vector<TeamToil>& team_toil, std::int64_t today) {
  Criterion tracked{false, "track the service's toil (a toil_item)", {}};
  Criterion plan{false, "plan toil reduction (an item automating or automated)", {}};
  Criterion automated{false, "automate a toil item", {}};
  Criterion systematic{false, "automate toil worth at least 10 hours/month", {}};
  double saved = 0;
  for (const ToilItem* tp : toil_items_of(repo, svc.meta.id, svc.owner_team.id)) {
    const ToilItem& t = *tp;
    if (!tracked.met) {
      tracked.met = true;
      tracked.evidence.push_back("toil_item " + t.meta.id + " tracked" +
                                 (t.service.id == svc.meta.id
                                      ? std::string()
                                      : " (affects team " + svc.owner_team.id + ")"));
    }
    if (!plan.met && (t.status == "automating" || t.status == "automated")) {
      plan.met = true;
      plan.evidence.push_back("toil_item " + t.meta.id + " " + t.status);
    }
    // Automated on a day to come: planned (above), not yet automated nor saving anything.
    if (toil_automated_by(t, today)) {
      if (!automated.met) {
        automated.met = true;
        automated.evidence.push_back("toil_item " + t.meta.id + " automated");
      }
      saved += toil_hours_saved(t);
    }
  }
  if (saved >= 10) {
    systematic.met = true;
    systematic.evidence.push_back("automated toil saves " + fixed_text(saved, 1) + " h/month");
  }
  auto d = ladder("toil_management", {tracked, plan, automated, systematic});
  if (!svc.owner_team.empty())
    for (const auto& tt : team_toil)
      if (tt.team == svc.owner_team.id && tt.pct)
        d.evidence.push_back("team " + tt.team + " toil " + share_against(tt.pct, 25) +
                             " of SRE time (shown, not scored)");
  return d;
}

DimensionScore score_oncall(const Repo& repo, const Service& svc, std::int64_t today) {
  const Rotation* rot = find_rotation(repo, svc.oncall_rotation.id);
  Criterion exists{false, "name an on-call rotation with members on the service", {}};
  Criterion escalation{
      false, "document the rotation's escalation path (escalation or secondary)", {}};
  Criterion size{false, "grow the rotation to at least 5 members", {}};
  Criterion balanced{
      false, "record a month with fewer than 2 pages per shift (rotation health)", {}};
  if (rot && !rot->members.empty()) {
    exists.met = true;
    exists.evidence.push_back("oncall_rotation " + rot->meta.id + " (" +
                              std::to_string(rot->members.size()) + " members)");
  }
  if (rot && (!rot->escalation.empty() || !rot->secondary.empty())) {
    escalation.met = true;
    escalation.evidence.push_back("oncall_rotation " + rot->meta.id + " escalation path");
  }
  if (rot && rot->members.size() >= 5) {
    size.met = true;
    size.evidence.push_back("oncall_rotation " + rot->meta.id + " has ≥ 5 members");
  }
  if (rot)
    for (const auto& h : rot->health)
      if (!balanced.met && month_started(h.period, today) && h.pages && h.shifts && *h.shifts > 0 &&
          *h.pages / *h.shifts < 2) {
        balanced.met = true;
        balanced.evidence.push_back("oncall_rotation " + rot->meta.id + " " + h.period +
                                    ": < 2 pages per shift");
      }
  return ladder("oncall_health", {exists, escalation, size, balanced});
}

// The rubric's Documentation line, 0–5: one point per criterion met, each independent of the
// others. Like a dimension, it names the evidence of each point and the first point it lacks.
void score_documentation(const Repo& repo, const Service& svc, std::int64_t today,
                         const History* history, ServiceMaturity& m) {
  auto runbooks = runbooks_of(repo, svc.meta.id);
  Criterion exists{!runbooks.empty(), "write a runbook for the service", {}};
  if (exists.met) exists.evidence.push_back("runbook " + runbooks.front()->meta.id);
  Criterion complete{false, "give a runbook diagnosis steps and mitigation options (or steps)", {}};
  Criterion current{false,
                    "update a runbook (within stale_after_days, " +
                        std::to_string(repo.config.stale_after_days) + " days)",
                    {}};
  Criterion tested{false, "add a verify step or an automated step to a runbook", {}};
  for (const Runbook* r : runbooks) {
    if (!complete.met && !r->diagnosis.empty() && (!r->mitigation.empty() || !r->steps.empty())) {
      complete.met = true;
      complete.evidence.push_back("runbook " + r->meta.id + " has diagnosis and mitigation");
    }
    // Git's last commit decides, as for the runbook-stale lint (docs/governance.md).
    if (!current.met && runbook_current(*r, history, repo.config.stale_after_days, today)) {
      current.met = true;
      current.evidence.push_back("runbook " + r->meta.id + " is current");
    }
    for (const auto& st : r->steps)
      if (!tested.met && (st.action == "verify" || st.automated)) {
        tested.met = true;
        tested.evidence.push_back("runbook " + r->meta.id + " has " +
                                  (st.action == "verify" ? "a verify step" : "an automated step"));
      }
  }
  Criterion reviewed{false,
                     "pass docs.operational-runbook or docs.architecture-diagram in the readiness "
                     "review",
                     {}};
  for (const char* check : {"docs.operational-runbook", "docs.architecture-diagram"})
    if (!reviewed.met && any_review_passed(repo, svc.meta.id, check, today)) {
      reviewed.met = true;
      reviewed.evidence.push_back(std::string("readiness review: ") + check + " pass");
    }
  m.documentation = 0;
  for (auto* c : {&exists, &complete, &current, &tested, &reviewed}) {
    if (c->met) {
      ++m.documentation;
      for (auto& e : c->evidence)
        m.documentation_evidence.push_back(std::move(e));
    } else if (m.documentation_to_raise.empty()) {
      m.documentation_to_raise = c->description;
    }
  }
}

// What raises a score set by an assessment: the manual score stands until a newer assessment
// replaces it, whatever the evidence computes; what the evidence lacks follows, as it is what the
// next assessment can point to.
// `own`: the override is the service's own assessment, which only a newer one of the service
// replaces; a team's is replaced by any assessment of the service, or a newer one of the team.
std::string manual_to_raise(const DimensionScore& d, bool own) {
  if (*d.manual >= 5) return "";
  std::string text = std::string(own ? "record a newer assessment of the service"
                                     : "record an assessment of the service, or a newer one of "
                                       "its team") +
                     " (" + d.manual_assessment + " sets " + std::to_string(*d.manual) +
                     ", which overrides the computed " + std::to_string(d.computed) + ")";
  if (d.to_raise.empty()) return text + "; the evidence is at the top of the scale";
  return text + "; the evidence lacks: " + d.to_raise;
}

// The manual override of one dimension for a service: its own latest assessment that scores
// the dimension, else its owner team's. An assessment dated after today has not happened (a
// mistyped year must not override for good; review-date-in-future names it) and counts for
// nothing.
void apply_assessment(const Repo& repo, const Service& svc, std::int64_t today, DimensionScore& d) {
  for (int pass = 0; pass < 2; ++pass) {
    const Assessment* best = nullptr;
    std::optional<std::int64_t> best_day;
    for (const auto& a : repo.assessments) {
      bool mine = pass == 0 ? a.service.id == svc.meta.id && !a.service.empty()
                            : !svc.owner_team.empty() && a.team.id == svc.owner_team.id;
      if (!mine) continue;
      auto it = a.scores.find(d.dimension);
      if (it == a.scores.end()) continue;
      auto day = day_of_text(a.date);
      if (day && *day > today) continue;
      // Latest by date; an equal date lets the later document win.
      if (!best || (day && (!best_day || *day >= *best_day))) {
        best = &a;
        best_day = day;
      }
    }
    if (best) {
      d.manual = std::clamp(best->scores.at(d.dimension), 1, 5);
      d.manual_assessment = best->meta.id;
      d.manual_date = best->date;
      d.manual_notes = best->notes;
      d.effective = *d.manual;
      d.source = "assessment";
      d.to_raise = manual_to_raise(d, pass == 0);
      return;
    }
  }
}

double rubric_scale(double maturity) {
  return (maturity - 1.0) * 5.0 / 4.0;
}

GroupMaturity group_of(const std::string& id, const std::vector<const ServiceMaturity*>& members) {
  GroupMaturity g;
  g.id = id;
  auto dims = maturity_dimensions();
  std::vector<double> eff(dims.size(), 1.0);
  double doc = 0;
  g.computed_total = 0;
  g.total = 0;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    MeanDimension m;
    m.dimension = dims[i];
    if (!members.empty()) {
      double c = 0, e = 0;
      for (const ServiceMaturity* s : members) {
        c += s->dimensions[i].computed;
        e += s->dimensions[i].effective;
      }
      m.computed = c / static_cast<double>(members.size());
      m.effective = e / static_cast<double>(members.size());
    }
    // The totals and the rubric from the exact means, each figure then rounded as published:
    // a mean of whole scores is a fraction, and its binary noise (a total of 30.000000000000004,
    // or 16.999999999999996 on the wrong side of a band's line) is no part of it.
    eff[i] = m.effective;
    g.computed_total += m.computed;
    g.total += m.effective;
    m.computed = rounded_figure(m.computed);
    m.effective = rounded_figure(m.effective);
    g.dimensions.push_back(m);
  }
  g.computed_total = rounded_figure(g.computed_total);
  g.total = rounded_figure(g.total);
  for (const ServiceMaturity* s : members) {
    g.services.push_back(s->service);
    doc += s->documentation;
  }
  if (!members.empty()) doc /= static_cast<double>(members.size());
  g.scored = !members.empty();
  g.band = g.scored ? maturity_band(g.total) : "";
  g.rubric = quality_rubric(eff, doc);
  return g;
}

} // namespace

std::vector<std::string> maturity_dimensions() {
  return {"slos",
          "monitoring",
          "incident_response",
          "automation",
          "chaos_engineering",
          "capacity_planning",
          "toil_management",
          "oncall_health"};
}

std::string maturity_band(double total) {
  if (total < 17) return "Firefighting";
  if (total < 25) return "Foundation";
  if (total < 33) return "Maturing";
  return "Advanced";
}

std::string maturity_total_text(double total, int decimals) {
  return number_against(total, {17, 25, 33}, decimals);
}

Rubric quality_rubric(const std::vector<double>& s, double documentation) {
  auto at = [&](std::size_t i) { return i < s.size() ? rubric_scale(s[i]) : 0.0; };
  Rubric r;
  // Each line and the total rounded as published (a line of 13.750000000000004 points is 13.75),
  // the total summed from the exact points.
  auto line = [&](const char* name, double weight, double score) {
    score = std::clamp(score, 0.0, 5.0);
    r.lines.push_back(
        RubricLine{name, weight, rounded_figure(score), rounded_figure(weight * score / 5.0)});
    r.total += weight * score / 5.0;
  };
  line("SLO Coverage", 20, at(0));
  line("Monitoring", 15, at(1));
  line("Incident Response", 15, at(2));
  line("Automation", 15, (at(3) + at(6)) / 2.0);
  line("Chaos Engineering", 10, at(4));
  line("Capacity Planning", 10, at(5));
  line("On-Call Health", 10, at(7));
  line("Documentation", 5, documentation);
  r.total = rounded_figure(r.total);
  return r;
}

MaturityFigures compute_maturity(const Repo& repo, const std::map<std::string, DailySeries>& series,
                                 std::int64_t now, const History* history) {
  const std::int64_t today = day_of(now);
  const std::vector<TeamToil> team_toil = compute_team_toil(repo, now);
  MaturityFigures f;
  for (const auto& svc : repo.services) {
    ServiceMaturity m;
    m.service = svc.meta.id;
    m.team = svc.owner_team.id;
    m.tier = svc.tier;
    m.dimensions = {score_slos(repo, svc, series, today),
                    score_monitoring(repo, svc, today),
                    score_incident_response(repo, svc, today),
                    score_automation(repo, svc, today),
                    score_chaos(repo, svc, today),
                    score_capacity(repo, svc, today),
                    score_toil(repo, svc, team_toil, today),
                    score_oncall(repo, svc, today)};
    m.computed_total = 0;
    m.total = 0;
    std::vector<double> eff;
    for (auto& d : m.dimensions) {
      apply_assessment(repo, svc, today, d);
      m.computed_total += d.computed;
      m.total += d.effective;
      eff.push_back(d.effective);
    }
    m.band = maturity_band(m.total);
    score_documentation(repo, svc, today, history, m);
    m.rubric = quality_rubric(eff, m.documentation);
    f.services.push_back(std::move(m));

    TierCoverage& tc = f.slo_coverage_by_tier[svc.tier.empty() ? "unspecified" : svc.tier];
    ++tc.services;
    if (!slos_of(repo, svc.meta.id).empty()) ++tc.with_slo;
  }

  // The organisation is its declared services. One only an SLO of a dialect names (implied: a
  // Pyrra SLO's namespace, a Sloth spec's service) is scored on its own page, but an SLO added to
  // the repository is evidence, and must not lower the organisation's score by bringing a service
  // of no other evidence into its mean. A repository of implied services only (Sloth specs and
  // nothing else) is scored over them.
  std::vector<const ServiceMaturity*> all, declared;
  std::map<std::string, std::vector<const ServiceMaturity*>> by_team;
  for (std::size_t i = 0; i < f.services.size(); ++i) {
    const ServiceMaturity& m = f.services[i];
    all.push_back(&m);
    if (!repo.services[i].implied) declared.push_back(&m);
    if (!m.team.empty()) by_team[m.team].push_back(&m);
  }
  for (const auto& [team, members] : by_team)
    f.teams.push_back(group_of(team, members));
  f.org = group_of("org", declared.empty() ? all : declared);
  return f;
}

} // namespace nines

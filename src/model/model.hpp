// The governance model: plain structs decoded from validated documents. No I/O here.
//
// Optional numbers are std::optional; optional strings are empty when not given (the seed's ""
// placeholder means "not given", SPEC 1.3). Fields that diagnostics point at carry their Loc.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/budget.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nines {

// A reference to another document by id, with where it was written.
struct Ref {
  std::string id;
  Loc loc;
  bool empty() const { return id.empty(); }
};

struct Text {
  std::string value;
  Loc loc;
  bool empty() const { return value.empty(); }
};

// What every document has.
struct DocMeta {
  std::string kind; // "service", "slo", ...
  std::string id;
  std::string file;    // relative to the content repository
  Loc loc;             // the kind key
  Loc id_loc;          // where the id came from (id/name field, or the kind key for path-stem ids)
  std::string digest;  // hash of the document's canonical JSON (readiness sign-offs); empty
                       // in a run that stops before compute, the one stage that reads it
  std::string body;    // Markdown prose of `.md` documents
  int body_line = 0;   // the file's line the body starts on (diagnostics in the body)
  std::string dialect; // "", "openslo" or "backstage"
  // A dialect's name as its author wrote it (metadata.displayName, else metadata.name), when the
  // id is a slug of it; empty for native documents.
  std::string display_name;
  std::string written_name; // metadata.name exactly as written (the id is its slug)
  std::map<std::string, std::string> labels, annotations; // a dialect's metadata, kept
};

struct HealthCheck {
  std::string name, type, endpoint, interval, timeout;
  std::optional<double> failure_threshold;
};

// A Backstage component's catalog data beyond the model's own fields (docs/dialects.md): kept
// with the service or catalog entry and shown on its page and in the JSON API.
struct CatalogInfo {
  std::string owner_ref; // spec.owner exactly as written ("group:default/foo", "jdoe")
  Loc owner_loc;
  std::string owner_user;                      // id of the repository's User that owns it, else ""
  std::string owner_person, owner_email;       // that User's profile.displayName (else name), email
  bool owner_external = false;                 // an owner the repository does not define
  std::string system_ref, system;              // spec.system as written, and its id
  std::string system_name, system_description; // from the System entity, when the repo has it
  std::string title, lifecycle;
  std::vector<std::string> tags;
  std::string part_of_ref, part_of; // spec.subcomponentOf as written; its id when it exists
  // Known annotations.
  std::string pagerduty_service, pagerduty_integration_key, techdocs_ref, source_location,
      github_project_slug;
};

// A Backstage Component that is not a service (library, documentation, tool): shown, not scored.
struct CatalogEntry {
  DocMeta meta;
  std::string name, type, description;
  std::vector<std::pair<std::string, std::string>> links; // metadata.links: title, url
  CatalogInfo catalog;
};

// The Backstage entities nines keeps beyond services and teams, by id.
struct CatalogUser {
  std::string name, display_name, email; // metadata.name as written; spec.profile
  std::vector<std::string> member_of;    // spec.memberOf, as group ids
};
struct CatalogSystem {
  std::string name, display_name, description;
};
struct Catalog {
  std::map<std::string, CatalogUser> users;
  std::map<std::string, CatalogSystem> systems;
  std::vector<CatalogEntry> entries;
  std::set<std::string> groups; // ids of the teams that are Backstage Groups
  // Where each User and Group ("user guest", "group team-a") was read, and its namespace: one
  // name in two namespaces is a duplicate-id, and the default namespace's entity is kept.
  struct Place {
    std::string file;
    Loc loc;
    std::string ns;
    std::string name; // `metadata.name` as written: two that only slug alike are named both
  };
  std::map<std::string, Place> defined_at;
};

// The seed's service tiers, most important first: the order lists sort them in (not the
// alphabet, which would put "experimental" between "critical" and "important"). -1 for a tier
// the schema does not know.
inline int tier_rank(std::string_view tier) {
  constexpr std::string_view k_tiers[] = {"critical", "important", "standard", "experimental"};
  for (int i = 0; i < 4; ++i)
    if (tier == k_tiers[i]) return i;
  return -1;
}

struct Service {
  DocMeta meta;
  std::string name, tier, data_classification, deployment_frequency, architecture, language, infra,
      traffic_pattern, description, type, multi_region;
  Loc tier_loc, multi_region_loc;
  Ref owner_team, oncall_rotation;
  std::vector<Ref> upstream, downstream;
  std::optional<double> peak_rps, storage_gb, monthly_cost_usd;
  std::vector<HealthCheck> health_checks;
  std::vector<std::pair<std::string, std::string>> links; // title → url
  std::vector<Loc> link_locs;                             // where each of `links`' URLs is written
  // Not declared anywhere: named by a dialect SLO's spec.service only (a warning says so).
  bool implied = false;
  std::optional<CatalogInfo> catalog; // a Backstage component's catalog data
};

struct SliQuery {
  std::string good, total, source;
  Loc loc; // the `query:` node
  // Its `good:` and `total:` values, when written as such. Initialised here, so the dialects'
  // SliQuery{good, total, source, loc} need not name them.
  Loc good_loc{}, total_loc{};
  Loc source_loc{}; // its `source:` value, when written
  // A Sloth events SLI's error_query or an OpenSLO ratio's bad metric (at good_loc), from which
  // `good` is derived as (total) - (error): the query written, which checks of the text read
  // instead of `good`.
  std::string error{};
  // Where the good (or total) query is written: its own value when known, else `loc`.
  const Loc& side_loc(bool of_good) const {
    const Loc& side = of_good ? good_loc : total_loc;
    return side.line > 0 ? side : loc;
  }
};

struct Sli {
  DocMeta meta;
  // OpenSLO metricSource: the DataSource it names and its type ("Prometheus", "Datadog"...).
  // Only Prometheus-compatible sources are queried (docs/dialects.md).
  std::string source_ref, source_type;
  Loc source_ref_loc; // the metricSourceRef's value
  std::string name, description, type;
  std::string good_events, total_events, measurement_source, aggregation;
  std::vector<std::string> exclusions;
  std::optional<SliQuery> query;
  // An OpenSLO thresholdMetric: `good_events` is the metric compared with each objective's op
  // and value; its SLOs get queries of their own (Slo::query).
  bool threshold = false;
  // OpenSLO: the spec as canonical text (keys sorted, positions left out), and whether this SLI
  // is an SLO's inline indicator: one identical to an SLI object of its name is that object.
  std::string openslo_spec;
  bool inline_indicator = false;
};

struct BurnRateAlert {
  std::string name;
  Loc loc;      // the list item
  Loc name_loc; // its `name` (line 0 when it has none)
  double burn_rate = 0;
  Loc burn_rate_loc;
  std::string short_window, long_window, severity;
  double short_window_min = 0, long_window_min = 0; // parsed durations, minutes
};

// OpenSLO alerting (docs/dialects.md): an SLO's alert policies with their conditions and
// notification targets, inline or resolved by name from AlertPolicy, AlertCondition and
// AlertNotificationTarget objects. `ref` is the name a reference gave, until it is resolved.
struct AlertConditionSpec {
  std::string name, ref, display_name, description, severity, kind, op;
  std::optional<double> threshold;
  std::string lookback_window, alert_after; // as written, e.g. "1h"
  double lookback_minutes = 0, alert_after_minutes = 0;
  Loc loc;
};

struct AlertTargetSpec {
  std::string name, ref, display_name, description, target;
  Loc loc;
};

struct AlertPolicySpec {
  std::string name, ref, display_name, description;
  bool alert_when_no_data = false, alert_when_resolved = false, alert_when_breaching = false;
  std::vector<AlertConditionSpec> conditions;
  std::vector<AlertTargetSpec> targets;
  std::string file; // where the policy is written (an AlertPolicy object's file once resolved)
  Loc loc;
};

struct Slo {
  DocMeta meta;
  Ref service, sli, policy;
  std::string name, description, owner, review_cadence;
  Loc description_loc; // Markdown, rendered on the SLO list
  double target = 0;
  Loc target_loc;
  std::string window; // as written, e.g. "28d"; empty → nines.yaml default
  Loc window_loc;
  double window_days = 28;
  std::optional<double> error_budget;
  Loc error_budget_loc;
  std::optional<double> error_budget_minutes;
  Loc error_budget_minutes_loc;
  std::vector<BurnRateAlert> alerts;
  // `burn_rate_alerts` is written, even as `[]`: the SLO chose its alerts, so `nines rules` adds
  // none of the Workbook's defaults (model/alerts.hpp).
  bool alerts_declared = false;
  std::optional<double> sla;
  Loc sla_loc;
  Text last_reviewed; // YYYY-MM-DD
  Loc review_cadence_loc;
  std::vector<std::string> stakeholders, escalation_when_budget_exhausted;
  // OpenSLO windows and budgeting methods beyond rolling days of occurrences (docs/dialects.md).
  std::string calendar_unit;  // "d", "w", "M", "Q" or "Y" for a calendar-aligned window; "" rolling
  int calendar_count = 1;     // the window is `calendar_count` units: 1 for "1M"
  std::string calendar_start; // calendar.startTime's date, YYYY-MM-DD: where periods are aligned
  std::string budgeting = "Occurrences"; // Occurrences | Timeslices | RatioTimeslices
  double slice_target = 0;  // Timeslices: a slice is good when its ratio is at least this
  double slice_minutes = 0; // timeSliceWindow
  // An OpenSLO objective's op and value, and the timezone of its calendar.
  std::string threshold_op; // lt | lte | gt | gte, for a thresholdMetric SLI
  std::optional<double> threshold_value;
  Loc threshold_loc;             // op's place, or value's when op is absent
  std::string calendar_timezone; // calendar.timeZone: picks the period "now" is in
  // The SLO's own query, used instead of its SLI's: a thresholdMetric SLI compared with this
  // objective's op and value (docs/dialects.md).
  std::optional<SliQuery> query;
  std::vector<AlertPolicySpec> alert_policies;
};

// One state of an error budget policy: the condition that selects it and what people then do.
struct PolicyState {
  BudgetState state = BudgetState::Healthy;
  BudgetCondition condition;
  Loc loc;
  std::vector<std::string> actions;
};

struct Policy {
  DocMeta meta;
  Ref service;
  std::vector<PolicyState> states;
  std::vector<std::string> exceptions;
  std::vector<Loc> exception_locs; // where each of `exceptions` is written, in the same order
  std::string reset;
};

struct TimelineEntry {
  std::string time, event;
  Loc loc;
};

struct ActionItem {
  std::string id, type, description, owner, priority, deadline, status, ticket, completed;
  Loc loc;
};

struct Postmortem {
  DocMeta meta;
  // `severity` is what every figure counts: the declared one, raised by the seed's auto-escalation
  // triggers (data loss or a PII breach: SEV1; revenue impact: SEV2 at least). What the author
  // wrote stays in `declared_severity` (the `postmortem-severity` lint reads it), and why it was
  // raised in `escalated_because` ("" when it was not). `revenue_impacting` is the flag or a
  // positive impact.revenue_impact_usd, the seed's own record of revenue impact.
  std::string title, date, severity, declared_severity, escalated_because, duration, status,
      summary, root_cause, incident_id, root_cause_category;
  Loc date_loc, severity_loc, root_cause_loc;
  Loc budget_consumed_loc; // impact.slo_budget_consumed_pct, where the data check warns
  std::vector<std::string> authors, reviewers, contributing_factors, what_went_well,
      what_went_wrong, where_we_got_lucky, five_whys;
  std::map<std::string, std::vector<std::string>> fishbone;
  std::optional<double> users_affected, impact_duration_minutes, revenue_impact_usd,
      slo_budget_consumed_pct, customer_tickets;
  bool data_loss = false, security_breach_pii = false, revenue_impacting = false;
  std::vector<TimelineEntry> timeline;
  std::string how_detected, could_have_detected_sooner, how_resolved;
  std::optional<double> time_to_detect_minutes, time_to_mitigate_minutes, time_to_resolve_minutes;
  std::vector<ActionItem> action_items;
  std::vector<Ref> services;
  Ref repeat_of;
  std::string classification_function, classification_scope;
  Loc classification_loc;
  std::map<std::string, std::string> ics; // role → person (drafts from `nines new incident`)
  std::string channel;
};

struct RunbookStep {
  std::string name, action, command;
  bool automated = false, rollback_on_failure = false;
};

struct DiagnosisStep {
  std::string step, command, expected, if_unexpected;
};

struct MitigationOption {
  std::string option, when;
  std::vector<std::string> steps;
};

struct Runbook {
  DocMeta meta;
  std::string title, alert_name, last_updated, owner, overview, impact;
  Loc alert_name_loc, last_updated_loc, overview_loc, impact_loc;
  Ref service;
  std::vector<DiagnosisStep> diagnosis;
  std::vector<MitigationOption> mitigation;
  std::vector<RunbookStep> steps;
  std::optional<double> escalation_after_minutes;
  std::string escalation_contact, escalation_context;
};

struct ToilItem {
  DocMeta meta;
  std::string name, category, frequency, automation_difficulty, status, automated_on;
  Ref service;
  double time_per_occurrence_min = 0, occurrences_per_month = 0;
  std::optional<double> total_hours_per_month, automation_value, priority_score;
  Loc total_hours_loc, automated_on_loc;
  std::vector<Ref> teams_affected;
};

struct CapacityModel {
  DocMeta meta;
  Ref service;
  std::string bottleneck_resource, growth_metric, scaling_type;
  Text last_reviewed; // YYYY-MM-DD, located for the review lints
  std::optional<double> peak_utilization_pct, headroom_pct, cost_per_month_usd;
  std::optional<double> growth_current, monthly_growth_pct, projected_6mo, projected_12mo;
  std::optional<bool> auto_scaling;
  std::optional<double> min_instances, max_instances, scale_up_threshold, scale_down_threshold,
      cooldown_seconds;
  std::optional<double> cost_current_monthly, cost_projected_6mo, cost_projected_12mo;
};

// A steady-state metric of an experiment: baseline and acceptable range as written ("99.9%").
struct SteadyStateMetric {
  std::string name, baseline, acceptable_range;
};

struct Experiment {
  DocMeta meta;
  std::string name, hypothesis, date, environment, fault_type, target, blast_radius, duration,
      rollback_plan, outcome;
  Ref service;
  std::optional<int> level;
  std::vector<SteadyStateMetric> steady_state;
  std::vector<std::string> abort_conditions, required_approvals, observations, action_items;

  // The service the experiment is about: `service`, else the seed's `method.target` ("which
  // service/component"). Every list of a service's experiments attributes by this one rule (the
  // maturity score, the service page, api/services.json, the weekly review and handoff), so the
  // pages list what the score counts; a target naming a component matches no service.
  const std::string& service_id() const { return service.empty() ? target : service.id; }
};

// A planned change window of a service (`maintenance`): what the on-call engineer must know at a
// handoff. `start` and `end` as written; their instants once parsed (nullopt when unreadable: the
// decoder reported it).
struct Maintenance {
  DocMeta meta;
  Ref service;
  std::string start, end, description, rollback_plan;
  Loc start_loc, end_loc;
  std::optional<std::int64_t> start_time, end_time; // seconds since the epoch, UTC
};

struct RemediationRule {
  std::string trigger, condition, action, escalate_if;
};

struct AutoRemediation {
  DocMeta meta;
  Ref service;
  std::vector<RemediationRule> rules;
};

struct RotationHealth {
  std::string period; // YYYY-MM
  Loc loc;
  std::optional<double> pages, shifts, off_hours_pages, avg_ack_min, avg_mitigate_min,
      false_positive_pct, escalation_pct, satisfaction;
};

struct Rotation {
  DocMeta meta;
  std::string name, schedule, primary, secondary;
  Ref team;
  std::vector<std::string> members, escalation;
  Loc members_loc;
  std::vector<RotationHealth> health;
};

struct ReadinessItem {
  std::string check, status, evidence, notes;
  Loc loc;
};

struct Signoff {
  std::string name, role, date, decision, digest;
  Loc loc;
};

struct ReadinessReview {
  DocMeta meta;
  Ref service;
  std::string date;
  std::vector<ReadinessItem> items;
  std::vector<Signoff> signoffs;
};

struct Assessment {
  DocMeta meta;
  Ref service, team;
  std::string date, notes;
  std::map<std::string, int> scores; // dimension → 1..5
};

struct MonthlyReportDoc {
  DocMeta meta;
  std::string period;
  std::vector<std::string> highlights, concerns, next_month_priorities;
  std::string frozen_json; // the frozen figures, serialised; empty when not frozen
};

// An `alert:` rule from a Prometheus rule file.
struct PromAlert {
  std::string file;
  Loc loc;
  std::string name, expr, service, severity, runbook_url;
  // How long it must hold before it fires and keeps firing, and every label (by name): what
  // decides whether, how soon and to whom it pages, all of it in a sign-off's digest.
  std::string for_duration, keep_firing_for;
  std::vector<std::pair<std::string, std::string>> labels;
};

// One row of metrics/*.csv after validation. A large repository records hundreds of thousands of
// rows, so a row holds no string of its own: its file and SLO id are indices into Repo's
// csv_files and csv_slos tables (read them with Repo::csv_file() and Repo::csv_slo()).
struct CsvRow {
  std::uint32_t file = 0; // index into Repo::csv_files
  std::uint32_t slo = 0;  // index into Repo::csv_slos
  int line = 0;
  int date_col = 0;     // the date cell's column (0: not known), where the date lints point
  std::int64_t day = 0; // the `date` column, as days since 1970-01-01
  double good = 0, total = 0;
};

// One row of a recorded golden-signal file (metrics/*.csv with the header
// service,signal,date,value): the signal's value for the service on that day. Such files are few
// and small, so a row keeps its strings.
struct GoldenCsvRow {
  std::uint32_t file = 0; // index into Repo::csv_files
  int line = 0;
  int service_col = 1, signal_col = 1; // where the cells are, for the link stage's findings
  std::string service, signal;
  std::int64_t day = 0;
  double value = 0;
};

struct Team {
  std::string id, name;
  std::vector<std::string> members;
  std::optional<double> headcount;
  std::optional<double> sre_hours_per_month;
};

struct MetricsSource {
  std::string name, type, url, bearer_token_env, ca_bundle;
  double timeout_s = 10;
  int concurrency = 8;
  int retries = 3;
  // A day that ended less than this before a pull's now is provisional: the server may not have
  // ingested all of it yet, so it is stored marked and asked for again by later pulls.
  double settle_s = 0;      // off unless set: SPEC 4.2 fetches a closed day once
  Loc loc;                  // its entry under metrics.sources
  Loc name_loc;             // its `name` (the entry when there is none)
  Loc bearer_token_env_loc; // its `bearer_token_env` (the entry when there is none)
};

struct Config {
  std::string title = "Reliability", description, base_url, repo_url, branch = "main",
              theme = "default", timezone = "UTC";
  Loc timezone_loc;
  std::string as_of; // nines.yaml `as_of`: "now" when neither --now nor SOURCE_DATE_EPOCH is set
  Loc as_of_loc;
  // nines.yaml `output`: the site's folder, relative to the repository, when -o is not given.
  std::string output;
  Loc output_loc;
  std::string default_slo_window = "28d";
  Loc default_slo_window_loc;
  std::string default_policy;
  Loc default_policy_loc;
  int stale_after_days = 90;
  std::map<std::string, Team> teams;
  std::string cache_path = ".nines/cache.db";
  Loc cache_loc; // metrics.cache, when written
  std::vector<MetricsSource> sources;
  std::map<std::string, std::string> golden_signals;
  Loc golden_signals_loc;                        // metrics.golden_signals
  std::map<std::string, Loc> golden_signal_locs; // each signal's query
  double pull_deadline_s = 60; // metrics.deadline: a pull skips what is left past it
  RuleOverrides rules;
  std::size_t max_file_bytes = 8u << 20;
  std::size_t max_yaml_nodes = 1'000'000;
  std::vector<std::string> include, exclude; // globs scoping the repository walk
  std::vector<Loc> include_locs;             // where each include glob is written
  // False when nines.yaml could not be read whole (not a mapping, a second document, a link out
  // of the repository) or its `teams` was left out: references to teams are not judged then.
  bool teams_known = true;
  // The same for metrics sources: false when a source was left out, so an SLI's `source` naming
  // it is not reported as unknown on top of the source's own error.
  bool sources_known = true;
};

// Everything the repo says, after load and validate.
struct Repo {
  std::string root; // absolute path of the content repository
  Config config;
  std::vector<Service> services;
  std::vector<Sli> slis;
  std::vector<Slo> slos;
  std::vector<Policy> policies;
  std::vector<Postmortem> postmortems;
  std::vector<Runbook> runbooks;
  std::vector<ToilItem> toil;
  std::vector<CapacityModel> capacity;
  std::vector<Experiment> experiments;
  std::vector<AutoRemediation> remediations;
  std::vector<Maintenance> maintenance;
  std::vector<Rotation> rotations;
  std::vector<ReadinessReview> readiness;
  std::vector<Assessment> assessments;
  std::vector<MonthlyReportDoc> reports;
  std::vector<PromAlert> prom_alerts;
  std::vector<CsvRow> csv_rows;
  std::vector<GoldenCsvRow> golden_rows;
  // The names CsvRow indexes. A file's rows come together, so a file name is added when it
  // differs from the last one; an SLO id is added once (csv_slo_ids finds an earlier entry).
  std::vector<std::string> csv_files;
  std::vector<std::string> csv_slos;
  std::map<std::string, std::uint32_t, std::less<>> csv_slo_ids;
  // Load: YAML and Markdown files that hold no nines document and no known dialect (mkdocs.yml,
  // docker-compose, Kubernetes manifests), skipped without error.
  std::vector<std::string> skipped_files;
  // The folders of Helm charts among them (every file in and below one is skipped), sorted.
  std::vector<std::string> helm_charts;
  // The patch files a Kustomize kustomization names among them, sorted.
  std::vector<std::string> kustomize_patches;
  // Backstage Users, Systems and catalog entries (docs/dialects.md).
  Catalog catalog;
  // OpenSLO DataSource objects: id → type ("Prometheus", "Datadog"...).
  std::map<std::string, std::string> data_sources;
  // OpenSLO AlertPolicy, AlertCondition and AlertNotificationTarget objects by id, for the SLOs'
  // references to them.
  struct OpenSloAlerting {
    std::map<std::string, AlertPolicySpec> policies;
    std::map<std::string, AlertConditionSpec> conditions;
    std::map<std::string, AlertTargetSpec> targets;
    // "Kind id" → where the first object of that kind and id is ("file:line:col") and its
    // `metadata.name` as written: a second one is a duplicate-id error (naming both names when
    // they only slug alike), and the first is the one references resolve to.
    struct First {
      std::string where, name;
    };
    std::map<std::string, First> defined_at;
  } openslo_alerting;
  // Ids of documents that did not validate (and path stems of files that could not be read):
  // a reference to one of them is not reported as dangling, its own error says enough.
  std::set<std::string> failed_ids;
  // The documents of a registry kind that did not validate, with the id each would have (kind,
  // id, file and id_loc only): `nines new` never adds a second document with one of these ids,
  // which would be a duplicate-id error once the failed one is fixed.
  std::vector<DocMeta> failed_docs;
  // Folders the walk could not list (repository-relative): they hide documents nobody can name,
  // so while any is here no reference is reported as dangling (link/link.cpp).
  std::vector<std::string> unreadable_folders;
  // Whether a document that failed could have been a runbook: a `runbook:` document that did not
  // validate, a file that failed before any document of it was read (bad YAML, encoding, size), a
  // document dropped for its shape, or a folder that could not be listed. While it is true, an
  // alert without a runbook is not reported: its runbook may be that one, and its own error says
  // so. A failed SLO or OpenSLO window cannot be a runbook, and holds back nothing.
  bool runbook_may_have_failed = false;

  const std::string& csv_file(const CsvRow& row) const { return csv_files[row.file]; }
  const std::string& csv_slo(const CsvRow& row) const { return csv_slos[row.slo]; }
  // The index of a CSV file name in csv_files: the last entry when it is the same file.
  std::uint32_t intern_csv_file(std::string_view name) {
    if (csv_files.empty() || csv_files.back() != name) csv_files.emplace_back(name);
    return static_cast<std::uint32_t>(csv_files.size() - 1);
  }
  // The index of an SLO id in csv_slos. Consecutive rows are mostly of the same SLO, so the last
  // row's is tried before the map.
  std::uint32_t intern_csv_slo(std::string_view id) {
    if (!csv_rows.empty() && csv_slos[csv_rows.back().slo] == id) return csv_rows.back().slo;
    if (const auto it = csv_slo_ids.find(id); it != csv_slo_ids.end()) return it->second;
    const auto index = static_cast<std::uint32_t>(csv_slos.size());
    csv_slos.emplace_back(id);
    csv_slo_ids.emplace(id, index);
    return index;
  }
  // Adds a validated row (the tests build rows with it too).
  void add_csv_row(std::string_view file, int line, std::string_view slo, std::int64_t day,
                   double good, double total, int date_col = 0) {
    csv_rows.push_back(
        CsvRow{intern_csv_file(file), intern_csv_slo(slo), line, date_col, day, good, total});
  }
};

// The SLI an SLO names and the query it is measured with: an OpenSLO threshold objective's own,
// else its SLI's; null when there is none. The metrics pull, the SLO figures and `nines rules`
// ask this one question.
struct SloQuery {
  const Sli* sli = nullptr;
  const SliQuery* query = nullptr;
};
inline SloQuery slo_query(const Repo& repo, const Slo& slo) {
  SloQuery q;
  for (const auto& s : repo.slis)
    if (s.meta.id == slo.sli.id) q.sli = &s;
  q.query = slo.query ? &*slo.query : q.sli && q.sli->query ? &*q.sli->query : nullptr;
  return q;
}

} // namespace nines

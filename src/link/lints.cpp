// The lints of SPEC 3.1, 3.4 and 3.6: consistency checks over documents that are each valid on
// their own. Every lint skips what it cannot judge (missing fields, out-of-range targets) instead
// of guessing; the schema stage has already reported those.
#include "link/link.hpp"
#include "model/alerts.hpp"
#include "model/budget.hpp"
#include "model/exceptions.hpp"
#include "model/freshness.hpp"
#include "model/history.hpp"
#include "model/numbers.hpp"
#include "model/promql.hpp"
#include "model/runbook_index.hpp"
#include "model/severity.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace nines {
namespace {

// Each entry of `items` whose key (an empty one is none) an earlier entry has, with the first
// entry of that key, in order: a list read by key keeps the first, so the repeat is reported.
template <typename T, typename KeyOf, typename Report>
void for_each_repeat(const std::vector<T>& items, KeyOf key_of, Report report) {
  std::map<std::string_view, const T*> first;
  for (const T& item : items) {
    const std::string_view key = key_of(item);
    if (key.empty()) continue;
    const auto [it, added] = first.emplace(key, &item);
    if (!added) report(*it->second, item);
  }
}

std::string place(const std::string& file, const Loc& loc) {
  return file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
}

// The budget arithmetic divides by 100 − target; outside (0, 100) it means nothing.
bool valid_target(double target) {
  return target > 0 && target < 100;
}

// ---- SLOs (SPEC 3.1) ----

void lint_error_budget(const Slo& slo, DiagBag& diags) {
  if (!slo.error_budget || !valid_target(slo.target)) return;
  double expected = 100 - slo.target;
  if (std::abs(*slo.error_budget - expected) <= 1e-6) return;
  diags.error(slo.meta.file, slo.error_budget_loc, "slo-error-budget",
              // The value as written and the budget as the decimal it is: four decimals would
              // read "0.1 does not match (0.1)" for 0.100002, and "(0)" for a 99.99999 target.
              "error_budget " + shortest_text(*slo.error_budget) +
                  " does not match 100 - target (" + error_budget_text(slo.target) + ")",
              "error_budget is the percentage of events allowed to fail");
}

void lint_budget_minutes(const Slo& slo, DiagBag& diags) {
  if (!slo.error_budget_minutes || !valid_target(slo.target) || slo.window_days <= 0) return;
  double expected = slo.window_days * 1440 * (100 - slo.target) / 100;
  // The slack absorbs rounding in the product, so "exactly one minute off" stays accepted.
  if (std::abs(*slo.error_budget_minutes - expected) <= 1 + 1e-6) return;
  std::string window = slo.window.empty() ? trimmed_text(slo.window_days) + "d" : slo.window;
  diags.error(slo.meta.file, slo.error_budget_minutes_loc, "slo-budget-minutes",
              "error_budget_minutes " + trimmed_text(*slo.error_budget_minutes) +
                  " is off by more than a minute: " + shortest_text(slo.target) + "% over " +
                  window + " allows " + trimmed_text(expected) + " minutes",
              "error_budget_minutes is window minutes x (100 - target) / 100");
}

void lint_sla(const Slo& slo, DiagBag& diags) {
  if (!slo.sla || !valid_target(slo.target) || *slo.sla < slo.target) return;
  diags.error(slo.meta.file, slo.sla_loc, "slo-sla",
              "SLA " + shortest_text(*slo.sla) + "% is not below the SLO target " +
                  shortest_text(slo.target) + "%",
              "the internal SLO must be stricter than the external SLA (typically by 0.1-0.5%)");
}

// A native target is a percentage (SPEC 1.3); a dialect's target is read from its own form.
bool looks_like_ratio(const Slo& slo) {
  return slo.meta.dialect.empty() && target_reads_as_ratio(slo.target);
}

// An error: the SLO's every figure would be computed against a budget of about 99% and read
// healthy for ever. The budget lints of such an SLO (error_budget, error_budget_minutes, burn
// rates that could never fire) are left out: each would say how to make the rest agree with the
// mistaken target, and doing so would publish it.
void lint_target_ratio(const Slo& slo, DiagBag& diags) {
  if (!looks_like_ratio(slo)) return;
  const std::string written = shortest_text(slo.target);
  diags.error(slo.meta.file, slo.target_loc, "slo-target-ratio",
              "target " + written + " is a percentage: " + written + "% — did you mean " +
                  shortest_text(published_figure(slo.target * 100)) + "?",
              "a native SLO's target is a percentage (99.9), not a ratio (0.999) as in OpenSLO");
}

// A budget under 1e-10 percent (a target past twelve nines, 99.9999999999) is finer than a double
// holds a percentage near 100: 99.99999999999999 is stored 42% off its budget of 1e-14, and every
// figure divided by the budget would be that far off. An error, so no such number is published.
void lint_target_precision(const Slo& slo, DiagBag& diags) {
  if (!valid_target(slo.target) || 100 - slo.target >= 0.99e-10) return;
  diags.error(slo.meta.file, slo.target_loc, "slo-target-precision",
              "target " + shortest_text(slo.target) +
                  "% leaves an error budget under 0.0000000001%, finer than nines can compute "
                  "exactly",
              "write at most ten decimals (99.9999999999)");
}

std::optional<std::int64_t> cadence_days(std::string_view cadence) {
  // The longest month and year, so a review on the same date next period is never late.
  if (cadence == "weekly") return 7;
  if (cadence == "monthly") return 31;
  if (cadence == "quarterly") return 92;
  if (cadence == "yearly") return 366;
  return std::nullopt;
}

// "commit abc1234 on 2026-03-01" or "an uncommitted change": where a file's last change came from.
std::string change_text(const FileChange& ch) {
  if (ch.uncommitted) return "an uncommitted change";
  return "commit " + ch.short_hash + " on " + format_date(day_of(ch.time));
}

// A date field older than its file's last change is out of date: the file changed after it.
void lint_field_out_of_date(const DocMeta& meta, const char* field, const std::string& value,
                            Loc loc, const FileChange* ch, DiagBag& diags) {
  if (!ch) return;
  auto date = parse_date(value);
  if (!date || *date >= day_of(ch->time)) return;
  diags.warning(meta.file, loc, "field-out-of-date",
                std::string(field) + " " + value + " is older than the file's last change (" +
                    change_text(*ch) + ")",
                std::string("update ") + field + " when you change the document, or drop it: " +
                    "the last commit is used instead");
}

// A review or update dated after now has not happened: the scores do not count it
// (docs/scoring.md), and without this warning a mistyped year would silence the review lints for
// good.
void lint_date_in_future(const DocMeta& meta, const char* field, const std::string& value, Loc loc,
                         std::int64_t today, DiagBag& diags,
                         const char* rule = "review-date-in-future",
                         const char* why = "a review or update that has not happened yet is not "
                                           "counted") {
  auto date = day_of_text(value);
  if (!date || *date <= today) return;
  diags.warning(meta.file, loc, rule,
                std::string(field) + " " + value + " is after now (" + format_date(today) +
                    "): " + why,
                std::string("set ") + field + " to the day it happened");
}

// An incident, a completion, an automation or an experiment's recorded outcome dated after now
// has not happened: the figures leave it out until that day (docs/scoring.md), and a mistyped
// year (2062 for 2026) would keep it out silently. An experiment without an outcome dated ahead
// is a planned one, and so is an automation not yet marked automated.
void lint_event_in_future(const Repo& repo, std::int64_t today, DiagBag& diags) {
  const char* rule = "event-date-in-future";
  for (const auto& pm : repo.postmortems) {
    lint_date_in_future(pm.meta, "date", pm.date, pm.date_loc.line > 0 ? pm.date_loc : pm.meta.loc,
                        today, diags, rule,
                        "an incident that has not happened yet is in no report or dashboard "
                        "figure");
    for (const auto& a : pm.action_items)
      lint_date_in_future(pm.meta, "completed", a.completed, a.loc.line > 0 ? a.loc : pm.meta.loc,
                          today, diags, rule,
                          "an action item completed on a day to come is still open on every "
                          "page and report until that day");
  }
  for (const auto& t : repo.toil)
    if (t.status == "automated")
      lint_date_in_future(t.meta, "automated_on", t.automated_on,
                          t.automated_on_loc.line > 0 ? t.automated_on_loc : t.meta.loc, today,
                          diags, rule, "toil automated on a day to come is still counted as spent");
  for (const auto& e : repo.experiments)
    if (!e.outcome.empty())
      lint_date_in_future(e.meta, "date", e.date, e.meta.loc, today, diags, rule,
                          "the outcome of an experiment that has not run yet counts for no "
                          "maturity score");
  for (const auto& r : repo.rotations)
    for (const auto& h : r.health)
      if (!h.period.empty() && !month_started(h.period, today))
        diags.warning(r.meta.file, h.loc.line > 0 ? h.loc : r.meta.loc, rule,
                      "on-call health period " + h.period + " is after now (" + format_date(today) +
                          "): a month that has not started is in no on-call figure or score",
                      "set period to the month the pages were counted (YYYY-MM)");
}

const FileChange* change_of(const History* history, const DocMeta& meta) {
  return history ? history->last_change(meta.file) : nullptr;
}

void lint_review_overdue(const Slo& slo, std::int64_t today, DiagBag& diags, const FileChange* ch) {
  auto cadence = cadence_days(slo.review_cadence);
  if (!cadence) return;
  if (slo.last_reviewed.empty() && ch) {
    // Without last_reviewed, the file's last change is the last review.
    std::int64_t age = today - day_of(ch->time);
    if (age <= *cadence) return;
    diags.warning(slo.meta.file, slo.review_cadence_loc, "slo-review-overdue",
                  "SLO has no last_reviewed and its file last changed " + std::to_string(age) +
                      " days ago (" + change_text(*ch) + "), past its " + slo.review_cadence +
                      " cadence (" + std::to_string(*cadence) + " days)",
                  "review the SLO and add last_reviewed: YYYY-MM-DD");
    return;
  }
  if (slo.last_reviewed.empty()) {
    diags.warning(slo.meta.file, slo.review_cadence_loc, "slo-review-overdue",
                  "SLO has a " + slo.review_cadence + " review cadence but no last_reviewed date",
                  "add last_reviewed: YYYY-MM-DD after the next review");
    return;
  }
  auto reviewed = parse_date(slo.last_reviewed.value);
  if (!reviewed) return;
  std::int64_t age = today - *reviewed;
  if (age <= *cadence) return;
  diags.warning(slo.meta.file, slo.last_reviewed.loc, "slo-review-overdue",
                "SLO last reviewed " + slo.last_reviewed.value + ", " + std::to_string(age) +
                    " days ago, past its " + slo.review_cadence + " cadence (" +
                    std::to_string(*cadence) + " days)",
                "review the SLO and update last_reviewed");
}

// The seed's multi-region strategies, weakest first; the index is the rank.
constexpr std::array<std::string_view, 5> k_region_strategies = {
    "single", "active-passive", "active-active-read", "active-active-full", "cell-based"};

std::optional<std::size_t> region_rank(std::string_view strategy) {
  auto it = std::find(k_region_strategies.begin(), k_region_strategies.end(), strategy);
  if (it == k_region_strategies.end()) return std::nullopt;
  return static_cast<std::size_t>(it - k_region_strategies.begin());
}

// The seed's decision guide: the strategy a target needs. Four nines and beyond skip straight to
// cells, as the guide does.
std::size_t required_region_rank(double target) {
  if (target < 99.9) return 0;
  if (target <= 99.95) return 1;
  if (target <= 99.99) return 2;
  return 4;
}

void lint_multi_region(const Repo& repo, DiagBag& diags) {
  for (const auto& service : repo.services) {
    if (service.multi_region.empty()) continue;
    auto rank = region_rank(service.multi_region);
    if (!rank) continue;
    std::optional<double> strictest;
    for (const auto& slo : repo.slos) {
      if (slo.service.id != service.meta.id || !valid_target(slo.target)) continue;
      if (!strictest || slo.target > *strictest) strictest = slo.target;
    }
    if (!strictest) continue;
    std::size_t required = required_region_rank(*strictest);
    if (*rank >= required) continue;
    diags.warning(service.meta.file, service.multi_region_loc, "slo-multi-region",
                  "multi_region '" + service.multi_region + "' is below the decision guide for a " +
                      shortest_text(*strictest) + "% SLO: at least " +
                      std::string(k_region_strategies[required]),
                  "a stricter SLO needs more regions to absorb a regional outage");
  }
}

void lint_burn_alerts(const Slo& slo, DiagBag& diags) {
  if (!valid_target(slo.target)) return;
  const double max_burn = max_burn_rate(slo.target);
  for (const auto& alert : slo.alerts) {
    // The multiwindow rule: the long window says how much budget a firing alert has spent
    // (B·L/W), the short one how soon it stops once the burn does. Swapped or equal windows make
    // that arithmetic wrong, and a long window past the SLO's spends more than the budget.
    const double short_min = alert.short_window_min, long_min = alert.long_window_min;
    if (short_min > 0 && long_min > 0 && short_min >= long_min)
      diags.warning(slo.meta.file, alert.loc, "burn-alert-windows",
                    "burn-rate alert '" + alert.name + "': short_window " + alert.short_window +
                        (short_min == long_min
                             ? " is the same as long_window " + alert.long_window +
                                   ": the alert judges by one window only"
                             : " is longer than long_window " + alert.long_window +
                                   ": the budget a firing alert has spent is the longer "
                                   "window's, not the one named long"),
                    "the short window is the smaller one, about a twelfth of the long (5m "
                    "beside 1h, 30m beside 6h)");
    else if (!window_holds_alert(long_min, slo.window_days))
      diags.warning(slo.meta.file, alert.loc, "burn-alert-windows",
                    "burn-rate alert '" + alert.name + "': long_window " + alert.long_window +
                        " is longer than the SLO's " + trimmed_text(slo.window_days) +
                        "-day window: by the time it fires, more than the whole budget is spent",
                    "keep the alert's windows within the SLO window (the Workbook's slow burn "
                    "is 6h beside 3d for a 30-day SLO)");
    if (burn_rate_reachable(alert.burn_rate, slo.target)) continue;
    // At the maximum itself the reason is the rule's strict comparison: say so, or "at 10x ...
    // the highest possible burn rate is 10x" reads as if it could.
    const bool at_max = !burn_rate_exceeds(alert.burn_rate, max_burn);
    diags.error(slo.meta.file, alert.burn_rate_loc, "burn-alert-never-fires",
                "burn-rate alert '" + alert.name + "' at " + trimmed_text(alert.burn_rate) +
                    "x can never fire: with a " + shortest_text(slo.target) +
                    "% target the highest possible burn rate is " + trimmed_text(max_burn) + "x" +
                    (at_max ? ", and the alert fires only on a burn above its threshold" : ""),
                "lower the threshold, or drop this alert (SRE Workbook, alerting on SLOs)");
  }
}

// Every alert `nines rules` writes for an SLO is named once: Prometheus takes two alerts of one
// name in a group, but one runbook would answer both, and the SLO's pages, `nines budget` and
// api/slos.json would show two rows of one name. An error at the second name, naming the first
// (as a check listed twice in a readiness review is). OpenSLO conditions alike in their rule are
// one alert (rule_conditions); a different one of a taken name would get no rule at all.
void lint_alert_names(const Slo& slo, DiagBag& diags) {
  auto name_loc = [](const BurnRateAlert& a) { return a.name_loc.line > 0 ? a.name_loc : a.loc; };
  for_each_repeat(
      slo.alerts, [](const BurnRateAlert& a) -> std::string_view { return a.name; },
      [&](const BurnRateAlert& first, const BurnRateAlert& again) {
        diags.error(slo.meta.file, name_loc(again), "duplicate-id",
                    "duplicate burn-rate alert name '" + again.name + "' in SLO '" + slo.meta.id +
                        "' (`nines rules` would write two alerts of one name): also listed at " +
                        place(slo.meta.file, name_loc(first)),
                    "give each of the SLO's burn_rate_alerts a name of its own, as fast_burn and "
                    "slow_burn are: an alert's runbook is found by its name");
      });
  for (const auto& [first, again] : condition_clashes(slo)) {
    // What differs, as written: "threshold 3, not 14.4; severity ticket, not page".
    const AlertConditionSpec &a = *again.condition, &f = *first.condition;
    std::string differs;
    auto field = [&](const char* name, const std::string& mine, const std::string& theirs) {
      if (mine == theirs) return;
      auto shown = [](const std::string& v) { return v.empty() ? std::string("(none)") : v; };
      differs += (differs.empty() ? "" : "; ") + std::string(name) + " " + shown(mine) + ", not " +
                 shown(theirs);
    };
    field("kind", a.kind, f.kind);
    field("op", a.op, f.op);
    field("threshold", shortest_text(*a.threshold), shortest_text(*f.threshold));
    field("lookbackWindow", a.lookback_minutes == f.lookback_minutes ? "" : a.lookback_window,
          a.lookback_minutes == f.lookback_minutes ? "" : f.lookback_window);
    field("alertAfter", a.alert_after_minutes == f.alert_after_minutes ? "" : a.alert_after,
          a.alert_after_minutes == f.alert_after_minutes ? "" : f.alert_after);
    field("severity", a.severity, f.severity);
    diags.error(again.policy->file, again.condition->loc, "duplicate-id",
                "duplicate AlertCondition name '" + a.name + "' in SLO '" + slo.meta.id +
                    "', a different condition (" + differs +
                    ") that would get no alert rule: also listed at " +
                    place(first.policy->file, first.condition->loc),
                "give each AlertCondition a metadata.name of its own, or make them one "
                "condition (a conditionRef to one AlertCondition object)");
  }
}

// ---- Incidents, toil, on-call (SPEC 3.4) ----

void lint_postmortem_severity(const Postmortem& pm, DiagBag& diags) {
  auto declared = severity_number(pm.declared_severity);
  if (!declared) return;
  // Candidates in reporting order; the first with the most severe requirement names the reason.
  std::optional<int> required;
  std::string reason;
  auto consider = [&](int sev, std::string why) {
    if (!required || sev < *required) {
      required = sev;
      reason = std::move(why);
    }
  };
  if (!pm.classification_function.empty() && !pm.classification_scope.empty()) {
    if (auto m = matrix_severity(pm.classification_function, pm.classification_scope))
      consider(*m, pm.classification_function + " affecting " + pm.classification_scope +
                       " is SEV" + std::to_string(*m));
  }
  if (pm.data_loss) consider(1, "data loss requires SEV1");
  if (pm.security_breach_pii) consider(1, "a security breach with PII requires SEV1");
  if (pm.revenue_impacting) consider(2, "revenue impact requires SEV2 or higher");
  if (!required || *declared <= *required) return;
  diags.warning(pm.meta.file, pm.severity_loc, "postmortem-severity",
                "declared SEV" + std::to_string(*declared) +
                    " is below the severity matrix: " + reason +
                    (pm.escalated_because.empty() ? "" : " (counted as " + pm.severity + ")"),
                "raise the severity, or correct the classification");
}

void lint_timeline_order(const Postmortem& pm, DiagBag& diags) {
  const TimelineEntry* prev = nullptr;
  std::int64_t prev_time = 0;
  bool prev_dated = false;
  for (const auto& entry : pm.timeline) {
    bool dated = false;
    auto t = parse_timeline_time(entry.time, dated);
    if (!t) continue;
    // A time of day and a full timestamp are on different scales; only like compares to like.
    if (prev && dated == prev_dated && *t < prev_time)
      diags.warning(pm.meta.file, entry.loc, "postmortem-timeline-order",
                    "timeline entry at " + entry.time + " is earlier than the one before it (" +
                        prev->time + ")",
                    "timeline entries are chronological");
    prev = &entry;
    prev_time = *t;
    prev_dated = dated;
  }
}

void lint_action_items(const Postmortem& pm, DiagBag& diags) {
  std::size_t position = 0;
  for (const auto& item : pm.action_items) {
    ++position;
    std::string name = item.id.empty() ? "#" + std::to_string(position) : item.id;
    if (item.owner.empty())
      diags.warning(pm.meta.file, item.loc, "action-item-owner",
                    "action item " + name + " has no owner",
                    "an action item without an owner is rarely done");
    if (item.deadline.empty())
      diags.warning(pm.meta.file, item.loc, "action-item-deadline",
                    "action item " + name + " has no deadline",
                    "give it a deadline so it can show as overdue");
    // The monthly report (SPEC 3.5) counts `completed` in its month and `done` for open: an item
    // dated completed but not done is counted both ways, as toil-automated-status says of toil.
    if (!item.completed.empty() && item.status != "done" && parse_date(item.completed)) {
      const std::string status = item.status.empty() ? "not given" : "'" + item.status + "'";
      diags.warning(pm.meta.file, item.loc, "action-item-status",
                    "action item " + name + " has completed " + item.completed +
                        " while its status is " + status + ": the monthly report for " +
                        item.completed.substr(0, 7) +
                        " counts it both as completed and as open, and every page shows it open",
                    "set status: done once it is done, or remove completed until it is");
    }
  }
}

// SPEC 1.3: a query without {{window}} is a counter selector, evaluated as
// sum(increase(<query>[<window>])). Prometheus accepts a range only on a vector selector
// ("ranges only allowed for vector selectors"), so any other such query — one that already holds
// a range (`rate(x[5m])`), a function (`sum(x)`), an operator (`a + b`) — fails every fetch and
// makes the generated rule file unloadable. A constant (`vector(1)`, a raw ratio's total) is
// used as written. A query with {{window}} is used as written, so the same holds for each of its
// ranges (MetricsQL's `vector(1)[{{window}}]` is no PromQL).
void lint_sli_query_range(const Sli& sli, DiagBag& diags) {
  if (!sli.query) return;
  // A good query derived from a Sloth error query is checked as the error query written, at its
  // place: a problem of the total query is the total's alone.
  const bool derived = !sli.query->error.empty();
  for (const auto& [which, q] :
       {std::pair<const char*, const std::string*>{derived ? "error" : "good",
                                                   derived ? &sli.query->error : &sli.query->good},
        {"total", &sli.query->total}}) {
    const Loc& at = sli.query->side_loc(which[0] != 't');
    if (has_at_modifier(*q)) {
      diags.error(
          sli.meta.file, at, "sli-query-at",
          std::string("SLI query '") + which +
              "' pins its evaluation time with the @ modifier: every day nines fetches "
              "(each evaluated at its own end) would read the same instant's counts",
          "drop the `@ …` modifier; nines evaluates the query at each day's end and at now");
      continue;
    }
    if (q->empty() || sli_query_renders(*q)) continue;
    if (auto misplaced = range_on_non_selector(*q); q->find("{{window}}") != std::string::npos) {
      diags.warning(sli.meta.file, at, "sli-query-range",
                    std::string("SLI query '") + which + "' puts a range on '" +
                        misplaced.value_or("") +
                        "', which is no vector selector: Prometheus rejects it (ranges are "
                        "allowed only on vector selectors; MetricsQL accepts it)",
                    "put the range on the selector inside, e.g. sum(rate(x[{{window}}])), or make "
                    "it a subquery ([{{window}}:1m])");
      continue;
    }
    std::string range;
    for (std::size_t open = q->find('['); open != std::string::npos && range.empty();
         open = q->find('[', open + 1)) {
      const std::size_t close = q->find(']', open);
      if (close == std::string::npos) break;
      range = q->substr(open + 1, close - open - 1);
      if (range.empty() || range.find_first_not_of("0123456789smhdwy:") != std::string::npos ||
          !std::isdigit(static_cast<unsigned char>(range[0])))
        range.clear();
    }
    const std::string what =
        range.empty() ? "has no {{window}} and is not a counter selector (a metric name and "
                        "{...} matchers alone): it is queried as "
                      : "already holds a range ([" + range +
                            "]) but no {{window}}: it is read as a counter selector and queried "
                            "as ";
    diags.warning(sli.meta.file, at, "sli-query-range",
                  std::string("SLI query '") + which + "' " + what +
                      "sum(increase(<query>[<window>])), which Prometheus rejects",
                  "put {{window}} where the range goes, e.g. "
                  "sum(increase(http_requests_total{code!~\"5..\"}[{{window}}])), or give "
                  "the counter selector alone");
  }
}

void lint_rotation_size(const Rotation& rotation, DiagBag& diags) {
  constexpr std::size_t k_min_members = 5;
  if (rotation.members.size() >= k_min_members) return;
  const std::string& name = rotation.meta.id.empty() ? rotation.name : rotation.meta.id;
  diags.warning(rotation.meta.file, rotation.members_loc, "oncall-rotation-size",
                "rotation '" + name + "' has " +
                    plural(static_cast<long long>(rotation.members.size()), "member") +
                    ", fewer than the " + std::to_string(k_min_members) +
                    " a sustainable rotation needs",
                "one week on, four weeks off needs at least 5 people");
}

// A month's health listed twice would be read twice (the report summed both, the on-call page
// showed one); the first is read and the second is the error, at its own entry.
void lint_duplicate_period(const Rotation& rotation, DiagBag& diags) {
  const std::string& name = rotation.meta.id.empty() ? rotation.name : rotation.meta.id;
  for_each_repeat(
      rotation.health, [](const RotationHealth& h) -> std::string_view { return h.period; },
      [&](const RotationHealth& first, const RotationHealth& h) {
        diags.error(rotation.meta.file, h.loc, "duplicate-period",
                    "rotation '" + name + "' lists period " + h.period + " twice (first at line " +
                        std::to_string(first.loc.line) + "); only the first entry is read",
                    "merge the two entries into one, or correct the period of this one");
      });
}

void lint_toil_hours(const ToilItem& toil, DiagBag& diags) {
  if (!toil.total_hours_per_month) return;
  double expected = toil.time_per_occurrence_min * toil.occurrences_per_month / 60;
  // Tolerates a figure rounded to one decimal; the slack keeps exactly 0.1 off accepted.
  if (std::abs(*toil.total_hours_per_month - expected) <= 0.1 + 1e-9) return;
  diags.warning(toil.meta.file, toil.total_hours_loc, "toil-hours",
                "total_hours_per_month " + trimmed_text(*toil.total_hours_per_month) +
                    " does not match " + trimmed_text(toil.time_per_occurrence_min) + " min x " +
                    trimmed_text(toil.occurrences_per_month) +
                    " per month = " + trimmed_text(expected) + " h",
                "total_hours_per_month is time_per_occurrence_min x occurrences_per_month / 60");
}

// The monthly report (SPEC 3.5) counts a toil item's hours as spent until its status is
// `automated`, and its automation_value as automated away in the month of automated_on: an item
// dated but not marked automated is counted both ways in that month.
void lint_toil_automated_status(const ToilItem& toil, DiagBag& diags) {
  if (toil.automated_on.empty() || toil.status == "automated") return;
  const auto day = parse_date(toil.automated_on);
  if (!day) return; // the schema reports a date it cannot read
  const std::string status = toil.status.empty() ? "not given (active)" : "'" + toil.status + "'";
  diags.warning(toil.meta.file, toil.automated_on_loc, "toil-automated-status",
                "automated_on " + toil.automated_on + " is set while status is " + status +
                    ": the monthly report for " + format_date(*day).substr(0, 7) +
                    " counts the item both as toil spent and as automated away",
                "set status: automated once the toil is automated away, or remove automated_on "
                "until it is");
}

// ---- Error budget policies ----

// An exception that uses a change type's word but names none lets nothing through
// (docs/governance.md), though its author meant it to let that type through: say so where it is
// written. Prose that uses no type's word names a change the gate has no type for, and is left
// alone.
void lint_policy_exceptions(const Policy& policy, DiagBag& diags) {
  for (std::size_t i = 0; i < policy.exceptions.size(); ++i) {
    const std::string& e = policy.exceptions[i];
    if (!exception_change_types(e).empty() || !exception_mentions_change_type(e)) continue;
    diags.warning(policy.meta.file,
                  i < policy.exception_locs.size() ? policy.exception_locs[i] : policy.meta.loc,
                  "policy-exception-unread",
                  "exception '" + e +
                      "' names no change type nines can read; it lets nothing through",
                  "use the structured form, `- change_type: security` (feature, fix, security, "
                  "compliance or data-loss-prevention) with the sentence as `note:`");
  }
}

// ---- Alerts and runbooks (SPEC 3.6) ----

// The hint of an alert without a runbook. A runbook with its alert_name that names another service
// is the likely near miss: say which, rather than ask for a runbook that seems to be there.
std::string runbook_hint(const Repo& repo, const std::string& alert, const std::string& service,
                         const std::string& otherwise) {
  for (const auto& rb : repo.runbooks)
    if (rb.alert_name == alert && !rb.service.empty() && rb.service.id != service)
      return "runbook '" + rb.meta.id + "' (" + rb.meta.file + ") answers alert " + alert +
             " of service " + rb.service.id + ", not " +
             (service.empty() ? std::string("of this alert, which has none") : service) +
             ": correct its service, or add a runbook for this one";
  // A runbook whose alert_name is a near miss of the alert's (`fast-burn` for `fast_burn`, a
  // letter's case): the typo to correct, rather than a second runbook to write.
  std::vector<std::string> names;
  for (const auto& rb : repo.runbooks)
    if (!rb.alert_name.empty() && (rb.service.empty() || rb.service.id == service))
      names.push_back(rb.alert_name);
  if (const std::string near = closest(alert, names); !near.empty() && near != alert)
    for (const auto& rb : repo.runbooks)
      if (rb.alert_name == near && (rb.service.empty() || rb.service.id == service))
        return "runbook '" + rb.meta.id + "' (" + rb.meta.file + ") has alert_name '" + near +
               "': did you mean '" + alert + "'? Correct it, or " + otherwise;
  return otherwise;
}

void lint_slo_alert_runbooks(const Repo& repo, const Slo& slo, const RunbookIndex& runbooks,
                             const std::unordered_set<std::string_view>& services, DiagBag& diags) {
  // A document that failed may be the runbook (Repo::runbook_may_have_failed); its own error
  // says so.
  if (repo.runbook_may_have_failed) return;
  // An SLO of an unknown service is already an error; which runbook it needs is then unknowable.
  if (!slo.service.empty() && services.count(slo.service.id) == 0) return;
  // Nor when a dialect SLO names an undeclared service close to a declared one (`example-ap`):
  // the reference's warning has its did-you-mean, and runbooks asked for the typo's name would
  // only cement it.
  if (!slo.service.empty() && !slo.meta.dialect.empty()) {
    const Service* named = nullptr;
    std::vector<std::string> declared;
    for (const auto& s : repo.services) {
      if (s.meta.id == slo.service.id) named = &s;
      if (!s.implied) declared.push_back(s.meta.id);
    }
    if (named && named->implied && !closest(slo.service.id, declared).empty()) return;
  }
  for (const auto& alert : slo.alerts) {
    // A nameless alert is a schema error; "alert '' has no runbook" would only add noise.
    if (alert.name.empty()) continue;
    // An SLO alert always belongs to the SLO's service, so a service-less SLO is matched only by
    // runbooks that name no service either.
    if (runbooks.covers(alert.name, slo.service.id)) continue;
    std::string service = slo.service.empty() ? "" : " (service " + slo.service.id + ")";
    std::string hint = "add a runbook with alert_name: " + alert.name;
    if (!slo.service.empty()) hint += " and service: " + slo.service.id;
    diags.error(slo.meta.file, alert.loc, "alert-runbook",
                "burn-rate alert '" + alert.name + "' of SLO '" + slo.meta.id + "'" + service +
                    " has no runbook",
                runbook_hint(repo, alert.name, slo.service.id, hint));
  }
  // The alerts of its OpenSLO alert policies page too (`nines rules` writes one per burnrate
  // condition): the rules-runbook warning `nines rules` prints for them, at the condition, so a
  // pull request hears of a missing runbook as it does for the SLO's own alerts (SPEC 3.6).
  if (slo_makes_rules(repo, slo))
    for (const auto& [policy, c] : rule_conditions(slo)) {
      if (runbooks.covers(c->name, slo.service.id)) continue;
      diags.warning(policy->file, c->loc, "rules-runbook",
                    "alert '" + c->name + "' (OpenSLO AlertCondition of SLO '" + slo.meta.id +
                        "') has no runbook; `nines rules` points its runbook_url at the SLO's page",
                    "add a runbook with alert_name: " + c->name +
                        (slo.service.empty() ? "" : " and service: " + slo.service.id));
    }
  // The Workbook defaults `nines rules` generates for an SLO without burn_rate_alerts page too, so
  // a pull request hears of a missing runbook before the rules file does. A warning at the SLO,
  // the finding `nines rules` prints: nobody wrote these alerts, and `burn_rate_alerts: []` (or
  // alerts of the SLO's own) silences it.
  if (!pages_with_workbook_alerts(repo, slo)) return;
  std::vector<std::string> missing;
  for (const auto& alert : reachable_workbook_alerts(slo))
    if (!runbooks.covers(alert.name, slo.service.id)) missing.push_back(alert.name);
  if (missing.empty()) return;
  std::string names, hint;
  for (std::size_t i = 0; i < missing.size(); ++i) {
    const std::string sep = i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ";
    names += sep + "'" + missing[i] + "'";
    hint += sep + missing[i];
  }
  const bool one = missing.size() == 1;
  const std::string service = slo.service.empty() ? "" : " (service " + slo.service.id + ")";
  diags.warning(slo.meta.file, slo.meta.loc, "rules-runbook",
                std::string(one ? "default alert " : "default alerts ") + names +
                    " that `nines rules` generates for SLO '" + slo.meta.id + "'" + service +
                    (one ? " has" : " have") + " no runbook; " + (one ? "its" : "their") +
                    " runbook_url points at the SLO's page",
                "add a runbook with alert_name " + hint +
                    (slo.service.empty() ? "" : " (service: " + slo.service.id + ")") +
                    ", or give the SLO burn_rate_alerts of its own ([] for none)");
}

void lint_prom_alert_runbooks(const Repo& repo, const RunbookIndex& runbooks, DiagBag& diags) {
  if (repo.runbook_may_have_failed) return; // as above: the runbook may be a failed document
  for (const auto& alert : repo.prom_alerts) {
    if (alert.name.empty() || runbook_url_is_runbook(repo, alert)) continue;
    if (runbooks.covers(alert.name, alert.service, /*any_service=*/true)) continue;
    // A placeholder (`runbook_url: TODO`) is no runbook: on-call would follow it to nothing.
    const std::string why =
        alert.runbook_url.empty()
            ? ""
            : ": its runbook_url '" + alert.runbook_url +
                  "' is neither an http(s) address nor the path of a runbook in the repository";
    diags.error(alert.file, alert.loc, "alert-runbook",
                "alert '" + alert.name + "' has no runbook" + why,
                runbook_hint(repo, alert.name, alert.service,
                             "add a runbook with alert_name: " + alert.name +
                                 (alert.runbook_url.empty()
                                      ? ", or a runbook_url annotation"
                                      : ", or make runbook_url the runbook's address "
                                        "(https://…) or its path (runbooks/NAME.md)")));
  }
}

void lint_runbook_stale(const Runbook& rb, int stale_after_days, std::int64_t today, DiagBag& diags,
                        const History* history) {
  // The maturity rubric's "current" runbook reads the same function (model/freshness.hpp).
  if (runbook_current(rb, history, stale_after_days, today)) return;
  auto known = runbook_age_days(rb, history, today);
  // An update after now is review-date-in-future's to report, not a stale runbook.
  if (!known || *known < 0) return;
  const std::int64_t age = *known;
  if (const FileChange* ch = change_of(history, rb.meta)) {
    // Git knows when the runbook last changed; that, not the field, decides staleness.
    diags.warning(rb.meta.file, rb.last_updated.empty() ? rb.meta.loc : rb.last_updated_loc,
                  "runbook-stale",
                  "runbook last changed " + std::to_string(age) + " days ago (" + change_text(*ch) +
                      "; stale after " + std::to_string(stale_after_days) + " days)",
                  "walk through the runbook, then commit the update");
    return;
  }
  diags.warning(rb.meta.file, rb.last_updated_loc, "runbook-stale",
                "runbook last updated " + rb.last_updated + ", " + std::to_string(age) +
                    " days ago (stale after " + std::to_string(stale_after_days) + " days)",
                "walk through the runbook and update last_updated");
}

} // namespace

// A capacity model's review age: its last_reviewed, else (absent) its file's last commit;
// quarterly, as the capacity-planning maturity criterion counts it.
void lint_capacity_review(const CapacityModel& c, std::int64_t today, DiagBag& diags,
                          const FileChange* ch) {
  if (!c.last_reviewed.empty()) {
    auto reviewed = parse_date(c.last_reviewed.value);
    if (!reviewed || today - *reviewed <= 92) return;
    diags.warning(c.meta.file, c.last_reviewed.loc, "capacity-review-overdue",
                  "capacity model last reviewed " + c.last_reviewed.value + ", " +
                      std::to_string(today - *reviewed) +
                      " days ago, more than a quarter (92 days)",
                  "review the model and update last_reviewed");
    return;
  }
  if (!ch) return;
  std::int64_t age = today - day_of(ch->time);
  if (age <= 92) return;
  diags.warning(c.meta.file, c.meta.loc, "capacity-review-overdue",
                "capacity model has no last_reviewed and its file last changed " +
                    std::to_string(age) + " days ago (" + change_text(*ch) +
                    "), more than a quarter (92 days)",
                "review the model and add last_reviewed: YYYY-MM-DD");
}

// ---- Recorded data dated out of range ----

namespace {

// The first of a file's rows one test picks, and how many it picks: one finding per file.
struct FirstRow {
  int line = 0, col = 1; // the row's date cell (1: not known)
  std::int64_t day = 0;
  std::size_t count = 0;
};

std::map<std::uint32_t, FirstRow> rows_where(const Repo& repo,
                                             const std::function<bool(std::int64_t)>& pick) {
  std::map<std::uint32_t, FirstRow> by_file;
  auto note = [&](std::uint32_t file, int line, int col, std::int64_t day) {
    if (!pick(day)) return;
    FirstRow& f = by_file[file];
    if (f.count++ == 0 || line < f.line) {
      f.line = line;
      f.col = col > 0 ? col : 1;
      f.day = day;
    }
  };
  for (const auto& row : repo.csv_rows)
    note(row.file, row.line, row.date_col, row.day);
  for (const auto& row : repo.golden_rows)
    note(row.file, row.line, 0, row.day);
  return by_file;
}

std::string more_rows(const FirstRow& f) {
  return f.count > 1
             ? " (and " + std::to_string(f.count - 1) + " more row" + (f.count > 2 ? "s" : "") + ")"
             : "";
}

} // namespace

std::int64_t newest_recorded_day(const Repo& repo, std::int64_t today) {
  std::int64_t newest = std::numeric_limits<std::int64_t>::min();
  for (const auto& row : repo.csv_rows)
    if (row.day <= today) newest = std::max(newest, row.day);
  for (const auto& row : repo.golden_rows)
    if (row.day <= today) newest = std::max(newest, row.day);
  return newest;
}

void lint_csv_dates(const Repo& repo, std::int64_t today, DiagBag& diags,
                    std::int64_t newest_elsewhere) {
  // A row dated after today is stored and never shown: the figures read closed days only, so the
  // row would sit in the store unseen until its day comes. Most likely a typo in the year (2062
  // for 2026): a warning per file, at its first such row, counting the rest.
  for (const auto& [file, f] : rows_where(repo, [&](std::int64_t day) { return day > today; }))
    diags.warning(repo.csv_files[file], Loc{f.line, f.col}, "csv-future-date",
                  "row dated " + format_date(f.day) + more_rows(f) + " is after today, " +
                      format_date(today) +
                      ": recorded data of a day to come is stored and never shown",
                  "check the date's year; recorded data covers days that have ended");
  // A row dated more than k_max_record_age_days before the newest recorded day (up to today) is a
  // typo in the year too (1026 or 0026 for 2026), and it would be published: a monthly report for
  // its month, and one for every month of a history reaching back that far. An error, so nothing
  // of it is stored or shown; a repository that really holds older data lowers it in nines.yaml
  // `rules:`. Measured from the data, not from today, so a repository built years after its last
  // recorded day (an archive, a far `--now`) is read as it was.
  const std::int64_t newest = std::max(newest_recorded_day(repo, today), newest_elsewhere);
  if (newest == std::numeric_limits<std::int64_t>::min()) return;
  const std::int64_t oldest = newest - k_max_record_age_days;
  for (const auto& [file, f] : rows_where(repo, [&](std::int64_t day) { return day < oldest; }))
    diags.error(repo.csv_files[file], Loc{f.line, f.col}, "csv-old-date",
                "row dated " + format_date(f.day) + more_rows(f) + " is more than " +
                    std::to_string(k_max_record_age_days / 365) +
                    " years before the newest day recorded up to today, " + format_date(newest) +
                    ": most likely a typo in the year",
                "check the date's year; data older than " + format_date(oldest) +
                    " is refused unless nines.yaml sets rules: {csv-old-date: warning}");
}

namespace {

// A readiness review or a sign-off dated after now has not happened: it decides no row and no
// approval (docs/governance.md), so a mistyped year (2027 for 2026) would otherwise leave a review
// or a sign-off on the page that silently counts for nothing. `nines signoff` writes today's date.
void lint_readiness_dates(const Repo& repo, std::int64_t today, DiagBag& diags) {
  for (const auto& r : repo.readiness) {
    // The review's date has no location of its own: the document's, as for an assessment.
    lint_date_in_future(r.meta, "date", r.date, r.meta.loc, today, diags);
    for (const auto& s : r.signoffs) {
      auto date = parse_date(s.date);
      if (!date || *date <= today) continue;
      diags.warning(r.meta.file, s.loc, "review-date-in-future",
                    "sign-off of " + (s.name.empty() ? std::string("(no name)") : s.name) +
                        " dated " + s.date + " is after now (" + format_date(today) +
                        "): a sign-off that has not happened yet decides nothing (it neither "
                        "approves nor objects)",
                    "set its date to the day it was given (`nines signoff` records today's)");
    }
  }
}

} // namespace

void run_lints(const Repo& repo, std::int64_t today, DiagBag& diags, const History* history) {
  const RunbookIndex runbooks(repo.runbooks);
  std::unordered_set<std::string_view> services;
  for (const auto& s : repo.services)
    services.insert(s.meta.id);
  for (const auto& slo : repo.slos) {
    const FileChange* ch = change_of(history, slo.meta);
    if (!looks_like_ratio(slo)) {
      lint_error_budget(slo, diags);
      lint_budget_minutes(slo, diags);
    }
    lint_sla(slo, diags);
    lint_target_ratio(slo, diags);
    lint_target_precision(slo, diags);
    lint_review_overdue(slo, today, diags, ch);
    lint_field_out_of_date(slo.meta, "last_reviewed", slo.last_reviewed.value,
                           slo.last_reviewed.loc, ch, diags);
    lint_date_in_future(slo.meta, "last_reviewed", slo.last_reviewed.value, slo.last_reviewed.loc,
                        today, diags);
    if (!looks_like_ratio(slo)) lint_burn_alerts(slo, diags);
    lint_alert_names(slo, diags);
    lint_slo_alert_runbooks(repo, slo, runbooks, services, diags);
  }
  lint_multi_region(repo, diags);
  for (const auto& policy : repo.policies)
    lint_policy_exceptions(policy, diags);
  for (const auto& pm : repo.postmortems) {
    lint_postmortem_severity(pm, diags);
    lint_timeline_order(pm, diags);
    lint_action_items(pm, diags);
  }
  for (const auto& rotation : repo.rotations) {
    lint_rotation_size(rotation, diags);
    lint_duplicate_period(rotation, diags);
  }
  for (const auto& sli : repo.slis)
    lint_sli_query_range(sli, diags);
  for (const auto& toil : repo.toil) {
    lint_toil_hours(toil, diags);
    lint_toil_automated_status(toil, diags);
  }
  lint_prom_alert_runbooks(repo, runbooks, diags);
  lint_csv_dates(repo, today, diags);
  for (const auto& rb : repo.runbooks) {
    const FileChange* ch = change_of(history, rb.meta);
    lint_runbook_stale(rb, repo.config.stale_after_days, today, diags, history);
    lint_field_out_of_date(rb.meta, "last_updated", rb.last_updated, rb.last_updated_loc, ch,
                           diags);
    lint_date_in_future(rb.meta, "last_updated", rb.last_updated, rb.last_updated_loc, today,
                        diags);
  }
  for (const auto& c : repo.capacity) {
    const FileChange* ch = change_of(history, c.meta);
    lint_capacity_review(c, today, diags, ch);
    lint_field_out_of_date(c.meta, "last_reviewed", c.last_reviewed.value, c.last_reviewed.loc, ch,
                           diags);
    lint_date_in_future(c.meta, "last_reviewed", c.last_reviewed.value, c.last_reviewed.loc, today,
                        diags);
  }
  // An assessment after now overrides nothing (docs/scoring.md); its date has no location of
  // its own, so the document's.
  for (const auto& a : repo.assessments)
    lint_date_in_future(a.meta, "date", a.date, a.meta.loc, today, diags);
  lint_readiness_dates(repo, today, diags);
  lint_event_in_future(repo, today, diags);
}

} // namespace nines

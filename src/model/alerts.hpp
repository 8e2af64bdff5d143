// The burn-rate alerts an SLO pages with: its own `burn_rate_alerts`, or, for an SLO that writes
// none, the SRE Workbook's defaults that `nines rules` generates when its query makes rules. One
// answer for the SLO figures, `check`'s runbook lint and the rules file.
#pragma once

#include "model/model.hpp"

#include <vector>

namespace nines {

// True when `nines rules` writes rules for `slo`: its query (its own, or its SLI's) has a good
// and a total side, and both make valid PromQL.
bool slo_makes_rules(const Repo& repo, const Slo& slo);

// True when `nines rules` gives `slo` the Workbook's default alerts: it has no burn_rate_alerts
// key at all (an explicit `burn_rate_alerts: []` opts out of paging) and its query makes rules.
bool pages_with_workbook_alerts(const Repo& repo, const Slo& slo);

// The burnrate conditions of `slo`'s OpenSLO alert policies that `nines rules` makes alerts of
// (when slo_makes_rules): op gt or gte, with a threshold and a lookbackWindow, each condition
// (by name) once. A condition with lt or lte would fire while the budget burns slowly: no rule.
struct RuleCondition {
  const AlertPolicySpec* policy = nullptr;
  const AlertConditionSpec* condition = nullptr;
};
std::vector<RuleCondition> rule_conditions(const Slo& slo);

// The Workbook's default alerts (k_workbook_alerts) as burn-rate alerts of `slo`, at its own line.
std::vector<BurnRateAlert> workbook_alerts(const Slo& slo);
// Whether an alert's long window fits in an SLO window of `window_days`: a longer one has spent
// more than the whole budget by the time it fires (the burn-alert-windows rule).
bool window_holds_alert(double long_window_min, double window_days);
// Those `slo`'s target can reach (burn_rate_reachable) and whose long window its window holds
// (a 2-day SLO has no 3-day slow burn): what `nines rules` writes for it when
// pages_with_workbook_alerts, and what its page and `check` show.
std::vector<BurnRateAlert> reachable_workbook_alerts(const Slo& slo);

// Whether a Prometheus rule's runbook_url annotation is a runbook (SPEC 3.6): an http:// or
// https:// address with a host, or the path of a runbook of the repository: its file, from the
// repository's top (`runbooks/db.md`, `/runbooks/db.md`) or from the rule file's folder
// (`../runbooks/db.md`), or its page on the site (`runbooks/ID/`, as `nines rules` writes it
// without a base_url), with an optional `#section`. A placeholder (`TODO`, `tbd`, `-`, `n/a`,
// empty) is neither. One rule for `check`'s alert-runbook lint, the readiness row, maturity and
// `check --since`.
bool runbook_url_is_runbook(const Repo& repo, const PromAlert& alert);

} // namespace nines

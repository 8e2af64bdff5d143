// The burn-rate alerts an SLO pages with: its own `burn_rate_alerts`, or, for an SLO that writes
// none, the SRE Workbook's defaults that `nines rules` generates when its query makes rules. One
// answer for the SLO figures, `check`'s runbook lint and the rules file.
#pragma once

#include "model/model.hpp"

#include <vector>

namespace nines {

// True when `nines rules` gives `slo` the Workbook's default alerts: it has no burn_rate_alerts
// key at all (an explicit `burn_rate_alerts: []` opts out of paging) and its query makes rules.
bool pages_with_workbook_alerts(const Repo& repo, const Slo& slo);

// The Workbook's default alerts (k_workbook_alerts) as burn-rate alerts of `slo`, at its own line.
std::vector<BurnRateAlert> workbook_alerts(const Slo& slo);
// Those `slo`'s target can reach (burn_rate_reachable): what `nines rules` writes for it when
// pages_with_workbook_alerts, and what its page and `check` show.
std::vector<BurnRateAlert> reachable_workbook_alerts(const Slo& slo);

} // namespace nines

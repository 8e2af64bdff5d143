// Postmortems checked against the data (SPEC 3.4): the error budget a postmortem says its incident
// consumed (`impact.slo_budget_consumed_pct`), recomputed from the recorded daily data of the
// affected services' SLOs. Pure functions of the model and the series; the findings are
// diagnostics the driver adds at the stage that has the data.
#pragma once

#include "diag/diagnostic.hpp"
#include "model/model.hpp"
#include "model/series.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nines {

// One affected SLO's share of its budget spent on the incident's days.
struct ClaimSlo {
  std::string slo;
  double consumed_pct = 0; // 100 · bad(incident days) / (b · total(window ending on the last day))
};

struct BudgetClaimFigures {
  std::string postmortem;
  std::optional<double> claimed_pct;  // impact.slo_budget_consumed_pct, as written
  std::string first_day, last_day;    // the incident's days, YYYY-MM-DD; empty without a date
  std::vector<ClaimSlo> slos;         // affected SLOs whose data covers every incident day
  std::optional<std::string> slo;     // the one that consumed the most (what a claim is about)
  std::optional<double> computed_pct; // its figure; null when no SLO's data covers the days
  bool disagrees = false;             // claim and data > 5 points and > 2× apart
};

// The incident's days: from `date` to the day of its last dated timeline entry (an incident that
// ran past midnight), else `date` alone. nullopt when the date cannot be read.
std::optional<std::pair<std::int64_t, std::int64_t>> incident_days(const Postmortem& pm);

// More than 5 percentage points apart and more than a factor of 2 (either way).
bool claim_disagrees(double claimed_pct, double computed_pct);

// The figures of one postmortem. An SLO counts only when every incident day has data (a usable
// day: total > 0); without one the figure is null, and nothing is judged.
BudgetClaimFigures check_budget_claim(const Repo& repo, const Postmortem& pm,
                                      const std::map<std::string, DailySeries>& series);
// Every postmortem of the repo that names a service, in repo order.
std::vector<BudgetClaimFigures>
check_budget_claims(const Repo& repo, const std::map<std::string, DailySeries>& series);

// The `postmortem-budget-claim` warning, at the claim, for every figure that disagrees.
void report_budget_claims(const Repo& repo, const std::vector<BudgetClaimFigures>& claims,
                          DiagBag& diags);

} // namespace nines

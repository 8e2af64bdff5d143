#include "compute/claims.hpp"

#include "compute/detail.hpp"
#include "compute/slo.hpp"
#include "model/numbers.hpp"
#include "model/time.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

namespace nines {

namespace {

constexpr double k_points_apart = 5.0; // percentage points
constexpr double k_factor_apart = 2.0;

// One decimal, as the postmortem page shows it.
std::string pct_text(double v) {
  return fixed_text(v, 1) + "%";
}

} // namespace

std::optional<std::pair<std::int64_t, std::int64_t>> incident_days(const Postmortem& pm) {
  auto first = compute_detail::day_of_text(pm.date);
  if (!first) return std::nullopt;
  std::int64_t last = *first;
  for (const auto& t : pm.timeline) {
    bool dated = false;
    auto when = parse_timeline_time(t.time, dated);
    // A dated entry before the incident's date is a typo the timeline lint reports; it does not
    // move the incident.
    if (when && dated) last = std::max(last, day_of(*when));
  }
  return std::make_pair(*first, last);
}

bool claim_disagrees(double claimed, double computed) {
  if (std::fabs(claimed - computed) <= k_points_apart) return false;
  const double lo = std::min(claimed, computed), hi = std::max(claimed, computed);
  return hi > k_factor_apart * lo; // lo ≤ 0 with a 5-point gap is always more than 2× apart
}

BudgetClaimFigures check_budget_claim(const Repo& repo, const Postmortem& pm,
                                      const std::map<std::string, DailySeries>& series) {
  BudgetClaimFigures c;
  c.postmortem = pm.meta.id;
  c.claimed_pct = pm.slo_budget_consumed_pct;
  auto days = incident_days(pm);
  if (!days) return c;
  const auto [first, last] = *days;
  c.first_day = format_date(first);
  c.last_day = format_date(last);
  for (const auto& ref : pm.services) {
    for (const Slo* slo : compute_detail::slos_of(repo, ref.id)) {
      auto it = series.find(slo->meta.id);
      if (it == series.end()) continue;
      const DailySeries* s = &it->second;
      RangeTotals incident = sum_range(s, first, last);
      // Every incident day must have data: a partial day would understate what was spent.
      if (incident.days_with_data != last - first + 1) continue;
      std::int64_t w = std::max<std::int64_t>(1, std::llround(slo->window_days));
      RangeTotals window = sum_range(s, last - w + 1, last);
      const double b = budget_fraction(slo->target);
      if (!(window.total > 0) || !(b > 0)) continue;
      c.slos.push_back(
          {slo->meta.id, 100.0 * (incident.total - incident.good) / (b * window.total)});
    }
  }
  // The claim is about the SLO the incident hurt most; ties keep repo order.
  for (const auto& s : c.slos)
    if (!c.computed_pct || s.consumed_pct > *c.computed_pct) {
      c.slo = s.slo;
      c.computed_pct = s.consumed_pct;
    }
  c.disagrees = c.claimed_pct && c.computed_pct && std::isfinite(*c.claimed_pct) &&
                claim_disagrees(*c.claimed_pct, *c.computed_pct);
  return c;
}

std::vector<BudgetClaimFigures>
check_budget_claims(const Repo& repo, const std::map<std::string, DailySeries>& series) {
  // Each claim looks up its services' SLOs. compute_all holds an index while it calls this; `check`
  // calls it alone, where every look-up scanned all SLOs: quadratic in the repository (its link
  // stage took 11x the time for 5x the documents).
  std::optional<compute_detail::IndexScope> index;
  if (!compute_detail::IndexScope::covers(repo)) index.emplace(repo);
  std::vector<BudgetClaimFigures> out;
  for (const auto& pm : repo.postmortems)
    if (!pm.services.empty()) out.push_back(check_budget_claim(repo, pm, series));
  return out;
}

void report_budget_claims(const Repo& repo, const std::vector<BudgetClaimFigures>& claims,
                          DiagBag& diags) {
  for (const auto& c : claims) {
    if (!c.disagrees) continue;
    const Postmortem* pm = nullptr;
    for (const auto& p : repo.postmortems)
      if (p.meta.id == c.postmortem) pm = &p;
    if (!pm) continue;
    const std::string days = c.first_day == c.last_day
                                 ? "on " + c.first_day
                                 : "from " + c.first_day + " to " + c.last_day;
    diags.warning(pm->meta.file,
                  pm->budget_consumed_loc.line ? pm->budget_consumed_loc : pm->meta.loc,
                  "postmortem-budget-claim",
                  "slo_budget_consumed_pct says " + pct_text(*c.claimed_pct) +
                      ", but the recorded data of " + *c.slo + " says " +
                      pct_text(*c.computed_pct) + " of its error budget was consumed " + days,
                  "correct the figure, or the data: nines counts the bad events of the incident's "
                  "days over the bad events the SLO's window (ending on its last day) allows");
  }
}

} // namespace nines

#include "compute/figures_all.hpp"

namespace nines {

Figures compute_all(const Repo& repo, const std::map<std::string, DailySeries>& series,
                    const std::map<std::string, LiveWindows>& live, std::int64_t now) {
  Figures f;
  f.now = now;
  f.slos = compute_slos(repo, series, live, now);
  f.maturity = compute_maturity(repo, series, now);
  for (const auto& s : repo.services) f.readiness.push_back(compute_readiness(repo, s.meta.id, series));
  f.incidents = compute_incidents(repo, now);
  f.toil = compute_toil(repo);
  f.team_toil = compute_team_toil(repo);
  f.capacity = compute_capacity(repo);
  f.oncall = compute_oncall(repo);
  for (const auto& period : months_with_data(repo))
    if (auto r = compute_report(repo, series, period, now)) f.reports.emplace(period, *r);
  return f;
}

} // namespace nines

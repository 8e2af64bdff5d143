#include "model/alerts.hpp"

#include "model/budget.hpp"
#include "model/promql.hpp"

namespace nines {

bool pages_with_workbook_alerts(const Repo& repo, const Slo& slo) {
  if (slo.alerts_declared || !slo.alerts.empty()) return false;
  const SliQuery* query = slo_query(repo, slo).query;
  return query && !query->good.empty() && !query->total.empty() && sli_query_renders(query->good) &&
         sli_query_renders(query->total);
}

std::vector<BurnRateAlert> workbook_alerts(const Slo& slo) {
  std::vector<BurnRateAlert> out;
  for (const auto& w : k_workbook_alerts) {
    BurnRateAlert a;
    a.name = w.name;
    a.loc = slo.meta.loc;
    a.burn_rate = w.burn_rate;
    a.short_window = w.short_window;
    a.long_window = w.long_window;
    a.severity = w.severity;
    a.short_window_min = w.short_window_min;
    a.long_window_min = w.long_window_min;
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<BurnRateAlert> reachable_workbook_alerts(const Slo& slo) {
  std::vector<BurnRateAlert> out = workbook_alerts(slo);
  std::erase_if(
      out, [&](const BurnRateAlert& a) { return !burn_rate_reachable(a.burn_rate, slo.target); });
  return out;
}

} // namespace nines

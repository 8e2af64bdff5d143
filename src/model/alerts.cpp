#include "model/alerts.hpp"

#include "model/budget.hpp"
#include "model/promql.hpp"

#include <set>
#include <string>

namespace nines {

bool slo_makes_rules(const Repo& repo, const Slo& slo) {
  const SliQuery* query = slo_query(repo, slo).query;
  return query && !query->good.empty() && !query->total.empty() && sli_query_renders(query->good) &&
         sli_query_renders(query->total);
}

bool pages_with_workbook_alerts(const Repo& repo, const Slo& slo) {
  if (slo.alerts_declared || !slo.alerts.empty()) return false;
  return slo_makes_rules(repo, slo);
}

std::vector<RuleCondition> rule_conditions(const Slo& slo) {
  std::vector<RuleCondition> out;
  std::set<std::string> seen;
  for (const auto& p : slo.alert_policies)
    for (const auto& c : p.conditions) {
      if (c.kind != "burnrate" || !c.threshold || c.lookback_minutes <= 0 || c.name.empty() ||
          (c.op != "gt" && c.op != "gte"))
        continue;
      if (seen.insert(c.name).second) out.push_back({&p, &c});
    }
  return out;
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

bool window_holds_alert(double long_window_min, double window_days) {
  return !(long_window_min > 0 && window_days > 0 && long_window_min > window_days * 1440.0 + 1e-9);
}

std::vector<BurnRateAlert> reachable_workbook_alerts(const Slo& slo) {
  std::vector<BurnRateAlert> out = workbook_alerts(slo);
  std::erase_if(out, [&](const BurnRateAlert& a) {
    return !burn_rate_reachable(a.burn_rate, slo.target) ||
           !window_holds_alert(a.long_window_min, slo.window_days);
  });
  return out;
}

} // namespace nines
